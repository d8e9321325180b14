/*
 * The virtio core: device status, features, ISR, config space and split
 * virtqueues.  See include/hw/virtio/virtio.h for the rules.
 *
 * Memory ordering: the guest CPU runs in this same thread (DESIGN.md: one
 * thread), so it never observes a ring half-updated.  The fences below cost
 * nothing measurable and keep the ring protocol correct should the CPU ever
 * move to a thread of its own.
 */
#define G_LOG_DOMAIN "virtio"

#include "hw/virtio/virtio.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#define virtio_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

struct VirtQueue {
    VirtIODevice *vdev;
    VirtIOHandleQueue *handler;
    unsigned index;
    unsigned max_size;
    unsigned size;              /* what the guest chose (power of two) */
    uint64_t desc_addr, avail_addr, used_addr;
    uint32_t legacy_pfn;
    bool ready;
    /* Host views of the rings, valid while ready (checked at enable). */
    const uint8_t *desc;
    const uint8_t *avail;
    uint8_t *used;
    uint16_t last_avail_idx;    /* next avail entry we will pop */
    uint16_t used_idx;          /* next used entry we will publish */
    uint16_t signalled_used;    /* used_idx when we last interrupted */
    bool signalled_used_valid;
    bool notification;          /* the guest should kick us */
    unsigned inuse;             /* popped, not yet flushed */
};

/* Sizes of the three parts of a split ring with SIZE entries (2.7). */
static uint64_t desc_bytes(unsigned size)
{
    return (uint64_t)VRING_DESC_SIZE * size;
}

static uint64_t avail_bytes(unsigned size)
{
    return 6 + 2 * (uint64_t)size;      /* flags, idx, ring, used_event */
}

static uint64_t used_bytes(unsigned size)
{
    return 6 + (uint64_t)VRING_USED_ELEM_SIZE * size;   /* + avail_event */
}

static bool is_power_of_2(unsigned v)
{
    return v && !(v & (v - 1));
}

/* ---------------------------------------------------------------------- */
/* Errors and interrupts */

void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
{
    va_list ap;
    char msg[256];

    if (vdev->broken) {
        return;                 /* reported once per episode */
    }
    vdev->broken = true;
    vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
    if (vdev->error_reports < VIRTIO_ERROR_REPORT_LIMIT) {
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        vdev->error_reports++;
        g_warning("%s: %s; the device needs a reset%s", vdev->name, msg,
                  vdev->error_reports == VIRTIO_ERROR_REPORT_LIMIT
                  ? " (further guest errors on this device are not reported)"
                  : "");
    }
    virtio_notify_config(vdev);
}

static void virtio_update_irq(VirtIODevice *vdev)
{
    if (vdev->transport && vdev->transport->set_irq) {
        vdev->transport->set_irq(vdev->transport_opaque, vdev->isr != 0);
    }
}

static void virtio_raise_isr(VirtIODevice *vdev, uint8_t bits)
{
    vdev->isr |= bits;
    virtio_update_irq(vdev);
}

uint8_t virtio_isr_read_clear(VirtIODevice *vdev)
{
    uint8_t isr = vdev->isr;

    vdev->isr = 0;
    virtio_update_irq(vdev);
    return isr;
}

void virtio_isr_ack(VirtIODevice *vdev, uint8_t bits)
{
    vdev->isr &= (uint8_t)~bits;
    virtio_update_irq(vdev);
}

void virtio_notify_config(VirtIODevice *vdev)
{
    vdev->config_generation++;
    /* Before DRIVER_OK the driver has no handler for it yet; it reads the
     * config (and the generation) during initialisation anyway. */
    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return;
    }
    virtio_raise_isr(vdev, VIRTIO_ISR_CONFIG);
    if (vdev->transport && vdev->transport->notify_config) {
        vdev->transport->notify_config(vdev->transport_opaque);
    }
}

/* ---------------------------------------------------------------------- */
/* Ring fields (little-endian, in guest RAM) */

static uint16_t avail_flags(const VirtQueue *vq)
{
    return lduw_le_p(vq->avail);
}

