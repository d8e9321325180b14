/*
 * The network core: client registry, packet delivery with QEMU's
 * flow-control contract (see include/net/net.h), back-end creation from the
 * QAPI Netdev value, and `info network`.
 */

#include "net/net.h"

#include <stdio.h>
#include <string.h>

#include "config-host.h"
#include "net/clients.h"
#include "net/hub.h"
#include "net/queue.h"
#include "qapi/json-visitor.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-visit.h"
#include "qapi/qmp-dispatch.h"
#include "qapi/util.h"
#include "qapi/visitor.h"
#include "qemu/iov.h"
#include "util/keyval.h"

/* Every client, in creation order (`info network` order). */
static GQueue net_clients = G_QUEUE_INIT;

/* ---------------------------------------------------------------------- */
/* Delivery */

/* Hands one packet to NC's receive function; the queue's deliver hook. */
static ssize_t deliver_to(NetClientState *sender, const struct iovec *iov,
                          int iovcnt, void *opaque)
{
    NetClientState *nc = opaque;
    size_t size = iov_size(iov, iovcnt);
    ssize_t ret;

    if (nc->link_down) {
        /* A cable pulled out: the packet is lost, not held. */
        nc->stats.rx_dropped++;
        return (ssize_t)size;
    }
    if (nc->info->receive_iov) {
        ret = nc->info->receive_iov(nc, iov, iovcnt);
    } else if (iovcnt == 1) {
        ret = nc->info->receive(nc, iov[0].iov_base, iov[0].iov_len);
    } else {
        g_autofree uint8_t *flat = g_malloc(size);
        iov_to_buf(iov, iovcnt, 0, flat, size);
        ret = nc->info->receive(nc, flat, size);
    }
    if (ret == 0) {
        nc->receive_disabled = true;
        return 0;
    }
    if (ret < 0) {
        nc->stats.rx_dropped++;
        return ret;
    }
    nc->stats.rx_packets++;
    nc->stats.rx_bytes += size;
    if (sender) {
        sender->stats.tx_packets++;
        sender->stats.tx_bytes += size;
    }
    return ret;
}

static bool can_receive(NetClientState *nc)
{
    if (nc->receive_disabled) {
        return false;
    }
    return !nc->info->can_receive || nc->info->can_receive(nc);
}

bool qemu_can_send_packet(NetClientState *sender)
{
    NetClientState *peer = sender->peer;

    if (!peer || peer->link_down) {
        return true;            /* the packet would be dropped, not held */
    }
    return net_queue_is_empty(peer->incoming_queue) && can_receive(peer);
}

ssize_t qemu_sendv_packet_async(NetClientState *sender,
                                const struct iovec *iov, int iovcnt,
                                NetPacketSent *sent_cb)
{
    size_t size = iov_size(iov, iovcnt);
    NetClientState *peer = sender->peer;
    ssize_t ret;

    if (sender->link_down || !peer) {
        sender->stats.tx_dropped++;
        return (ssize_t)size;
    }
    if (!net_queue_is_empty(peer->incoming_queue) || !can_receive(peer)) {
        if (!net_queue_append(peer->incoming_queue, sender, iov, iovcnt,
                              sent_cb)) {
            sender->stats.tx_dropped++;
            return (ssize_t)size;
        }
        return 0;
    }
    ret = deliver_to(sender, iov, iovcnt, peer);
    if (ret == 0 &&
        !net_queue_append(peer->incoming_queue, sender, iov, iovcnt, sent_cb)) {
        sender->stats.tx_dropped++;
        return (ssize_t)size;
    }
    return ret;
}

ssize_t qemu_send_packet_async(NetClientState *sender, const uint8_t *buf,
                               size_t size, NetPacketSent *sent_cb)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = size };

    return qemu_sendv_packet_async(sender, &iov, 1, sent_cb);
}

