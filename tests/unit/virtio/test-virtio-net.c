/*
 * Device-level tests of virtio-net: a test guest drives the device through
 * the transport-side virtio API while a test peer (standing in for a tap,
 * with or without a vnet header) sends and records frames.
 *
 * Covered: feature negotiation and header sizes, config space and the
 * link, TX with and without a vnet-header peer (and a legacy 10-byte
 * header), TX backpressure and bursts, RX into single and mergeable
 * buffers, RX backpressure (no buffers -> frames wait -> kick -> in order),
 * the re-check after re-enabling notifications, oversize frames, the
 * control queue, and a hostile guest.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "hw/virtio/virtio-net.h"
#include "net/net.h"
#include "net/queue.h"

#define BIT(b) (1ull << (b))
#define V1 BIT(VIRTIO_F_VERSION_1)
#define BASE_FEATURES (V1 | BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_STATUS))
#define CTRL (BIT(VIRTIO_NET_F_CTRL_VQ) | BIT(VIRTIO_NET_F_CTRL_RX))
#define MRG BIT(VIRTIO_NET_F_MRG_RXBUF)
#define EVENT_IDX BIT(VIRTIO_F_RING_EVENT_IDX)

/* ---- the test peer ---- */

typedef struct Peer {
    NetClientState nc;
    bool vnet;                  /* pretends to be a tap with IFF_VNET_HDR */
    int hdr_len;
    unsigned offload_calls;
    bool csum, tso4, tso6, ecn, ufo;
    bool refuse;
    GPtrArray *frames;          /* GBytes */
    unsigned sent_cbs;
} Peer;

static ssize_t peer_receive_iov(NetClientState *nc, const struct iovec *iov,
                                int iovcnt)
{
    Peer *p = (Peer *)nc;
    size_t size = iov_size(iov, iovcnt);
    uint8_t *buf = g_malloc(size);

    if (p->refuse) {
        g_free(buf);
        return 0;
    }
    iov_to_buf(iov, iovcnt, 0, buf, size);
    g_ptr_array_add(p->frames, g_bytes_new_take(buf, size));
    return (ssize_t)size;
}

static bool peer_can_receive(NetClientState *nc)
{
    return !((Peer *)nc)->refuse;
}

static bool peer_has_vnet_hdr(NetClientState *nc)
{
    return ((Peer *)nc)->vnet;
}

static void peer_set_vnet_hdr_len(NetClientState *nc, int len)
{
    ((Peer *)nc)->hdr_len = len;
}

static void peer_set_offload(NetClientState *nc, bool csum, bool tso4,
                             bool tso6, bool ecn, bool ufo)
{
    Peer *p = (Peer *)nc;

    p->offload_calls++;
    p->csum = csum;
    p->tso4 = tso4;
    p->tso6 = tso6;
    p->ecn = ecn;
    p->ufo = ufo;
}

static void peer_cleanup(NetClientState *nc)
{
    g_ptr_array_unref(((Peer *)nc)->frames);
}

static const NetClientInfo peer_info = {
    .type = NET_CLIENT_DRIVER_TAP,
    .size = sizeof(Peer),
    .receive_iov = peer_receive_iov,
    .can_receive = peer_can_receive,
    .has_vnet_hdr = peer_has_vnet_hdr,
    .set_vnet_hdr_len = peer_set_vnet_hdr_len,
    .set_offload = peer_set_offload,
    .cleanup = peer_cleanup,
};

static void peer_sent(NetClientState *nc, ssize_t len)
{
    ((Peer *)nc)->sent_cbs++;
}

/* ---- fixture ---- */

typedef struct NetFixture {
    TestGuest *g;
    Peer *peer;
    VirtIONet *n;
    VirtIODevice *vdev;
    TestRing rx, tx, ctrl;
    uint64_t rx_addr[1024];     /* buffer of each RX head */
} NetFixture;

typedef struct NetOpts {
    bool vnet;
    bool no_peer;
    unsigned queue_size;
    unsigned tx_burst;
    uint16_t mtu;
} NetOpts;

static void net_open_opts(NetFixture *f, const NetOpts *o)
{
    VirtIONetConf conf = { 0 };

    memset(f, 0, sizeof(*f));
    f->g = guest_new();
    if (!o->no_peer) {
        f->peer = (Peer *)qemu_new_net_client(&peer_info, NULL, "tap", "hn0");
        f->peer->frames =
            g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
        f->peer->vnet = o->vnet;
    }
    conf.dma = &f->g->dma;
    conf.peer = f->peer ? &f->peer->nc : NULL;
    conf.id = "net0";
    conf.has_mac = true;
    memcpy(conf.mac, (uint8_t[]){ 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, 6);
    conf.queue_size = o->queue_size;
    conf.tx_burst = o->tx_burst;
    conf.mtu = o->mtu;
    f->n = virtio_net_new(&conf, &error_abort);
    f->vdev = virtio_net_vdev(f->n);
    guest_bind(f->g, f->vdev);
}

static void net_open(NetFixture *f, bool vnet)
{
    NetOpts o = { .vnet = vnet };
    net_open_opts(f, &o);
}

/* Negotiates FEATURES, sets up RX/TX (and CTRL when negotiated) with
 * SIZE entries, DRIVER_OK. */
static void net_start(NetFixture *f, uint64_t features, unsigned size)
{
    g_assert_true(guest_negotiate(f->vdev, features));
    ring_init(&f->rx, f->g, f->vdev, VIRTIO_NET_RX_QUEUE, size);
    ring_init(&f->tx, f->g, f->vdev, VIRTIO_NET_TX_QUEUE, size);
    if (features & BIT(VIRTIO_NET_F_CTRL_VQ)) {
        ring_init(&f->ctrl, f->g, f->vdev, VIRTIO_NET_CTRL_QUEUE, 16);
    }
    guest_driver_ok(f->vdev);
}

static void net_close(NetFixture *f)
{
    virtio_net_free(f->n);
    if (f->peer) {
        qemu_del_net_client(&f->peer->nc);
    }
    guest_free(f->g);
}

/* Posts COUNT receive buffers of SIZE bytes each (no kick). */
static void post_rx(NetFixture *f, unsigned count, uint32_t size)
{
    for (unsigned i = 0; i < count; i++) {
        TestBuf b = { guest_buf(f->g, size, 0xee), size, true };
        unsigned head = ring_add(&f->rx, &b, 1);
        f->rx_addr[head] = b.addr;
    }
}

/* The next used RX buffer: its bytes and the length the device wrote. */
static const uint8_t *take_rx(NetFixture *f, uint32_t *len)
{
    uint32_t id;

    g_assert_true(ring_get_used(&f->rx, &id, len));
    return guest_ptr(f->g, f->rx_addr[id]);
}

/* A frame of LEN bytes: a byte pattern that starts with SEED. */
static uint8_t *make_frame(size_t len, uint8_t seed)
{
    uint8_t *p = g_malloc(len);
    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(seed + i);
    }
    return p;
}