static uint16_t avail_idx(const VirtQueue *vq)
{
    return lduw_le_p(vq->avail + 2);
}

static uint16_t avail_ring(const VirtQueue *vq, unsigned i)
{
    return lduw_le_p(vq->avail + 4 + 2 * i);
}

static uint16_t used_event(const VirtQueue *vq)
{
    return lduw_le_p(vq->avail + 4 + 2 * vq->size);
}

/* Writes LEN bytes of the used ring at OFFSET and tells the CPU. */
static void used_write16(VirtQueue *vq, uint64_t offset, uint16_t v)
{
    stw_le_p(vq->used + offset, v);
    dma_mark_written(vq->vdev->dma, vq->used_addr + offset, 2);
}

static void set_avail_event(VirtQueue *vq, uint16_t v)
{
    used_write16(vq, 4 + (uint64_t)VRING_USED_ELEM_SIZE * vq->size, v);
}

/* ---------------------------------------------------------------------- */
/* Queue setup (transport side) */

static VirtQueue *get_vq(VirtIODevice *vdev, unsigned n)
{
    return n < vdev->num_queues ? vdev->vq[n] : NULL;
}

static void queue_reset(VirtQueue *vq)
{
    vq->size = vq->max_size;
    vq->desc_addr = vq->avail_addr = vq->used_addr = 0;
    vq->legacy_pfn = 0;
    vq->ready = false;
    vq->desc = vq->avail = NULL;
    vq->used = NULL;
    vq->last_avail_idx = vq->used_idx = 0;
    vq->signalled_used = 0;
    vq->signalled_used_valid = false;
    vq->notification = true;
    vq->inuse = 0;
}

unsigned virtio_queue_max_size(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = get_vq(vdev, n);
    return vq ? vq->max_size : 0;
}

unsigned virtio_queue_get_size(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = get_vq(vdev, n);
    return vq ? vq->size : 0;
}

bool virtio_queue_set_size(VirtIODevice *vdev, unsigned n, unsigned size)
{
    VirtQueue *vq = get_vq(vdev, n);

    if (!vq || vq->ready || !is_power_of_2(size) || size > vq->max_size) {
        vdev->stats.bad_queue_size++;
        return false;
    }
    vq->size = size;
    return true;
}

void virtio_queue_set_desc_addr(VirtIODevice *vdev, unsigned n, uint64_t a)
{
    VirtQueue *vq = get_vq(vdev, n);
    if (vq && !vq->ready) {
        vq->desc_addr = a;
    }
}

void virtio_queue_set_avail_addr(VirtIODevice *vdev, unsigned n, uint64_t a)
{
    VirtQueue *vq = get_vq(vdev, n);
    if (vq && !vq->ready) {
        vq->avail_addr = a;
    }
}

void virtio_queue_set_used_addr(VirtIODevice *vdev, unsigned n, uint64_t a)
{
    VirtQueue *vq = get_vq(vdev, n);
    if (vq && !vq->ready) {
        vq->used_addr = a;
    }
}

uint64_t virtio_queue_get_desc_addr(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = get_vq(vdev, n);
    return vq ? vq->desc_addr : 0;
}

uint64_t virtio_queue_get_avail_addr(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = get_vq(vdev, n);
    return vq ? vq->avail_addr : 0;
}

uint64_t virtio_queue_get_used_addr(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = get_vq(vdev, n);
    return vq ? vq->used_addr : 0;
}

