/*
 * virtio-net device logic (VIRTIO 1.2, 5.1), transport-independent.  See
 * include/hw/virtio/virtio-net.h for the contract with the network core.
 */
#define G_LOG_DOMAIN "virtio"

#include "hw/virtio/virtio-net.h"

#include <stdio.h>
#include <string.h>

#include "qemu/iov.h"

#define CTRL_QUEUE_SIZE 64
#define CONFIG_LEN_NO_MTU 10
#define CONFIG_LEN 12

/* The NIC client; the network core allocates it (info.size). */
typedef struct VirtIONetClient {
    NetClientState nc;
    VirtIONet *n;
} VirtIONetClient;

struct VirtIONet {
    VirtIODevice vdev;          /* first: handlers get &n->vdev */
    NetClientState *nc;
    char *log_name;
    VirtQueue *rx_vq, *tx_vq, *ctrl_vq;
    /* Reused for every chain: nothing is allocated per packet. */
    VirtQueueElement *rx_elem, *tx_elem, *ctrl_elem;
    struct iovec *tx_iov;       /* the frame as sent, header skipped */
    uint8_t conf_mac[6];        /* the configured MAC, restored on reset */
    uint8_t mac[6];
    uint16_t status;
    uint16_t mtu;
    unsigned tx_burst;
    size_t guest_hdr_len;       /* header in guest buffers: 10 or 12 */
    size_t host_hdr_len;        /* header the peer carries: 0 or the same */
    bool mergeable;
    bool tx_waiting;            /* tx_elem sits in the peer's queue */
    guint tx_source;            /* more TX after a full burst */
    VirtIONetRxMode rx_mode;
    VirtIONetStats stats;
};

static VirtIONet *to_net(VirtIODevice *vdev)
{
    return (VirtIONet *)vdev;
}

static VirtIONet *nc_to_net(NetClientState *nc)
{
    return ((VirtIONetClient *)nc)->n;
}

/* ---------------------------------------------------------------------- */
/* Features */

#define BIT(b) (1ull << (b))

static const uint64_t offload_features =
    BIT(VIRTIO_NET_F_CSUM) | BIT(VIRTIO_NET_F_GUEST_CSUM) |
    BIT(VIRTIO_NET_F_HOST_TSO4) | BIT(VIRTIO_NET_F_HOST_TSO6) |
    BIT(VIRTIO_NET_F_HOST_ECN) | BIT(VIRTIO_NET_F_GUEST_TSO4) |
    BIT(VIRTIO_NET_F_GUEST_TSO6) | BIT(VIRTIO_NET_F_GUEST_ECN);

/* The dependencies of 5.1.3.1 that a driver must respect. */
static bool virtio_net_validate_features(VirtIODevice *vdev, uint64_t f)
{
    bool guest_tso = f & (BIT(VIRTIO_NET_F_GUEST_TSO4) |
                          BIT(VIRTIO_NET_F_GUEST_TSO6));
    bool host_tso = f & (BIT(VIRTIO_NET_F_HOST_TSO4) |
                         BIT(VIRTIO_NET_F_HOST_TSO6));

    if ((f & BIT(VIRTIO_NET_F_CTRL_RX)) && !(f & BIT(VIRTIO_NET_F_CTRL_VQ))) {
        return false;
    }
    if ((guest_tso || (f & BIT(VIRTIO_NET_F_GUEST_ECN))) &&
        !(f & BIT(VIRTIO_NET_F_GUEST_CSUM))) {
        return false;
    }
    if ((f & BIT(VIRTIO_NET_F_GUEST_ECN)) && !guest_tso) {
        return false;
    }
    if ((host_tso || (f & BIT(VIRTIO_NET_F_HOST_ECN))) &&
        !(f & BIT(VIRTIO_NET_F_CSUM))) {
        return false;
    }
    return !(f & BIT(VIRTIO_NET_F_HOST_ECN)) || host_tso;
}

/*
 * Header sizes follow the features.  A peer with a vnet header is told to
 * use ours, so the header passes through untouched; the guest's receive
 * offloads become the peer's (TUNSETOFFLOAD for a tap).
 */
