/*
 * The virtio core: device state shared by every virtio device (features,
 * status, ISR, config space) and split virtqueues, independent of the
 * transport (PCI, MMIO) that exposes them to the guest.
 *
 * Three parties meet here:
 * - a device (virtio-net) embeds a VirtIODevice, calls virtio_init() with a
 *   VirtIODeviceOps table and adds its queues; its queue handlers use
 *   virtqueue_pop/fill/flush/push and virtio_notify();
 * - a transport binds a VirtIOTransportOps table (the interrupt line) and
 *   forwards register accesses to the virtio_* "transport side" functions;
 * - the guest, which is not trusted: every ring, descriptor and buffer
 *   address goes through hw/dma.h, and anything malformed puts the device
 *   into DEVICE_NEEDS_RESET (virtio_error(): status bit, config interrupt,
 *   one log line) instead of harming the emulator.  A reset (status 0)
 *   clears that state.
 *
 * Limits chosen here (VIRTIO 1.2 leaves them to the device):
 * - a descriptor chain has at most VIRTQUEUE_MAX_SG segments and at most
 *   VIRTQUEUE_MAX_CHAIN_BYTES bytes in total (1 MiB: a 64 KiB GSO frame
 *   with its header fits many times over);
 * - an indirect table has 1..VIRTQUEUE_MAX_SG entries, may only be the head
 *   of a chain, and may not nest;
 * - zero-length descriptors are tolerated and skipped (the spec does not
 *   forbid them; they carry nothing);
 * - device-readable descriptors must come before device-writable ones.
 *
 * Ring memory must lie wholly in guest RAM when a queue is made ready; the
 * rings are then accessed through host pointers (RAM is one host mapping
 * that never moves).  Alignment is not enforced: all accesses go through
 * the unaligned-safe helpers of qemu/bswap.h.
 *
 * Everything runs in the main loop thread.
 */
#ifndef HW_VIRTIO_VIRTIO_H
#define HW_VIRTIO_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include <glib.h>

#include "hw/dma.h"
/* Rings and config space are little-endian: every virtio user needs it. */
#include "qemu/bswap.h"

/* A 64-bit register written as two 32-bit halves (queue addresses on
 * both transports): OLD with its HIGH or low half replaced by VALUE. */
static inline uint64_t virtio_set_half(uint64_t old, bool high, uint32_t value)
{
    return high ? (old & 0xffffffffull) | (uint64_t)value << 32
                : (old & ~0xffffffffull) | value;
}

/* ---- constants from the VIRTIO 1.2 specification ---- */

/* Device status (2.1) */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE     1
#define VIRTIO_CONFIG_S_DRIVER          2
#define VIRTIO_CONFIG_S_DRIVER_OK       4
#define VIRTIO_CONFIG_S_FEATURES_OK     8
#define VIRTIO_CONFIG_S_NEEDS_RESET     0x40
#define VIRTIO_CONFIG_S_FAILED          0x80

/* Reserved feature bits (6) */
#define VIRTIO_F_NOTIFY_ON_EMPTY        24      /* legacy */
#define VIRTIO_F_ANY_LAYOUT             27      /* legacy */
#define VIRTIO_F_RING_INDIRECT_DESC     28
#define VIRTIO_F_RING_EVENT_IDX         29
#define VIRTIO_F_VERSION_1              32

/* ISR status bits (4.1.4.5); virtio-mmio's InterruptStatus uses the same */
#define VIRTIO_ISR_QUEUE                1
#define VIRTIO_ISR_CONFIG               2

/* Split virtqueue (2.7) */
#define VRING_DESC_F_NEXT               1
#define VRING_DESC_F_WRITE              2
#define VRING_DESC_F_INDIRECT           4
#define VRING_AVAIL_F_NO_INTERRUPT      1
#define VRING_USED_F_NO_NOTIFY          1
#define VRING_DESC_SIZE                 16
#define VRING_USED_ELEM_SIZE            8
/* Legacy interface: the queue's page frame number is in 4096-byte units and
 * the used ring starts on the next 4096-byte boundary after the avail ring. */
#define VIRTIO_PCI_VRING_ALIGN          4096
#define VIRTIO_LEGACY_PFN_SHIFT         12

#define VIRTIO_ID_NET                   1

/* ---- limits of this implementation ---- */

#define VIRTIO_QUEUE_MAX                8       /* queues per device */
#define VIRTQUEUE_MAX_SIZE              1024    /* largest Queue Size */
#define VIRTQUEUE_MAX_SG                1024    /* segments per chain */
#define VIRTQUEUE_MAX_CHAIN_BYTES       (1u << 20)
/* Devices whose guest keeps breaking them stop being reported after this
 * many episodes, so a hostile guest cannot flood the log. */
#define VIRTIO_ERROR_REPORT_LIMIT       16

