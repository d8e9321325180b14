/*
 * The tap back-end: frames between a peer and a Linux tap file descriptor.
 *
 * Reading (wire to guest): before reading a frame we ask the core whether
 * the peer can take one (qemu_can_send_packet()).  If not - the guest has
 * no RX buffers - we stop polling the fd and the backlog stays in the
 * kernel's queue: nothing is read only to be queued or dropped here.  When
 * the receiver flushes (virtio-net does when the guest adds buffers), the
 * core calls our peer_ready() and we poll again.  A frame can still end up
 * queued (can_receive() said yes but receive() returned 0); then, per
 * QEMU's contract, we stop until its completion callback runs.
 *
 * Writing (guest to wire): the fd is non-blocking; a full kernel queue
 * makes receive() return 0 and we flush once the fd is writable.
 *
 * Virtio-net headers: a tap opened with IFF_VNET_HDR carries one in front
 * of every frame.  A peer that speaks the same header (virtio-net calls
 * set_vnet_hdr_len) gets frames as they are; any other peer gets them
 * without, and a zero header is added on the way out.
 *
 * Opening: each way to get the fd is an opener - fd=/fds= (a number or a
 * name given to QMP getfd), ifname= (opened here, with script=/downscript=)
 * and a helper (tap,helper= and -netdev bridge, see net/bridge.c) - and all
 * of them end in one finishing step, tap_finish().  The OS ioctls live in
 * net/tap-linux.c behind net/tap-int.h.
 */

#include "net/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#include "config-host.h"
#include "qemu/named-fd.h"
#include "net/clients.h"
#include "net/helper-runner.h"
#include "qemu/iov.h"
#include "tap-int.h"

/* Largest frame a tap hands us (64 KiB GSO frames) plus its header. */
#define TAP_BUFSIZE (65536 + 64)
/* Frames read per wake-up before giving the main loop back. */
#define TAP_READ_BURST 64

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

/* The peer flushed: it has room again (tap_readable() asks anyway). */
static void tap_peer_ready(NetClientState *nc)
{
    tap_read_poll((TAPState *)nc, true);
}