static void virtio_net_apply_features(VirtIONet *n, uint64_t f)
{
    NetClientState *peer = n->nc->peer;

    n->mergeable = f & BIT(VIRTIO_NET_F_MRG_RXBUF);
    n->guest_hdr_len = (f & (BIT(VIRTIO_F_VERSION_1) |
                             BIT(VIRTIO_NET_F_MRG_RXBUF)))
                       ? VIRTIO_NET_HDR_MRG_LEN : VIRTIO_NET_HDR_LEN;
    if (qemu_has_vnet_hdr(peer)) {
        qemu_set_vnet_hdr_len(peer, (int)n->guest_hdr_len);
        qemu_set_offload(peer, f & BIT(VIRTIO_NET_F_GUEST_CSUM),
                         f & BIT(VIRTIO_NET_F_GUEST_TSO4),
                         f & BIT(VIRTIO_NET_F_GUEST_TSO6),
                         f & BIT(VIRTIO_NET_F_GUEST_ECN), false);
        n->host_hdr_len = n->guest_hdr_len;
    } else {
        n->host_hdr_len = 0;
    }
}

static void virtio_net_set_features(VirtIODevice *vdev, uint64_t f)
{
    virtio_net_apply_features(to_net(vdev), f);
}

/* ---------------------------------------------------------------------- */
/* Config space */

static void virtio_net_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIONet *n = to_net(vdev);

    memcpy(config + VIRTIO_NET_CFG_MAC, n->mac, 6);
    stw_le_p(config + VIRTIO_NET_CFG_STATUS, n->status);
    stw_le_p(config + VIRTIO_NET_CFG_MAX_VQ_PAIRS, 1);
    if (vdev->config_len >= CONFIG_LEN) {
        stw_le_p(config + VIRTIO_NET_CFG_MTU, n->mtu);
    }
}

static void virtio_net_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIONet *n = to_net(vdev);

    /* Only a legacy driver may set the MAC this way (5.1.4.2). */
    if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
        memcpy(n->mac, config + VIRTIO_NET_CFG_MAC, 6);
    }
}

static void virtio_net_link_status_changed(NetClientState *nc)
{
    VirtIONet *n = nc_to_net(nc);
    uint16_t old = n->status;

    if (nc->link_down) {
        n->status &= (uint16_t)~VIRTIO_NET_S_LINK_UP;
    } else {
        n->status |= VIRTIO_NET_S_LINK_UP;
    }
    if (n->status != old && virtio_has_feature(&n->vdev, VIRTIO_NET_F_STATUS)) {
        virtio_notify_config(&n->vdev);
    }
}

/* ---------------------------------------------------------------------- */
/* Transmit */

static void virtio_net_flush_tx(VirtIONet *n);

static void virtio_net_tx_complete(NetClientState *nc, ssize_t len)
{
    VirtIONet *n = nc_to_net(nc);

    if (!n->tx_waiting) {
        return;
    }
    n->tx_waiting = false;
    virtqueue_push(n->tx_vq, n->tx_elem, 0);
    virtio_notify(&n->vdev, n->tx_vq);
    virtio_net_flush_tx(n);
}

/* OUT without its first SKIP bytes, into DST (same number of entries at
 * most); returns the entry count. */
static int iov_skip(const struct iovec *out, unsigned num, size_t skip,
                    struct iovec *dst)
{
    int cnt = 0;

    for (unsigned i = 0; i < num; i++) {
        if (skip >= out[i].iov_len) {
            skip -= out[i].iov_len;
            continue;
        }
        dst[cnt].iov_base = (uint8_t *)out[i].iov_base + skip;
        dst[cnt].iov_len = out[i].iov_len - skip;
        skip = 0;
        cnt++;
    }
    return cnt;
}

/* Sends up to tx_burst chains; returns how many, or -1 if one had to wait
 * in the peer's queue (TX then resumes from the completion callback). */