bool virtio_queue_set_ready(VirtIODevice *vdev, unsigned n, bool ready)
{
    VirtQueue *vq = get_vq(vdev, n);
    const uint8_t *desc, *avail;
    uint8_t *used;

    if (!vq) {
        return false;
    }
    if (!ready) {
        queue_reset(vq);
        return true;
    }
    if (vq->ready) {
        return true;
    }
    desc = dma_map(vdev->dma, vq->desc_addr, desc_bytes(vq->size));
    avail = dma_map(vdev->dma, vq->avail_addr, avail_bytes(vq->size));
    used = dma_map(vdev->dma, vq->used_addr, used_bytes(vq->size));
    if (!desc || !avail || !used) {
        virtio_error(vdev, "queue %u: rings (desc 0x%" PRIx64 ", avail 0x%"
                     PRIx64 ", used 0x%" PRIx64 ", size %u) are not in RAM",
                     n, vq->desc_addr, vq->avail_addr, vq->used_addr,
                     vq->size);
        return false;
    }
    vq->desc = desc;
    vq->avail = avail;
    vq->used = used;
    vq->last_avail_idx = vq->used_idx = 0;
    vq->signalled_used_valid = false;
    vq->inuse = 0;
    vq->ready = true;
    /* The used ring's flags and avail_event are ours; a driver need not
     * have zeroed them.  Start with kicks wanted. */
    vq->notification = true;
    used_write16(vq, 0, 0);
    set_avail_event(vq, 0);
    return true;
}

bool virtio_queue_get_ready(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = get_vq(vdev, n);
    return vq && vq->ready;
}

void virtio_queue_set_legacy_pfn(VirtIODevice *vdev, unsigned n, uint32_t pfn)
{
    VirtQueue *vq = get_vq(vdev, n);
    uint64_t base, used;

    if (!vq) {
        return;
    }
    queue_reset(vq);
    if (!pfn) {
        return;
    }
    base = (uint64_t)pfn << VIRTIO_LEGACY_PFN_SHIFT;
    used = base + desc_bytes(vq->size) + avail_bytes(vq->size);
    used = (used + VIRTIO_PCI_VRING_ALIGN - 1) &
           ~(uint64_t)(VIRTIO_PCI_VRING_ALIGN - 1);
    vq->desc_addr = base;
    vq->avail_addr = base + desc_bytes(vq->size);
    vq->used_addr = used;
    if (virtio_queue_set_ready(vdev, n, true)) {
        vq->legacy_pfn = pfn;
    }
}

uint32_t virtio_queue_get_legacy_pfn(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = get_vq(vdev, n);
    return vq ? vq->legacy_pfn : 0;
}

void virtio_queue_notify(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = get_vq(vdev, n);

    if (!vq) {
        /* Harmless: nothing to process.  Counted, and logged once. */
        if (vdev->stats.bad_notify++ == 0) {
            g_warning("%s: guest notified queue %u, which does not exist "
                      "(ignored)", vdev->name, n);
        }
        return;
    }
    if (!vq->ready || vdev->broken) {
        vdev->stats.notify_not_ready++;
        return;
    }
    if (vq->handler) {
        vq->handler(vdev, vq);
    }
}

/* ---------------------------------------------------------------------- */
/* Features, status, config (transport side) */

uint32_t virtio_read_device_features(VirtIODevice *vdev, unsigned select)
{
    return select < 2 ? (uint32_t)(vdev->host_features >> (32 * select)) : 0;
}

uint32_t virtio_read_driver_features(VirtIODevice *vdev, unsigned select)
{
    return select < 2 ? (uint32_t)(vdev->driver_features >> (32 * select))
                      : 0;
}

void virtio_write_driver_features(VirtIODevice *vdev, unsigned select,
                                  uint32_t value)
{
    unsigned shift = 32 * select;

    /* After FEATURES_OK the set is final (3.1.1). */
    if (select >= 2 || (vdev->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
        return;
    }
    vdev->driver_features &= ~((uint64_t)UINT32_MAX << shift);
    vdev->driver_features |= (uint64_t)value << shift;
}

void virtio_set_features_legacy(VirtIODevice *vdev, uint32_t value)
{
    /* A legacy driver cannot be told no: unoffered bits are ignored. */
    uint64_t features = value & vdev->host_features;

    if (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) {
        return;
    }
    vdev->driver_features = vdev->guest_features = features;
    if (vdev->ops->set_features) {
        vdev->ops->set_features(vdev, features);
    }
}

static bool features_acceptable(VirtIODevice *vdev, uint64_t features)
{
    if (features & ~vdev->host_features) {
        return false;
    }
    if (!(features & (1ull << VIRTIO_F_VERSION_1))) {
        return false;           /* FEATURES_OK exists only for 1.x drivers */
    }
    return !vdev->ops->validate_features ||
           vdev->ops->validate_features(vdev, features);
}

void virtio_set_status(VirtIODevice *vdev, uint8_t status)
{
    uint8_t old = vdev->status;

    if (status == 0) {
        virtio_reset(vdev);
        return;
    }
    status &= (uint8_t)~VIRTIO_CONFIG_S_NEEDS_RESET;    /* device-owned */
    if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
        !(old & VIRTIO_CONFIG_S_FEATURES_OK)) {
        if (!features_acceptable(vdev, vdev->driver_features)) {
            status &= (uint8_t)~VIRTIO_CONFIG_S_FEATURES_OK;
        } else {
            vdev->guest_features = vdev->driver_features;
            if (vdev->ops->set_features) {
                vdev->ops->set_features(vdev, vdev->guest_features);
            }
        }
    }
    if (vdev->broken) {
        status |= VIRTIO_CONFIG_S_NEEDS_RESET;
    }
    vdev->status = status;
    if (vdev->ops->set_status) {
        vdev->ops->set_status(vdev, old);
    }
}

