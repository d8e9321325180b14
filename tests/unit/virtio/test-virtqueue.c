/*
 * Unit tests of the virtio core: features and status, queue setup (modern
 * and legacy), popping and pushing split-ring chains, interrupt suppression
 * (flags and event indexes), indirect tables, and a hostile guest that
 * breaks the rules in every way the core must survive.
 *
 * The device under test is "echo": on a kick it pops every chain, records
 * its shape, fills its writable part with 0xab and pushes it back.
 */
#include <glib.h>
#include <string.h>

#include "guest.h"
#include "hw/virtio/virtio.h"

typedef struct EchoDev {
    VirtIODevice vdev;
    VirtQueueElement *elem;
    unsigned popped;
    unsigned last_out_num, last_in_num;
    size_t last_out_len, last_in_len;
    uint8_t last_out[64];       /* first bytes of the readable part */
    uint64_t set_features;
    unsigned resets;
} EchoDev;

static void echo_handle(VirtIODevice *vdev, VirtQueue *vq)
{
    EchoDev *d = (EchoDev *)vdev;

    while (virtqueue_pop(vq, d->elem)) {
        VirtQueueElement *e = d->elem;
        size_t left = e->in_len;

        d->popped++;
        d->last_out_num = e->out_num;
        d->last_in_num = e->in_num;
        d->last_out_len = e->out_len;
        d->last_in_len = e->in_len;
        memset(d->last_out, 0, sizeof(d->last_out));
        for (unsigned i = 0, off = 0; i < e->out_num; i++) {
            size_t n = MIN(e->out_sg[i].iov_len, sizeof(d->last_out) - off);
            memcpy(d->last_out + off, e->out_sg[i].iov_base, n);
            off += (unsigned)n;
        }
        for (unsigned i = 0; i < e->in_num; i++) {
            memset(e->in_sg[i].iov_base, 0xab, e->in_sg[i].iov_len);
            left -= e->in_sg[i].iov_len;
        }
        g_assert_cmpuint(left, ==, 0);
        virtqueue_push(vq, e, e->in_len);
    }
    virtio_notify(vdev, vq);
}

static void echo_set_features(VirtIODevice *vdev, uint64_t f)
{
    ((EchoDev *)vdev)->set_features = f;
}

static void echo_reset(VirtIODevice *vdev)
{
    ((EchoDev *)vdev)->resets++;
}

static void echo_get_config(VirtIODevice *vdev, uint8_t *config)
{
    stl_le_p(config, 0x12345678);
}

static const VirtIODeviceOps echo_ops = {
    .get_config = echo_get_config,
    .set_features = echo_set_features,
    .reset = echo_reset,
};

#define ECHO_FEATURE 3

typedef struct Fixture {
    TestGuest *g;
    EchoDev *d;
    VirtIODevice *vdev;
    TestRing r;
} Fixture;

static void fixture_open(Fixture *f, uint64_t features, unsigned size)
{
    f->g = guest_new();
    f->d = g_new0(EchoDev, 1);
    f->vdev = &f->d->vdev;
    virtio_init(f->vdev, "echo", 42, &echo_ops, &f->g->dma, 8,
                1ull << ECHO_FEATURE);
    virtio_add_queue(f->vdev, 256, echo_handle);
    virtio_add_queue(f->vdev, 1024, echo_handle);
    f->d->elem = virtqueue_element_new(VIRTQUEUE_MAX_SG);
    guest_bind(f->g, f->vdev);
    if (features) {
        g_assert_true(guest_negotiate(f->vdev, features));
        ring_init(&f->r, f->g, f->vdev, 0, size);
        guest_driver_ok(f->vdev);
    }
}

static void fixture_close(Fixture *f)
{
    virtio_cleanup(f->vdev);
    virtqueue_element_free(f->d->elem);
    g_free(f->d);
    guest_free(f->g);
}

#define V1 (1ull << VIRTIO_F_VERSION_1)
#define INDIRECT (1ull << VIRTIO_F_RING_INDIRECT_DESC)
#define EVENT_IDX (1ull << VIRTIO_F_RING_EVENT_IDX)

/* ---------------------------------------------------------------------- */