static int virtio_net_tx_burst(VirtIONet *n)
{
    VirtQueueElement *e = n->tx_elem;
    unsigned sent = 0;
    bool waiting = false;

    while (sent < n->tx_burst && virtqueue_pop(n->tx_vq, e)) {
        size_t skip = n->host_hdr_len == n->guest_hdr_len ? 0
                                                          : n->guest_hdr_len;
        int cnt;

        if (e->out_len <= n->guest_hdr_len) {
            /* Nothing after the header: not a frame.  Drop, count, go on. */
            n->stats.tx_runt++;
            virtqueue_push(n->tx_vq, e, 0);
            sent++;
            continue;
        }
        cnt = iov_skip(e->out_sg, e->out_num, skip, n->tx_iov);
        if (qemu_sendv_packet_async(n->nc, n->tx_iov, cnt,
                                    virtio_net_tx_complete) == 0) {
            n->tx_waiting = true;
            waiting = true;
            break;
        }
        virtqueue_push(n->tx_vq, e, 0);
        sent++;
    }
    if (sent) {
        virtio_notify(&n->vdev, n->tx_vq);
    }
    return waiting ? -1 : (int)sent;
}

static gboolean virtio_net_tx_source(gpointer opaque)
{
    VirtIONet *n = opaque;

    n->tx_source = 0;
    virtio_net_flush_tx(n);
    return G_SOURCE_REMOVE;
}

static void virtio_net_flush_tx(VirtIONet *n)
{
    if (!virtio_driver_ok(&n->vdev) || n->tx_waiting || n->tx_source ||
        !virtqueue_ready(n->tx_vq)) {
        return;
    }
    for (;;) {
        int sent;

        virtqueue_set_notification(n->tx_vq, false);
        sent = virtio_net_tx_burst(n);
        if (sent < 0) {
            return;             /* kicks stay off until the callback */
        }
        if ((unsigned)sent >= n->tx_burst) {
            /* Let the main loop breathe; kicks stay off meanwhile. */
            n->tx_source = g_idle_add_full(G_PRIORITY_DEFAULT,
                                           virtio_net_tx_source, n, NULL);
            return;
        }
        virtqueue_set_notification(n->tx_vq, true);
        if (virtqueue_empty(n->tx_vq)) {
            return;             /* re-checked after enabling: really idle */
        }
    }
}

static void virtio_net_handle_tx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = to_net(vdev);

    /* The netdev went away with our frame in its queue: no callback will
     * come, so the frame counts as sent (dropped). */
    if (n->tx_waiting && !n->nc->peer) {
        virtio_net_tx_complete(n->nc, 0);
        return;
    }
    virtio_net_flush_tx(n);
}

/* ---------------------------------------------------------------------- */
/* Receive */

/* True if a buffer is posted.  Kicks are wanted only while there is none,
 * and after asking for them we look again (the guest may have added one
 * in between without kicking). */
static bool virtio_net_has_buffers(VirtIONet *n)
{
    if (virtqueue_empty(n->rx_vq)) {
        virtqueue_set_notification(n->rx_vq, true);
        if (virtqueue_empty(n->rx_vq)) {
            return false;
        }
    }
    virtqueue_set_notification(n->rx_vq, false);
    return true;
}

static bool virtio_net_can_receive(NetClientState *nc)
{
    VirtIONet *n = nc_to_net(nc);

    return virtio_driver_ok(&n->vdev) && virtqueue_ready(n->rx_vq) &&
           virtio_net_has_buffers(n);
}

/* Copies LEN bytes from SRC at SRC_OFF into DST at DST_OFF. */
static void iov_copy_iov(const struct iovec *dst, unsigned dst_cnt,
                         size_t dst_off, const struct iovec *src, int src_cnt,
                         size_t src_off, size_t len)
{
    for (int i = 0; i < src_cnt && len; i++) {
        size_t n;

        if (src_off >= src[i].iov_len) {
            src_off -= src[i].iov_len;
            continue;
        }
        n = MIN(len, src[i].iov_len - src_off);
        iov_from_buf(dst, (int)dst_cnt, dst_off,
                     (const uint8_t *)src[i].iov_base + src_off, n);
        dst_off += n;
        len -= n;
        src_off = 0;
    }
}