void virtio_reset(VirtIODevice *vdev)
{
    for (unsigned i = 0; i < vdev->num_queues; i++) {
        queue_reset(vdev->vq[i]);
    }
    vdev->status = 0;
    vdev->driver_features = vdev->guest_features = 0;
    vdev->broken = false;
    vdev->isr = 0;
    virtio_update_irq(vdev);
    if (vdev->ops->reset) {
        vdev->ops->reset(vdev);
    }
}

uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t offset,
                            unsigned size)
{
    const uint8_t *p;

    if ((size != 1 && size != 2 && size != 4) ||
        offset > vdev->config_len || size > vdev->config_len - offset) {
        return 0;
    }
    if (vdev->ops->get_config) {
        vdev->ops->get_config(vdev, vdev->config);
    }
    p = vdev->config + offset;
    return size == 1 ? p[0] : size == 2 ? lduw_le_p(p) : ldl_le_p(p);
}

void virtio_config_write(VirtIODevice *vdev, uint32_t offset, unsigned size,
                         uint32_t value)
{
    uint8_t *p;

    if ((size != 1 && size != 2 && size != 4) ||
        offset > vdev->config_len || size > vdev->config_len - offset) {
        return;
    }
    if (vdev->ops->get_config) {
        vdev->ops->get_config(vdev, vdev->config);
    }
    p = vdev->config + offset;
    if (size == 1) {
        p[0] = (uint8_t)value;
    } else if (size == 2) {
        stw_le_p(p, (uint16_t)value);
    } else {
        stl_le_p(p, value);
    }
    if (vdev->ops->set_config) {
        vdev->ops->set_config(vdev, vdev->config);
    }
}

void virtio_bind_transport(VirtIODevice *vdev, const VirtIOTransportOps *ops,
                           void *opaque)
{
    vdev->transport = ops;
    vdev->transport_opaque = opaque;
}

/* ---------------------------------------------------------------------- */
/* Device life cycle */

void virtio_init(VirtIODevice *vdev, const char *name, uint16_t device_id,
                 const VirtIODeviceOps *ops, const DMAContext *dma,
                 size_t config_len, uint64_t host_features)
{
    vdev->name = name;
    vdev->device_id = device_id;
    vdev->ops = ops;
    vdev->dma = dma;
    vdev->host_features = host_features |
                          1ull << VIRTIO_F_RING_INDIRECT_DESC |
                          1ull << VIRTIO_F_RING_EVENT_IDX |
                          1ull << VIRTIO_F_VERSION_1;
    vdev->config_len = config_len;
    vdev->config = g_malloc0(config_len ? config_len : 1);
}

void virtio_cleanup(VirtIODevice *vdev)
{
    for (unsigned i = 0; i < vdev->num_queues; i++) {
        g_free(vdev->vq[i]);
        vdev->vq[i] = NULL;
    }
    vdev->num_queues = 0;
    g_free(vdev->config);
    vdev->config = NULL;
}

