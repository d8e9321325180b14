/*
 * A test "guest" for virtio device tests: a RAM buffer with a DMAContext
 * over it, a fake transport that records interrupts, and split rings built
 * by hand the way a driver would (so tests can also build them wrongly).
 *
 * Everything the guest writes goes straight into RAM in little-endian
 * layout; the device under test is driven only through the transport-side
 * API of hw/virtio/virtio.h, as a PCI or MMIO transport would drive it.
 */
#ifndef TESTS_UNIT_VIRTIO_GUEST_H
#define TESTS_UNIT_VIRTIO_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/virtio/virtio.h"

#define GUEST_RAM_BASE 0x80000000ull
#define GUEST_RAM_SIZE (4u << 20)

typedef struct TestGuest {
    uint8_t *ram;
    DMAContext dma;
    uint64_t next_free;         /* bump allocator */
    /* the fake transport */
    bool irq_level;
    unsigned irq_raises;        /* low -> high edges */
    unsigned queue_notifies;
    unsigned config_notifies;
    unsigned invalidations;     /* dma_mark_written calls */
} TestGuest;

typedef struct TestBuf {
    uint64_t addr;
    uint32_t len;
    bool write;                 /* device-writable */
} TestBuf;

/* The driver's view of one split ring. */
typedef struct TestRing {
    TestGuest *g;
    VirtIODevice *vdev;
    unsigned index;
    unsigned size;
    uint64_t desc, avail, used;
    uint16_t avail_idx;         /* next avail entry the driver fills */
    uint16_t last_used;         /* next used entry the driver reads */
    unsigned next_desc;         /* descriptors are handed out round-robin */
} TestRing;

TestGuest *guest_new(void);
void guest_free(TestGuest *g);
uint64_t guest_alloc(TestGuest *g, uint64_t size, uint64_t align);
void *guest_ptr(TestGuest *g, uint64_t addr);
/* A buffer of LEN bytes filled with FILL. */
uint64_t guest_buf(TestGuest *g, uint32_t len, uint8_t fill);

void guest_bind(TestGuest *g, VirtIODevice *vdev);
/* ACKNOWLEDGE, DRIVER, features, FEATURES_OK; true if the device kept it. */
bool guest_negotiate(VirtIODevice *vdev, uint64_t features);
void guest_driver_ok(VirtIODevice *vdev);

/* Allocates and programs queue INDEX (modern registers) with SIZE. */
void ring_init(TestRing *r, TestGuest *g, VirtIODevice *vdev, unsigned index,
               unsigned size);
/* Legacy: one contiguous area at a 4096-aligned PFN, maximum size. */
void ring_init_legacy(TestRing *r, TestGuest *g, VirtIODevice *vdev,
                      unsigned index);
/* Re-programs the same ring memory after a device reset (zeroed). */
void ring_reinit(TestRing *r);

void ring_write_desc(TestRing *r, unsigned i, uint64_t addr, uint32_t len,
                     uint16_t flags, uint16_t next);
/* Places HEAD in the avail ring and publishes it. */
void ring_put_avail(TestRing *r, uint16_t head);
void ring_set_avail_idx(TestRing *r, uint16_t idx);
/* A chain of N buffers (direct descriptors), published; returns the head. */
unsigned ring_add(TestRing *r, const TestBuf *bufs, unsigned n);
/* Same through one indirect table. */
unsigned ring_add_indirect(TestRing *r, const TestBuf *bufs, unsigned n);
void ring_kick(TestRing *r);

uint16_t ring_used_idx(TestRing *r);
uint16_t ring_used_flags(TestRing *r);
uint16_t ring_avail_event(TestRing *r);
void ring_set_avail_flags(TestRing *r, uint16_t flags);
void ring_set_used_event(TestRing *r, uint16_t v);
/* Takes the next used entry; false if there is none. */
bool ring_get_used(TestRing *r, uint32_t *id, uint32_t *len);

#endif
