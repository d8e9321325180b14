/*
 * The socket back-end: a listening unix or tcp socket with one client at
 * a time, as QMP uses it (-qmp unix:PATH,server=on,wait=off, -chardev
 * socket,id=..,path=..,server=on,wait=off, tcp on loopback).
 *
 * - server=on is required (no client mode here); wait=on (QEMU's default)
 *   blocks start-up until the first client connects.
 * - One client at a time: further connections wait in the listen backlog
 *   and are accepted when the current client leaves (QEMU's behaviour).
 * - File descriptors the client passes with SCM_RIGHTS are queued and
 *   handed out by qemu_chr_socket_take_fd() (QMP getfd).
 * - Output never blocks the emulator: what the client does not read yet
 *   waits in a buffer; a client that lets it grow past a limit is dropped.
 * - A unix socket path is unlinked before bind and when the back-end goes.
 * - fd=N (a number, or a name given to the monitor's getfd) is a socket
 *   someone else bound and made listen, as libvirt passes its monitor
 *   socket: it is used as is and never unlinked.
 */

#include "chardev/char-socket.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qemu/named-fd.h"

#define SOCKET_OUTBUF_LIMIT (16 * 1024 * 1024)
#define SOCKET_MAX_QUEUED_FDS 16

typedef struct SocketChardev {
    Chardev parent;
    int listen_fd;
    int client_fd;              /* -1: nobody connected */
    char *unix_path;            /* to unlink on close */
    GString *outbuf;
    GQueue fds;                 /* received, not yet taken */
    bool reading;
    bool writing;
} SocketChardev;

static const char *const socket_options[] = {
    "path", "host", "port", "fd", "server", "wait", "abstract", NULL,
};

static void socket_update_handlers(SocketChardev *s);

static void socket_drop_fds(SocketChardev *s)
{
    while (!g_queue_is_empty(&s->fds)) {
        close(GPOINTER_TO_INT(g_queue_pop_head(&s->fds)));
    }
}

static void socket_disconnect(SocketChardev *s)
{
    if (s->client_fd < 0) {
        return;
    }
    qemu_set_fd_handler(s->client_fd, NULL, NULL, NULL);
    s->reading = s->writing = false;
    close(s->client_fd);
    s->client_fd = -1;
    g_string_truncate(s->outbuf, 0);
    socket_drop_fds(s);
    s->parent.be_open = false;
    qemu_chr_be_event(&s->parent, CHR_EVENT_CLOSED);
    socket_update_handlers(s);          /* listen again */
}

/* Reads what the front-end has room for, collecting passed fds. */
static void socket_read(void *opaque)
{
    SocketChardev *s = opaque;
    int room = qemu_chr_be_can_write(&s->parent);
    uint8_t buf[4096];
    union {
        struct cmsghdr hdr;
        char buf[CMSG_SPACE(sizeof(int) * SOCKET_MAX_QUEUED_FDS)];
    } control;
    struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control.buf, .msg_controllen = sizeof(control.buf),
    };
    ssize_t n;

    if (room <= 0) {
        socket_update_handlers(s);
        return;
    }
    iov.iov_len = MIN((size_t)room, sizeof(buf));
    n = recvmsg(s->client_fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); n > 0 && c;
         c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < count; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (g_queue_get_length(&s->fds) >= SOCKET_MAX_QUEUED_FDS) {
                close(fd);      /* a client hoarding fds gets no more */
            } else {
                g_queue_push_tail(&s->fds, GINT_TO_POINTER(fd));
            }
        }
    }
    if (n <= 0) {
        socket_disconnect(s);
        return;
    }
    qemu_chr_be_write(&s->parent, buf, (int)n);
    socket_update_handlers(s);
}

static void socket_flush(void *opaque)
{
    SocketChardev *s = opaque;

    while (s->client_fd >= 0 && s->outbuf->len) {
        ssize_t n = send(s->client_fd, s->outbuf->str, s->outbuf->len,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            break;
        }
        if (n <= 0) {
            socket_disconnect(s);
            return;
        }
        g_string_erase(s->outbuf, 0, n);
    }
    socket_update_handlers(s);
}

static void socket_accept(void *opaque)
{
    SocketChardev *s = opaque;
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0) {
        return;
    }
    qemu_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
    s->client_fd = fd;
    s->parent.be_open = true;
    qemu_chr_be_event(&s->parent, CHR_EVENT_OPENED);
    socket_update_handlers(s);
}

/* Watch exactly what is needed now: the listener while nobody is
 * connected; the client for input while the front-end has room, and for
 * output while some waits. */
static void socket_update_handlers(SocketChardev *s)
{
    if (s->client_fd < 0) {
        qemu_set_fd_handler(s->listen_fd, socket_accept, NULL, s);
        return;
    }
    bool read = qemu_chr_be_can_write(&s->parent) > 0;
    bool write = s->outbuf->len > 0;

    if (read != s->reading || write != s->writing) {
        qemu_set_fd_handler(s->client_fd, read ? socket_read : NULL,
                            write ? socket_flush : NULL, s);
        s->reading = read;
        s->writing = write;
    }
}

static int socket_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = (SocketChardev *)chr;

    if (s->client_fd < 0) {
        return len;             /* nobody listens: dropped, like QEMU */
    }
    if (s->outbuf->len + (size_t)len > SOCKET_OUTBUF_LIMIT) {
        socket_disconnect(s);   /* a client that never reads */
        return len;
    }
    g_string_append_len(s->outbuf, (const char *)buf, len);
    socket_flush(s);
    return len;
}

static void socket_accept_input(Chardev *chr)
{
    socket_update_handlers((SocketChardev *)chr);
}