VirtQueue *virtio_add_queue(VirtIODevice *vdev, unsigned max_size,
                            VirtIOHandleQueue *handler)
{
    VirtQueue *vq;

    g_assert(vdev->num_queues < VIRTIO_QUEUE_MAX);
    g_assert(is_power_of_2(max_size) && max_size <= VIRTQUEUE_MAX_SIZE);
    vq = g_new0(VirtQueue, 1);
    vq->vdev = vdev;
    vq->handler = handler;
    vq->index = vdev->num_queues;
    vq->max_size = max_size;
    queue_reset(vq);
    vdev->vq[vdev->num_queues++] = vq;
    return vq;
}

unsigned virtqueue_index(const VirtQueue *vq)
{
    return vq->index;
}

unsigned virtqueue_size(const VirtQueue *vq)
{
    return vq->size;
}

bool virtqueue_ready(const VirtQueue *vq)
{
    return vq->ready;
}

VirtIODevice *virtqueue_vdev(const VirtQueue *vq)
{
    return vq->vdev;
}

/* ---------------------------------------------------------------------- */
/* Elements */

VirtQueueElement *virtqueue_element_new(unsigned max_sg)
{
    VirtQueueElement *elem;

    g_assert(max_sg > 0 && max_sg <= VIRTQUEUE_MAX_SG);
    elem = g_malloc0(sizeof(*elem) + max_sg * sizeof(struct iovec) +
                     max_sg * sizeof(uint64_t));
    elem->max_sg = max_sg;
    elem->addr = (uint64_t *)(elem->sg + max_sg);
    elem->out_sg = elem->in_sg = elem->sg;
    elem->in_addr = elem->addr;
    return elem;
}

void virtqueue_element_free(VirtQueueElement *elem)
{
    g_free(elem);
}

/* ---------------------------------------------------------------------- */
/* Popping */

bool virtqueue_empty(VirtQueue *vq)
{
    if (!vq->ready || vq->vdev->broken) {
        return true;
    }
    return avail_idx(vq) == vq->last_avail_idx;
}