/*
 * The frame as the guest sees it is HDR (guest_hdr_len bytes) followed by
 * the payload, which starts at host_hdr_len in IOV.  Writes LEN bytes of it
 * from offset OFF into E's buffers.
 */
static void virtio_net_rx_copy(VirtIONet *n, VirtQueueElement *e,
                               const uint8_t *hdr, const struct iovec *iov,
                               int iovcnt, size_t off, size_t len)
{
    size_t done = 0;

    if (off < n->guest_hdr_len) {
        done = MIN(len, n->guest_hdr_len - off);
        iov_from_buf(e->in_sg, (int)e->in_num, 0, hdr + off, done);
        off += done;
    }
    iov_copy_iov(e->in_sg, e->in_num, done, iov, iovcnt,
                 off - n->guest_hdr_len + n->host_hdr_len, len - done);
}

static bool rx_buffer_ok(VirtIONet *n, VirtQueueElement *e)
{
    if (e->in_len < n->guest_hdr_len) {
        virtio_error(&n->vdev, "queue %u: receive buffer (head %u) has %zu "
                     "writable bytes, less than the %zu-byte header",
                     VIRTIO_NET_RX_QUEUE, e->head, e->in_len,
                     n->guest_hdr_len);
        return false;
    }
    return true;
}

static ssize_t virtio_net_receive_single(VirtIONet *n, uint8_t *hdr,
                                         const struct iovec *iov, int iovcnt,
                                         size_t size, size_t total)
{
    VirtQueueElement *e = n->rx_elem;

    if (!virtqueue_pop(n->rx_vq, e) || !rx_buffer_ok(n, e)) {
        return 0;               /* broken: flushed after the reset */
    }
    if (e->in_len < total) {
        virtqueue_rewind(n->rx_vq, 1);
        n->stats.rx_oversize++;
        return (ssize_t)size;
    }
    if (n->guest_hdr_len == VIRTIO_NET_HDR_MRG_LEN) {
        stw_le_p(hdr + VIRTIO_NET_HDR_NUM_BUFFERS, 1);
    }
    virtio_net_rx_copy(n, e, hdr, iov, iovcnt, 0, total);
    virtqueue_push(n->rx_vq, e, total);
    virtio_notify(&n->vdev, n->rx_vq);
    return (ssize_t)size;
}

/* Finds where byte OFF of E's writable buffers is in host memory. */
static uint8_t *in_byte(VirtQueueElement *e, size_t off, uint64_t *addr)
{
    for (unsigned i = 0; i < e->in_num; i++) {
        if (off < e->in_sg[i].iov_len) {
            *addr = e->in_addr[i] + off;
            return (uint8_t *)e->in_sg[i].iov_base + off;
        }
        off -= e->in_sg[i].iov_len;
    }
    return NULL;
}

static ssize_t virtio_net_receive_mergeable(VirtIONet *n, uint8_t *hdr,
                                            const struct iovec *iov,
                                            int iovcnt, size_t size,
                                            size_t total)
{
    VirtQueueElement *e = n->rx_elem;
    uint8_t *num_buffers[2] = { NULL, NULL };
    uint64_t num_buffers_addr[2] = { 0, 0 };
    unsigned used = 0;
    size_t off = 0;

    while (off < total) {
        size_t chunk;

        if (!virtqueue_pop(n->rx_vq, e)) {
            if (n->vdev.broken) {
                return 0;
            }
            if (used >= virtqueue_size(n->rx_vq)) {
                /* Every buffer the ring can hold is ours and the frame
                 * still does not fit: it never will. */
                virtqueue_rewind(n->rx_vq, used);
                n->stats.rx_no_room++;
                return (ssize_t)size;
            }
            virtqueue_set_notification(n->rx_vq, true);
            if (!virtqueue_empty(n->rx_vq)) {
                continue;       /* more came while kicks were off */
            }
            virtqueue_rewind(n->rx_vq, used);
            return 0;           /* the kick that adds buffers flushes us */
        }
        if (!rx_buffer_ok(n, e)) {
            return 0;
        }
        if (used == 0) {
            for (int i = 0; i < 2; i++) {
                num_buffers[i] = in_byte(e, VIRTIO_NET_HDR_NUM_BUFFERS + i,
                                         &num_buffers_addr[i]);
            }
        }
        chunk = MIN(e->in_len, total - off);
        virtio_net_rx_copy(n, e, hdr, iov, iovcnt, off, chunk);
        virtqueue_fill(n->rx_vq, e, chunk, used);
        used++;
        off += chunk;
    }
    /* The header went out in the first buffer; now we know the count. */
    for (int i = 0; i < 2; i++) {
        *num_buffers[i] = (uint8_t)(used >> (8 * i));
        dma_mark_written(n->vdev.dma, num_buffers_addr[i], 1);
    }
    virtqueue_flush(n->rx_vq, used);
    virtio_notify(&n->vdev, n->rx_vq);
    return (ssize_t)size;
}

