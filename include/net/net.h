/*
 * The network core: clients, peers and the flow-control contract between
 * them.
 *
 * Every network endpoint is a NetClientState: a NIC (virtio-net), a back-end
 * (tap, bridge, user) or a hub port.  Two clients are peers: what one sends,
 * the other receives.  `-net` connects several clients through a hub instead.
 *
 * The contract (QEMU's, kept exactly, because back-ends and devices rely on
 * it):
 *
 * - A receiver's receive() returns the number of bytes it consumed, or 0 to
 *   say "not now".  Returning 0 is a promise: the receiver will call
 *   qemu_flush_queued_packets() on itself once it can take packets again
 *   (virtio-net does so when the guest posts RX buffers).  A negative value
 *   is an error; the packet is dropped and counted.
 * - can_receive() false has the same meaning as a 0 from receive(): packets
 *   for it are queued, and the receiver flushes later.
 * - A sender that can hold its packets (a tap: they stay in the kernel) asks
 *   qemu_can_send_packet() before taking one, and stops when the answer is
 *   no.  When the receiver flushes and its queue empties, the core calls the
 *   sender's peer_ready() (behind a hub: the peers of the hub's other
 *   ports), and the sender asks again.  This is the design's "wire to guest"
 *   path: nothing is read only to wait or be dropped inside the emulator.
 * - qemu_send_packet_async() with a completion callback returns 0 when the
 *   packet had to be queued anyway (can_receive() said yes, receive() said
 *   0): the sender must stop sending until the callback runs.  Without a
 *   callback, a packet that does not fit the bounded queue is dropped and
 *   counted.
 * - Queued packets are delivered in order.  A client being deleted takes its
 *   queued packets with it, in both directions, without calling callbacks.
 *
 * Everything runs in the main loop thread; nothing here blocks.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <json-glib/json-glib.h>

#include "qapi/error.h"
#include "qapi/qapi-types.h"

typedef struct NetClientState NetClientState;
typedef struct NetQueue NetQueue;

/* Called when a queued packet finally went out; LEN is receive()'s result. */
typedef void NetPacketSent(NetClientState *sender, ssize_t len);

typedef struct NetClientInfo {
    NetClientDriver type;
    size_t size;                /* of the struct that embeds NetClientState */
    ssize_t (*receive)(NetClientState *nc, const uint8_t *buf, size_t size);
    /* Optional; used instead of receive() when present. */
    ssize_t (*receive_iov)(NetClientState *nc, const struct iovec *iov,
                           int iovcnt);
    bool (*can_receive)(NetClientState *nc);
    /* Optional: the peer flushed (or went away, or its link changed); a
     * sender that stopped on qemu_can_send_packet() asks again. */
    void (*peer_ready)(NetClientState *nc);
    void (*cleanup)(NetClientState *nc);
    void (*link_status_changed)(NetClientState *nc);
    /* Back-ends that carry a virtio-net header (tap with IFF_VNET_HDR). */
    bool (*has_vnet_hdr)(NetClientState *nc);
    void (*set_vnet_hdr_len)(NetClientState *nc, int len);
    void (*set_offload)(NetClientState *nc, bool csum, bool tso4, bool tso6,
                        bool ecn, bool ufo);
} NetClientInfo;

typedef struct NetStats {
    uint64_t rx_packets, rx_bytes;      /* delivered to this client */
    uint64_t tx_packets, tx_bytes;      /* sent by this client */
    uint64_t rx_dropped, tx_dropped;
} NetStats;

struct NetClientState {
    const NetClientInfo *info;
    NetClientState *peer;
    NetQueue *incoming_queue;   /* packets waiting for this client */
    char *model;                /* "tap", "bridge", "user", "hub", "virtio-net-pci" */
    char *name;                 /* the id */
    char info_str[256];         /* `info network` description */
    bool link_down;
    bool receive_disabled;      /* receive() said 0; waiting for a flush */
    bool is_netdev;             /* created by -netdev / netdev_add */
    bool is_nic;
    NetStats stats;
};

/*
 * Creates a client of INFO->size bytes (INFO->size >= sizeof(NetClientState))
 * and registers it.  PEER may be NULL; if not, both become peers.
 */
NetClientState *qemu_new_net_client(const NetClientInfo *info,
                                    NetClientState *peer, const char *model,
                                    const char *name);
/* Unregisters, drops queued packets, calls cleanup, frees. */
void qemu_del_net_client(NetClientState *nc);