static void test_features(void)
{
    Fixture f;
    uint64_t offered;

    fixture_open(&f, 0, 0);
    offered = (uint64_t)virtio_read_device_features(f.vdev, 1) << 32 |
              virtio_read_device_features(f.vdev, 0);
    g_assert_cmphex(offered, ==, (1ull << ECHO_FEATURE) | V1 | INDIRECT |
                    EVENT_IDX);
    g_assert_cmphex(virtio_read_device_features(f.vdev, 2), ==, 0);

    /* Not offered: FEATURES_OK stays clear. */
    g_assert_false(guest_negotiate(f.vdev, V1 | 1ull << 40));
    /* A 1.x driver must take VERSION_1. */
    g_assert_false(guest_negotiate(f.vdev, 1ull << ECHO_FEATURE));
    g_assert_cmphex(f.d->set_features, ==, 0);

    g_assert_true(guest_negotiate(f.vdev, V1 | 1ull << ECHO_FEATURE));
    g_assert_cmphex(f.d->set_features, ==, V1 | 1ull << ECHO_FEATURE);
    g_assert_true(virtio_has_feature(f.vdev, ECHO_FEATURE));
    g_assert_cmphex(virtio_read_driver_features(f.vdev, 1), ==, 1);
    /* Final after FEATURES_OK. */
    virtio_write_driver_features(f.vdev, 0, 0);
    g_assert_true(virtio_has_feature(f.vdev, ECHO_FEATURE));
    g_assert_cmphex(virtio_read_driver_features(f.vdev, 0), ==,
                    1u << ECHO_FEATURE);

    /* The driver cannot set NEEDS_RESET itself. */
    virtio_set_status(f.vdev, f.vdev->status | VIRTIO_CONFIG_S_NEEDS_RESET);
    g_assert_cmphex(f.vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);

    /* Reset clears everything. */
    virtio_set_status(f.vdev, 0);
    g_assert_cmphex(f.vdev->status, ==, 0);
    g_assert_false(virtio_has_feature(f.vdev, ECHO_FEATURE));
    g_assert_cmpuint(f.d->resets, >=, 1);

    /* Legacy: unoffered bits are dropped silently, final at once. */
    virtio_set_features_legacy(f.vdev, 1u << ECHO_FEATURE | 1u << 20);
    g_assert_cmphex(f.vdev->guest_features, ==, 1u << ECHO_FEATURE);
    g_assert_cmphex(f.d->set_features, ==, 1u << ECHO_FEATURE);

    /* Config space: in range, out of range, odd sizes. */
    g_assert_cmphex(virtio_config_read(f.vdev, 0, 4), ==, 0x12345678);
    g_assert_cmphex(virtio_config_read(f.vdev, 1, 2), ==, 0x3456);
    g_assert_cmphex(virtio_config_read(f.vdev, 3, 1), ==, 0x12);
    g_assert_cmphex(virtio_config_read(f.vdev, 6, 4), ==, 0);
    g_assert_cmphex(virtio_config_read(f.vdev, 0xffffffff, 4), ==, 0);
    g_assert_cmphex(virtio_config_read(f.vdev, 0, 3), ==, 0);
    virtio_config_write(f.vdev, 0xfffffffe, 4, 1);  /* ignored, no crash */
    fixture_close(&f);
}

static void test_queue_setup(void)
{
    Fixture f;
    TestRing r;

    fixture_open(&f, 0, 0);
    g_assert_cmpuint(virtio_queue_max_size(f.vdev, 0), ==, 256);
    g_assert_cmpuint(virtio_queue_max_size(f.vdev, 1), ==, 1024);
    g_assert_cmpuint(virtio_queue_max_size(f.vdev, 2), ==, 0);
    g_assert_false(virtio_queue_set_size(f.vdev, 0, 0));
    g_assert_false(virtio_queue_set_size(f.vdev, 0, 3));
    g_assert_false(virtio_queue_set_size(f.vdev, 0, 512));
    g_assert_false(virtio_queue_set_size(f.vdev, 5, 64));
    g_assert_cmpuint(f.vdev->stats.bad_queue_size, ==, 4);
    g_assert_true(virtio_queue_set_size(f.vdev, 0, 64));
    g_assert_cmpuint(virtio_queue_get_size(f.vdev, 0), ==, 64);

    g_assert_true(guest_negotiate(f.vdev, V1));
    ring_init(&r, f.g, f.vdev, 1, 8);
    g_assert_true(virtio_queue_get_ready(f.vdev, 1));
    g_assert_cmphex(virtio_queue_get_desc_addr(f.vdev, 1), ==, r.desc);
    g_assert_cmphex(virtio_queue_get_avail_addr(f.vdev, 1), ==, r.avail);
    g_assert_cmphex(virtio_queue_get_used_addr(f.vdev, 1), ==, r.used);
    /* Size and addresses are fixed while the queue is enabled. */
    g_assert_false(virtio_queue_set_size(f.vdev, 1, 4));
    virtio_queue_set_desc_addr(f.vdev, 1, 0);
    g_assert_cmphex(virtio_queue_get_desc_addr(f.vdev, 1), ==, r.desc);

    /* Legacy PFN: the rings are where a legacy driver puts them. */
    virtio_set_status(f.vdev, 0);
    ring_init_legacy(&r, f.g, f.vdev, 0);
    g_assert_true(virtio_queue_get_ready(f.vdev, 0));
    g_assert_cmpuint(virtio_queue_get_legacy_pfn(f.vdev, 0), ==,
                     r.desc >> 12);
    g_assert_cmphex(virtio_queue_get_avail_addr(f.vdev, 0), ==, r.avail);
    g_assert_cmphex(virtio_queue_get_used_addr(f.vdev, 0), ==, r.used);
    g_assert_cmphex(r.used & 4095, ==, 0);
    virtio_set_features_legacy(f.vdev, 0);
    virtio_set_status(f.vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_DRIVER_OK);
    {
        TestBuf b[] = { { guest_buf(f.g, 16, 1), 16, false },
                        { guest_buf(f.g, 32, 0), 32, true } };
        ring_add(&r, b, 2);
        ring_kick(&r);
        g_assert_cmpuint(f.d->popped, ==, 1);
        g_assert_cmpuint(ring_used_idx(&r), ==, 1);
    }
    virtio_queue_set_legacy_pfn(f.vdev, 0, 0);
    g_assert_false(virtio_queue_get_ready(f.vdev, 0));
    fixture_close(&f);
}