void qemu_send_packet(NetClientState *sender, const uint8_t *buf, size_t size)
{
    qemu_send_packet_async(sender, buf, size, NULL);
}

/*
 * RECEIVER can take packets again: a sender that stopped because
 * qemu_can_send_packet() said no may go on.  Behind a hub the senders are
 * the other ports' peers, and what waits for us waits in those ports'
 * queues.
 */
static void wake_senders(NetClientState *receiver)
{
    NetClientState *sender = receiver->peer;

    if (!sender) {
        return;
    }
    if (net_hub_is_port(sender)) {
        net_hub_flush(sender);
    } else if (sender->info->peer_ready) {
        sender->info->peer_ready(sender);
    }
}

void qemu_flush_queued_packets(NetClientState *nc)
{
    nc->receive_disabled = false;
    net_queue_flush(nc->incoming_queue);
    /* Still full (receive() said 0 again): the next flush wakes them. */
    if (net_queue_is_empty(nc->incoming_queue) && !nc->receive_disabled) {
        wake_senders(nc);
    }
}

void qemu_purge_queued_packets(NetClientState *nc)
{
    if (nc->peer) {
        net_queue_purge(nc->peer->incoming_queue, nc);
    }
}

/* ---------------------------------------------------------------------- */
/* Registry */

NetClientState *qemu_new_net_client(const NetClientInfo *info,
                                    NetClientState *peer, const char *model,
                                    const char *name)
{
    NetClientState *nc;

    g_assert(info->size >= sizeof(NetClientState));
    g_assert(info->receive || info->receive_iov);
    nc = g_malloc0(info->size);
    nc->info = info;
    nc->model = g_strdup(model);
    nc->name = name ? g_strdup(name) : qemu_net_unique_name(model);
    nc->incoming_queue = net_queue_new(deliver_to, nc);
    if (peer) {
        g_assert(!peer->peer);
        nc->peer = peer;
        peer->peer = nc;
    }
    g_queue_push_tail(&net_clients, nc);
    return nc;
}

void qemu_del_net_client(NetClientState *nc)
{
    NetClientState *peer = nc->peer;

    if (!g_queue_remove(&net_clients, nc)) {
        return;
    }
    if (peer) {
        /* Our packets waiting at the peer, and its waiting for us, go. */
        net_queue_purge(peer->incoming_queue, nc);
        peer->peer = NULL;
        nc->peer = NULL;
        /* A sender that waited for us now sends into the void (and must
         * not stay stopped for a NIC plugged in later). */
        if (peer->info->peer_ready) {
            peer->info->peer_ready(peer);
        }
    }
    net_queue_free(nc->incoming_queue);
    nc->incoming_queue = NULL;
    if (nc->info->cleanup) {
        nc->info->cleanup(nc);
    }
    g_free(nc->model);
    g_free(nc->name);
    g_free(nc);
}

NetClientState *qemu_find_netdev(const char *id)
{
    for (GList *l = net_clients.head; l; l = l->next) {
        NetClientState *nc = l->data;
        if (strcmp(nc->name, id) == 0) {
            return nc;
        }
    }
    return NULL;
}

void qemu_foreach_net_client(void (*fn)(NetClientState *nc, void *opaque),
                             void *opaque)
{
    for (GList *l = net_clients.head; l;) {
        GList *next = l->next;  /* FN may delete the client */
        fn(l->data, opaque);
        l = next;
    }
}

char *qemu_net_unique_name(const char *model)
{
    int index = 0;

    for (GList *l = net_clients.head; l; l = l->next) {
        NetClientState *nc = l->data;
        if (nc->model && strcmp(nc->model, model) == 0) {
            index++;
        }
    }
    return g_strdup_printf("%s.%d", model, index);
}

bool qemu_has_vnet_hdr(NetClientState *nc)
{
    return nc && nc->info->has_vnet_hdr && nc->info->has_vnet_hdr(nc);
}

