/*
 * The user back-end, -netdev user: a NAT'ed network in the emulator itself,
 * from libslirp (DHCP, DNS relay, TFTP, host forwarding).
 *
 * libslirp's shape is an opaque state plus callbacks; we give it the main
 * loop through a GSource that asks libslirp which sockets to poll before
 * each poll and hands it the results after, and through glib timers.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slirp/libslirp.h>

#include "net/clients.h"

typedef struct SlirpState SlirpState;

typedef struct SlirpPollSource {
    GSource source;
    SlirpState *s;
    GPtrArray *fds;             /* GPollFD *, registered with the source */
    gint64 deadline_us;         /* libslirp's own timeout, from fill */
} SlirpPollSource;

struct SlirpState {
    NetClientState nc;
    Slirp *slirp;
    SlirpPollSource *poll;
    GList *timers;
};

typedef struct SlirpTimer {
    SlirpState *s;
    SlirpTimerId id;
    void *cb_opaque;
    guint source;
} SlirpTimer;

/* ---- callbacks libslirp calls ---- */

static ssize_t slirp_cb_send(const void *buf, size_t len, void *opaque)
{
    SlirpState *s = opaque;

    qemu_send_packet(&s->nc, buf, len);
    return (ssize_t)len;
}

static void slirp_cb_guest_error(const char *msg, void *opaque)
{
    g_warning("user network: guest error: %s", msg);
}

static int64_t slirp_cb_clock_ns(void *opaque)
{
    return g_get_monotonic_time() * 1000;
}

static gboolean slirp_timer_fire(gpointer opaque)
{
    SlirpTimer *t = opaque;

    t->source = 0;
    slirp_handle_timer(t->s->slirp, t->id, t->cb_opaque);
    return G_SOURCE_REMOVE;
}

static void *slirp_cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque,
                                       void *opaque)
{
    SlirpState *s = opaque;
    SlirpTimer *t = g_new0(SlirpTimer, 1);

    t->s = s;
    t->id = id;
    t->cb_opaque = cb_opaque;
    s->timers = g_list_prepend(s->timers, t);
    return t;
}

static void slirp_timer_stop(SlirpTimer *t)
{
    if (t->source) {
        g_source_remove(t->source);
        t->source = 0;
    }
}

static void slirp_cb_timer_free(void *timer, void *opaque)
{
    SlirpState *s = opaque;
    SlirpTimer *t = timer;

    slirp_timer_stop(t);
    s->timers = g_list_remove(s->timers, t);
    g_free(t);
}

/* EXPIRE_MS is absolute, on the clock of slirp_cb_clock_ns. */
static void slirp_cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    SlirpTimer *t = timer;
    int64_t delay = expire_ms - g_get_monotonic_time() / 1000;

    slirp_timer_stop(t);
    t->source = g_timeout_add(delay > 0 ? (guint)delay : 0, slirp_timer_fire, t);
}

static void slirp_cb_register_poll_fd(int fd, void *opaque)
{
}

static void slirp_cb_unregister_poll_fd(int fd, void *opaque)
{
}

static void slirp_cb_notify(void *opaque)
{
    g_main_context_wakeup(NULL);
}

static const SlirpCb slirp_callbacks = {
    .send_packet = slirp_cb_send,
    .guest_error = slirp_cb_guest_error,
    .clock_get_ns = slirp_cb_clock_ns,
    .timer_free = slirp_cb_timer_free,
    .timer_mod = slirp_cb_timer_mod,
    .register_poll_fd = slirp_cb_register_poll_fd,
    .unregister_poll_fd = slirp_cb_unregister_poll_fd,
    .notify = slirp_cb_notify,
    .timer_new_opaque = slirp_cb_timer_new_opaque,
};

/* ---- polling: a GSource around slirp_pollfds_fill/poll ---- */

