/*
 * The test guest: see guest.h.
 */
#include "guest.h"

#include <glib.h>
#include <string.h>

static void guest_invalidate(void *opaque, uint64_t addr, uint64_t len)
{
    TestGuest *g = opaque;

    g_assert_cmpuint(addr, >=, GUEST_RAM_BASE);
    g_assert_cmpuint(addr + len, <=, GUEST_RAM_BASE + GUEST_RAM_SIZE);
    g->invalidations++;
}

TestGuest *guest_new(void)
{
    TestGuest *g = g_new0(TestGuest, 1);

    g->ram = g_malloc0(GUEST_RAM_SIZE);
    g->dma.ram_base = GUEST_RAM_BASE;
    g->dma.ram_size = GUEST_RAM_SIZE;
    g->dma.ram = g->ram;
    g->dma.invalidate = guest_invalidate;
    g->dma.opaque = g;
    g->next_free = GUEST_RAM_BASE + 4096;
    return g;
}

void guest_free(TestGuest *g)
{
    g_free(g->ram);
    g_free(g);
}

uint64_t guest_alloc(TestGuest *g, uint64_t size, uint64_t align)
{
    uint64_t addr = (g->next_free + align - 1) & ~(align - 1);

    g_assert_cmpuint(addr + size, <=, GUEST_RAM_BASE + GUEST_RAM_SIZE);
    g->next_free = addr + size;
    memset(guest_ptr(g, addr), 0, size);
    return addr;
}

void *guest_ptr(TestGuest *g, uint64_t addr)
{
    g_assert_cmpuint(addr, >=, GUEST_RAM_BASE);
    g_assert_cmpuint(addr, <, GUEST_RAM_BASE + GUEST_RAM_SIZE);
    return g->ram + (addr - GUEST_RAM_BASE);
}

uint64_t guest_buf(TestGuest *g, uint32_t len, uint8_t fill)
{
    uint64_t addr = guest_alloc(g, len ? len : 1, 8);

    memset(guest_ptr(g, addr), fill, len);
    return addr;
}

/* ---- the fake transport ---- */

static void fake_set_irq(void *opaque, bool level)
{
    TestGuest *g = opaque;

    if (level && !g->irq_level) {
        g->irq_raises++;
    }
    g->irq_level = level;
}

static void fake_notify_queue(void *opaque, unsigned queue)
{
    ((TestGuest *)opaque)->queue_notifies++;
}

static void fake_notify_config(void *opaque)
{
    ((TestGuest *)opaque)->config_notifies++;
}

static const VirtIOTransportOps fake_transport = {
    .set_irq = fake_set_irq,
    .notify_queue = fake_notify_queue,
    .notify_config = fake_notify_config,
};

void guest_bind(TestGuest *g, VirtIODevice *vdev)
{
    virtio_bind_transport(vdev, &fake_transport, g);
}

bool guest_negotiate(VirtIODevice *vdev, uint64_t features)
{
    virtio_set_status(vdev, 0);
    virtio_set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    virtio_set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER);
    virtio_write_driver_features(vdev, 0, (uint32_t)features);
    virtio_write_driver_features(vdev, 1, (uint32_t)(features >> 32));
    virtio_set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
    return vdev->status & VIRTIO_CONFIG_S_FEATURES_OK;
}

void guest_driver_ok(VirtIODevice *vdev)
{
    virtio_set_status(vdev, vdev->status | VIRTIO_CONFIG_S_DRIVER_OK);
}

/* ---- rings ---- */

static void ring_program(TestRing *r)
{
    g_assert_true(virtio_queue_set_size(r->vdev, r->index, r->size));
    virtio_queue_set_desc_addr(r->vdev, r->index, r->desc);
    virtio_queue_set_avail_addr(r->vdev, r->index, r->avail);
    virtio_queue_set_used_addr(r->vdev, r->index, r->used);
    g_assert_true(virtio_queue_set_ready(r->vdev, r->index, true));
}

void ring_init(TestRing *r, TestGuest *g, VirtIODevice *vdev, unsigned index,
               unsigned size)
{
    memset(r, 0, sizeof(*r));
    r->g = g;
    r->vdev = vdev;
    r->index = index;
    r->size = size;
    r->desc = guest_alloc(g, 16ull * size, 16);
    r->avail = guest_alloc(g, 6 + 2ull * size, 2);
    r->used = guest_alloc(g, 6 + 8ull * size, 4);
    ring_program(r);
}