/* Guest transmit: a 12-byte header (HDR_LEN) and the frame, as two
 * descriptors the way U-Boot and Linux (without ANY_LAYOUT) do it. */
static unsigned guest_tx(NetFixture *f, size_t hdr_len, uint8_t hdr_flags,
                         const uint8_t *frame, uint32_t len)
{
    uint64_t hdr = guest_buf(f->g, (uint32_t)hdr_len, 0);
    uint64_t data = guest_buf(f->g, len, 0);
    TestBuf b[] = { { hdr, (uint32_t)hdr_len, false }, { data, len, false } };

    ((uint8_t *)guest_ptr(f->g, hdr))[0] = hdr_flags;
    memcpy(guest_ptr(f->g, data), frame, len);
    return ring_add(&f->tx, b, 2);
}

static void assert_frame(Peer *p, guint index, const uint8_t *data,
                         size_t len)
{
    gsize size;
    const uint8_t *got;

    g_assert_cmpuint(p->frames->len, >, index);
    got = g_bytes_get_data(g_ptr_array_index(p->frames, index), &size);
    g_assert_cmpmem(got, size, data, len);
}

/* ---------------------------------------------------------------------- */

static void test_features_plain_peer(void)
{
    NetFixture f;
    uint64_t offered;

    net_open(&f, false);
    offered = (uint64_t)virtio_read_device_features(f.vdev, 1) << 32 |
              virtio_read_device_features(f.vdev, 0);
    g_assert_true(offered & BIT(VIRTIO_NET_F_MAC));
    g_assert_true(offered & BIT(VIRTIO_NET_F_STATUS));
    g_assert_true(offered & BIT(VIRTIO_NET_F_CTRL_VQ));
    g_assert_true(offered & BIT(VIRTIO_NET_F_CTRL_RX));
    g_assert_true(offered & BIT(VIRTIO_NET_F_MRG_RXBUF));
    g_assert_true(offered & V1);
    g_assert_true(offered & BIT(VIRTIO_F_RING_INDIRECT_DESC));
    g_assert_true(offered & EVENT_IDX);
    g_assert_false(offered & BIT(VIRTIO_NET_F_MTU));
    /* No vnet header at the peer: no offloads. */
    g_assert_false(offered & BIT(VIRTIO_NET_F_CSUM));
    g_assert_false(offered & BIT(VIRTIO_NET_F_GUEST_CSUM));
    g_assert_false(offered & BIT(VIRTIO_NET_F_HOST_TSO4));
    g_assert_false(offered & BIT(VIRTIO_NET_F_GUEST_TSO4));
    g_assert_false(offered & BIT(VIRTIO_NET_F_MQ));
    /* U-Boot's set. */
    g_assert_true(guest_negotiate(f.vdev, V1 | BIT(VIRTIO_NET_F_MAC)));
    /* CTRL_RX needs CTRL_VQ. */
    g_assert_false(guest_negotiate(f.vdev, V1 | BIT(VIRTIO_NET_F_CTRL_RX)));
    g_assert_cmpint(f.peer->hdr_len, ==, 0);
    g_assert_cmpuint(f.peer->offload_calls, ==, 0);
    net_close(&f);
}

static void test_features_vnet_peer(void)
{
    NetFixture f;
    uint64_t offered, guest;

    net_open(&f, true);
    offered = (uint64_t)virtio_read_device_features(f.vdev, 1) << 32 |
              virtio_read_device_features(f.vdev, 0);
    for (unsigned b = VIRTIO_NET_F_CSUM; b <= VIRTIO_NET_F_HOST_UFO; b++) {
        bool want = b == VIRTIO_NET_F_CSUM || b == VIRTIO_NET_F_GUEST_CSUM ||
                    (b >= VIRTIO_NET_F_GUEST_TSO4 && b <= VIRTIO_NET_F_GUEST_ECN) ||
                    (b >= VIRTIO_NET_F_HOST_TSO4 && b <= VIRTIO_NET_F_HOST_ECN);
        if (b == VIRTIO_NET_F_MAC) {
            continue;
        }
        g_assert_cmpint(!!(offered & BIT(b)), ==, want);
    }
    /* Dependencies of 5.1.3.1. */
    g_assert_false(guest_negotiate(f.vdev, V1 |
                                   BIT(VIRTIO_NET_F_GUEST_TSO4)));
    g_assert_false(guest_negotiate(f.vdev, V1 | BIT(VIRTIO_NET_F_CSUM) |
                                   BIT(VIRTIO_NET_F_HOST_ECN)));
    g_assert_false(guest_negotiate(f.vdev, V1 | BIT(VIRTIO_NET_F_GUEST_CSUM) |
                                   BIT(VIRTIO_NET_F_GUEST_ECN)));
    /* Linux's usual set. */
    guest = BASE_FEATURES | MRG | BIT(VIRTIO_NET_F_CSUM) |
            BIT(VIRTIO_NET_F_GUEST_CSUM) | BIT(VIRTIO_NET_F_GUEST_TSO4) |
            BIT(VIRTIO_NET_F_GUEST_TSO6) | BIT(VIRTIO_NET_F_HOST_TSO4);
    g_assert_true(guest_negotiate(f.vdev, guest));
    g_assert_cmpint(f.peer->hdr_len, ==, 12);
    g_assert_true(f.peer->csum);
    g_assert_true(f.peer->tso4);
    g_assert_true(f.peer->tso6);
    g_assert_false(f.peer->ecn);
    g_assert_false(f.peer->ufo);
    /* A reset turns the offloads off again; a legacy driver without
     * MRG_RXBUF gets the 10-byte header. */
    virtio_set_status(f.vdev, 0);
    g_assert_false(f.peer->csum);
    virtio_set_features_legacy(f.vdev, BIT(VIRTIO_NET_F_MAC));
    g_assert_cmpint(f.peer->hdr_len, ==, 10);
    virtio_set_features_legacy(f.vdev, BIT(VIRTIO_NET_F_MAC) | MRG);
    g_assert_cmpint(f.peer->hdr_len, ==, 12);
    net_close(&f);
}