/* Walks the chain at HEAD into ELEM; false (device broken) if malformed. */
static bool read_chain(VirtQueue *vq, unsigned head, VirtQueueElement *elem)
{
    VirtIODevice *vdev = vq->vdev;
    const uint8_t *table = vq->desc;
    unsigned table_size = vq->size;
    unsigned i = head, steps = 0, num = 0, in_num = 0;
    bool indirect = false;
    uint64_t total = 0;

    for (;;) {
        const uint8_t *d;
        uint64_t addr;
        uint32_t len;
        uint16_t flags, next;
        void *host;

        if (++steps > table_size) {
            virtio_error(vdev, "queue %u: descriptor chain at head %u loops "
                         "or is longer than its table (%u entries)",
                         vq->index, head, table_size);
            return false;
        }
        d = table + (size_t)i * VRING_DESC_SIZE;
        addr = ldq_le_p(d);
        len = ldl_le_p(d + 8);
        flags = lduw_le_p(d + 12);
        next = lduw_le_p(d + 14);

        if (flags & VRING_DESC_F_INDIRECT) {
            if (indirect) {
                virtio_error(vdev, "queue %u: nested indirect descriptor in "
                             "chain at head %u", vq->index, head);
                return false;
            }
            if (!virtio_has_feature(vdev, VIRTIO_F_RING_INDIRECT_DESC)) {
                virtio_error(vdev, "queue %u: indirect descriptor without "
                             "VIRTIO_F_RING_INDIRECT_DESC", vq->index);
                return false;
            }
            if (steps != 1 || (flags & VRING_DESC_F_NEXT)) {
                virtio_error(vdev, "queue %u: indirect descriptor at head %u "
                             "is not alone in its chain", vq->index, head);
                return false;
            }
            if (len == 0 || len % VRING_DESC_SIZE ||
                len / VRING_DESC_SIZE > VIRTQUEUE_MAX_SG) {
                virtio_error(vdev, "queue %u: indirect table of %u bytes "
                             "(must be 16..%u and a multiple of 16)",
                             vq->index, len,
                             VIRTQUEUE_MAX_SG * VRING_DESC_SIZE);
                return false;
            }
            table = dma_map(vdev->dma, addr, len);
            if (!table) {
                virtio_error(vdev, "queue %u: indirect table at 0x%" PRIx64
                             " (+%u) is not in RAM", vq->index, addr, len);
                return false;
            }
            table_size = len / VRING_DESC_SIZE;
            indirect = true;
            i = 0;
            steps = 0;
            continue;
        }

        if (!(flags & VRING_DESC_F_WRITE) && in_num) {
            virtio_error(vdev, "queue %u: device-readable descriptor after a "
                         "device-writable one in chain at head %u",
                         vq->index, head);
            return false;
        }
        if (len) {
            total += len;
            if (total > VIRTQUEUE_MAX_CHAIN_BYTES) {
                virtio_error(vdev, "queue %u: chain at head %u is longer "
                             "than %u bytes", vq->index, head,
                             VIRTQUEUE_MAX_CHAIN_BYTES);
                return false;
            }
            host = dma_map(vdev->dma, addr, len);
            if (!host) {
                virtio_error(vdev, "queue %u: buffer at 0x%" PRIx64 " (+%u) "
                             "is not in RAM", vq->index, addr, len);
                return false;
            }
            if (num == elem->max_sg) {
                virtio_error(vdev, "queue %u: chain at head %u has more than "
                             "%u buffers", vq->index, head, elem->max_sg);
                return false;
            }
            elem->sg[num].iov_base = host;
            elem->sg[num].iov_len = len;
            elem->addr[num] = addr;
            num++;
            if (flags & VRING_DESC_F_WRITE) {
                in_num++;
                elem->in_len += len;
            } else {
                elem->out_len += len;
            }
        }
        if (!(flags & VRING_DESC_F_NEXT)) {
            break;
        }
        if (next >= table_size) {
            virtio_error(vdev, "queue %u: descriptor %u of chain at head %u "
                         "points to %u, outside its table (%u entries)",
                         vq->index, i, head, next, table_size);
            return false;
        }
        i = next;
    }
    elem->head = head;
    elem->out_num = num - in_num;
    elem->in_num = in_num;
    elem->out_sg = elem->sg;
    elem->in_sg = elem->sg + elem->out_num;
    elem->in_addr = elem->addr + elem->out_num;
    return true;
}

bool virtqueue_pop(VirtQueue *vq, VirtQueueElement *elem)
{
    VirtIODevice *vdev = vq->vdev;
    uint16_t idx, pending;
    unsigned head;

    if (!vq->ready || vdev->broken) {
        return false;
    }
    idx = avail_idx(vq);
    pending = (uint16_t)(idx - vq->last_avail_idx);
    if (pending > vq->size) {
        virtio_error(vdev, "queue %u: avail index %u is %u entries ahead of "
                     "the device (queue size %u)", vq->index, idx, pending,
                     vq->size);
        return false;
    }
    if (!pending) {
        return false;
    }
    virtio_mb();                /* read the ring after its index */
    head = avail_ring(vq, vq->last_avail_idx & (vq->size - 1));
    if (head >= vq->size) {
        virtio_error(vdev, "queue %u: avail ring names descriptor %u "
                     "(queue size %u)", vq->index, head, vq->size);
        return false;
    }
    elem->out_len = elem->in_len = 0;
    if (!read_chain(vq, head, elem)) {
        return false;
    }
    vq->last_avail_idx++;
    vq->inuse++;
    /* With kicks off, avail_event stays behind so the guest does not kick;
     * virtqueue_set_notification(true) brings it up to date. */
    if (vq->notification && virtio_has_feature(vdev, VIRTIO_F_RING_EVENT_IDX)) {
        set_avail_event(vq, vq->last_avail_idx);
    }
    return true;
}

void virtqueue_rewind(VirtQueue *vq, unsigned count)
{
    g_assert(count <= vq->inuse);
    vq->last_avail_idx = (uint16_t)(vq->last_avail_idx - count);
    vq->inuse -= count;
}

/* ---------------------------------------------------------------------- */
/* Used ring */