static void test_pop_push(void)
{
    Fixture f;
    uint64_t in;
    uint32_t id, len;

    fixture_open(&f, V1, 16);
    in = guest_buf(f.g, 100, 0);
    {
        TestBuf b[] = { { guest_buf(f.g, 10, 'a'), 10, false },
                        { guest_buf(f.g, 20, 'b'), 20, false },
                        { in, 60, true }, { in + 60, 40, true } };
        unsigned head = ring_add(&f.r, b, 4);

        ring_kick(&f.r);
        g_assert_cmpuint(f.d->popped, ==, 1);
        g_assert_cmpuint(f.d->last_out_num, ==, 2);
        g_assert_cmpuint(f.d->last_in_num, ==, 2);
        g_assert_cmpuint(f.d->last_out_len, ==, 30);
        g_assert_cmpuint(f.d->last_in_len, ==, 100);
        g_assert_cmpint(f.d->last_out[0], ==, 'a');
        g_assert_cmpint(f.d->last_out[10], ==, 'b');
        g_assert_true(ring_get_used(&f.r, &id, &len));
        g_assert_cmpuint(id, ==, head);
        g_assert_cmpuint(len, ==, 100);
        g_assert_cmpint(((uint8_t *)guest_ptr(f.g, in))[99], ==, 0xab);
    }
    /* Interrupt with ISR semantics: reading clears and lowers. */
    g_assert_true(f.g->irq_level);
    g_assert_cmpuint(f.g->irq_raises, ==, 1);
    g_assert_cmpuint(f.g->queue_notifies, ==, 1);
    g_assert_cmphex(virtio_isr_read_clear(f.vdev), ==, VIRTIO_ISR_QUEUE);
    g_assert_false(f.g->irq_level);
    g_assert_cmphex(virtio_isr_read_clear(f.vdev), ==, 0);
    /* The device's writes were reported to the CPU. */
    g_assert_cmpuint(f.g->invalidations, >, 0);

    /* Many chains, wrapping the ring several times. */
    for (unsigned i = 0; i < 100; i++) {
        TestBuf b[] = { { in, 8, true } };
        ring_add(&f.r, b, 1);
        ring_kick(&f.r);
        g_assert_true(ring_get_used(&f.r, &id, &len));
        g_assert_cmpuint(len, ==, 8);
    }
    g_assert_cmpuint(f.d->popped, ==, 101);

    /* Zero-length descriptors carry nothing and are skipped. */
    {
        TestBuf b[] = { { in, 0, false }, { in, 4, true }, { in, 0, true } };
        ring_add(&f.r, b, 3);
        ring_kick(&f.r);
        g_assert_cmpuint(f.d->last_out_num, ==, 0);
        g_assert_cmpuint(f.d->last_in_num, ==, 1);
        g_assert_true(ring_get_used(&f.r, &id, &len));
        g_assert_cmpuint(len, ==, 4);
    }
    g_assert_cmphex(f.vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
    fixture_close(&f);
}

static void test_rewind(void)
{
    Fixture f;
    VirtQueueElement *e = virtqueue_element_new(8);
    VirtQueue *vq;
    uint64_t buf;

    fixture_open(&f, V1, 8);
    vq = f.vdev->vq[0];
    buf = guest_buf(f.g, 64, 0);
    for (unsigned i = 0; i < 3; i++) {
        TestBuf b[] = { { buf, 8, true } };
        ring_add(&f.r, b, 1);
    }
    g_assert_true(virtqueue_pop(vq, e));
    g_assert_cmpuint(e->head, ==, 0);
    g_assert_true(virtqueue_pop(vq, e));
    g_assert_cmpuint(e->head, ==, 1);
    virtqueue_rewind(vq, 2);
    g_assert_true(virtqueue_pop(vq, e));
    g_assert_cmpuint(e->head, ==, 0);
    g_assert_false(virtqueue_empty(vq));
    virtqueue_push(vq, e, 8);
    /* An element with too few slots for the chain breaks the device. */
    {
        VirtQueueElement *small = virtqueue_element_new(4);
        TestBuf b[5];

        for (unsigned i = 0; i < 5; i++) {
            b[i] = (TestBuf){ buf, 4, true };
        }
        g_assert_true(virtqueue_pop(vq, e));    /* head 1 */
        g_assert_true(virtqueue_pop(vq, e));    /* head 2 */
        virtqueue_push(vq, e, 0);
        virtqueue_push(vq, e, 0);
        ring_add(&f.r, b, 5);
        g_test_expect_message("virtio", G_LOG_LEVEL_WARNING,
                              "*more than 4 buffers*");
        g_assert_false(virtqueue_pop(vq, small));
        g_test_assert_expected_messages();
        virtqueue_element_free(small);
    }
    virtqueue_element_free(e);
    fixture_close(&f);
}

static void test_indirect(void)
{
    Fixture f;
    uint64_t in;
    uint32_t id, len;

    fixture_open(&f, V1 | INDIRECT, 16);
    in = guest_buf(f.g, 64, 0);
    {
        TestBuf b[] = { { guest_buf(f.g, 12, 'h'), 12, false },
                        { guest_buf(f.g, 50, 'p'), 50, false },
                        { in, 64, true } };
        unsigned head = ring_add_indirect(&f.r, b, 3);

        ring_kick(&f.r);
        g_assert_cmpuint(f.d->popped, ==, 1);
        g_assert_cmpuint(f.d->last_out_num, ==, 2);
        g_assert_cmpuint(f.d->last_out_len, ==, 62);
        g_assert_cmpuint(f.d->last_in_len, ==, 64);
        g_assert_cmpint(f.d->last_out[12], ==, 'p');
        g_assert_true(ring_get_used(&f.r, &id, &len));
        g_assert_cmpuint(id, ==, head);
        g_assert_cmpuint(len, ==, 64);
    }
    /* An indirect table may be longer than the ring itself. */
    {
        TestBuf b[40];
        for (unsigned i = 0; i < 40; i++) {
            b[i] = (TestBuf){ in, 1, true };
        }
        ring_add_indirect(&f.r, b, 40);
        ring_kick(&f.r);
        g_assert_cmpuint(f.d->last_in_num, ==, 40);
    }
    g_assert_cmphex(f.vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
    fixture_close(&f);
}

/* The used ring's device-owned fields are initialised at enable, whatever
 * the driver left there. */
static void test_used_ring_init(void)
{
    Fixture f;
    TestRing r;

    fixture_open(&f, 0, 0);
    g_assert_true(guest_negotiate(f.vdev, V1 | EVENT_IDX));
    memset(&r, 0, sizeof(r));
    r.g = f.g;
    r.vdev = f.vdev;
    r.size = 8;
    r.desc = guest_alloc(f.g, 16 * 8, 16);
    r.avail = guest_alloc(f.g, 6 + 2 * 8, 2);
    r.used = guest_alloc(f.g, 6 + 8 * 8, 4);
    memset(guest_ptr(f.g, r.used), 0xff, 6 + 8 * 8);
    ring_reinit(&r);    /* zeroes everything: poison again, re-enable */
    virtio_queue_set_ready(f.vdev, 0, false);
    memset(guest_ptr(f.g, r.used), 0xff, 6 + 8 * 8);
    virtio_queue_set_size(f.vdev, 0, 8);
    virtio_queue_set_desc_addr(f.vdev, 0, r.desc);
    virtio_queue_set_avail_addr(f.vdev, 0, r.avail);
    virtio_queue_set_used_addr(f.vdev, 0, r.used);
    g_assert_true(virtio_queue_set_ready(f.vdev, 0, true));
    g_assert_cmphex(ring_used_flags(&r), ==, 0);
    g_assert_cmphex(ring_avail_event(&r), ==, 0);
    fixture_close(&f);
}

/* Without VRING_AVAIL_F_NO_INTERRUPT we interrupt; with it we do not. */
static void test_no_interrupt_flag(void)
{
    Fixture f;
    uint64_t in;
    TestBuf b[1];

    fixture_open(&f, V1, 16);
    in = guest_buf(f.g, 8, 0);
    b[0] = (TestBuf){ in, 8, true };
    ring_set_avail_flags(&f.r, VRING_AVAIL_F_NO_INTERRUPT);
    ring_add(&f.r, b, 1);
    ring_kick(&f.r);
    g_assert_cmpuint(ring_used_idx(&f.r), ==, 1);
    g_assert_cmpuint(f.g->irq_raises, ==, 0);
    ring_set_avail_flags(&f.r, 0);
    ring_add(&f.r, b, 1);
    ring_kick(&f.r);
    g_assert_cmpuint(f.g->irq_raises, ==, 1);

    /* Device side: kicks off sets NO_NOTIFY, kicks on clears it. */
    virtqueue_set_notification(f.vdev->vq[0], false);
    g_assert_cmphex(ring_used_flags(&f.r), ==, VRING_USED_F_NO_NOTIFY);
    virtqueue_set_notification(f.vdev->vq[0], true);
    g_assert_cmphex(ring_used_flags(&f.r), ==, 0);
    fixture_close(&f);
}

static void test_event_idx(void)
{
    Fixture f;
    uint64_t in;
    TestBuf b[1];
    VirtQueue *vq;

    fixture_open(&f, V1 | EVENT_IDX, 16);
    vq = f.vdev->vq[0];
    in = guest_buf(f.g, 8, 0);
    b[0] = (TestBuf){ in, 8, true };

    /* "Interrupt me when entry 2 is used".  The first completion always
     * interrupts (nothing was signalled yet); then only entry 2 does. */
    ring_set_used_event(&f.r, 2);
    for (unsigned i = 0; i < 3; i++) {
        static const unsigned expect[] = { 1, 1, 2 };

        ring_add(&f.r, b, 1);
        ring_kick(&f.r);
        g_assert_cmpuint(f.g->queue_notifies, ==, expect[i]);
        /* The device asks for a kick at the next entry. */
        g_assert_cmpuint(ring_avail_event(&f.r), ==, i + 1);
    }
    g_assert_cmpuint(ring_used_idx(&f.r), ==, 3);

    /* used_event left behind: no interrupt, even for a batch. */
    for (unsigned i = 0; i < 3; i++) {
        ring_add(&f.r, b, 1);
    }
    ring_kick(&f.r);
    g_assert_cmpuint(ring_used_idx(&f.r), ==, 6);
    g_assert_cmpuint(f.g->queue_notifies, ==, 2);
    /* used_event inside the next batch: one interrupt for the batch. */
    ring_set_used_event(&f.r, 7);
    for (unsigned i = 0; i < 3; i++) {
        ring_add(&f.r, b, 1);
    }
    ring_kick(&f.r);
    g_assert_cmpuint(f.g->queue_notifies, ==, 3);

    /* Kicks off: avail_event stays behind while popping. */
    virtqueue_set_notification(vq, false);
    {
        VirtQueueElement *e = virtqueue_element_new(4);
        uint16_t before = ring_avail_event(&f.r);

        ring_add(&f.r, b, 1);
        g_assert_true(virtqueue_pop(vq, e));
        g_assert_cmpuint(ring_avail_event(&f.r), ==, before);
        virtqueue_push(vq, e, 0);
        /* Kicks on: avail_event = the driver's current index. */
        ring_add(&f.r, b, 1);
        virtqueue_set_notification(vq, true);
        g_assert_cmpuint(ring_avail_event(&f.r), ==, f.r.avail_idx);
        /* ... and the re-check sees the entry added meanwhile. */
        g_assert_false(virtqueue_empty(vq));
        virtqueue_element_free(e);
    }
    fixture_close(&f);
}

/* ---------------------------------------------------------------------- */
/* The hostile guest */

typedef void BreakFn(Fixture *f);

static uint64_t in_buf(Fixture *f)
{
    return guest_buf(f->g, 64, 0);
}

static void break_loop(Fixture *f)
{
    uint64_t b = in_buf(f);
    ring_write_desc(&f->r, 0, b, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
    ring_write_desc(&f->r, 1, b, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
    ring_put_avail(&f->r, 0);
}

static void break_self_loop(Fixture *f)
{
    ring_write_desc(&f->r, 3, in_buf(f), 8,
                    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 3);
    ring_put_avail(&f->r, 3);
}

static void break_next_range(Fixture *f)
{
    ring_write_desc(&f->r, 0, in_buf(f), 8,
                    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 16);
    ring_put_avail(&f->r, 0);
}

static void break_outside_ram(Fixture *f)
{
    ring_write_desc(&f->r, 0, GUEST_RAM_BASE + GUEST_RAM_SIZE - 4, 8,
                    VRING_DESC_F_WRITE, 0);
    ring_put_avail(&f->r, 0);
}

static void break_below_ram(Fixture *f)
{
    ring_write_desc(&f->r, 0, 0x1000, 8, 0, 0);   /* MMIO, not RAM */
    ring_put_avail(&f->r, 0);
}

static void break_huge_len(Fixture *f)
{
    ring_write_desc(&f->r, 0, GUEST_RAM_BASE, 0xffffffff, VRING_DESC_F_WRITE,
                    0);
    ring_put_avail(&f->r, 0);
}

static void break_wrap_addr(Fixture *f)
{
    ring_write_desc(&f->r, 0, UINT64_MAX - 3, 8, 0, 0);
    ring_put_avail(&f->r, 0);
}

static void break_chain_bytes(Fixture *f)
{
    /* Each buffer is in RAM; together they exceed the 1 MiB cap. */
    ring_write_desc(&f->r, 0, GUEST_RAM_BASE, 700 << 10, VRING_DESC_F_NEXT, 1);
    ring_write_desc(&f->r, 1, GUEST_RAM_BASE, 700 << 10, 0, 0);
    ring_put_avail(&f->r, 0);
}

static void break_write_before_read(Fixture *f)
{
    uint64_t b = in_buf(f);
    ring_write_desc(&f->r, 0, b, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
    ring_write_desc(&f->r, 1, b, 8, 0, 0);
    ring_put_avail(&f->r, 0);
}

static void write_table(Fixture *f, uint64_t table, unsigned i, uint64_t addr,
                        uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *d = guest_ptr(f->g, table + 16ull * i);
    stq_le_p(d, addr);
    stl_le_p(d + 8, len);
    stw_le_p(d + 12, flags);
    stw_le_p(d + 14, next);
}

static void break_indirect_odd(Fixture *f)
{
    uint64_t t = guest_alloc(f->g, 64, 16);
    write_table(f, t, 0, in_buf(f), 8, VRING_DESC_F_WRITE, 0);
    ring_write_desc(&f->r, 0, t, 17, VRING_DESC_F_INDIRECT, 0);
    ring_put_avail(&f->r, 0);
}

static void break_indirect_zero(Fixture *f)
{
    ring_write_desc(&f->r, 0, guest_alloc(f->g, 16, 16), 0,
                    VRING_DESC_F_INDIRECT, 0);
    ring_put_avail(&f->r, 0);
}

static void break_indirect_big(Fixture *f)
{
    uint64_t t = guest_alloc(f->g, 16 * (VIRTQUEUE_MAX_SG + 1), 16);
    ring_write_desc(&f->r, 0, t, 16 * (VIRTQUEUE_MAX_SG + 1),
                    VRING_DESC_F_INDIRECT, 0);
    ring_put_avail(&f->r, 0);
}

static void break_indirect_outside(Fixture *f)
{
    ring_write_desc(&f->r, 0, GUEST_RAM_BASE + GUEST_RAM_SIZE - 16, 32,
                    VRING_DESC_F_INDIRECT, 0);
    ring_put_avail(&f->r, 0);
}

static void break_indirect_nested(Fixture *f)
{
    uint64_t t1 = guest_alloc(f->g, 16, 16), t2 = guest_alloc(f->g, 16, 16);
    write_table(f, t2, 0, in_buf(f), 8, VRING_DESC_F_WRITE, 0);
    write_table(f, t1, 0, t2, 16, VRING_DESC_F_INDIRECT, 0);
    ring_write_desc(&f->r, 0, t1, 16, VRING_DESC_F_INDIRECT, 0);
    ring_put_avail(&f->r, 0);
}

static void break_indirect_next(Fixture *f)
{
    uint64_t t = guest_alloc(f->g, 16, 16);
    write_table(f, t, 0, in_buf(f), 8, VRING_DESC_F_WRITE, 0);
    ring_write_desc(&f->r, 0, t, 16,
                    VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
    ring_write_desc(&f->r, 1, in_buf(f), 8, VRING_DESC_F_WRITE, 0);
    ring_put_avail(&f->r, 0);
}

static void break_indirect_not_head(Fixture *f)
{
    uint64_t t = guest_alloc(f->g, 16, 16);
    write_table(f, t, 0, in_buf(f), 8, VRING_DESC_F_WRITE, 0);
    ring_write_desc(&f->r, 0, in_buf(f), 8, VRING_DESC_F_NEXT, 1);
    ring_write_desc(&f->r, 1, t, 16, VRING_DESC_F_INDIRECT, 0);
    ring_put_avail(&f->r, 0);
}

static void break_indirect_loop(Fixture *f)
{
    uint64_t t = guest_alloc(f->g, 32, 16), b = in_buf(f);
    write_table(f, t, 0, b, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
    write_table(f, t, 1, b, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
    ring_write_desc(&f->r, 0, t, 32, VRING_DESC_F_INDIRECT, 0);
    ring_put_avail(&f->r, 0);
}

static void break_indirect_next_range(Fixture *f)
{
    uint64_t t = guest_alloc(f->g, 32, 16), b = in_buf(f);
    write_table(f, t, 0, b, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 2);
    ring_write_desc(&f->r, 0, t, 32, VRING_DESC_F_INDIRECT, 0);
    ring_put_avail(&f->r, 0);
}

static void break_avail_jump(Fixture *f)
{
    ring_write_desc(&f->r, 0, in_buf(f), 8, VRING_DESC_F_WRITE, 0);
    ring_set_avail_idx(&f->r, 17);  /* queue size 16 */
}

static void break_avail_backwards(Fixture *f)
{
    ring_set_avail_idx(&f->r, 0xffff);  /* "65535 new entries" */
}

static void break_head_range(Fixture *f)
{
    ring_put_avail(&f->r, 200);
}

typedef struct HostileCase {
    const char *name;
    BreakFn *fn;
    uint64_t features;
    const char *message;
} HostileCase;

static const HostileCase hostile_cases[] = {
    { "loop", break_loop, 0, "*loops or is longer than its table*" },
    { "self-loop", break_self_loop, 0, "*loops*" },
    { "next-out-of-range", break_next_range, 0, "*points to 16, outside*" },
    { "outside-ram", break_outside_ram, 0, "*is not in RAM*" },
    { "below-ram", break_below_ram, 0, "*0x1000 (+8) is not in RAM*" },
    { "huge-len", break_huge_len, 0, "*longer than 1048576 bytes*" },
    { "wrapping-addr", break_wrap_addr, 0, "*is not in RAM*" },
    { "chain-bytes", break_chain_bytes, 0, "*longer than 1048576 bytes*" },
    { "write-before-read", break_write_before_read, 0,
      "*device-readable descriptor after a device-writable*" },
    { "indirect-odd-size", break_indirect_odd, INDIRECT,
      "*indirect table of 17 bytes*" },
    { "indirect-zero", break_indirect_zero, INDIRECT,
      "*indirect table of 0 bytes*" },
    { "indirect-too-big", break_indirect_big, INDIRECT,
      "*indirect table of 16400 bytes*" },
    { "indirect-outside-ram", break_indirect_outside, INDIRECT,
      "*indirect table at * is not in RAM*" },
    { "indirect-nested", break_indirect_nested, INDIRECT,
      "*nested indirect*" },
    { "indirect-with-next", break_indirect_next, INDIRECT,
      "*not alone in its chain*" },
    { "indirect-not-head", break_indirect_not_head, INDIRECT,
      "*not alone in its chain*" },
    { "indirect-loop", break_indirect_loop, INDIRECT,
      "*loops or is longer than its table (2 entries)*" },
    { "indirect-next-range", break_indirect_next_range, INDIRECT,
      "*points to 2, outside its table (2 entries)*" },
    { "indirect-not-negotiated", break_indirect_nested, 0,
      "*without VIRTIO_F_RING_INDIRECT_DESC*" },
    { "avail-jump", break_avail_jump, 0, "*17 entries ahead*" },
    { "avail-backwards", break_avail_backwards, 0, "*65535 entries ahead*" },
    { "head-out-of-range", break_head_range, 0,
      "*avail ring names descriptor 200*" },
};

static void test_hostile(gconstpointer data)
{
    const HostileCase *c = data;
    Fixture f;
    uint32_t id, len;
    uint64_t in;

    fixture_open(&f, V1 | EVENT_IDX | c->features, 16);
    c->fn(&f);
    g_test_expect_message("virtio", G_LOG_LEVEL_WARNING, c->message);
    ring_kick(&f.r);
    g_test_assert_expected_messages();

    /* Broken: NEEDS_RESET, a config interrupt, nothing used. */
    g_assert_true(f.vdev->broken);
    g_assert_cmphex(f.vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET, ==,
                    VIRTIO_CONFIG_S_NEEDS_RESET);
    g_assert_cmphex(f.vdev->isr, ==, VIRTIO_ISR_CONFIG);
    g_assert_true(f.g->irq_level);
    g_assert_cmpuint(f.g->config_notifies, ==, 1);
    g_assert_cmpuint(ring_used_idx(&f.r), ==, 0);
    g_assert_cmpuint(f.d->popped, ==, 0);
    /* Kicking again does nothing and logs nothing (a second message would
     * fail the test: warnings are fatal unless expected). */
    ring_kick(&f.r);
    ring_kick(&f.r);
    g_assert_cmpuint(f.g->config_notifies, ==, 1);
    /* NEEDS_RESET survives the driver writing the status back. */
    virtio_set_status(f.vdev, f.vdev->status & ~VIRTIO_CONFIG_S_NEEDS_RESET);
    g_assert_cmphex(f.vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET, ==,
                    VIRTIO_CONFIG_S_NEEDS_RESET);

    /* A reset brings it back. */
    virtio_set_status(f.vdev, 0);
    g_assert_false(f.vdev->broken);
    g_assert_false(f.g->irq_level);
    g_assert_true(guest_negotiate(f.vdev, V1 | EVENT_IDX | c->features));
    ring_reinit(&f.r);
    guest_driver_ok(f.vdev);
    in = in_buf(&f);
    {
        TestBuf b[] = { { in, 16, true } };
        ring_add(&f.r, b, 1);
        ring_kick(&f.r);
    }
    g_assert_cmpuint(f.d->popped, ==, 1);
    g_assert_true(ring_get_used(&f.r, &id, &len));
    g_assert_cmpuint(len, ==, 16);
    g_assert_cmphex(f.vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
    fixture_close(&f);
}

/* Mistakes that are dropped and counted rather than fatal. */
static void test_hostile_dropped(void)
{
    Fixture f;

    fixture_open(&f, V1, 16);
    g_test_expect_message("virtio", G_LOG_LEVEL_WARNING,
                          "*notified queue 7, which does not exist*");
    virtio_queue_notify(f.vdev, 7);
    g_test_assert_expected_messages();
    virtio_queue_notify(f.vdev, 0xffff);    /* counted, not logged again */
    g_assert_cmpuint(f.vdev->stats.bad_notify, ==, 2);
    virtio_queue_notify(f.vdev, 1);         /* exists, not set up */
    g_assert_cmpuint(f.vdev->stats.notify_not_ready, ==, 1);
    g_assert_false(f.vdev->broken);
    fixture_close(&f);
}

/* Rings that are not in RAM are refused when the queue is enabled. */
static void test_hostile_rings(void)
{
    Fixture f;

    fixture_open(&f, 0, 0);
    g_assert_true(guest_negotiate(f.vdev, V1));
    virtio_queue_set_size(f.vdev, 0, 256);
    virtio_queue_set_desc_addr(f.vdev, 0, GUEST_RAM_BASE + GUEST_RAM_SIZE -
                               1024);     /* 4096 bytes needed */
    virtio_queue_set_avail_addr(f.vdev, 0, GUEST_RAM_BASE);
    virtio_queue_set_used_addr(f.vdev, 0, GUEST_RAM_BASE + 8192);
    g_test_expect_message("virtio", G_LOG_LEVEL_WARNING,
                          "*queue 0: rings*are not in RAM*");
    g_assert_false(virtio_queue_set_ready(f.vdev, 0, true));
    g_test_assert_expected_messages();
    g_assert_false(virtio_queue_get_ready(f.vdev, 0));
    g_assert_true(f.vdev->broken);
    /* Legacy PFN far outside RAM. */
    virtio_set_status(f.vdev, 0);
    g_test_expect_message("virtio", G_LOG_LEVEL_WARNING, "*not in RAM*");
    virtio_queue_set_legacy_pfn(f.vdev, 1, 0xfffff);
    g_test_assert_expected_messages();
    g_assert_cmpuint(virtio_queue_get_legacy_pfn(f.vdev, 1), ==, 0);
    fixture_close(&f);
}

/* A guest that keeps breaking the device is reported a bounded number of
 * times. */
static void test_hostile_log_limit(void)
{
    Fixture f;

    fixture_open(&f, V1, 16);
    for (unsigned i = 0; i < VIRTIO_ERROR_REPORT_LIMIT + 5; i++) {
        if (i) {
            g_assert_true(guest_negotiate(f.vdev, V1));     /* resets */
            ring_reinit(&f.r);
            guest_driver_ok(f.vdev);
        }
        break_loop(&f);
        if (i < VIRTIO_ERROR_REPORT_LIMIT - 1) {
            g_test_expect_message("virtio", G_LOG_LEVEL_WARNING, "*loops*");
        } else if (i == VIRTIO_ERROR_REPORT_LIMIT - 1) {
            g_test_expect_message("virtio", G_LOG_LEVEL_WARNING,
                                  "*further guest errors*not reported*");
        }
        ring_kick(&f.r);
        g_test_assert_expected_messages();
        g_assert_true(f.vdev->broken);
    }
    fixture_close(&f);
}

/* Random garbage in the descriptor table, the avail ring and indirect
 * tables: the device either processes it or breaks, never crashes or
 * hangs, and always recovers after a reset.  Seeded: reproducible. */
static gboolean virtio_not_fatal(const gchar *domain, GLogLevelFlags level,
                                 const gchar *message, gpointer data)
{
    return g_strcmp0(domain, "virtio") != 0;
}

static void count_log(const gchar *domain, GLogLevelFlags level,
                      const gchar *message, gpointer data)
{
    (*(unsigned *)data)++;
}

static uint64_t random_addr(GRand *rand, uint64_t scratch)
{
    switch (g_rand_int_range(rand, 0, 6)) {
    case 0:
        return ((uint64_t)g_rand_int(rand) << 32) | g_rand_int(rand);
    case 1:
        return GUEST_RAM_BASE + GUEST_RAM_SIZE - g_rand_int_range(rand, 0, 64);
    case 2:
        return GUEST_RAM_BASE - g_rand_int_range(rand, 0, 64);
    default:
        return scratch + g_rand_int_range(rand, 0, 4096);
    }
}

static uint32_t random_len(GRand *rand)
{
    switch (g_rand_int_range(rand, 0, 6)) {
    case 0:
        return g_rand_int(rand);
    case 1:
        return 0;
    case 2:
        return 16 * (uint32_t)g_rand_int_range(rand, 0, 8);
    default:
        return (uint32_t)g_rand_int_range(rand, 1, 2048);
    }
}

static void test_random_rings(void)
{
    Fixture f;
    GRand *rand = g_rand_new_with_seed(20240601);
    uint64_t features = V1 | INDIRECT | EVENT_IDX;
    uint64_t scratch, tables;
    unsigned logs = 0, broken = 0, used = 0;
    guint handler;

    g_test_log_set_fatal_handler(virtio_not_fatal, NULL);
    handler = g_log_set_handler("virtio", G_LOG_LEVEL_WARNING |
                                G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                                count_log,
                                &logs);
    fixture_open(&f, features, 16);
    scratch = guest_alloc(f.g, 8192, 16);
    tables = guest_alloc(f.g, 16 * 64, 16);
    for (unsigned iter = 0; iter < 3000; iter++) {
        uint16_t avail;

        if (iter) {
            g_assert_true(guest_negotiate(f.vdev, features));
            ring_reinit(&f.r);
            guest_driver_ok(f.vdev);
        }
        for (unsigned i = 0; i < 16; i++) {
            bool indirect = g_rand_int_range(rand, 0, 8) == 0;
            ring_write_desc(&f.r, i,
                            indirect ? tables : random_addr(rand, scratch),
                            random_len(rand),
                            (uint16_t)g_rand_int_range(rand, 0, 8),
                            (uint16_t)g_rand_int_range(rand, 0, 20));
        }
        for (unsigned i = 0; i < 64; i++) {
            write_table(&f, tables, i, random_addr(rand, scratch),
                        random_len(rand),
                        (uint16_t)g_rand_int_range(rand, 0, 8),
                        (uint16_t)g_rand_int_range(rand, 0, 70));
        }
        for (unsigned i = 0; i < 16; i++) {
            stw_le_p((uint8_t *)guest_ptr(f.g, f.r.avail) + 4 + 2 * i,
                     (uint16_t)g_rand_int_range(rand, 0, 18));
        }
        avail = g_rand_boolean(rand) ? (uint16_t)g_rand_int_range(rand, 0, 17)
                                     : (uint16_t)g_rand_int(rand);
        ring_set_avail_idx(&f.r, avail);
        ring_kick(&f.r);
        ring_kick(&f.r);
        if (f.vdev->broken) {
            broken++;
            g_assert_cmphex(f.vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET, ==,
                            VIRTIO_CONFIG_S_NEEDS_RESET);
        }
        used += ring_used_idx(&f.r);
        g_assert_cmpuint(ring_used_idx(&f.r), <=, 16);
    }
    g_test_message("random rings: %u broken, %u chains used, %u logged",
                   broken, used, logs);
    g_assert_cmpuint(broken, >, 0);
    g_assert_cmpuint(used, >, 0);
    g_assert_cmpuint(logs, ==, VIRTIO_ERROR_REPORT_LIMIT);
    g_log_remove_handler("virtio", handler);
    g_test_log_set_fatal_handler(NULL, NULL);
    g_rand_free(rand);
    fixture_close(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio/features", test_features);
    g_test_add_func("/virtio/queue-setup", test_queue_setup);
    g_test_add_func("/virtio/pop-push", test_pop_push);
    g_test_add_func("/virtio/rewind", test_rewind);
    g_test_add_func("/virtio/indirect", test_indirect);
    g_test_add_func("/virtio/used-ring-init", test_used_ring_init);
    g_test_add_func("/virtio/no-interrupt-flag", test_no_interrupt_flag);
    g_test_add_func("/virtio/event-idx", test_event_idx);
    for (size_t i = 0; i < G_N_ELEMENTS(hostile_cases); i++) {
        g_autofree char *path = g_strdup_printf("/virtio/hostile/%s",
                                                hostile_cases[i].name);
        g_test_add_data_func(path, &hostile_cases[i], test_hostile);
    }
    g_test_add_func("/virtio/hostile/dropped", test_hostile_dropped);
    g_test_add_func("/virtio/hostile/rings", test_hostile_rings);
    g_test_add_func("/virtio/hostile/log-limit", test_hostile_log_limit);
    g_test_add_func("/virtio/hostile/random-rings", test_random_rings);
    return g_test_run();
}