static void test_config(void)
{
    NetFixture f;
    NetOpts o = { .mtu = 1400 };
    uint8_t mac[6], next[6];

    net_open_opts(&f, &o);
    g_assert_cmpuint(f.vdev->config_len, ==, 12);
    for (int i = 0; i < 6; i++) {
        mac[i] = (uint8_t)virtio_config_read(f.vdev, (uint32_t)i, 1);
    }
    g_assert_cmpmem(mac, 6, ((uint8_t[]){ 0x52, 0x54, 0, 0x12, 0x34, 0x56 }),
                    6);
    g_assert_cmphex(virtio_config_read(f.vdev, VIRTIO_NET_CFG_STATUS, 2), ==,
                    VIRTIO_NET_S_LINK_UP);
    g_assert_cmpuint(virtio_config_read(f.vdev, VIRTIO_NET_CFG_MAX_VQ_PAIRS,
                                        2), ==, 1);
    g_assert_cmpuint(virtio_config_read(f.vdev, VIRTIO_NET_CFG_MTU, 2), ==,
                     1400);
    g_assert_true(virtio_read_device_features(f.vdev, 0) &
                  BIT(VIRTIO_NET_F_MTU));
    g_assert_cmpstr(virtio_net_nc(f.n)->info_str, ==,
                    "model=virtio-net-pci,macaddr=52:54:00:12:34:56");
    g_assert_cmpstr(virtio_net_nc(f.n)->name, ==, "net0");
    g_assert_true(virtio_net_nc(f.n)->is_nic);

    /* A modern driver cannot change the MAC through config space. */
    g_assert_true(guest_negotiate(f.vdev, BASE_FEATURES));
    virtio_config_write(f.vdev, 5, 1, 0x99);
    g_assert_cmphex(virtio_config_read(f.vdev, 5, 1), ==, 0x56);
    /* A legacy one can; a reset restores the configured MAC. */
    virtio_set_status(f.vdev, 0);
    virtio_set_features_legacy(f.vdev, BIT(VIRTIO_NET_F_MAC));
    virtio_config_write(f.vdev, 5, 1, 0x99);
    g_assert_cmphex(virtio_config_read(f.vdev, 5, 1), ==, 0x99);
    virtio_set_status(f.vdev, 0);
    g_assert_cmphex(virtio_config_read(f.vdev, 5, 1), ==, 0x56);
    net_close(&f);

    /* Default MACs count up from 52:54:00:12:34:56. */
    virtio_net_next_default_mac(mac);
    virtio_net_next_default_mac(next);
    g_assert_cmpmem(mac, 3, ((uint8_t[]){ 0x52, 0x54, 0 }), 3);
    g_assert_cmpuint(next[5], ==, (uint8_t)(mac[5] + 1));
}

static void test_default_mac_sequence(void)
{
    /* NICs created without a MAC get consecutive default ones. */
    TestGuest *g = guest_new();
    VirtIONetConf conf = { .dma = &g->dma };
    VirtIONet *a = virtio_net_new(&conf, &error_abort);
    VirtIONet *b = virtio_net_new(&conf, &error_abort);
    const char *sa = virtio_net_nc(a)->info_str;
    const char *sb = virtio_net_nc(b)->info_str;
    unsigned la, lb;

    g_assert_true(g_str_has_prefix(sa, "model=virtio-net-pci,macaddr="
                                   "52:54:00:12:34:"));
    la = (unsigned)strtoul(sa + strlen(sa) - 2, NULL, 16);
    lb = (unsigned)strtoul(sb + strlen(sb) - 2, NULL, 16);
    g_assert_cmpuint(lb, ==, la + 1);
    g_assert_cmpstr(virtio_net_nc(a)->name, ==, "virtio-net-pci.0");
    g_assert_cmpstr(virtio_net_nc(b)->name, ==, "virtio-net-pci.1");
    virtio_net_free(a);
    virtio_net_free(b);
    guest_free(g);
}