void virtqueue_fill(VirtQueue *vq, const VirtQueueElement *elem, size_t len,
                    unsigned idx)
{
    VirtIODevice *vdev = vq->vdev;
    unsigned slot;
    size_t left;
    uint8_t *entry;

    if (!vq->ready || vdev->broken) {
        return;
    }
    if (len > elem->in_len) {
        len = elem->in_len;     /* a device bug; never claim more */
    }
    /* Tell the CPU which bytes of guest RAM we wrote (decoded code). */
    left = len;
    for (unsigned i = 0; i < elem->in_num && left; i++) {
        size_t n = MIN(left, elem->in_sg[i].iov_len);
        dma_mark_written(vdev->dma, elem->in_addr[i], n);
        left -= n;
    }
    slot = (vq->used_idx + idx) & (vq->size - 1);
    entry = vq->used + 4 + (size_t)slot * VRING_USED_ELEM_SIZE;
    stl_le_p(entry, elem->head);
    stl_le_p(entry + 4, (uint32_t)len);
    dma_mark_written(vdev->dma, vq->used_addr + 4 +
                     (uint64_t)slot * VRING_USED_ELEM_SIZE,
                     VRING_USED_ELEM_SIZE);
}

void virtqueue_flush(VirtQueue *vq, unsigned count)
{
    uint16_t old = vq->used_idx, new;

    if (!vq->ready || vq->vdev->broken) {
        return;
    }
    new = (uint16_t)(old + count);
    virtio_mb();                /* entries before the index that shows them */
    used_write16(vq, 2, new);
    vq->used_idx = new;
    vq->inuse -= MIN(count, vq->inuse);
    /* Went past the index we last interrupted for: that one is stale. */
    if ((uint16_t)(new - vq->signalled_used) < (uint16_t)(new - old)) {
        vq->signalled_used_valid = false;
    }
}

void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem, size_t len)
{
    virtqueue_fill(vq, elem, len, 0);
    virtqueue_flush(vq, 1);
}

/* ---------------------------------------------------------------------- */
/* Notification suppression (2.7.7, 2.7.10) */

void virtqueue_set_notification(VirtQueue *vq, bool enable)
{
    bool was = vq->notification;

    vq->notification = enable;
    if (!vq->ready || vq->vdev->broken) {
        return;
    }
    if (virtio_has_feature(vq->vdev, VIRTIO_F_RING_EVENT_IDX)) {
        if (enable) {
            /* Kick us when the index moves past what is there now. */
            set_avail_event(vq, avail_idx(vq));
        }
    } else if (enable != was) {
        /* Called per packet on RX: write the flag only when it changes. */
        used_write16(vq, 0, enable ? 0 : VRING_USED_F_NO_NOTIFY);
    }
    /*
     * Publish an enable before the caller re-checks the ring.  Disabling
     * is only a hint to the guest and orders against nothing; RX calls it
     * for every frame (twice: can_receive before the read, then receive),
     * so it goes without the fence.
     */
    if (enable) {
        virtio_mb();
    }
}

/* The guest's rule for event indexes (2.7.10.1 / vring_need_event). */
static bool need_event(uint16_t event, uint16_t new, uint16_t old)
{
    return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

static bool should_notify(VirtQueue *vq)
{
    uint16_t old, new;
    bool valid;

    virtio_mb();                /* used index out before reading flags */
    if (!virtio_has_feature(vq->vdev, VIRTIO_F_RING_EVENT_IDX)) {
        return !(avail_flags(vq) & VRING_AVAIL_F_NO_INTERRUPT);
    }
    valid = vq->signalled_used_valid;
    old = vq->signalled_used;
    new = vq->signalled_used = vq->used_idx;
    vq->signalled_used_valid = true;
    return !valid || need_event(used_event(vq), new, old);
}

void virtio_notify(VirtIODevice *vdev, VirtQueue *vq)
{
    if (!vq->ready || vdev->broken || !should_notify(vq)) {
        return;
    }
    virtio_raise_isr(vdev, VIRTIO_ISR_QUEUE);
    if (vdev->transport && vdev->transport->notify_queue) {
        vdev->transport->notify_queue(vdev->transport_opaque, vq->index);
    }
}