static ssize_t virtio_net_receive_iov(NetClientState *nc,
                                      const struct iovec *iov, int iovcnt)
{
    VirtIONet *n = nc_to_net(nc);
    size_t size = iov_size(iov, iovcnt);
    uint8_t hdr[VIRTIO_NET_HDR_MRG_LEN] = { 0 };
    size_t total;

    /* Queue flushes deliver without asking can_receive first. */
    if (!virtio_net_can_receive(nc)) {
        return 0;
    }
    if (size < n->host_hdr_len) {
        n->stats.rx_runt++;
        return (ssize_t)size;
    }
    /* The peer's header passes through (num_buffers is ours to set);
     * without one, a zero header says "no offload, checksum unknown". */
    iov_to_buf(iov, iovcnt, 0, hdr, n->host_hdr_len);
    total = n->guest_hdr_len + (size - n->host_hdr_len);
    if (n->mergeable) {
        return virtio_net_receive_mergeable(n, hdr, iov, iovcnt, size, total);
    }
    return virtio_net_receive_single(n, hdr, iov, iovcnt, size, total);
}

static void virtio_net_handle_rx(VirtIODevice *vdev, VirtQueue *vq)
{
    /* New buffers: what waited for them (and the sender) can go on. */
    qemu_flush_queued_packets(to_net(vdev)->nc);
}

/* ---------------------------------------------------------------------- */
/* Control queue */

static uint8_t ctrl_rx(VirtIONet *n, uint8_t cmd, VirtQueueElement *e)
{
    uint8_t on = 0;

    if (!virtio_has_feature(&n->vdev, VIRTIO_NET_F_CTRL_RX) ||
        e->out_len != 3) {
        return VIRTIO_NET_ERR;
    }
    iov_to_buf(e->out_sg, (int)e->out_num, 2, &on, 1);
    switch (cmd) {
    case VIRTIO_NET_CTRL_RX_PROMISC:
        n->rx_mode.promisc = on;
        return VIRTIO_NET_OK;
    case VIRTIO_NET_CTRL_RX_ALLMULTI:
        n->rx_mode.allmulti = on;
        return VIRTIO_NET_OK;
    default:
        return VIRTIO_NET_ERR;  /* the others need CTRL_RX_EXTRA */
    }
}

/* TABLE_SET: le32 count, count MACs (unicast), the same for multicast. */
static uint8_t ctrl_mac(VirtIONet *n, uint8_t cmd, VirtQueueElement *e)
{
    uint8_t le[4];
    uint64_t off = 2, counts[2];

    if (cmd != VIRTIO_NET_CTRL_MAC_TABLE_SET) {
        return VIRTIO_NET_ERR;  /* ADDR_SET needs CTRL_MAC_ADDR */
    }
    for (int i = 0; i < 2; i++) {
        if (iov_to_buf(e->out_sg, (int)e->out_num, off, le, 4) != 4) {
            return VIRTIO_NET_ERR;
        }
        counts[i] = ldl_le_p(le);
        off += 4 + 6 * counts[i];
        if (off > e->out_len) {
            return VIRTIO_NET_ERR;
        }
    }
    if (off != e->out_len || counts[0] > VIRTIO_NET_MAC_TABLE_ENTRIES ||
        counts[1] > VIRTIO_NET_MAC_TABLE_ENTRIES) {
        return VIRTIO_NET_ERR;
    }
    n->rx_mode.uni_entries = (unsigned)counts[0];
    n->rx_mode.multi_entries = (unsigned)counts[1];
    return VIRTIO_NET_OK;
}