typedef struct VirtIODevice VirtIODevice;
typedef struct VirtQueue VirtQueue;

/*
 * One popped descriptor chain.  Readable segments come first (out_sg), then
 * writable ones (in_sg); both point into guest RAM.  Elements are allocated
 * once by the device (virtqueue_element_new) and reused for every pop.
 */
typedef struct VirtQueueElement {
    unsigned head;              /* what the used ring reports */
    unsigned out_num, in_num;
    size_t out_len, in_len;     /* totals of each side */
    struct iovec *out_sg;
    struct iovec *in_sg;
    uint64_t *in_addr;          /* guest addresses of in_sg, for marking */
    unsigned max_sg;
    uint64_t *addr;             /* guest address of every sg entry */
    struct iovec sg[];
} VirtQueueElement;

VirtQueueElement *virtqueue_element_new(unsigned max_sg);
void virtqueue_element_free(VirtQueueElement *elem);

/* A queue's handler runs when the guest notifies (kicks) the queue. */
typedef void VirtIOHandleQueue(VirtIODevice *vdev, VirtQueue *vq);

/* What a device provides; every hook may be NULL. */
typedef struct VirtIODeviceOps {
    /* Refresh vdev->config (little-endian) before the guest reads it. */
    void (*get_config)(VirtIODevice *vdev, uint8_t *config);
    /* The guest wrote vdev->config. */
    void (*set_config)(VirtIODevice *vdev, const uint8_t *config);
    /* May the driver accept FEATURES (a subset of the offered ones)? */
    bool (*validate_features)(VirtIODevice *vdev, uint64_t features);
    /* The driver's features are final (FEATURES_OK, or a legacy write). */
    void (*set_features)(VirtIODevice *vdev, uint64_t features);
    /* Called after every status change, with the old status. */
    void (*set_status)(VirtIODevice *vdev, uint8_t old_status);
    /* The device resets; the core has already reset its queues. */
    void (*reset)(VirtIODevice *vdev);
} VirtIODeviceOps;

/* What a transport provides. */
typedef struct VirtIOTransportOps {
    /* The interrupt line follows ISR != 0 (INTx, or virtio-mmio's line). */
    void (*set_irq)(void *opaque, bool level);
    /* Optional, for transports with per-event vectors (MSI-X later). */
    void (*notify_queue)(void *opaque, unsigned queue);
    void (*notify_config)(void *opaque);
} VirtIOTransportOps;

/* Counters of guest mistakes that are dropped rather than fatal. */
typedef struct VirtIOStats {
    uint64_t bad_notify;        /* kick of a queue that does not exist */
    uint64_t notify_not_ready;  /* kick of a queue not set up */
    uint64_t bad_queue_size;    /* Queue Size write that was not accepted */
} VirtIOStats;

/*
 * Core-owned state; devices and transports read it through the functions
 * below (the fields are public only so devices can embed the struct).
 */
struct VirtIODevice {
    const char *name;           /* "virtio-net": prefix of log messages */
    uint16_t device_id;
    const VirtIODeviceOps *ops;
    const DMAContext *dma;
    uint64_t host_features;     /* offered */
    uint64_t driver_features;   /* written by the driver, not yet final */
    uint64_t guest_features;    /* final (after FEATURES_OK) */
    uint8_t status;
    uint8_t isr;
    uint32_t config_generation;
    size_t config_len;
    uint8_t *config;
    unsigned num_queues;
    VirtQueue *vq[VIRTIO_QUEUE_MAX];
    bool broken;                /* NEEDS_RESET was set; queues are dead */
    unsigned error_reports;
    const VirtIOTransportOps *transport;
    void *transport_opaque;
    VirtIOStats stats;
};

/* ---- device side ---- */

/* HOST_FEATURES: the device's own bits; the core adds its ring features. */
void virtio_init(VirtIODevice *vdev, const char *name, uint16_t device_id,
                 const VirtIODeviceOps *ops, const DMAContext *dma,
                 size_t config_len, uint64_t host_features);
void virtio_cleanup(VirtIODevice *vdev);
/* Adds queue number vdev->num_queues; MAX_SIZE a power of two <= 1024. */
VirtQueue *virtio_add_queue(VirtIODevice *vdev, unsigned max_size,
                            VirtIOHandleQueue *handler);

static inline bool virtio_has_feature(const VirtIODevice *vdev, unsigned bit)
{
    return (vdev->guest_features >> bit) & 1;
}

static inline bool virtio_driver_ok(const VirtIODevice *vdev)
{
    return (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) && !vdev->broken;
}

/*
 * Fills ELEM with the next available chain; false if there is none or the
 * ring is malformed (then the device is broken: see virtio_error).
 */
