/*
 * The tap back-end: frames between a peer and a Linux tap file descriptor.
 *
 * Reading: when the fd is readable, frames go to the peer; when the peer
 * cannot take one, that frame waits in the peer's queue and we stop polling
 * the fd until its completion callback runs, so the backlog stays in the
 * kernel (nothing is dropped here).  Writing: the fd is non-blocking; a full
 * kernel queue makes receive() return 0 and we flush once it drains.
 *
 * Virtio-net headers: a tap opened with IFF_VNET_HDR carries one in front
 * of every frame.  A peer that speaks the same header (virtio-net calls
 * set_vnet_hdr_len) gets frames as they are; any other peer gets them
 * without, and a zero header is added on the way out.
 *
 * Ways to get the fd: fd=/fds= (a number or a name given to QMP getfd),
 * ifname= (opened here, with script=/downscript=), or helper= (see
 * net/bridge.c).
 */

#include "net/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#include "config-host.h"
#include "monitor/fds.h"
#include "net/clients.h"
#include "qemu/iov.h"

/* Largest frame a tap hands us (64 KiB GSO frames) plus its header. */
#define TAP_BUFSIZE (65536 + 64)
/* Frames read per wake-up before giving the main loop back. */
#define TAP_READ_BURST 64
/* The header a tap starts with: struct virtio_net_hdr. */
#define TAP_DEFAULT_VNET_HDR_LEN 10

typedef struct TAPState {
    NetClientState nc;
    int fd;
    guint read_source;
    guint write_source;
    bool has_vnet_hdr;
    bool using_vnet_hdr;
    int vnet_hdr_len;
    char *ifname;
    char *downscript;
    uint8_t buf[TAP_BUFSIZE];
} TAPState;

static gboolean tap_readable(gint fd, GIOCondition cond, gpointer opaque);
static gboolean tap_writable(gint fd, GIOCondition cond, gpointer opaque);

static void tap_read_poll(TAPState *s, bool enable)
{
    if (enable && !s->read_source) {
        s->read_source = g_unix_fd_add(s->fd, G_IO_IN, tap_readable, s);
    } else if (!enable && s->read_source) {
        g_source_remove(s->read_source);
        s->read_source = 0;
    }
}

static void tap_write_poll(TAPState *s, bool enable)
{
    if (enable && !s->write_source) {
        s->write_source = g_unix_fd_add(s->fd, G_IO_OUT, tap_writable, s);
    } else if (!enable && s->write_source) {
        g_source_remove(s->write_source);
        s->write_source = 0;
    }
}

/* The frame that waited at the peer went out: read on. */
static void tap_send_completed(NetClientState *nc, ssize_t len)
{
    tap_read_poll((TAPState *)nc, true);
}

static gboolean tap_readable(gint fd, GIOCondition cond, gpointer opaque)
{
    TAPState *s = opaque;

    for (int i = 0; i < TAP_READ_BURST; i++) {
        ssize_t n = read(s->fd, s->buf, sizeof(s->buf));
        uint8_t *frame = s->buf;

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        if (s->has_vnet_hdr && !s->using_vnet_hdr) {
            if (n < s->vnet_hdr_len) {
                continue;       /* a runt the kernel should never send */
            }
            frame += s->vnet_hdr_len;
            n -= s->vnet_hdr_len;
        }
        if (qemu_send_packet_async(&s->nc, frame, (size_t)n,
                                   tap_send_completed) == 0) {
            tap_read_poll(s, false);
            break;
        }
    }
    return G_SOURCE_CONTINUE;
}

static gboolean tap_writable(gint fd, GIOCondition cond, gpointer opaque)
{
    TAPState *s = opaque;

    s->write_source = 0;
    qemu_flush_queued_packets(&s->nc);
    return G_SOURCE_REMOVE;
}

static ssize_t tap_receive_iov(NetClientState *nc, const struct iovec *iov,
                               int iovcnt)
{
    TAPState *s = (TAPState *)nc;
    static const uint8_t zero_hdr[16];
    struct iovec *v = g_newa(struct iovec, iovcnt + 1);
    int n = 0;
    ssize_t len;

    if (s->has_vnet_hdr && !s->using_vnet_hdr) {
        v[n].iov_base = (void *)zero_hdr;
        v[n++].iov_len = (size_t)s->vnet_hdr_len;
    }
    memcpy(v + n, iov, sizeof(*iov) * (size_t)iovcnt);
    do {
        len = writev(s->fd, v, n + iovcnt);
    } while (len < 0 && errno == EINTR);
    if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        tap_write_poll(s, true);
        return 0;
    }
    return len < 0 ? -errno : (ssize_t)iov_size(iov, iovcnt);
}

static ssize_t tap_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = size };

    return tap_receive_iov(nc, &iov, 1);
}

