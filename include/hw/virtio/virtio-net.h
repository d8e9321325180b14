/*
 * virtio-net: the network device behind virtio-net-pci (and, later,
 * virtio-mmio), independent of the transport.
 *
 * It is a NIC client of the network core (include/net/net.h) and keeps that
 * contract:
 * - RX: receive returns 0 when the guest has no buffers posted (or has not
 *   set DRIVER_OK); the frame waits in the core's queue and the device
 *   flushes it when the guest kicks the RX queue.  Frames too big for a
 *   non-mergeable buffer are dropped and counted.
 * - TX: on a kick, chains are sent with qemu_sendv_packet_async(); when the
 *   peer queues one (returns 0), TX stops until the completion callback
 *   and the chain stays unused until then.  Otherwise TX completes before
 *   the kick returns, which is what U-Boot's busy-wait needs.  At most
 *   tx_burst chains are sent per kick; the rest go from a main-loop source.
 *
 * Queues: 0 receiveq, 1 transmitq, 2 controlq (used when CTRL_VQ is
 * negotiated).  Offloads (CSUM, TSO, ECN) are offered only when the peer
 * carries a virtio-net header (a tap with IFF_VNET_HDR); the header then
 * passes through unchanged in both directions.  Without one the header is
 * stripped on TX and a zero header is made up on RX.
 */
#ifndef HW_VIRTIO_VIRTIO_NET_H
#define HW_VIRTIO_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/virtio/virtio.h"
#include "net/net.h"
#include "qapi/error.h"

/* Feature bits (5.1.3) */
#define VIRTIO_NET_F_CSUM               0
#define VIRTIO_NET_F_GUEST_CSUM         1
#define VIRTIO_NET_F_CTRL_GUEST_OFFLOADS 2
#define VIRTIO_NET_F_MTU                3
#define VIRTIO_NET_F_MAC                5
#define VIRTIO_NET_F_GUEST_TSO4         7
#define VIRTIO_NET_F_GUEST_TSO6         8
#define VIRTIO_NET_F_GUEST_ECN          9
#define VIRTIO_NET_F_GUEST_UFO          10
#define VIRTIO_NET_F_HOST_TSO4          11
#define VIRTIO_NET_F_HOST_TSO6          12
#define VIRTIO_NET_F_HOST_ECN           13
#define VIRTIO_NET_F_HOST_UFO           14
#define VIRTIO_NET_F_MRG_RXBUF          15
#define VIRTIO_NET_F_STATUS             16
#define VIRTIO_NET_F_CTRL_VQ            17
#define VIRTIO_NET_F_CTRL_RX            18
#define VIRTIO_NET_F_CTRL_VLAN          19
#define VIRTIO_NET_F_GUEST_ANNOUNCE     21
#define VIRTIO_NET_F_MQ                 22
#define VIRTIO_NET_F_CTRL_MAC_ADDR      23

/* Config space (5.1.4): mac[6], le16 status, le16 max_virtqueue_pairs,
 * le16 mtu. */
#define VIRTIO_NET_CFG_MAC              0
#define VIRTIO_NET_CFG_STATUS           6
#define VIRTIO_NET_CFG_MAX_VQ_PAIRS     8
#define VIRTIO_NET_CFG_MTU              10
#define VIRTIO_NET_S_LINK_UP            1
#define VIRTIO_NET_S_ANNOUNCE           2

/* struct virtio_net_hdr: 10 bytes, 12 with num_buffers (VERSION_1 or
 * MRG_RXBUF). */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM     1
#define VIRTIO_NET_HDR_F_DATA_VALID     2
#define VIRTIO_NET_HDR_GSO_NONE         0
#define VIRTIO_NET_HDR_LEN              10
#define VIRTIO_NET_HDR_MRG_LEN          12
#define VIRTIO_NET_HDR_NUM_BUFFERS      10      /* offset of num_buffers */

/* Control queue (5.1.6.5) */
#define VIRTIO_NET_OK                   0
#define VIRTIO_NET_ERR                  1
#define VIRTIO_NET_CTRL_RX              0
#define VIRTIO_NET_CTRL_RX_PROMISC      0
#define VIRTIO_NET_CTRL_RX_ALLMULTI     1
#define VIRTIO_NET_CTRL_MAC             1
#define VIRTIO_NET_CTRL_MAC_TABLE_SET   0
#define VIRTIO_NET_CTRL_MAC_ADDR_SET    1
#define VIRTIO_NET_CTRL_ANNOUNCE        3

#define VIRTIO_NET_RX_QUEUE             0
#define VIRTIO_NET_TX_QUEUE             1
#define VIRTIO_NET_CTRL_QUEUE           2

#define VIRTIO_NET_QUEUE_SIZE           256
#define VIRTIO_NET_TX_BURST             256
/* Entries a MAC table command may carry (unicast + multicast each). */
#define VIRTIO_NET_MAC_TABLE_ENTRIES    64

typedef struct VirtIONet VirtIONet;

typedef struct VirtIONetConf {
    const DMAContext *dma;      /* guest RAM; must outlive the device */
    NetClientState *peer;       /* the netdev, or NULL (no back-end) */
    const char *model;          /* "virtio-net-pci"; NULL: that */
    const char *id;             /* NIC id; NULL: "<model>.N" */
    bool has_mac;               /* else the next default MAC */
    uint8_t mac[6];
    uint16_t mtu;               /* 0: VIRTIO_NET_F_MTU not offered */
    unsigned queue_size;        /* 0: VIRTIO_NET_QUEUE_SIZE (256) */
    unsigned tx_burst;          /* 0: VIRTIO_NET_TX_BURST */
} VirtIONetConf;

/* Frames the device dropped (the guest's or the wire's fault, never ours). */
typedef struct VirtIONetStats {
    uint64_t rx_oversize;       /* did not fit a non-mergeable buffer */
    uint64_t rx_runt;           /* shorter than the peer's vnet header */
    uint64_t rx_no_room;        /* larger than the whole mergeable ring */
    uint64_t tx_runt;           /* chain shorter than the header */
    uint64_t ctrl_err;          /* control commands answered ERR */
} VirtIONetStats;

/* What the control queue recorded (no filtering is done on it). */
typedef struct VirtIONetRxMode {
    bool promisc, allmulti;
    unsigned uni_entries, multi_entries;
} VirtIONetRxMode;

/*
 * Creates the device and its NIC client (peer of CONF->peer).  Fails if the
 * peer already has a peer.  The transport then binds itself to
 * virtio_net_vdev() with virtio_bind_transport().
 */
VirtIONet *virtio_net_new(const VirtIONetConf *conf, Error **errp);
/* Deletes the NIC client (dropping what is queued) and the device. */
void virtio_net_free(VirtIONet *n);

VirtIODevice *virtio_net_vdev(VirtIONet *n);
NetClientState *virtio_net_nc(VirtIONet *n);
const VirtIONetStats *virtio_net_stats(const VirtIONet *n);
const VirtIONetRxMode *virtio_net_rx_mode(const VirtIONet *n);

/* QEMU's default MACs: 52:54:00:12:34:56 for the first NIC, then ...:57,
 * and so on; each call hands out the next one. */
void virtio_net_next_default_mac(uint8_t mac[6]);

#endif