bool virtqueue_pop(VirtQueue *vq, VirtQueueElement *elem);
/* Gives back the last COUNT popped, unused chains (to pop them again). */
void virtqueue_rewind(VirtQueue *vq, unsigned count);
/* Records ELEM as used with LEN bytes written, IDX places after the last
 * flushed entry; the guest sees nothing until virtqueue_flush(). */
void virtqueue_fill(VirtQueue *vq, const VirtQueueElement *elem, size_t len,
                    unsigned idx);
void virtqueue_flush(VirtQueue *vq, unsigned count);
void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem, size_t len);
/* True if no chain is available (or the queue is not usable). */
bool virtqueue_empty(VirtQueue *vq);
/* Ask the guest (not) to kick.  After enabling, check virtqueue_empty()
 * again: the guest may have added buffers while kicks were off. */
void virtqueue_set_notification(VirtQueue *vq, bool enable);
/* Interrupt the guest for used buffers, unless it suppressed that. */
void virtio_notify(VirtIODevice *vdev, VirtQueue *vq);
/* The config space changed: new generation, config interrupt. */
void virtio_notify_config(VirtIODevice *vdev);
/* The guest broke the device: NEEDS_RESET, config interrupt, one log line. */
void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

unsigned virtqueue_index(const VirtQueue *vq);
unsigned virtqueue_size(const VirtQueue *vq);
bool virtqueue_ready(const VirtQueue *vq);
VirtIODevice *virtqueue_vdev(const VirtQueue *vq);

/* ---- transport side ---- */

void virtio_bind_transport(VirtIODevice *vdev, const VirtIOTransportOps *ops,
                           void *opaque);

/* Features in 32-bit windows, as both PCI and MMIO expose them. */
uint32_t virtio_read_device_features(VirtIODevice *vdev, unsigned select);
uint32_t virtio_read_driver_features(VirtIODevice *vdev, unsigned select);
/* Staged until the driver sets FEATURES_OK. */
void virtio_write_driver_features(VirtIODevice *vdev, unsigned select,
                                  uint32_t value);
/* Legacy interface: the low 32 bits, final at once (no FEATURES_OK). */
void virtio_set_features_legacy(VirtIODevice *vdev, uint32_t value);

/*
 * Status register write.  0 resets the device.  FEATURES_OK is accepted only
 * if the staged features are offered, include VERSION_1 and pass the
 * device's check; otherwise the bit stays clear for the driver to see.
 */
void virtio_set_status(VirtIODevice *vdev, uint8_t status);
void virtio_reset(VirtIODevice *vdev);

/* ISR read (PCI): returns the bits and clears them, lowering the line. */
uint8_t virtio_isr_read_clear(VirtIODevice *vdev);
/* InterruptACK (MMIO): clears the given bits. */
void virtio_isr_ack(VirtIODevice *vdev, uint8_t bits);

/* Device config space; SIZE 1, 2 or 4; outside the space reads 0 and
 * writes are ignored. */
uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t offset,
                            unsigned size);
void virtio_config_write(VirtIODevice *vdev, uint32_t offset, unsigned size,
                         uint32_t value);

/* Queue setup; N out of range reads as an absent queue (max size 0). */
unsigned virtio_queue_max_size(VirtIODevice *vdev, unsigned n);
unsigned virtio_queue_get_size(VirtIODevice *vdev, unsigned n);
/* Accepts a power of two <= max size while the queue is not ready. */
bool virtio_queue_set_size(VirtIODevice *vdev, unsigned n, unsigned size);
void virtio_queue_set_desc_addr(VirtIODevice *vdev, unsigned n, uint64_t a);
void virtio_queue_set_avail_addr(VirtIODevice *vdev, unsigned n, uint64_t a);
void virtio_queue_set_used_addr(VirtIODevice *vdev, unsigned n, uint64_t a);
uint64_t virtio_queue_get_desc_addr(VirtIODevice *vdev, unsigned n);
uint64_t virtio_queue_get_avail_addr(VirtIODevice *vdev, unsigned n);
uint64_t virtio_queue_get_used_addr(VirtIODevice *vdev, unsigned n);
/*
 * queue_enable / QueueReady.  Enabling checks that the rings lie in RAM
 * (else virtio_error and false).  Disabling forgets the queue's state.
 */
bool virtio_queue_set_ready(VirtIODevice *vdev, unsigned n, bool ready);
bool virtio_queue_get_ready(VirtIODevice *vdev, unsigned n);
/* Legacy interface: PFN != 0 places the three rings and enables the queue
 * at its maximum size; 0 disables it. */
void virtio_queue_set_legacy_pfn(VirtIODevice *vdev, unsigned n,
                                 uint32_t pfn);
uint32_t virtio_queue_get_legacy_pfn(VirtIODevice *vdev, unsigned n);
/* The guest kicked queue N (a queue that does not exist is counted). */
void virtio_queue_notify(VirtIODevice *vdev, unsigned n);

#endif