void ring_init_legacy(TestRing *r, TestGuest *g, VirtIODevice *vdev,
                      unsigned index)
{
    unsigned size = virtio_queue_max_size(vdev, index);
    uint64_t avail_end, base;

    memset(r, 0, sizeof(*r));
    r->g = g;
    r->vdev = vdev;
    r->index = index;
    r->size = size;
    base = guest_alloc(g, 16ull * size + 6 + 2ull * size + 4096 +
                       6 + 8ull * size, 4096);
    r->desc = base;
    r->avail = base + 16ull * size;
    avail_end = r->avail + 6 + 2ull * size;
    r->used = (avail_end + 4095) & ~4095ull;
    virtio_queue_set_legacy_pfn(vdev, index, (uint32_t)(base >> 12));
}

void ring_reinit(TestRing *r)
{
    memset(guest_ptr(r->g, r->desc), 0, 16ull * r->size);
    memset(guest_ptr(r->g, r->avail), 0, 6 + 2ull * r->size);
    memset(guest_ptr(r->g, r->used), 0, 6 + 8ull * r->size);
    r->avail_idx = r->last_used = 0;
    r->next_desc = 0;
    ring_program(r);
}

void ring_write_desc(TestRing *r, unsigned i, uint64_t addr, uint32_t len,
                     uint16_t flags, uint16_t next)
{
    uint8_t *d = guest_ptr(r->g, r->desc + 16ull * i);

    stq_le_p(d, addr);
    stl_le_p(d + 8, len);
    stw_le_p(d + 12, flags);
    stw_le_p(d + 14, next);
}

void ring_put_avail(TestRing *r, uint16_t head)
{
    uint8_t *avail = guest_ptr(r->g, r->avail);

    stw_le_p(avail + 4 + 2 * (r->avail_idx % r->size), head);
    r->avail_idx++;
    stw_le_p(avail + 2, r->avail_idx);
}

void ring_set_avail_idx(TestRing *r, uint16_t idx)
{
    stw_le_p((uint8_t *)guest_ptr(r->g, r->avail) + 2, idx);
}

unsigned ring_add(TestRing *r, const TestBuf *bufs, unsigned n)
{
    unsigned head = r->next_desc % r->size;

    for (unsigned k = 0; k < n; k++) {
        unsigned i = (r->next_desc + k) % r->size;
        unsigned next = (i + 1) % r->size;
        uint16_t flags = (bufs[k].write ? VRING_DESC_F_WRITE : 0) |
                         (k + 1 < n ? VRING_DESC_F_NEXT : 0);

        ring_write_desc(r, i, bufs[k].addr, bufs[k].len, flags,
                        (uint16_t)next);
    }
    r->next_desc = (r->next_desc + n) % r->size;
    ring_put_avail(r, (uint16_t)head);
    return head;
}

unsigned ring_add_indirect(TestRing *r, const TestBuf *bufs, unsigned n)
{
    unsigned head = r->next_desc % r->size;
    uint64_t table = guest_alloc(r->g, 16ull * n, 16);

    for (unsigned k = 0; k < n; k++) {
        uint8_t *d = guest_ptr(r->g, table + 16ull * k);

        stq_le_p(d, bufs[k].addr);
        stl_le_p(d + 8, bufs[k].len);
        stw_le_p(d + 12, (bufs[k].write ? VRING_DESC_F_WRITE : 0) |
                         (k + 1 < n ? VRING_DESC_F_NEXT : 0));
        stw_le_p(d + 14, (uint16_t)(k + 1));
    }
    ring_write_desc(r, head, table, 16 * n, VRING_DESC_F_INDIRECT, 0);
    r->next_desc = (r->next_desc + 1) % r->size;
    ring_put_avail(r, (uint16_t)head);
    return head;
}

void ring_kick(TestRing *r)
{
    virtio_queue_notify(r->vdev, r->index);
}

uint16_t ring_used_idx(TestRing *r)
{
    return lduw_le_p((uint8_t *)guest_ptr(r->g, r->used) + 2);
}

uint16_t ring_used_flags(TestRing *r)
{
    return lduw_le_p(guest_ptr(r->g, r->used));
}

uint16_t ring_avail_event(TestRing *r)
{
    return lduw_le_p((uint8_t *)guest_ptr(r->g, r->used) + 4 + 8 * r->size);
}

void ring_set_avail_flags(TestRing *r, uint16_t flags)
{
    stw_le_p(guest_ptr(r->g, r->avail), flags);
}

void ring_set_used_event(TestRing *r, uint16_t v)
{
    stw_le_p((uint8_t *)guest_ptr(r->g, r->avail) + 4 + 2 * r->size, v);
}

bool ring_get_used(TestRing *r, uint32_t *id, uint32_t *len)
{
    const uint8_t *e;

    if (ring_used_idx(r) == r->last_used) {
        return false;
    }
    e = (uint8_t *)guest_ptr(r->g, r->used) + 4 + 8 * (r->last_used % r->size);
    *id = ldl_le_p(e);
    *len = ldl_le_p(e + 4);
    r->last_used++;
    return true;
}