static bool tap_has_vnet_hdr(NetClientState *nc)
{
    return ((TAPState *)nc)->has_vnet_hdr;
}

static void tap_set_vnet_hdr_len(NetClientState *nc, int len)
{
    TAPState *s = (TAPState *)nc;

    if (!s->has_vnet_hdr) {
        return;
    }
    if (ioctl(s->fd, TUNSETVNETHDRSZ, &len) < 0) {
        g_warning("tap %s: cannot set a %d-byte vnet header: %s", nc->name,
                  len, g_strerror(errno));
        return;
    }
    s->vnet_hdr_len = len;
    s->using_vnet_hdr = true;
}

static void tap_set_offload(NetClientState *nc, bool csum, bool tso4,
                            bool tso6, bool ecn, bool ufo)
{
    TAPState *s = (TAPState *)nc;
    unsigned flags = 0;

    if (!s->has_vnet_hdr) {
        return;
    }
    flags |= csum ? TUN_F_CSUM : 0;
    flags |= tso4 ? TUN_F_TSO4 : 0;
    flags |= tso6 ? TUN_F_TSO6 : 0;
    flags |= ecn ? TUN_F_TSO_ECN : 0;
    flags |= ufo ? TUN_F_UFO : 0;
    if (ioctl(s->fd, TUNSETOFFLOAD, flags) < 0 && ufo) {
        /* Kernels since 4.14 refuse UFO: retry without it. */
        flags &= ~(unsigned)TUN_F_UFO;
        ioctl(s->fd, TUNSETOFFLOAD, flags);
    }
}

static bool run_script(const char *script, const char *ifname, Error **errp)
{
    const char *argv[] = { script, ifname, NULL };
    g_autoptr(GError) gerr = NULL;
    int status;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
                      NULL, NULL, NULL, NULL, &status, &gerr)) {
        error_setg(errp, "could not launch network script %s: %s", script,
                   gerr->message);
        return false;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        error_setg(errp, "network script %s failed with status %d", script,
                   WIFEXITED(status) ? WEXITSTATUS(status) : status);
        return false;
    }
    return true;
}

static void tap_cleanup(NetClientState *nc)
{
    TAPState *s = (TAPState *)nc;

    tap_read_poll(s, false);
    tap_write_poll(s, false);
    if (s->downscript) {
        Error *err = NULL;
        if (!run_script(s->downscript, s->ifname, &err)) {
            error_report_err(err);
        }
    }
    close(s->fd);
    g_free(s->ifname);
    g_free(s->downscript);
}

static const NetClientInfo tap_info = {
    .type = NET_CLIENT_DRIVER_TAP,
    .size = sizeof(TAPState),
    .receive = tap_receive,
    .receive_iov = tap_receive_iov,
    .cleanup = tap_cleanup,
    .has_vnet_hdr = tap_has_vnet_hdr,
    .set_vnet_hdr_len = tap_set_vnet_hdr_len,
    .set_offload = tap_set_offload,
};

/* IFF_VNET_HDR as the kernel reports it; false for a non-tap fd. */
static bool tap_probe_vnet_hdr(int fd)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof(ifr));
    return ioctl(fd, TUNGETIFF, &ifr) == 0 && (ifr.ifr_flags & IFF_VNET_HDR);
}

NetClientState *net_tap_fd_init(NetClientState *peer, const char *model,
                                const char *name, int fd)
{
    TAPState *s;
    int flags = fcntl(fd, F_GETFL);

    if (flags >= 0) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
    s = (TAPState *)qemu_new_net_client(&tap_info, peer, model, name);
    s->fd = fd;
    s->has_vnet_hdr = tap_probe_vnet_hdr(fd);
    s->vnet_hdr_len = TAP_DEFAULT_VNET_HDR_LEN;
    if (s->has_vnet_hdr) {
        /* Start from the plain header; a virtio peer asks for its own. */
        ioctl(fd, TUNSETVNETHDRSZ, &s->vnet_hdr_len);
        tap_set_offload(&s->nc, false, false, false, false, false);
    }
    tap_read_poll(s, true);
    return &s->nc;
}

/* Opens /dev/net/tun as IFNAME (may hold %d); returns the fd or -1. */
static int tap_open(const char *ifname, bool want_vnet, bool need_vnet,
                    char *actual_name, Error **errp)
{
    struct ifreq ifr;
    unsigned features = 0;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        error_setg_errno(errp, errno, "could not open /dev/net/tun");
        return -1;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNGETFEATURES, &features) < 0) {
        features = 0;
    }
    if (want_vnet && (features & IFF_VNET_HDR)) {
        ifr.ifr_flags |= IFF_VNET_HDR;
    } else if (need_vnet) {
        error_setg(errp, "vnet_hdr=1 requested, but no kernel support for "
                   "IFF_VNET_HDR available");
        close(fd);
        return -1;
    }
    g_strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        error_setg_errno(errp, errno, "could not configure /dev/net/tun (%s)",
                         ifname);
        close(fd);
        return -1;
    }
    g_strlcpy(actual_name, ifr.ifr_name, IFNAMSIZ);
    return fd;
}