void qemu_set_vnet_hdr_len(NetClientState *nc, int len)
{
    if (nc && nc->info->set_vnet_hdr_len) {
        nc->info->set_vnet_hdr_len(nc, len);
    }
}

void qemu_set_offload(NetClientState *nc, bool csum, bool tso4, bool tso6,
                      bool ecn, bool ufo)
{
    if (nc && nc->info->set_offload) {
        nc->info->set_offload(nc, csum, tso4, tso6, ecn, ufo);
    }
}

/* ---------------------------------------------------------------------- */
/* Configuration */

/* QEMU's id rule, and QEMU's own names for -nic back-ends,
 * "__org.qemu.nicN". */
static bool netdev_id_wellformed(const char *id)
{
    if (g_str_has_prefix(id, "__org.qemu.")) {
        id += strlen("__org.qemu.");
    }
    return id_wellformed(id);
}

typedef bool NetInitFn(const Netdev *netdev, const char *name,
                       NetClientState *peer, NetInitJob *job, Error **errp);

static NetInitFn *const net_init_fns[NET_CLIENT_DRIVER__MAX] = {
    [NET_CLIENT_DRIVER_USER] = net_init_slirp,
    [NET_CLIENT_DRIVER_TAP] = net_init_tap,
    [NET_CLIENT_DRIVER_BRIDGE] = net_init_bridge,
    [NET_CLIENT_DRIVER_HUBPORT] = net_init_hubport,
};

/* A creation a back-end deferred (see net/clients.h). */
struct NetInitJob {
    char *id;                   /* reserved until it finishes */
    bool is_netdev;
    NetClientState *peer;       /* the -net hub port made for it, or NULL */
    NetInitCancel *cancel;      /* set by net_init_defer() */
    void *state;
    NetClientInitDone *done;
    void *opaque;
};

static GQueue pending_jobs = G_QUEUE_INIT;

static bool id_pending(const char *id)
{
    for (GList *l = pending_jobs.head; l; l = l->next) {
        if (g_strcmp0(((NetInitJob *)l->data)->id, id) == 0) {
            return true;
        }
    }
    return false;
}

static void job_free(NetInitJob *job)
{
    g_free(job->id);
    g_free(job);
}

/* Creates the back-end, or with a JOB starts creating it. */
static bool client_init(const Netdev *netdev, bool is_netdev, NetInitJob *job,
                        Error **errp)
{
    NetClientState *peer = NULL;
    NetInitFn *init = net_init_fns[netdev->type];

    if (is_netdev || netdev->id) {
        if (!netdev->id || !netdev_id_wellformed(netdev->id)) {
            error_setg(errp, "Parameter 'id' expects an identifier");
            return false;
        }
        if (qemu_find_netdev(netdev->id) || id_pending(netdev->id)) {
            error_setg(errp, "Duplicate ID '%s' for netdev", netdev->id);
            return false;
        }
    }
    if (netdev->type == NET_CLIENT_DRIVER_NIC ||
        netdev->type == NET_CLIENT_DRIVER_NONE) {
        error_setg(errp, "Parameter 'type' expects a netdev backend type");
        return false;
    }
    if (!init) {
        error_setg(errp, "network backend '%s' is not compiled into this binary",
                   NetClientDriver_str(netdev->type));
        return false;
    }
    if (!is_netdev && netdev->type != NET_CLIENT_DRIVER_HUBPORT) {
        /* -net: the back-end joins hub 0 through a port of its own. */
        peer = net_hub_add_port(0, NULL, NULL);
    }
    if (job) {
        job->peer = peer;
    }
    if (!init(netdev, netdev->id, peer, job, errp)) {
        if (peer) {
            qemu_del_net_client(peer);
        }
        return false;
    }
    if (is_netdev && !(job && job->cancel)) {
        qemu_find_netdev(netdev->id)->is_netdev = true;
    }
    return true;
}