ssize_t qemu_send_packet_async(NetClientState *sender, const uint8_t *buf,
                               size_t size, NetPacketSent *sent_cb);
ssize_t qemu_sendv_packet_async(NetClientState *sender,
                                const struct iovec *iov, int iovcnt,
                                NetPacketSent *sent_cb);
/* Without a callback: queued if possible, else dropped. */
void qemu_send_packet(NetClientState *sender, const uint8_t *buf, size_t size);

/* True if a packet from SENDER would be received now (not queued). */
bool qemu_can_send_packet(NetClientState *sender);
/*
 * Deliver what is queued for NC; call when NC can receive again.  If the
 * queue empties, NC's senders get peer_ready().
 */
void qemu_flush_queued_packets(NetClientState *nc);
/* Drop what is queued for NC (e.g. on device reset). */
void qemu_purge_queued_packets(NetClientState *nc);

/* Clients, by id: netdevs and NICs share one namespace, like QEMU's. */
NetClientState *qemu_find_netdev(const char *id);
/* Calls FN for each registered client, in creation order. */
void qemu_foreach_net_client(void (*fn)(NetClientState *nc, void *opaque),
                             void *opaque);
/* A NIC model without an explicit id gets "<model>.N". */
char *qemu_net_unique_name(const char *model);

/* Does NC (a back-end) carry a virtio-net header with every frame? */
bool qemu_has_vnet_hdr(NetClientState *nc);
void qemu_set_vnet_hdr_len(NetClientState *nc, int len);
void qemu_set_offload(NetClientState *nc, bool csum, bool tso4, bool tso6,
                      bool ecn, bool ufo);

/* ---- configuration: -netdev, -net, -nic, netdev_add, netdev_del ---- */

/*
 * Creates the back-end NETDEV describes.  IS_NETDEV: from -netdev or
 * netdev_add (peer of one NIC) rather than -net (a port of a hub).  A
 * bridge (or tap,helper=) waits here for its helper, iterating a private
 * GMainContext: for the command line, before the machine runs.
 */
bool net_client_init(const Netdev *netdev, bool is_netdev, Error **errp);

/* The outcome of net_client_init_async(): ERR NULL, or an error it takes. */
typedef void NetClientInitDone(Error *err, void *opaque);
/*
 * Like net_client_init(), without blocking the main loop: DONE runs once,
 * when the back-end exists or has failed - possibly before this returns
 * (all back-ends but those waiting on a helper).  Meanwhile the id is
 * taken (a second creation gets "Duplicate ID"), and net_cleanup() cancels
 * the creation (the helper killed and reaped, DONE told so).
 */
void net_client_init_async(const Netdev *netdev, bool is_netdev,
                           NetClientInitDone *done, void *opaque);
/*
 * A keyval tree (keyval_parse(ARG, "type", ...)) into a Netdev, through
 * the visitor QMP's netdev_add uses.  This is how every command-line
 * network option becomes a typed value, once, when it is read.
 */
Netdev *net_netdev_from_keyval(JsonNode *args, Error **errp);
/*
 * -nic's back-end: ARGS, the tree of "-nic TYPE[,model=M][,mac=MAC]
 * [,backend options]", without model, mac and id, as a Netdev named ID.
 * Values are taken as parsed: nothing is written back out as text.
 */
Netdev *net_nic_netdev(JsonNode *args, const char *id, Error **errp);
/*
 * One -netdev/-net argument ("bridge,id=hn0,br=br0") into a Netdev, for
 * callers that create it at once (HMP netdev_add).  *HELP is set for
 * "help" and "TYPE,help" (and NULL returned without an error).  A -net
 * back-end (IS_NETDEV false) without an id is named "<type>.N" from the
 * clients that exist now.
 */
Netdev *net_parse_netdev(const char *optarg, bool is_netdev, bool *help,
                         Error **errp);
/* "Available netdev backend types:", from the back-ends built in. */
void net_print_backends(void);
/* Parses and creates; with "help", lists the back-ends and sets *EXIT_NOW. */
bool net_client_parse(const char *optarg, bool is_netdev, bool *exit_now,
                      Error **errp);
bool netdev_del(const char *id, Error **errp);
bool net_set_link(const char *name, bool up, Error **errp);

/* `info network`, in QEMU's format. */
char *net_info_network(void);

/* The helper path -netdev bridge uses when none is given. */
const char *net_default_bridge_helper(void);

/* Deletes every client (at exit): creations still waiting on a helper are
 * cancelled, taps close, downscripts run. */
void net_cleanup(void);

#endif