/* fd=N or fd=NAME (from QMP getfd). */
static int tap_fd_param(const char *text, Error **errp)
{
    int fd = monitor_fd_param(text, errp);

    if (fd >= 0 && fcntl(fd, F_GETFD) < 0) {
        error_setg_errno(errp, errno, "fd=%s", text);
        return -1;
    }
    return fd;
}

static void tap_set_sndbuf(int fd, const NetdevTapOptions *opts)
{
    int sndbuf = INT_MAX;

    if (opts->has_sndbuf) {
        sndbuf = opts->sndbuf > INT_MAX ? INT_MAX : (int)opts->sndbuf;
    }
    ioctl(fd, TUNSETSNDBUF, &sndbuf);   /* not a tap (fd= a socket): fine */
}

static char *script_path(const char *given, const char *default_name)
{
    if (given && strcmp(given, "no") == 0) {
        return NULL;
    }
    if (given) {
        return g_strdup(given);
    }
    return g_strdup_printf("%s/%s", CONFIG_SYSCONFDIR, default_name);
}

bool net_init_tap(const Netdev *netdev, const char *name,
                  NetClientState *peer, Error **errp)
{
    const NetdevTapOptions *opts = &netdev->u.tap;
    NetClientState *nc;
    int fd;

    if ((opts->has_vhost && opts->vhost) || opts->vhostfd || opts->vhostfds ||
        (opts->has_vhostforce && opts->vhostforce)) {
        error_setg(errp, "vhost-net is not supported by this emulator");
        return false;
    }
    if (opts->has_queues && opts->queues > 1) {
        error_setg(errp, "multiqueue tap (queues=%u) is not supported",
                   opts->queues);
        return false;
    }

    if (opts->fd || opts->fds) {
        const char *text = opts->fd ? opts->fd : opts->fds;
        if (opts->ifname || opts->script || opts->downscript ||
            opts->has_vnet_hdr || opts->helper || opts->has_queues ||
            (opts->fd && opts->fds)) {
            error_setg(errp, "ifname=, script=, downscript=, vnet_hdr=, "
                       "helper=, queues=, and fds= are invalid with fd=");
            return false;
        }
        if (opts->fds && strchr(opts->fds, ':')) {
            error_setg(errp, "multiqueue tap (fds=%s) is not supported",
                       opts->fds);
            return false;
        }
        fd = tap_fd_param(text, errp);
        if (fd < 0) {
            return false;
        }
        tap_set_sndbuf(fd, opts);
        nc = net_tap_fd_init(peer, "tap", name, fd);
        snprintf(nc->info_str, sizeof(nc->info_str), "fd=%d", fd);
        return true;
    }

    if (opts->helper) {
        if (opts->ifname || opts->script || opts->downscript ||
            opts->has_vnet_hdr || opts->has_queues) {
            error_setg(errp, "ifname=, script=, downscript=, vnet_hdr=, "
                       "and queues= are invalid with helper=");
            return false;
        }
        fd = net_bridge_run_helper(opts->helper,
                                   opts->br ? opts->br : "br0", errp);
        if (fd < 0) {
            return false;
        }
        tap_set_sndbuf(fd, opts);
        nc = net_tap_fd_init(peer, "tap", name, fd);
        snprintf(nc->info_str, sizeof(nc->info_str), "helper=%s", opts->helper);
        return true;
    }

    {
        g_autofree char *script = script_path(opts->script, "qemu-ifup");
        g_autofree char *downscript = script_path(opts->downscript, "qemu-ifdown");
        bool want_vnet = !opts->has_vnet_hdr || opts->vnet_hdr;
        bool need_vnet = opts->has_vnet_hdr && opts->vnet_hdr;
        char ifname[IFNAMSIZ];
        TAPState *s;

        fd = tap_open(opts->ifname ? opts->ifname : "tap%d", want_vnet,
                      need_vnet, ifname, errp);
        if (fd < 0) {
            return false;
        }
        if (script && !run_script(script, ifname, errp)) {
            close(fd);
            return false;
        }
        tap_set_sndbuf(fd, opts);
        nc = net_tap_fd_init(peer, "tap", name, fd);
        s = (TAPState *)nc;
        s->ifname = g_strdup(ifname);
        s->downscript = g_steal_pointer(&downscript);
        snprintf(nc->info_str, sizeof(nc->info_str),
                 "ifname=%s,script=%s,downscript=%s", ifname,
                 script ? script : "no", s->downscript ? s->downscript : "no");
        return true;
    }
}