bool net_client_init(const Netdev *netdev, bool is_netdev, Error **errp)
{
    return client_init(netdev, is_netdev, NULL, errp);
}

void net_client_init_async(const Netdev *netdev, bool is_netdev,
                           NetClientInitDone *done, void *opaque)
{
    NetInitJob *job = g_new0(NetInitJob, 1);
    Error *err = NULL;

    job->id = g_strdup(netdev->id);
    job->is_netdev = is_netdev;
    job->done = done;
    job->opaque = opaque;
    if (client_init(netdev, is_netdev, job, &err) && job->cancel) {
        g_queue_push_tail(&pending_jobs, job);
        return;
    }
    job_free(job);
    done(err, opaque);
}

void net_init_defer(NetInitJob *job, NetInitCancel *cancel, void *state)
{
    g_assert(job && !job->cancel);
    job->cancel = cancel;
    job->state = state;
}

void net_init_finish(NetInitJob *job, Error *err)
{
    NetClientInitDone *done = job->done;
    void *opaque = job->opaque;

    g_queue_remove(&pending_jobs, job);
    if (err && job->peer) {
        qemu_del_net_client(job->peer);
    }
    if (!err && job->is_netdev) {
        qemu_find_netdev(job->id)->is_netdev = true;
    }
    job_free(job);
    done(err, opaque);
}

/* At exit: helpers killed and reaped, nothing they made left behind. */
static void cancel_pending_jobs(void)
{
    NetInitJob *job;

    while ((job = g_queue_pop_head(&pending_jobs))) {
        Error *err = NULL;

        job->cancel(job->state);
        if (job->peer) {
            qemu_del_net_client(job->peer);
        }
        error_setg(&err, "netdev '%s' was not created: the emulator is "
                   "shutting down", job->id);
        job->done(err, job->opaque);
        job_free(job);
    }
}

Netdev *net_netdev_from_keyval(JsonNode *args, Error **errp)
{
    Netdev *netdev = NULL;
    Visitor *v = json_input_visitor_new_keyval(args);

    visit_type_Netdev(v, NULL, &netdev, errp);
    visit_free(v);
    return netdev;
}

Netdev *net_parse_netdev(const char *optarg, bool is_netdev, bool *help,
                         Error **errp)
{
    JsonNode *args = keyval_parse(optarg, "type", help, errp);
    Netdev *netdev = NULL;
    JsonObject *obj;

    if (!args || *help) {
        if (args) {
            json_node_unref(args);
        }
        return NULL;
    }
    obj = json_node_get_object(args);
    /* -net back-ends may go without an id: they get "<type>.N" as QEMU
     * names them. */
    if (!is_netdev && !json_object_has_member(obj, "id") &&
        keyval_get_string(obj, "type")) {
        g_autofree char *name = qemu_net_unique_name(
            keyval_get_string(obj, "type"));
        json_object_set_string_member(obj, "id", name);
    }
    netdev = net_netdev_from_keyval(args, errp);
    json_node_unref(args);
    return netdev;
}

Netdev *net_nic_netdev(JsonNode *args, const char *id, Error **errp)
{
    JsonObject *obj = json_object_new();
    JsonNode *copy = json_node_new(JSON_NODE_OBJECT);
    JsonObjectIter iter;
    const char *key;
    JsonNode *member;
    Netdev *netdev;

    json_object_iter_init(&iter, json_node_get_object(args));
    while (json_object_iter_next(&iter, &key, &member)) {
        if (strcmp(key, "model") && strcmp(key, "mac") && strcmp(key, "id")) {
            json_object_set_member(obj, key, json_node_copy(member));
        }
    }
    json_object_set_string_member(obj, "id", id);
    json_node_take_object(copy, obj);
    netdev = net_netdev_from_keyval(copy, errp);
    json_node_unref(copy);
    return netdev;
}