static int slirp_add_poll(int fd, int events, void *opaque)
{
    SlirpPollSource *src = opaque;
    GPollFD *pfd = g_new0(GPollFD, 1);

    pfd->fd = fd;
    pfd->events = (gushort)(((events & SLIRP_POLL_IN) ? G_IO_IN : 0) |
                            ((events & SLIRP_POLL_OUT) ? G_IO_OUT : 0) |
                            ((events & SLIRP_POLL_PRI) ? G_IO_PRI : 0) |
                            ((events & SLIRP_POLL_ERR) ? G_IO_ERR : 0) |
                            ((events & SLIRP_POLL_HUP) ? G_IO_HUP : 0));
    g_source_add_poll(&src->source, pfd);
    g_ptr_array_add(src->fds, pfd);
    return (int)src->fds->len - 1;
}

static int slirp_get_revents(int idx, void *opaque)
{
    SlirpPollSource *src = opaque;
    GPollFD *pfd = g_ptr_array_index(src->fds, idx);
    int revents = 0;

    revents |= (pfd->revents & G_IO_IN) ? SLIRP_POLL_IN : 0;
    revents |= (pfd->revents & G_IO_OUT) ? SLIRP_POLL_OUT : 0;
    revents |= (pfd->revents & G_IO_PRI) ? SLIRP_POLL_PRI : 0;
    revents |= (pfd->revents & G_IO_ERR) ? SLIRP_POLL_ERR : 0;
    revents |= (pfd->revents & G_IO_HUP) ? SLIRP_POLL_HUP : 0;
    return revents;
}

static void slirp_poll_clear(SlirpPollSource *src)
{
    for (guint i = 0; i < src->fds->len; i++) {
        g_source_remove_poll(&src->source, g_ptr_array_index(src->fds, i));
    }
    g_ptr_array_set_size(src->fds, 0);
}

static gboolean slirp_source_prepare(GSource *source, gint *timeout)
{
    SlirpPollSource *src = (SlirpPollSource *)source;
    uint32_t slirp_timeout = UINT32_MAX;

    slirp_poll_clear(src);
    slirp_pollfds_fill(src->s->slirp, &slirp_timeout, slirp_add_poll, src);
    if (slirp_timeout == UINT32_MAX) {
        src->deadline_us = G_MAXINT64;
        *timeout = -1;
    } else {
        src->deadline_us = g_get_monotonic_time() + (gint64)slirp_timeout * 1000;
        *timeout = (gint)slirp_timeout;
    }
    return FALSE;
}

static gboolean slirp_source_check(GSource *source)
{
    SlirpPollSource *src = (SlirpPollSource *)source;

    for (guint i = 0; i < src->fds->len; i++) {
        if (((GPollFD *)g_ptr_array_index(src->fds, i))->revents) {
            return TRUE;
        }
    }
    return g_get_monotonic_time() >= src->deadline_us;
}

static gboolean slirp_source_dispatch(GSource *source, GSourceFunc cb,
                                      gpointer data)
{
    SlirpPollSource *src = (SlirpPollSource *)source;

    slirp_pollfds_poll(src->s->slirp, 0, slirp_get_revents, src);
    return G_SOURCE_CONTINUE;
}

static void slirp_source_finalize(GSource *source)
{
    SlirpPollSource *src = (SlirpPollSource *)source;

    g_ptr_array_free(src->fds, TRUE);
}

static GSourceFuncs slirp_source_funcs = {
    .prepare = slirp_source_prepare,
    .check = slirp_source_check,
    .dispatch = slirp_source_dispatch,
    .finalize = slirp_source_finalize,
};

/* ---- the client ---- */

static ssize_t slirp_receive(NetClientState *nc, const uint8_t *buf,
                             size_t size)
{
    SlirpState *s = (SlirpState *)nc;

    slirp_input(s->slirp, buf, (int)size);
    return (ssize_t)size;
}

static void slirp_client_cleanup(NetClientState *nc)
{
    SlirpState *s = (SlirpState *)nc;

    if (s->poll) {
        slirp_poll_clear(s->poll);
        g_source_destroy(&s->poll->source);
        g_source_unref(&s->poll->source);
    }
    if (s->slirp) {
        slirp_cleanup(s->slirp);    /* frees its timers through our cb */
    }
    g_list_free_full(s->timers, g_free);
}