static void virtio_net_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = to_net(vdev);
    VirtQueueElement *e = n->ctrl_elem;
    unsigned done = 0;

    if (!virtio_has_feature(vdev, VIRTIO_NET_F_CTRL_VQ)) {
        return;                 /* the queue does not exist for this driver */
    }
    while (virtqueue_pop(vq, e)) {
        uint8_t cmd[2], ack = VIRTIO_NET_ERR;

        if (e->out_len < 2 || e->in_len < 1) {
            virtio_error(vdev, "queue %u: control command (head %u) without "
                         "class/command or ack byte", VIRTIO_NET_CTRL_QUEUE,
                         e->head);
            return;
        }
        iov_to_buf(e->out_sg, (int)e->out_num, 0, cmd, 2);
        if (cmd[0] == VIRTIO_NET_CTRL_RX) {
            ack = ctrl_rx(n, cmd[1], e);
        } else if (cmd[0] == VIRTIO_NET_CTRL_MAC) {
            ack = ctrl_mac(n, cmd[1], e);
        }
        if (ack != VIRTIO_NET_OK) {
            n->stats.ctrl_err++;
        }
        iov_from_buf(e->in_sg, (int)e->in_num, 0, &ack, 1);
        virtqueue_push(vq, e, 1);
        done++;
    }
    if (done) {
        virtio_notify(vdev, vq);
    }
}

/* ---------------------------------------------------------------------- */
/* Status and reset */

static void virtio_net_set_status(VirtIODevice *vdev, uint8_t old)
{
    VirtIONet *n = to_net(vdev);

    if (!(old & VIRTIO_CONFIG_S_DRIVER_OK) && virtio_driver_ok(vdev)) {
        /* Frames that waited for the driver can come in now. */
        qemu_flush_queued_packets(n->nc);
        virtio_net_flush_tx(n);
    }
}

static void virtio_net_reset(VirtIODevice *vdev)
{
    VirtIONet *n = to_net(vdev);

    if (n->tx_source) {
        g_source_remove(n->tx_source);
        n->tx_source = 0;
    }
    /* Our frame waiting at the peer goes without its callback. */
    n->tx_waiting = false;
    qemu_purge_queued_packets(n->nc);
    memcpy(n->mac, n->conf_mac, 6);
    /* Without CTRL_RX a NIC receives everything: promiscuous by default. */
    memset(&n->rx_mode, 0, sizeof(n->rx_mode));
    n->rx_mode.promisc = true;
    n->status = n->nc->link_down ? 0 : VIRTIO_NET_S_LINK_UP;
    virtio_net_apply_features(n, 0);
}

static const VirtIODeviceOps virtio_net_ops = {
    .get_config = virtio_net_get_config,
    .set_config = virtio_net_set_config,
    .validate_features = virtio_net_validate_features,
    .set_features = virtio_net_set_features,
    .set_status = virtio_net_set_status,
    .reset = virtio_net_reset,
};

static const NetClientInfo virtio_net_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(VirtIONetClient),
    .receive_iov = virtio_net_receive_iov,
    .can_receive = virtio_net_can_receive,
    .link_status_changed = virtio_net_link_status_changed,
};

/* ---------------------------------------------------------------------- */
/* Life cycle */

void virtio_net_next_default_mac(uint8_t mac[6])
{
    static uint32_t next = 0x123456;
    uint32_t low = next++ & 0xffffff;

    mac[0] = 0x52;
    mac[1] = 0x54;
    mac[2] = 0x00;
    mac[3] = (uint8_t)(low >> 16);
    mac[4] = (uint8_t)(low >> 8);
    mac[5] = (uint8_t)low;
}