void net_print_backends(void)
{
    printf("Available netdev backend types:\n");
    for (int i = 0; i < NET_CLIENT_DRIVER__MAX; i++) {
        if (net_init_fns[i]) {
            printf("%s\n", NetClientDriver_str((NetClientDriver)i));
        }
    }
}

bool net_client_parse(const char *optarg, bool is_netdev, bool *exit_now,
                      Error **errp)
{
    g_autoptr(Netdev) netdev = NULL;
    bool help = false;

    *exit_now = false;
    netdev = net_parse_netdev(optarg, is_netdev, &help, errp);
    if (help) {
        net_print_backends();
        *exit_now = true;
        return true;
    }
    return netdev && net_client_init(netdev, is_netdev, errp);
}

bool netdev_del(const char *id, Error **errp)
{
    NetClientState *nc = qemu_find_netdev(id);

    if (!nc) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  id);
        return false;
    }
    if (!nc->is_netdev) {
        error_setg(errp, "Device '%s' is not a netdev", id);
        return false;
    }
    qemu_del_net_client(nc);
    return true;
}

bool net_set_link(const char *name, bool up, Error **errp)
{
    NetClientState *nc = qemu_find_netdev(name);

    if (!nc) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  name);
        return false;
    }
    nc->link_down = !up;
    if (nc->info->link_status_changed) {
        nc->info->link_status_changed(nc);
    }
    /* A NIC's link is also its netdev's, as QEMU does: both ends see it. */
    if (nc->peer && !net_hub_is_port(nc->peer)) {
        nc->peer->link_down = !up;
        if (nc->peer->info->link_status_changed) {
            nc->peer->info->link_status_changed(nc->peer);
        }
        wake_senders(nc->peer);
    }
    /* Down, packets for NC are dropped rather than held: who stopped
     * sending to it goes on; up, they are asked again. */
    wake_senders(nc);
    return true;
}

static void netdev_add_done(Error *err, void *opaque)
{
    qmp_deferred_return(opaque, NULL, err);
}

/*
 * A bridge (or tap,helper=) waits for its helper: the reply is deferred
 * (netdev_add is 'coroutine': true in the schema) so the guest and the
 * other monitors run on meanwhile.
 */
void qmp_netdev_add(Netdev *netdev, Error **errp)
{
    QmpDeferred *reply = qmp_defer_reply();

    if (!reply) {
        net_client_init(netdev, true, errp);
        return;
    }
    net_client_init_async(netdev, true, netdev_add_done, reply);
}

void qmp_netdev_del(const char *id, Error **errp)
{
    netdev_del(id, errp);
}

void qmp_set_link(const char *name, bool up, Error **errp)
{
    net_set_link(name, up, errp);
}

const char *net_default_bridge_helper(void)
{
    return CONFIG_BRIDGE_HELPER;
}

/* ---------------------------------------------------------------------- */
/* info network */

void net_print_client(GString *out, NetClientState *nc)
{
    g_string_append_printf(out, "%s: index=0,type=%s,%s%s\n", nc->name,
                           NetClientDriver_str(nc->info->type), nc->info_str,
                           nc->link_down ? " (link down)" : "");
}

char *net_info_network(void)
{
    GString *out = g_string_new("");

    net_hub_info(out);
    for (GList *l = net_clients.head; l; l = l->next) {
        NetClientState *nc = l->data;
        if (net_hub_is_port(nc) || (nc->peer && net_hub_is_port(nc->peer))) {
            continue;           /* printed under its hub */
        }
        if (!nc->peer || nc->is_nic) {
            net_print_client(out, nc);
        }
        if (nc->peer && nc->is_nic) {
            g_string_append(out, " \\ ");
            net_print_client(out, nc->peer);
        }
    }
    return g_string_free(out, FALSE);
}

void net_cleanup(void)
{
    cancel_pending_jobs();
    while (!g_queue_is_empty(&net_clients)) {
        qemu_del_net_client(g_queue_peek_head(&net_clients));
    }
    net_hub_cleanup();
}