static const NetClientInfo slirp_info = {
    .type = NET_CLIENT_DRIVER_USER,
    .size = sizeof(SlirpState),
    .receive = slirp_receive,
    .cleanup = slirp_client_cleanup,
};

/* ---- configuration ---- */

/* "10.0.2.0/24" or "10.0.2.0/255.255.255.0" (or a bare address: /24). */
static bool parse_net(const char *text, struct in_addr *net,
                      struct in_addr *mask, Error **errp)
{
    g_auto(GStrv) parts = g_strsplit(text, "/", 2);
    unsigned prefix = 24;

    if (!inet_aton(parts[0], net)) {
        error_setg(errp, "Invalid parameter 'net': '%s' is not an address", text);
        return false;
    }
    if (parts[1]) {
        char *end;
        unsigned long bits = strtoul(parts[1], &end, 10);
        uint32_t m;
        if (parts[1][0] && *end == '\0') {
            if (bits > 32) {
                error_setg(errp, "Invalid parameter 'net': prefix length %s "
                           "is not 0..32", parts[1]);
                return false;
            }
            prefix = (unsigned)bits;
        } else if (inet_aton(parts[1], mask) &&
                   ((m = ntohl(mask->s_addr)), (m & (~m >> 1)) == 0)) {
            net->s_addr &= mask->s_addr;
            return true;
        } else {
            error_setg(errp, "Invalid parameter 'net': bad netmask in '%s'", text);
            return false;
        }
    }
    mask->s_addr = htonl(prefix ? ~0u << (32 - prefix) : 0);
    net->s_addr &= mask->s_addr;
    return true;
}

/* A parameter that is an address inside the network. */
static bool parse_addr(const char *name, const char *text,
                       struct in_addr net, struct in_addr mask,
                       struct in_addr *out, Error **errp)
{
    if (!inet_aton(text, out)) {
        error_setg(errp, "Invalid parameter '%s': '%s' is not an address",
                   name, text);
        return false;
    }
    if ((out->s_addr & mask.s_addr) != net.s_addr) {
        error_setg(errp, "Invalid parameter '%s': %s is outside the network",
                   name, text);
        return false;
    }
    return true;
}

/* [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport */
static bool add_hostfwd(Slirp *slirp, const char *rule, struct in_addr guest_default,
                        Error **errp)
{
    g_autofree char *copy = g_strdup(rule);
    char *host, *guest, *p;
    struct in_addr host_addr = { .s_addr = INADDR_ANY }, guest_addr = guest_default;
    int is_udp = 0;
    long host_port, guest_port;
    char *end;

    host = copy;
    p = strchr(host, ':');
    if (!p) {
        goto bad;
    }
    *p = '\0';
    if (strcmp(host, "udp") == 0) {
        is_udp = 1;
    } else if (host[0] && strcmp(host, "tcp") != 0) {
        goto bad;
    }
    host = p + 1;
    guest = strchr(host, '-');
    if (!guest) {
        goto bad;
    }
    *guest++ = '\0';
    p = strchr(host, ':');
    if (!p) {
        goto bad;
    }
    *p++ = '\0';
    if (host[0] && !inet_aton(host, &host_addr)) {
        goto bad;
    }
    host_port = strtol(p, &end, 10);
    if (!*p || *end || host_port < 0 || host_port > 65535) {
        goto bad;
    }
    p = strchr(guest, ':');
    if (!p) {
        goto bad;
    }
    *p++ = '\0';
    if (guest[0] && !inet_aton(guest, &guest_addr)) {
        goto bad;
    }
    guest_port = strtol(p, &end, 10);
    if (!*p || *end || guest_port < 1 || guest_port > 65535) {
        goto bad;
    }
    if (slirp_add_hostfwd(slirp, is_udp, host_addr, (int)host_port, guest_addr,
                          (int)guest_port) < 0) {
        error_setg(errp, "Could not set up host forwarding rule '%s'", rule);
        return false;
    }
    return true;
bad:
    error_setg(errp, "Invalid host forwarding rule '%s'", rule);
    return false;
}