static void test_peer_in_use(void)
{
    NetFixture f;
    VirtIONetConf conf = { 0 };
    Error *err = NULL;

    net_open(&f, false);
    conf.dma = &f.g->dma;
    conf.peer = &f.peer->nc;
    g_assert_null(virtio_net_new(&conf, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Property 'virtio-net-pci.netdev' can't take value "
                    "'hn0', it's in use");
    error_free(err);
    net_close(&f);
}

/* ---- transmit ---- */

static void test_tx_plain_peer(void)
{
    NetFixture f;
    g_autofree uint8_t *frame = make_frame(60, 1);
    uint32_t id, len;
    unsigned head;

    net_open(&f, false);
    net_start(&f, V1 | BIT(VIRTIO_NET_F_MAC), 256);
    head = guest_tx(&f, 12, 0, frame, 60);
    ring_kick(&f.tx);
    /* Complete before the kick returns (U-Boot polls right after it). */
    g_assert_true(ring_get_used(&f.tx, &id, &len));
    g_assert_cmpuint(id, ==, head);
    g_assert_cmpuint(len, ==, 0);
    g_assert_cmpuint(f.peer->frames->len, ==, 1);
    assert_frame(f.peer, 0, frame, 60);         /* header stripped */
    g_assert_true(f.g->irq_level);
    g_assert_cmphex(virtio_isr_read_clear(f.vdev), ==, VIRTIO_ISR_QUEUE);
    /* Kicks are back on after the queue ran dry. */
    g_assert_cmphex(ring_used_flags(&f.tx), ==, 0);

    /* One descriptor holding header and frame (ANY_LAYOUT). */
    {
        uint64_t buf = guest_buf(f.g, 72, 0);
        TestBuf b = { buf, 72, false };
        memcpy((uint8_t *)guest_ptr(f.g, buf) + 12, frame, 60);
        ring_add(&f.tx, &b, 1);
        ring_kick(&f.tx);
        assert_frame(f.peer, 1, frame, 60);
    }
    net_close(&f);
}

static void test_tx_vnet_peer(void)
{
    NetFixture f;
    g_autofree uint8_t *frame = make_frame(100, 7);
    uint8_t expect[112] = { VIRTIO_NET_HDR_F_NEEDS_CSUM };

    net_open(&f, true);
    net_start(&f, BASE_FEATURES | BIT(VIRTIO_NET_F_CSUM), 256);
    guest_tx(&f, 12, VIRTIO_NET_HDR_F_NEEDS_CSUM, frame, 100);
    ring_kick(&f.tx);
    memcpy(expect + 12, frame, 100);
    assert_frame(f.peer, 0, expect, 112);       /* header passed through */
    g_assert_cmpuint(ring_used_idx(&f.tx), ==, 1);
    net_close(&f);
}

static void test_tx_legacy_header(void)
{
    NetFixture f;
    g_autofree uint8_t *frame = make_frame(64, 3);

    net_open(&f, false);
    /* A legacy driver without MRG_RXBUF: 10-byte header. */
    virtio_set_features_legacy(f.vdev, BIT(VIRTIO_NET_F_MAC));
    ring_init_legacy(&f.rx, f.g, f.vdev, VIRTIO_NET_RX_QUEUE);
    ring_init_legacy(&f.tx, f.g, f.vdev, VIRTIO_NET_TX_QUEUE);
    virtio_set_status(f.vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_DRIVER_OK);
    guest_tx(&f, 10, 0, frame, 64);
    ring_kick(&f.tx);
    assert_frame(f.peer, 0, frame, 64);

    /* RX: a 10-byte header, no num_buffers. */
    post_rx(&f, 1, 1526);
    qemu_send_packet(&f.peer->nc, frame, 64);
    {
        uint32_t len;
        const uint8_t *buf = take_rx(&f, &len);
        g_assert_cmpuint(len, ==, 74);
        g_assert_cmpmem(buf + 10, 64, frame, 64);
        g_assert_cmphex(buf[10 - 1], ==, 0);
    }
    net_close(&f);
}

static void test_tx_runt_and_no_peer(void)
{
    NetFixture f;
    NetOpts o = { .no_peer = true };
    g_autofree uint8_t *frame = make_frame(60, 1);
    uint64_t hdr;

    net_open_opts(&f, &o);
    net_start(&f, BASE_FEATURES, 16);
    /* Header only: not a frame.  Dropped and counted, chain completed. */
    hdr = guest_buf(f.g, 12, 0);
    ring_add(&f.tx, &(TestBuf){ hdr, 12, false }, 1);
    ring_add(&f.tx, &(TestBuf){ hdr, 4, false }, 1);
    ring_kick(&f.tx);
    g_assert_cmpuint(virtio_net_stats(f.n)->tx_runt, ==, 2);
    g_assert_cmpuint(ring_used_idx(&f.tx), ==, 2);
    /* No netdev: frames go nowhere but complete. */
    guest_tx(&f, 12, 0, frame, 60);
    ring_kick(&f.tx);
    g_assert_cmpuint(ring_used_idx(&f.tx), ==, 3);
    g_assert_false(f.vdev->broken);
    net_close(&f);
}

/* The peer cannot take frames: the first one waits in its queue, TX stops
 * and the chain stays unused; the completion callback resumes TX. */
static void test_tx_backpressure(void)
{
    NetFixture f;
    uint8_t *frames[4];

    net_open(&f, false);
    net_start(&f, BASE_FEATURES, 16);
    f.peer->refuse = true;
    for (int i = 0; i < 4; i++) {
        frames[i] = make_frame(60 + i, (uint8_t)(i * 16));
        guest_tx(&f, 12, 0, frames[i], 60 + (uint32_t)i);
    }
    ring_kick(&f.tx);
    g_assert_cmpuint(ring_used_idx(&f.tx), ==, 0);
    g_assert_cmpuint(net_queue_length(f.peer->nc.incoming_queue), ==, 1);
    /* Kicks stay off meanwhile; a kick changes nothing. */
    g_assert_cmphex(ring_used_flags(&f.tx), ==, VRING_USED_F_NO_NOTIFY);
    ring_kick(&f.tx);
    g_assert_cmpuint(net_queue_length(f.peer->nc.incoming_queue), ==, 1);

    f.peer->refuse = false;
    qemu_flush_queued_packets(&f.peer->nc);
    g_assert_cmpuint(ring_used_idx(&f.tx), ==, 4);
    g_assert_cmpuint(f.peer->frames->len, ==, 4);
    for (int i = 0; i < 4; i++) {
        assert_frame(f.peer, (guint)i, frames[i], 60 + (size_t)i);
        g_free(frames[i]);
    }
    g_assert_cmphex(ring_used_flags(&f.tx), ==, 0);
    net_close(&f);
}

static void test_tx_burst(void)
{
    NetFixture f;
    NetOpts o = { .tx_burst = 4 };
    g_autofree uint8_t *frame = make_frame(60, 0);

    net_open_opts(&f, &o);
    net_start(&f, BASE_FEATURES, 16);
    for (int i = 0; i < 10; i++) {
        guest_tx(&f, 12, 0, frame, 60);
    }
    ring_kick(&f.tx);
    g_assert_cmpuint(ring_used_idx(&f.tx), ==, 4);
    for (int i = 0; i < 10 && ring_used_idx(&f.tx) < 10; i++) {
        g_main_context_iteration(NULL, FALSE);
    }
    g_assert_cmpuint(ring_used_idx(&f.tx), ==, 10);
    g_assert_cmpuint(f.peer->frames->len, ==, 10);
    /* Not stuck: a later kick still sends. */
    guest_tx(&f, 12, 0, frame, 60);
    ring_kick(&f.tx);
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    g_assert_cmpuint(ring_used_idx(&f.tx), ==, 11);
    net_close(&f);
}

/* A reset with a frame waiting at the peer: the frame is purged, no
 * callback comes back into the reset device. */
static void test_tx_reset_purges(void)
{
    NetFixture f;
    g_autofree uint8_t *frame = make_frame(60, 0);

    net_open(&f, false);
    net_start(&f, BASE_FEATURES, 16);
    f.peer->refuse = true;
    guest_tx(&f, 12, 0, frame, 60);
    ring_kick(&f.tx);
    g_assert_cmpuint(net_queue_length(f.peer->nc.incoming_queue), ==, 1);
    virtio_set_status(f.vdev, 0);
    g_assert_cmpuint(net_queue_length(f.peer->nc.incoming_queue), ==, 0);
    f.peer->refuse = false;
    qemu_flush_queued_packets(&f.peer->nc);
    g_assert_cmpuint(f.peer->frames->len, ==, 0);
    /* And it works again after re-initialisation. */
    net_start(&f, BASE_FEATURES, 16);
    guest_tx(&f, 12, 0, frame, 60);
    ring_kick(&f.tx);
    g_assert_cmpuint(f.peer->frames->len, ==, 1);
    net_close(&f);
}

/* ---- receive ---- */

static void test_rx_single(void)
{
    NetFixture f;
    g_autofree uint8_t *frame = make_frame(100, 9);
    const uint8_t *buf;
    uint32_t len;
    unsigned inval;

    net_open(&f, false);
    net_start(&f, V1 | BIT(VIRTIO_NET_F_MAC), 256);
    post_rx(&f, 32, 1526);                      /* what U-Boot does */
    ring_kick(&f.rx);
    inval = f.g->invalidations;
    g_assert_cmpint(qemu_send_packet_async(&f.peer->nc, frame, 100,
                                           peer_sent), ==, 100);
    buf = take_rx(&f, &len);
    g_assert_cmpuint(len, ==, 112);
    for (int i = 0; i < 10; i++) {
        g_assert_cmphex(buf[i], ==, 0);         /* no offload info */
    }
    g_assert_cmpuint(lduw_le_p(buf + 10), ==, 1);   /* num_buffers */
    g_assert_cmpmem(buf + 12, 100, frame, 100);
    g_assert_cmphex(buf[112], ==, 0xee);        /* nothing beyond */
    g_assert_true(f.g->irq_level);
    g_assert_cmpuint(f.g->invalidations, >, inval);
    g_assert_cmpuint(f.peer->nc.stats.tx_packets, ==, 1);
    net_close(&f);
}

static void test_rx_vnet_passthrough(void)
{
    NetFixture f;
    uint8_t pkt[12 + 80];
    const uint8_t *buf;
    uint32_t len;

    net_open(&f, true);
    net_start(&f, BASE_FEATURES | BIT(VIRTIO_NET_F_GUEST_CSUM), 16);
    post_rx(&f, 4, 1526);
    memset(pkt, 0x5a, sizeof(pkt));
    memset(pkt, 0, 12);
    pkt[0] = VIRTIO_NET_HDR_F_DATA_VALID;
    stw_le_p(pkt + 10, 0x7777);                 /* junk a tap leaves */
    qemu_send_packet(&f.peer->nc, pkt, sizeof(pkt));
    buf = take_rx(&f, &len);
    g_assert_cmpuint(len, ==, 92);
    g_assert_cmphex(buf[0], ==, VIRTIO_NET_HDR_F_DATA_VALID);
    g_assert_cmpuint(lduw_le_p(buf + 10), ==, 1);
    g_assert_cmpmem(buf + 12, 80, pkt + 12, 80);
    /* A runt shorter than the header is dropped and counted. */
    qemu_send_packet(&f.peer->nc, pkt, 6);
    g_assert_cmpuint(virtio_net_stats(f.n)->rx_runt, ==, 1);
    net_close(&f);
}

static void test_rx_mergeable(void)
{
    NetFixture f;
    g_autofree uint8_t *frame = make_frame(200, 33);
    uint8_t joined[212];
    size_t off = 0;
    const uint8_t *buf;
    uint32_t len;

    net_open(&f, false);
    net_start(&f, BASE_FEATURES | MRG, 16);
    post_rx(&f, 8, 64);
    ring_kick(&f.rx);
    qemu_send_packet(&f.peer->nc, frame, 200);
    g_assert_cmpuint(ring_used_idx(&f.rx), ==, 4);    /* 212 = 3*64 + 20 */
    for (int i = 0; i < 4; i++) {
        buf = take_rx(&f, &len);
        g_assert_cmpuint(len, ==, i < 3 ? 64 : 20);
        memcpy(joined + off, buf, len);
        off += len;
    }
    g_assert_cmpuint(lduw_le_p(joined + 10), ==, 4);
    g_assert_cmpmem(joined + 12, 200, frame, 200);

    /* A small frame takes one buffer, num_buffers 1. */
    qemu_send_packet(&f.peer->nc, frame, 40);
    buf = take_rx(&f, &len);
    g_assert_cmpuint(len, ==, 52);
    g_assert_cmpuint(lduw_le_p(buf + 10), ==, 1);
    net_close(&f);
}

/* Not enough mergeable buffers yet: the frame waits whole, and goes when
 * the guest adds buffers. */
static void test_rx_mergeable_partial(void)
{
    NetFixture f;
    g_autofree uint8_t *frame = make_frame(200, 1);
    uint32_t len;

    net_open(&f, false);
    net_start(&f, BASE_FEATURES | MRG, 16);
    post_rx(&f, 2, 64);
    g_assert_cmpint(qemu_send_packet_async(&f.peer->nc, frame, 200,
                                           peer_sent), ==, 0);
    g_assert_cmpuint(ring_used_idx(&f.rx), ==, 0);
    g_assert_cmphex(ring_used_flags(&f.rx), ==, 0);   /* kick me */
    post_rx(&f, 2, 64);
    ring_kick(&f.rx);
    g_assert_cmpuint(ring_used_idx(&f.rx), ==, 4);
    g_assert_cmpuint(f.peer->sent_cbs, ==, 1);
    g_assert_cmpuint(lduw_le_p(take_rx(&f, &len) + 10), ==, 4);
    net_close(&f);
}

/* A frame larger than all the ring's buffers together can never fit. */
static void test_rx_mergeable_no_room(void)
{
    NetFixture f;
    NetOpts o = { .queue_size = 8 };
    g_autofree uint8_t *frame = make_frame(1000, 1);

    net_open_opts(&f, &o);
    net_start(&f, BASE_FEATURES | MRG, 8);
    post_rx(&f, 8, 64);
    qemu_send_packet(&f.peer->nc, frame, 1000);
    g_assert_cmpuint(virtio_net_stats(f.n)->rx_no_room, ==, 1);
    g_assert_cmpuint(ring_used_idx(&f.rx), ==, 0);
    /* The buffers are still there for the next frame. */
    qemu_send_packet(&f.peer->nc, frame, 100);
    g_assert_cmpuint(ring_used_idx(&f.rx), ==, 2);
    net_close(&f);
}

static void test_rx_oversize(void)
{
    NetFixture f;
    g_autofree uint8_t *frame = make_frame(2000, 1);
    uint32_t len;

    net_open(&f, false);
    net_start(&f, BASE_FEATURES, 16);
    post_rx(&f, 1, 1526);
    g_assert_cmpint(qemu_send_packet_async(&f.peer->nc, frame, 2000,
                                           peer_sent), ==, 2000);
    g_assert_cmpuint(virtio_net_stats(f.n)->rx_oversize, ==, 1);
    g_assert_cmpuint(ring_used_idx(&f.rx), ==, 0);
    /* The buffer was not consumed. */
    qemu_send_packet(&f.peer->nc, frame, 1514);
    take_rx(&f, &len);
    g_assert_cmpuint(len, ==, 1526);
    net_close(&f);
}

/* No buffers: receive says "not now", frames wait in order (the sender is
 * told to stop), and the guest's kick after posting buffers brings them. */
static void test_rx_backpressure(void)
{
    NetFixture f;
    uint8_t *frames[3];

    net_open(&f, false);
    net_start(&f, BASE_FEATURES, 16);
    g_assert_false(qemu_can_send_packet(&f.peer->nc));
    g_assert_cmphex(ring_used_flags(&f.rx), ==, 0);   /* kicks wanted */
    for (int i = 0; i < 3; i++) {
        frames[i] = make_frame(60, (uint8_t)(i * 50));
        g_assert_cmpint(qemu_send_packet_async(&f.peer->nc, frames[i], 60,
                                               peer_sent), ==, 0);
    }
    g_assert_cmpuint(net_queue_length(virtio_net_nc(f.n)->incoming_queue),
                     ==, 3);
    post_rx(&f, 2, 1526);
    ring_kick(&f.rx);
    g_assert_cmpuint(ring_used_idx(&f.rx), ==, 2);
    g_assert_cmpuint(f.peer->sent_cbs, ==, 2);
    post_rx(&f, 2, 1526);
    ring_kick(&f.rx);
    g_assert_cmpuint(ring_used_idx(&f.rx), ==, 3);
    g_assert_cmpuint(f.peer->sent_cbs, ==, 3);
    for (int i = 0; i < 3; i++) {
        uint32_t len;
        const uint8_t *buf = take_rx(&f, &len);
        g_assert_cmpmem(buf + 12, len - 12, frames[i], 60);
        g_free(frames[i]);
    }
    g_assert_true(qemu_can_send_packet(&f.peer->nc));
    net_close(&f);
}

/* The stall race: with buffers posted the device turns kicks off; the
 * guest then adds buffers without kicking.  When the device runs dry it
 * turns kicks on and must look again before saying "no buffers". */
static void test_rx_recheck(gconstpointer data)
{
    uint64_t extra = *(const uint64_t *)data;
    NetFixture f;
    g_autofree uint8_t *frame = make_frame(60, 1);

    net_open(&f, false);
    net_start(&f, BASE_FEATURES | extra, 16);
    post_rx(&f, 1, 1526);
    qemu_send_packet(&f.peer->nc, frame, 60);
    g_assert_cmpuint(ring_used_idx(&f.rx), ==, 1);
    if (!extra) {
        g_assert_cmphex(ring_used_flags(&f.rx), ==, VRING_USED_F_NO_NOTIFY);
    }
    post_rx(&f, 1, 1526);                       /* no kick */
    g_assert_true(qemu_can_send_packet(&f.peer->nc));
    qemu_send_packet(&f.peer->nc, frame, 60);
    g_assert_cmpuint(ring_used_idx(&f.rx), ==, 2);
    /* Now really empty: kicks are on and the frame waits. */
    g_assert_cmpint(qemu_send_packet_async(&f.peer->nc, frame, 60,
                                           peer_sent), ==, 0);
    if (extra) {
        g_assert_cmpuint(ring_avail_event(&f.rx), ==, f.rx.avail_idx);
    } else {
        g_assert_cmphex(ring_used_flags(&f.rx), ==, 0);
    }
    post_rx(&f, 1, 1526);
    ring_kick(&f.rx);
    g_assert_cmpuint(ring_used_idx(&f.rx), ==, 3);
    g_assert_cmpuint(f.peer->sent_cbs, ==, 1);
    net_close(&f);
}

/* Before DRIVER_OK nothing is received; frames wait for the driver. */
static void test_rx_before_driver_ok(void)
{
    NetFixture f;
    g_autofree uint8_t *frame = make_frame(60, 1);

    net_open(&f, false);
    g_assert_true(guest_negotiate(f.vdev, BASE_FEATURES));
    ring_init(&f.rx, f.g, f.vdev, VIRTIO_NET_RX_QUEUE, 16);
    ring_init(&f.tx, f.g, f.vdev, VIRTIO_NET_TX_QUEUE, 16);
    post_rx(&f, 4, 1526);
    g_assert_false(qemu_can_send_packet(&f.peer->nc));
    g_assert_cmpint(qemu_send_packet_async(&f.peer->nc, frame, 60,
                                           peer_sent), ==, 0);
    guest_driver_ok(f.vdev);
    g_assert_cmpuint(ring_used_idx(&f.rx), ==, 1);
    g_assert_cmpuint(f.peer->sent_cbs, ==, 1);
    net_close(&f);
}

static void test_rx_indirect(void)
{
    NetFixture f;
    g_autofree uint8_t *frame = make_frame(100, 1);
    uint64_t hdr, data;
    uint32_t id, len;

    net_open(&f, false);
    net_start(&f, BASE_FEATURES | BIT(VIRTIO_F_RING_INDIRECT_DESC), 16);
    hdr = guest_buf(f.g, 12, 0xee);
    data = guest_buf(f.g, 1514, 0xee);
    ring_add_indirect(&f.rx, (TestBuf[]){ { hdr, 12, true },
                                          { data, 1514, true } }, 2);
    qemu_send_packet(&f.peer->nc, frame, 100);
    g_assert_true(ring_get_used(&f.rx, &id, &len));
    g_assert_cmpuint(len, ==, 112);
    g_assert_cmpuint(lduw_le_p((uint8_t *)guest_ptr(f.g, hdr) + 10), ==, 1);
    g_assert_cmpmem(guest_ptr(f.g, data), 100, frame, 100);
    net_close(&f);
}

/* ---- link, control queue ---- */

static void test_link(void)
{
    NetFixture f;
    uint32_t gen;

    net_open(&f, false);
    net_start(&f, BASE_FEATURES, 16);
    gen = f.vdev->config_generation;
    g_assert_true(net_set_link("hn0", false, &error_abort));
    g_assert_cmphex(virtio_config_read(f.vdev, VIRTIO_NET_CFG_STATUS, 2), ==,
                    0);
    g_assert_cmpuint(f.vdev->config_generation, >, gen);
    g_assert_cmphex(virtio_isr_read_clear(f.vdev), ==, VIRTIO_ISR_CONFIG);
    g_assert_cmpuint(f.g->config_notifies, ==, 1);
    g_assert_true(net_set_link("net0", true, &error_abort));
    g_assert_cmphex(virtio_config_read(f.vdev, VIRTIO_NET_CFG_STATUS, 2), ==,
                    VIRTIO_NET_S_LINK_UP);
    g_assert_cmphex(virtio_isr_read_clear(f.vdev), ==, VIRTIO_ISR_CONFIG);

    /* Without STATUS (U-Boot) the field follows, silently. */
    net_start(&f, V1 | BIT(VIRTIO_NET_F_MAC), 16);
    g_assert_true(net_set_link("hn0", false, &error_abort));
    g_assert_cmphex(virtio_config_read(f.vdev, VIRTIO_NET_CFG_STATUS, 2), ==,
                    0);
    g_assert_cmphex(virtio_isr_read_clear(f.vdev), ==, 0);
    /* A reset keeps the link as it is. */
    virtio_set_status(f.vdev, 0);
    g_assert_cmphex(virtio_config_read(f.vdev, VIRTIO_NET_CFG_STATUS, 2), ==,
                    0);
    net_close(&f);
}

/* Sends one control command; returns the ack byte. */
static uint8_t ctrl_cmd(NetFixture *f, uint8_t cls, uint8_t cmd,
                        const void *data, uint32_t len)
{
    uint64_t hdr = guest_buf(f->g, 2, 0);
    uint64_t body = guest_buf(f->g, len, 0);
    uint64_t ack = guest_buf(f->g, 1, 0xff);
    TestBuf b[3];
    unsigned n = 0;
    uint32_t id, used_len;

    ((uint8_t *)guest_ptr(f->g, hdr))[0] = cls;
    ((uint8_t *)guest_ptr(f->g, hdr))[1] = cmd;
    if (len) {
        memcpy(guest_ptr(f->g, body), data, len);
    }
    b[n++] = (TestBuf){ hdr, 2, false };
    if (len) {
        b[n++] = (TestBuf){ body, len, false };
    }
    b[n++] = (TestBuf){ ack, 1, true };
    ring_add(&f->ctrl, b, n);
    ring_kick(&f->ctrl);
    g_assert_true(ring_get_used(&f->ctrl, &id, &used_len));
    g_assert_cmpuint(used_len, ==, 1);
    return *(uint8_t *)guest_ptr(f->g, ack);
}

static void test_ctrl(void)
{
    NetFixture f;
    const VirtIONetRxMode *mode;
    uint8_t on = 1, off = 0;
    uint8_t table[4 + 6 + 4 + 12] = { 0 };

    net_open(&f, false);
    net_start(&f, BASE_FEATURES | CTRL, 16);
    mode = virtio_net_rx_mode(f.n);
    g_assert_true(mode->promisc);               /* the default */
    g_assert_cmpuint(ctrl_cmd(&f, VIRTIO_NET_CTRL_RX,
                              VIRTIO_NET_CTRL_RX_PROMISC, &off, 1), ==,
                     VIRTIO_NET_OK);
    g_assert_false(mode->promisc);
    g_assert_cmpuint(ctrl_cmd(&f, VIRTIO_NET_CTRL_RX,
                              VIRTIO_NET_CTRL_RX_ALLMULTI, &on, 1), ==,
                     VIRTIO_NET_OK);
    g_assert_true(mode->allmulti);
    g_assert_cmpuint(ctrl_cmd(&f, VIRTIO_NET_CTRL_RX,
                              VIRTIO_NET_CTRL_RX_PROMISC, &on, 1), ==,
                     VIRTIO_NET_OK);
    g_assert_true(mode->promisc);
    /* MAC table: one unicast, two multicast entries. */
    stl_le_p(table, 1);
    stl_le_p(table + 10, 2);
    g_assert_cmpuint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                              VIRTIO_NET_CTRL_MAC_TABLE_SET, table,
                              sizeof(table)), ==, VIRTIO_NET_OK);
    g_assert_cmpuint(mode->uni_entries, ==, 1);
    g_assert_cmpuint(mode->multi_entries, ==, 2);
    /* Malformed or unsupported: ERR, and the device keeps going. */
    stl_le_p(table + 10, 3);                    /* more than sent */
    g_assert_cmpuint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                              VIRTIO_NET_CTRL_MAC_TABLE_SET, table,
                              sizeof(table)), ==, VIRTIO_NET_ERR);
    stl_le_p(table, 0xffffffff);
    g_assert_cmpuint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                              VIRTIO_NET_CTRL_MAC_TABLE_SET, table,
                              sizeof(table)), ==, VIRTIO_NET_ERR);
    g_assert_cmpuint(ctrl_cmd(&f, VIRTIO_NET_CTRL_MAC,
                              VIRTIO_NET_CTRL_MAC_ADDR_SET, table, 6), ==,
                     VIRTIO_NET_ERR);
    g_assert_cmpuint(ctrl_cmd(&f, VIRTIO_NET_CTRL_RX, 2, &on, 1), ==,
                     VIRTIO_NET_ERR);
    g_assert_cmpuint(ctrl_cmd(&f, VIRTIO_NET_CTRL_RX,
                              VIRTIO_NET_CTRL_RX_PROMISC, table, 2), ==,
                     VIRTIO_NET_ERR);
    g_assert_cmpuint(ctrl_cmd(&f, 99, 0, NULL, 0), ==, VIRTIO_NET_ERR);
    g_assert_cmpuint(virtio_net_stats(f.n)->ctrl_err, ==, 6);
    g_assert_false(f.vdev->broken);
    /* Reset: promiscuous again, tables forgotten. */
    virtio_set_status(f.vdev, 0);
    g_assert_true(mode->promisc);
    g_assert_false(mode->allmulti);
    g_assert_cmpuint(mode->uni_entries, ==, 0);
    net_close(&f);
}

