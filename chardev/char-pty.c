/*
 * The pty back-end (-chardev pty,id=ID, -serial pty): a new pseudo
 * terminal whose slave path ("pty:/dev/pts/N" in query-chardev, and
 * "char device redirected to /dev/pts/N (label ID)" on stderr, as QEMU
 * says it) a user opens with screen, minicom or `virsh console`.
 *
 * - The slave is in raw mode: bytes pass unchanged both ways.
 * - Whether a client has the slave open is only visible as POLLHUP on the
 *   master, which stays set while nobody has it: so the master is polled
 *   by a timer while unconnected (once a second, as QEMU does) and
 *   watched for input only while connected, never spinning on the HUP.
 * - Output while nobody is connected, or that a stalled client leaves no
 *   room for, is dropped (a console must never stop the guest); a
 *   logfile= still gets all of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "chardev/char.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"

#define PTY_POLL_NS (1000 * 1000 * 1000LL)

typedef struct PtyChardev {
    Chardev parent;
    int master;
    bool connected;
    bool reading;               /* master is in the main loop for input */
    QEMUTimer *poll_timer;
} PtyChardev;

static void pty_update_read(PtyChardev *s);

static bool pty_hung_up(PtyChardev *s)
{
    struct pollfd p = { .fd = s->master, .events = POLLIN };

    return poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
}

static void pty_set_connected(PtyChardev *s, bool connected)
{
    if (connected == s->connected) {
        return;
    }
    s->connected = connected;
    if (!connected) {
        timer_mod_ns(s->poll_timer,
                     qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + PTY_POLL_NS);
    }
    pty_update_read(s);
    qemu_chr_be_event(&s->parent,
                      connected ? CHR_EVENT_OPENED : CHR_EVENT_CLOSED);
}

static void pty_poll(void *opaque)
{
    PtyChardev *s = opaque;

    if (!pty_hung_up(s)) {
        pty_set_connected(s, true);
    } else {
        timer_mod_ns(s->poll_timer,
                     qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + PTY_POLL_NS);
    }
}

static void pty_read(void *opaque)
{
    PtyChardev *s = opaque;
    uint8_t buf[1024];
    int room = qemu_chr_be_can_write(&s->parent);
    ssize_t n;

    if (room <= 0) {
        pty_update_read(s);
        return;
    }
    n = read(s->master, buf, MIN((size_t)room, sizeof(buf)));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n <= 0) {
        /* EIO: the last client closed the slave */
        pty_set_connected(s, false);
        return;
    }
    qemu_chr_be_write(&s->parent, buf, (int)n);
    pty_update_read(s);
}

static void pty_update_read(PtyChardev *s)
{
    bool want = s->connected && qemu_chr_be_can_write(&s->parent) > 0;

    if (want != s->reading) {
        qemu_set_fd_handler(s->master, want ? pty_read : NULL, NULL, s);
        s->reading = want;
    }
}

static int pty_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    PtyChardev *s = (PtyChardev *)chr;
    ssize_t n;

    if (!s->connected) {
        pty_poll(s);            /* a client may have come since the tick */
        if (!s->connected) {
            return len;
        }
    }
    do {
        n = write(s->master, buf, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EIO) {
        pty_set_connected(s, false);
    }
    return len;                 /* what did not fit is dropped */
}

static void pty_accept_input(Chardev *chr)
{
    pty_update_read((PtyChardev *)chr);
}

static bool pty_open(Chardev *chr, ChardevOptions *opts, Error **errp)
{
    PtyChardev *s = (PtyChardev *)chr;
    struct termios tio;
    const char *name;
    int slave;

    s->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s->master < 0 || grantpt(s->master) < 0 || unlockpt(s->master) < 0 ||
        !(name = ptsname(s->master))) {
        error_setg_errno(errp, errno, "Failed to create PTY");
        if (s->master >= 0) {
            close(s->master);
        }
        return false;
    }
    /* raw mode is a property of the terminal: set it through the slave */
    slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave >= 0) {
        if (tcgetattr(slave, &tio) == 0) {
            cfmakeraw(&tio);
            tcsetattr(slave, TCSAFLUSH, &tio);
        }
        close(slave);
    }
    fcntl(s->master, F_SETFL, fcntl(s->master, F_GETFL) | O_NONBLOCK);
    chr->filename = g_strdup_printf("pty:%s", name);
    info_report("char device redirected to %s (label %s)", name, chr->label);
    s->poll_timer = timer_new_ns(QEMU_CLOCK_REALTIME, pty_poll, s);
    timer_mod_ns(s->poll_timer,
                 qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + PTY_POLL_NS);
    return true;
}

static void pty_update_read_handler(Chardev *chr)
{
    pty_update_read((PtyChardev *)chr);
}

static void pty_close(Chardev *chr)
{
    PtyChardev *s = (PtyChardev *)chr;

    if (s->reading) {
        qemu_set_fd_handler(s->master, NULL, NULL, NULL);
    }
    timer_free(s->poll_timer);
    close(s->master);
}

const ChardevClass char_pty_class = {
    .name = "pty",
    .instance_size = sizeof(PtyChardev),
    .open = pty_open,
    .chr_write = pty_chr_write,
    .chr_accept_input = pty_accept_input,
    .chr_update_read_handler = pty_update_read_handler,
    .chr_close = pty_close,
};
