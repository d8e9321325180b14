/*
 * Hubs for -net; see include/net/hub.h.
 */

#include "net/hub.h"

#include "net/clients.h"
#include "net/queue.h"
#include "qemu/iov.h"

typedef struct NetHub {
    int id;
    GList *ports;               /* NetHubPort, in creation order */
    int next_port;
    bool flushing;              /* inside net_hub_flush() */
} NetHub;

typedef struct NetHubPort {
    NetClientState nc;
    NetHub *hub;
} NetHubPort;

static GList *hubs;             /* NetHub, sorted by id */

static gint hub_compare(gconstpointer a, gconstpointer b)
{
    int ida = ((const NetHub *)a)->id, idb = ((const NetHub *)b)->id;

    return ida < idb ? -1 : ida > idb;
}

static NetHub *hub_find(int id, bool create)
{
    NetHub *hub;

    for (GList *l = hubs; l; l = l->next) {
        hub = l->data;
        if (hub->id == id) {
            return hub;
        }
    }
    if (!create) {
        return NULL;
    }
    hub = g_new0(NetHub, 1);
    hub->id = id;
    hubs = g_list_insert_sorted(hubs, hub, hub_compare);
    return hub;
}

static ssize_t hub_port_receive_iov(NetClientState *nc,
                                    const struct iovec *iov, int iovcnt)
{
    NetHubPort *source = (NetHubPort *)nc;

    for (GList *l = source->hub->ports; l; l = l->next) {
        NetHubPort *port = l->data;
        if (port != source) {
            qemu_sendv_packet_async(&port->nc, iov, iovcnt, NULL);
        }
    }
    return (ssize_t)iov_size(iov, iovcnt);
}

static ssize_t hub_port_receive(NetClientState *nc, const uint8_t *buf,
                                size_t size)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = size };

    return hub_port_receive_iov(nc, &iov, 1);
}

/* Worth taking a packet only if some other port could pass it on. */
static bool hub_port_can_receive(NetClientState *nc)
{
    NetHubPort *source = (NetHubPort *)nc;

    for (GList *l = source->hub->ports; l; l = l->next) {
        NetHubPort *port = l->data;
        if (port != source && qemu_can_send_packet(&port->nc)) {
            return true;
        }
    }
    return false;
}

static void hub_port_cleanup(NetClientState *nc)
{
    NetHubPort *port = (NetHubPort *)nc;

    port->hub->ports = g_list_remove(port->hub->ports, port);
}

static const NetClientInfo hub_port_info = {
    .type = NET_CLIENT_DRIVER_HUBPORT,
    .size = sizeof(NetHubPort),
    .receive = hub_port_receive,
    .receive_iov = hub_port_receive_iov,
    .can_receive = hub_port_can_receive,
    .cleanup = hub_port_cleanup,
};

NetClientState *net_hub_add_port(int hub_id, const char *name,
                                 NetClientState *peer)
{
    NetHub *hub = hub_find(hub_id, true);
    g_autofree char *default_name = NULL;
    NetHubPort *port;

    if (!name) {
        default_name = g_strdup_printf("hub%dport%d", hub_id, hub->next_port);
        name = default_name;
    }
    hub->next_port++;
    port = (NetHubPort *)qemu_new_net_client(&hub_port_info, peer, "hub", name);
    port->hub = hub;
    hub->ports = g_list_append(hub->ports, port);
    return &port->nc;
}

bool net_hub_is_port(const NetClientState *nc)
{
    return nc && nc->info == &hub_port_info;
}

void net_hub_flush(NetClientState *nc)
{
    NetHubPort *source = (NetHubPort *)nc;
    NetHub *hub = source->hub;

    /* Two hubs peered through ports twice over would flush each other
     * forever. */
    if (hub->flushing) {
        return;
    }
    hub->flushing = true;
    /* Every sibling, queue or not: flushing one also wakes its peer, which
     * may have stopped sending without queueing anything. */
    for (GList *l = hub->ports; l; l = l->next) {
        NetHubPort *port = l->data;
        if (port != source) {
            qemu_flush_queued_packets(&port->nc);
        }
    }
    hub->flushing = false;
}

void net_hub_info(GString *out)
{
    for (GList *h = hubs; h; h = h->next) {
        NetHub *hub = h->data;
        if (!hub->ports) {
            continue;
        }
        g_string_append_printf(out, "hub %d\n", hub->id);
        for (GList *l = hub->ports; l; l = l->next) {
            NetHubPort *port = l->data;
            g_string_append_printf(out, " \\ %s", port->nc.name);
            if (port->nc.peer) {
                g_string_append(out, ": ");
                net_print_client(out, port->nc.peer);
            } else {
                g_string_append(out, "\n");
            }
        }
    }
}

void net_hub_cleanup(void)
{
    for (GList *h = hubs; h;) {
        GList *next = h->next;
        NetHub *hub = h->data;
        if (!hub->ports) {
            hubs = g_list_delete_link(hubs, h);
            g_free(hub);
        }
        h = next;
    }
}

bool net_init_hubport(const Netdev *netdev, const char *name,
                      NetClientState *peer, NetInitJob *job,
                      Error **errp)
{
    const NetdevHubPortOptions *opts = &netdev->u.hubport;
    NetClientState *hub_peer = NULL;
    NetClientState *port;

    if (opts->netdev) {
        hub_peer = qemu_find_netdev(opts->netdev);
        if (!hub_peer) {
            error_setg(errp, "netdev '%s' not found", opts->netdev);
            return false;
        }
        if (hub_peer->peer) {
            error_setg(errp, "netdev '%s' is already in use", opts->netdev);
            return false;
        }
    }
    port = net_hub_add_port(opts->hubid, name, hub_peer);
    port->is_netdev = true;
    return true;
}