static int listen_unix(const char *path, Error **errp)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    struct stat st;
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg(errp, "Failed to create socket: %s", g_strerror(errno));
        return -1;
    }
    /* A stale socket of an earlier run is replaced, as QEMU does; any other
     * file is left alone and bind() reports it (EADDRINUSE). */
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        unlink(path);
    }
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(fd, 1) < 0) {
        int e = errno;
        error_setg(errp, "Failed to bind socket to %s: %s", path, g_strerror(e));
        close(fd);
        return -1;
    }
    return fd;
}

static int listen_tcp(const char *host, const char *port, Error **errp)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
    struct addrinfo *res;
    int rc, fd = -1, one = 1;

    rc = getaddrinfo(host && *host ? host : NULL, port, &hints, &res);
    if (rc != 0) {
        error_setg(errp, "address resolution failed for %s:%s: %s",
                    host ? host : "", port, gai_strerror(rc));
        return -1;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 1) < 0) {
            int e = errno;
            error_setg(errp, "Failed to bind socket to %s:%s: %s",
                        host ? host : "", port, g_strerror(e));
            close(fd);
            fd = -1;
        }
    } else {
        error_setg(errp, "Failed to create socket: %s", g_strerror(errno));
    }
    freeaddrinfo(res);
    return fd;
}

/* fd=: a listening stream socket handed to us; -1 with *errp if not. */
static int listen_passed_fd(const char *text, Error **errp)
{
    int fd = named_fd_param(text, errp);
    int listening = 0, type = 0;
    socklen_t len = sizeof(int);

    if (fd < 0) {
        return -1;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0) {
        error_setg_errno(errp, errno, "fd=%s is not a socket", text);
        return -1;
    }
    len = sizeof(int);
    if (type != SOCK_STREAM ||
        getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 ||
        !listening) {
        error_setg(errp, "fd=%s is not a listening stream socket", text);
        return -1;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

static bool socket_open(Chardev *chr, ChardevOptions *opts, Error **errp)
{
    SocketChardev *s = (SocketChardev *)chr;
    const char *path = qemu_chr_opt(opts, "path");
    const char *host = qemu_chr_opt(opts, "host");
    const char *port = qemu_chr_opt(opts, "port");
    const char *fd_text = qemu_chr_opt(opts, "fd");
    bool server, wait;

    s->listen_fd = s->client_fd = -1;
    s->outbuf = g_string_new("");
    g_queue_init(&s->fds);
    if (!qemu_chr_opt_bool(opts, "server", false, &server, errp) ||
        !qemu_chr_opt_bool(opts, "wait", true, &wait, errp)) {
        return false;
    }
    if (!server) {
        error_setg(errp, "socket chardev '%s': only server=on is supported",
                    chr->label);
        return false;
    }
    if (!!path + !!port + !!fd_text != 1) {
        error_setg(errp, "chardev: socket: exactly one of path= (unix), "
                   "port= (tcp) or fd= is required");
        return false;
    }
    s->listen_fd = fd_text ? listen_passed_fd(fd_text, errp) :
                   path ? listen_unix(path, errp) :
                   listen_tcp(host, port, errp);
    if (s->listen_fd < 0) {
        return false;
    }
    s->unix_path = g_strdup(path);
    if (fd_text) {
        chr->filename = g_strdup_printf("fd:%s,server=on", fd_text);
    } else if (path) {
        chr->filename = g_strdup_printf("unix:%s,server=on", path);
    } else {
        chr->filename = g_strdup_printf("tcp:%s:%s,server=on",
                                        host ? host : "", port);
    }
    if (wait) {
        /* QEMU's wait=on: start-up blocks until the first client. */
        info_report("QEMU waiting for connection on: disconnected:%s",
                    chr->filename);
        int fd;
        do {
            fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        } while (fd < 0 && errno == EINTR);
        if (fd >= 0) {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
            s->client_fd = fd;
            chr->be_open = true;
        }
    }
    socket_update_handlers(s);
    return true;
}

static void socket_update_read_handler(Chardev *chr)
{
    socket_update_handlers((SocketChardev *)chr);
}

static void socket_close(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;

    if (s->client_fd >= 0) {
        qemu_set_fd_handler(s->client_fd, NULL, NULL, NULL);
        /* Last words (the reply to quit) go out if the client reads them
         * within a second. */
        if (s->outbuf->len) {
            struct timeval tv = { .tv_sec = 1 };
            fcntl(s->client_fd, F_SETFL,
                  fcntl(s->client_fd, F_GETFL) & ~O_NONBLOCK);
            setsockopt(s->client_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
            (void)!send(s->client_fd, s->outbuf->str, s->outbuf->len,
                        MSG_NOSIGNAL);
        }
        close(s->client_fd);
    }
    if (s->listen_fd >= 0) {
        qemu_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
        close(s->listen_fd);
    }
    if (s->unix_path) {
        unlink(s->unix_path);
        g_free(s->unix_path);
    }
    socket_drop_fds(s);
    if (s->outbuf) {
        g_string_free(s->outbuf, TRUE);
    }
}

int qemu_chr_socket_take_fd(Chardev *chr)
{
    SocketChardev *s = (SocketChardev *)chr;

    if (!chr || chr->cls != &char_socket_class || g_queue_is_empty(&s->fds)) {
        return -1;
    }
    return GPOINTER_TO_INT(g_queue_pop_head(&s->fds));
}

const ChardevClass char_socket_class = {
    .name = "socket",
    .instance_size = sizeof(SocketChardev),
    .options = socket_options,
    .open = socket_open,
    .chr_write = socket_chr_write,
    .chr_accept_input = socket_accept_input,
    .chr_update_read_handler = socket_update_read_handler,
    .chr_close = socket_close,
};