static gboolean tap_readable(gint fd, GIOCondition cond, gpointer opaque)
{
    TAPState *s = opaque;

    for (int i = 0; i < TAP_READ_BURST; i++) {
        ssize_t n;
        uint8_t *frame = s->buf;

        /* Ask before reading: what the peer cannot take stays in the
         * kernel until peer_ready(). */
        if (!qemu_can_send_packet(&s->nc)) {
            tap_read_poll(s, false);
            break;
        }
        n = read(s->fd, s->buf, sizeof(s->buf));
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
    if (!tap_fd_set_vnet_hdr_len(s->fd, len)) {
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

    if (s->has_vnet_hdr) {
        tap_fd_set_offload(s->fd, csum, tso4, tso6, ecn, ufo);
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
    .peer_ready = tap_peer_ready,
    .has_vnet_hdr = tap_has_vnet_hdr,
    .set_vnet_hdr_len = tap_set_vnet_hdr_len,
    .set_offload = tap_set_offload,
};

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
        tap_fd_set_vnet_hdr_len(fd, s->vnet_hdr_len);
        tap_fd_set_offload(fd, false, false, false, false, false);
    }
    tap_read_poll(s, true);
    return &s->nc;
}

/* ---------------------------------------------------------------------- */
/* The finishing step, shared by every opener */

static TAPState *tap_finish(NetClientState *peer, const char *model,
                            const char *name, int fd, bool has_sndbuf,
                            uint64_t sndbuf, const char *info)
{
    NetClientState *nc;

    tap_fd_set_sndbuf(fd, !has_sndbuf ? INT_MAX
                          : sndbuf > INT_MAX ? INT_MAX : (int)sndbuf);
    nc = net_tap_fd_init(peer, model, name, fd);
    g_strlcpy(nc->info_str, info, sizeof(nc->info_str));
    return (TAPState *)nc;
}

/* ---------------------------------------------------------------------- */
/* Openers */

/* fd=N / fds=N, or a name from QMP getfd. */
static int tap_open_fd(const NetdevTapOptions *opts, Error **errp)
{
    const char *text = opts->fd ? opts->fd : opts->fds;
    int fd;

    if (opts->ifname || opts->script || opts->downscript ||
        opts->has_vnet_hdr || opts->helper || opts->has_queues ||
        (opts->fd && opts->fds)) {
        error_setg(errp, "ifname=, script=, downscript=, vnet_hdr=, "
                   "helper=, queues=, and fds= are invalid with fd=");
        return -1;
    }
    if (opts->fds && strchr(opts->fds, ':')) {
        error_setg(errp, "multiqueue tap (fds=%s) is not supported",
                   opts->fds);
        return -1;
    }
    fd = named_fd_param(text, errp);
    if (fd >= 0 && fcntl(fd, F_GETFD) < 0) {
        error_setg_errno(errp, errno, "fd=%s", text);
        return -1;
    }
    return fd;
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

/* ifname= (or tap%d), then script=; the finished client gets downscript=. */
static bool tap_init_ifname(const NetdevTapOptions *opts, const char *name,
                            NetClientState *peer, Error **errp)
{
    g_autofree char *script = script_path(opts->script, "qemu-ifup");
    g_autofree char *downscript = script_path(opts->downscript, "qemu-ifdown");
    g_autofree char *info = NULL;
    bool want_vnet = !opts->has_vnet_hdr || opts->vnet_hdr;
    bool need_vnet = opts->has_vnet_hdr && opts->vnet_hdr;
    char ifname[IFNAMSIZ];
    TAPState *s;
    int fd;

    fd = tap_open(opts->ifname ? opts->ifname : "tap%d", want_vnet,
                  need_vnet, ifname, errp);
    if (fd < 0) {
        return false;
    }
    if (script && !run_script(script, ifname, errp)) {
        close(fd);
        return false;
    }
    info = g_strdup_printf("ifname=%s,script=%s,downscript=%s", ifname,
                           script ? script : "no",
                           downscript ? downscript : "no");
    s = tap_finish(peer, "tap", name, fd, opts->has_sndbuf, opts->sndbuf,
                   info);
    s->ifname = g_strdup(ifname);
    s->downscript = g_steal_pointer(&downscript);
    return true;
}

/* A helper's tap being waited for (net_tap_init_from_helper with a job). */
typedef struct TapHelperWait {
    NetInitJob *job;
    HelperRun *run;
    NetClientState *peer;
    char *name;
    char *model;
    char *info;
    bool has_sndbuf;
    uint64_t sndbuf;
} TapHelperWait;

static void tap_helper_wait_free(TapHelperWait *w)
{
    g_free(w->name);
    g_free(w->model);
    g_free(w->info);
    g_free(w);
}

static void tap_helper_done(int fd, Error *err, void *opaque)
{
    TapHelperWait *w = opaque;

    if (fd >= 0) {
        tap_finish(w->peer, w->model, w->name, fd, w->has_sndbuf, w->sndbuf,
                   w->info);
    }
    net_init_finish(w->job, err);
    tap_helper_wait_free(w);
}

static void tap_helper_cancel(void *opaque)
{
    TapHelperWait *w = opaque;

    helper_run_cancel(w->run);
    tap_helper_wait_free(w);
}

bool net_tap_init_from_helper(const TapFromHelper *how, const char *name,
                              NetClientState *peer, NetInitJob *job,
                              Error **errp)
{
    TapHelperWait *w;
    int fd;

    if (!job) {
        fd = helper_run_sync(how->helper, how->br, TAP_HELPER_TIMEOUT_MS,
                             errp);
        if (fd < 0) {
            return false;
        }
        tap_finish(peer, how->model, name, fd, how->has_sndbuf, how->sndbuf,
                   how->info);
        return true;
    }
    w = g_new0(TapHelperWait, 1);
    w->run = helper_run_start(how->helper, how->br, TAP_HELPER_TIMEOUT_MS,
                              tap_helper_done, w, errp);
    if (!w->run) {
        g_free(w);
        return false;
    }
    w->job = job;
    w->peer = peer;
    w->name = g_strdup(name);
    w->model = g_strdup(how->model);
    w->info = g_strdup(how->info);
    w->has_sndbuf = how->has_sndbuf;
    w->sndbuf = how->sndbuf;
    net_init_defer(job, tap_helper_cancel, w);
    return true;
}

/* ---------------------------------------------------------------------- */

bool net_init_tap(const Netdev *netdev, const char *name,
                  NetClientState *peer, NetInitJob *job, Error **errp)
{
    const NetdevTapOptions *opts = &netdev->u.tap;

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
        g_autofree char *info = NULL;
        int fd = tap_open_fd(opts, errp);

        if (fd < 0) {
            return false;
        }
        info = g_strdup_printf("fd=%d", fd);
        tap_finish(peer, "tap", name, fd, opts->has_sndbuf, opts->sndbuf,
                   info);
        return true;
    }
    if (opts->helper) {
        g_autofree char *info = g_strdup_printf("helper=%s", opts->helper);
        TapFromHelper how = {
            .helper = opts->helper, .br = opts->br ? opts->br : "br0",
            .model = "tap", .info = info,
            .has_sndbuf = opts->has_sndbuf, .sndbuf = opts->sndbuf,
        };

        if (opts->ifname || opts->script || opts->downscript ||
            opts->has_vnet_hdr || opts->has_queues) {
            error_setg(errp, "ifname=, script=, downscript=, vnet_hdr=, "
                       "and queues= are invalid with helper=");
            return false;
        }
        return net_tap_init_from_helper(&how, name, peer, job, errp);
    }
    return tap_init_ifname(opts, name, peer, errp);
}