static void set_in_network(struct in_addr *addr, struct in_addr net,
                           unsigned host_part)
{
    addr->s_addr = htonl(ntohl(net.s_addr) | host_part);
}

bool net_init_slirp(const Netdev *netdev, const char *name,
                    NetClientState *peer, NetInitJob *job,
                    Error **errp)
{
    const NetdevUserOptions *opts = &netdev->u.user;
    SlirpConfig cfg = { 0 };
    struct in_addr net, mask, host, dhcp, dns;
    g_autoptr(GPtrArray) search = g_ptr_array_new();
    SlirpState *s;

    if (opts->guestfwd) {
        error_setg(errp, "guestfwd= is not supported by this emulator");
        return false;
    }
    if (opts->smb || opts->smbserver) {
        error_setg(errp, "smb= is not supported by this emulator");
        return false;
    }
    if (!parse_net(opts->net ? opts->net : opts->ip ? opts->ip : "10.0.2.0/24",
                   &net, &mask, errp)) {
        return false;
    }
    set_in_network(&host, net, 2);
    set_in_network(&dhcp, net, 15);
    set_in_network(&dns, net, 3);
    if ((opts->host && !parse_addr("host", opts->host, net, mask, &host, errp)) ||
        (opts->dhcpstart &&
         !parse_addr("dhcpstart", opts->dhcpstart, net, mask, &dhcp, errp)) ||
        (opts->dns && !parse_addr("dns", opts->dns, net, mask, &dns, errp))) {
        return false;
    }
    for (StringList *l = opts->dnssearch; l; l = l->next) {
        g_ptr_array_add(search, l->value->str);
    }
    g_ptr_array_add(search, NULL);

    cfg.version = 4;
    cfg.restricted = opts->has_q_restrict && opts->q_restrict;
    cfg.in_enabled = !opts->has_ipv4 || opts->ipv4;
    cfg.vnetwork = net;
    cfg.vnetmask = mask;
    cfg.vhost = host;
    cfg.in6_enabled = !opts->has_ipv6 || opts->ipv6;
    inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
    cfg.vprefix_len = 64;
    inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
    inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
    cfg.vhostname = opts->hostname;
    cfg.tftp_server_name = opts->tftp_server_name;
    cfg.tftp_path = opts->tftp;
    cfg.bootfile = opts->bootfile;
    cfg.vdhcp_start = dhcp;
    cfg.vnameserver = dns;
    cfg.vdnssearch = search->len > 1 ? (const char **)search->pdata : NULL;
    cfg.vdomainname = opts->domainname;
    cfg.if_mtu = 1500;
    cfg.if_mru = 1500;

    s = (SlirpState *)qemu_new_net_client(&slirp_info, peer, "user", name);
    s->slirp = slirp_new(&cfg, &slirp_callbacks, s);
    if (!s->slirp) {
        error_setg(errp, "user network: libslirp refused the configuration");
        qemu_del_net_client(&s->nc);
        return false;
    }
    for (StringList *l = opts->hostfwd; l; l = l->next) {
        if (!add_hostfwd(s->slirp, l->value->str, dhcp, errp)) {
            qemu_del_net_client(&s->nc);
            return false;
        }
    }
    s->poll = (SlirpPollSource *)g_source_new(&slirp_source_funcs,
                                              sizeof(SlirpPollSource));
    s->poll->s = s;
    s->poll->fds = g_ptr_array_new_with_free_func(g_free);
    g_source_attach(&s->poll->source, NULL);
    snprintf(s->nc.info_str, sizeof(s->nc.info_str), "net=%s,restrict=%s",
             inet_ntoa(net), cfg.restricted ? "on" : "off");
    return true;
}