/* ---- hostile guest ---- */

static void assert_broken_then_recovers(NetFixture *f, uint64_t features)
{
    g_autofree uint8_t *frame = make_frame(60, 1);
    uint32_t len;

    g_assert_true(f->vdev->broken);
    g_assert_cmphex(f->vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET, ==,
                    VIRTIO_CONFIG_S_NEEDS_RESET);
    g_assert_cmphex(f->vdev->isr & VIRTIO_ISR_CONFIG, ==, VIRTIO_ISR_CONFIG);
    /* A broken device takes nothing; frames wait for the reset. */
    g_assert_false(qemu_can_send_packet(&f->peer->nc));
    ring_kick(&f->rx);
    ring_kick(&f->tx);

    virtio_set_status(f->vdev, 0);
    g_assert_false(f->vdev->broken);
    g_assert_true(guest_negotiate(f->vdev, features));
    ring_reinit(&f->rx);
    ring_reinit(&f->tx);
    if (features & BIT(VIRTIO_NET_F_CTRL_VQ)) {
        ring_reinit(&f->ctrl);
    }
    guest_driver_ok(f->vdev);
    /* Frames that waited for the reset come first, then ours. */
    post_rx(f, 8, 1526);
    ring_kick(&f->rx);
    qemu_send_packet(&f->peer->nc, frame, 60);
    g_assert_cmpuint(ring_used_idx(&f->rx), >=, 1);
    while (ring_used_idx(&f->rx) != f->rx.last_used) {
        take_rx(f, &len);
    }
    g_assert_cmpuint(len, ==, 72);
    guest_tx(f, 12, 0, frame, 60);
    ring_kick(&f->tx);
    g_assert_cmpuint(ring_used_idx(&f->tx), >=, 1);
    g_assert_cmphex(f->vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
}

static void test_hostile_rx_tiny_buffer(void)
{
    NetFixture f;
    g_autofree uint8_t *frame = make_frame(60, 1);
    uint64_t b;

    net_open(&f, false);
    net_start(&f, BASE_FEATURES, 16);
    b = guest_buf(f.g, 8, 0);
    ring_add(&f.rx, &(TestBuf){ b, 8, true }, 1);  /* < 12-byte header */
    g_test_expect_message("virtio", G_LOG_LEVEL_WARNING,
                          "*receive buffer (head 0) has 8 writable bytes*");
    qemu_send_packet(&f.peer->nc, frame, 60);
    g_test_assert_expected_messages();
    qemu_send_packet(&f.peer->nc, frame, 60);     /* no second message */
    assert_broken_then_recovers(&f, BASE_FEATURES);
    net_close(&f);
}

static void test_hostile_rx_readonly_buffer(void)
{
    NetFixture f;
    g_autofree uint8_t *frame = make_frame(200, 1);
    uint64_t b;

    net_open(&f, false);
    net_start(&f, BASE_FEATURES | MRG, 16);
    post_rx(&f, 1, 64);
    b = guest_buf(f.g, 1526, 0);
    ring_add(&f.rx, &(TestBuf){ b, 1526, false }, 1);  /* not writable */
    g_test_expect_message("virtio", G_LOG_LEVEL_WARNING,
                          "*has 0 writable bytes*");
    qemu_send_packet(&f.peer->nc, frame, 200);
    g_test_assert_expected_messages();
    assert_broken_then_recovers(&f, BASE_FEATURES | MRG);
    net_close(&f);
}

static void test_hostile_tx_loop(void)
{
    NetFixture f;
    uint64_t b;

    net_open(&f, false);
    net_start(&f, BASE_FEATURES, 16);
    b = guest_buf(f.g, 64, 0);
    ring_write_desc(&f.tx, 0, b, 64, VRING_DESC_F_NEXT, 1);
    ring_write_desc(&f.tx, 1, b, 64, VRING_DESC_F_NEXT, 0);
    ring_put_avail(&f.tx, 0);
    g_test_expect_message("virtio", G_LOG_LEVEL_WARNING, "*queue 1*loops*");
    ring_kick(&f.tx);
    g_test_assert_expected_messages();
    g_assert_cmpuint(f.peer->frames->len, ==, 0);
    assert_broken_then_recovers(&f, BASE_FEATURES);
    net_close(&f);
}

static void test_hostile_ctrl(void)
{
    NetFixture f;
    uint64_t b;

    net_open(&f, false);
    net_start(&f, BASE_FEATURES | CTRL, 16);
    /* Class byte only, no ack. */
    b = guest_buf(f.g, 1, 0);
    ring_add(&f.ctrl, &(TestBuf){ b, 1, false }, 1);
    g_test_expect_message("virtio", G_LOG_LEVEL_WARNING,
                          "*control command (head 0) without*");
    ring_kick(&f.ctrl);
    g_test_assert_expected_messages();
    assert_broken_then_recovers(&f, BASE_FEATURES | CTRL);
    g_assert_cmpuint(ctrl_cmd(&f, VIRTIO_NET_CTRL_RX,
                              VIRTIO_NET_CTRL_RX_PROMISC,
                              &(uint8_t){ 0 }, 1), ==, VIRTIO_NET_OK);
    net_close(&f);
}

/* The control queue of a driver that did not negotiate CTRL_VQ is not
 * served (and does not break anything). */
static void test_ctrl_not_negotiated(void)
{
    NetFixture f;
    uint64_t b;

    net_open(&f, false);
    net_start(&f, BASE_FEATURES, 16);
    ring_init(&f.ctrl, f.g, f.vdev, VIRTIO_NET_CTRL_QUEUE, 16);
    b = guest_buf(f.g, 1, 0);
    ring_add(&f.ctrl, &(TestBuf){ b, 1, false }, 1);
    ring_kick(&f.ctrl);
    g_assert_cmpuint(ring_used_idx(&f.ctrl), ==, 0);
    g_assert_false(f.vdev->broken);
    net_close(&f);
}

int main(int argc, char **argv)
{
    static const uint64_t no_event_idx = 0, event_idx = EVENT_IDX;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio-net/features/plain-peer",
                    test_features_plain_peer);
    g_test_add_func("/virtio-net/features/vnet-peer", test_features_vnet_peer);
    g_test_add_func("/virtio-net/config", test_config);
    g_test_add_func("/virtio-net/default-mac", test_default_mac_sequence);
    g_test_add_func("/virtio-net/peer-in-use", test_peer_in_use);
    g_test_add_func("/virtio-net/tx/plain-peer", test_tx_plain_peer);
    g_test_add_func("/virtio-net/tx/vnet-peer", test_tx_vnet_peer);
    g_test_add_func("/virtio-net/tx/legacy-header", test_tx_legacy_header);
    g_test_add_func("/virtio-net/tx/runt-and-no-peer",
                    test_tx_runt_and_no_peer);
    g_test_add_func("/virtio-net/tx/backpressure", test_tx_backpressure);
    g_test_add_func("/virtio-net/tx/burst", test_tx_burst);
    g_test_add_func("/virtio-net/tx/reset-purges", test_tx_reset_purges);
    g_test_add_func("/virtio-net/rx/single", test_rx_single);
    g_test_add_func("/virtio-net/rx/vnet-passthrough",
                    test_rx_vnet_passthrough);
    g_test_add_func("/virtio-net/rx/mergeable", test_rx_mergeable);
    g_test_add_func("/virtio-net/rx/mergeable-partial",
                    test_rx_mergeable_partial);
    g_test_add_func("/virtio-net/rx/mergeable-no-room",
                    test_rx_mergeable_no_room);
    g_test_add_func("/virtio-net/rx/oversize", test_rx_oversize);
    g_test_add_func("/virtio-net/rx/backpressure", test_rx_backpressure);
    g_test_add_data_func("/virtio-net/rx/recheck", &no_event_idx,
                         test_rx_recheck);
    g_test_add_data_func("/virtio-net/rx/recheck-event-idx", &event_idx,
                         test_rx_recheck);
    g_test_add_func("/virtio-net/rx/before-driver-ok",
                    test_rx_before_driver_ok);
    g_test_add_func("/virtio-net/rx/indirect", test_rx_indirect);
    g_test_add_func("/virtio-net/link", test_link);
    g_test_add_func("/virtio-net/ctrl", test_ctrl);
    g_test_add_func("/virtio-net/ctrl-not-negotiated",
                    test_ctrl_not_negotiated);
    g_test_add_func("/virtio-net/hostile/rx-tiny-buffer",
                    test_hostile_rx_tiny_buffer);
    g_test_add_func("/virtio-net/hostile/rx-readonly-buffer",
                    test_hostile_rx_readonly_buffer);
    g_test_add_func("/virtio-net/hostile/tx-loop", test_hostile_tx_loop);
    g_test_add_func("/virtio-net/hostile/ctrl", test_hostile_ctrl);
    return g_test_run();
}