VirtIONet *virtio_net_new(const VirtIONetConf *conf, Error **errp)
{
    const char *model = conf->model ? conf->model : "virtio-net-pci";
    bool vnet = qemu_has_vnet_hdr(conf->peer);
    uint64_t features;
    VirtIONet *n;

    if (conf->peer && conf->peer->peer) {
        error_setg(errp, "Property '%s.netdev' can't take value '%s', "
                   "it's in use", model, conf->peer->name);
        return NULL;
    }
    n = g_new0(VirtIONet, 1);
    if (conf->has_mac) {
        memcpy(n->conf_mac, conf->mac, 6);
    } else {
        virtio_net_next_default_mac(n->conf_mac);
    }
    n->mtu = conf->mtu;
    n->tx_burst = conf->tx_burst ? conf->tx_burst : VIRTIO_NET_TX_BURST;

    features = BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_STATUS) |
               BIT(VIRTIO_NET_F_CTRL_VQ) | BIT(VIRTIO_NET_F_CTRL_RX) |
               BIT(VIRTIO_NET_F_MRG_RXBUF) | BIT(VIRTIO_F_ANY_LAYOUT);
    if (conf->mtu) {
        features |= BIT(VIRTIO_NET_F_MTU);
    }
    if (vnet) {
        features |= offload_features;
    }
    virtio_init(&n->vdev, "virtio-net", VIRTIO_ID_NET, &virtio_net_ops,
                conf->dma, conf->mtu ? CONFIG_LEN : CONFIG_LEN_NO_MTU,
                features);
    n->rx_vq = virtio_add_queue(&n->vdev, conf->queue_size
                                ? conf->queue_size : VIRTIO_NET_QUEUE_SIZE,
                                virtio_net_handle_rx);
    n->tx_vq = virtio_add_queue(&n->vdev, conf->queue_size
                                ? conf->queue_size : VIRTIO_NET_QUEUE_SIZE,
                                virtio_net_handle_tx);
    n->ctrl_vq = virtio_add_queue(&n->vdev, CTRL_QUEUE_SIZE,
                                  virtio_net_handle_ctrl);
    n->rx_elem = virtqueue_element_new(VIRTQUEUE_MAX_SG);
    n->tx_elem = virtqueue_element_new(VIRTQUEUE_MAX_SG);
    n->ctrl_elem = virtqueue_element_new(VIRTQUEUE_MAX_SG);
    n->tx_iov = g_new(struct iovec, VIRTQUEUE_MAX_SG);

    n->nc = qemu_new_net_client(&virtio_net_info, conf->peer, model,
                                conf->id);
    ((VirtIONetClient *)n->nc)->n = n;
    n->nc->is_nic = true;
    snprintf(n->nc->info_str, sizeof(n->nc->info_str),
             "model=%s,macaddr=%02x:%02x:%02x:%02x:%02x:%02x", model,
             n->conf_mac[0], n->conf_mac[1], n->conf_mac[2], n->conf_mac[3],
             n->conf_mac[4], n->conf_mac[5]);
    n->log_name = g_strdup_printf("%s (%s)", model, n->nc->name);
    n->vdev.name = n->log_name;
    virtio_net_reset(&n->vdev);
    return n;
}

void virtio_net_free(VirtIONet *n)
{
    if (!n) {
        return;
    }
    if (n->tx_source) {
        g_source_remove(n->tx_source);
    }
    qemu_del_net_client(n->nc);
    virtio_cleanup(&n->vdev);
    virtqueue_element_free(n->rx_elem);
    virtqueue_element_free(n->tx_elem);
    virtqueue_element_free(n->ctrl_elem);
    g_free(n->tx_iov);
    g_free(n->log_name);
    g_free(n);
}

VirtIODevice *virtio_net_vdev(VirtIONet *n)
{
    return &n->vdev;
}

NetClientState *virtio_net_nc(VirtIONet *n)
{
    return n->nc;
}

const VirtIONetStats *virtio_net_stats(const VirtIONet *n)
{
    return &n->stats;
}

const VirtIONetRxMode *virtio_net_rx_mode(const VirtIONet *n)
{
    return &n->rx_mode;
}
