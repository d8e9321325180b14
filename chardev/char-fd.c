/*
 * Back-ends over a pair of host file descriptors (stdio, files; a socket
 * back-end can reuse this once connected).  Input is read only while the
 * front-end has room, so a busy guest leaves pending input in the kernel.
 */
#include <errno.h>
#include <unistd.h>
#include <glib.h>

#include "chardev/char.h"
#include "qemu/main-loop.h"

static void fd_chr_read(void *opaque)
{
    Chardev *chr = opaque;
    FDChardev *s = opaque;
    uint8_t buf[256];
    int room = qemu_chr_be_can_write(chr);
    ssize_t n;

    if (room <= 0) {
        qemu_chr_fd_update_read(chr);
        return;
    }
    n = read(s->fd_in, buf, MIN((size_t)room, sizeof(buf)));
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) {
            return;
        }
        n = 0;      /* treat a read error like EOF: stop polling */
    }
    if (n == 0) {
        s->eof = true;
        qemu_chr_fd_update_read(chr);
        qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
        return;
    }
    qemu_chr_be_write(chr, buf, (int)n);
    /* the front-end may be full now */
    qemu_chr_fd_update_read(chr);
}

void qemu_chr_fd_update_read(Chardev *chr)
{
    FDChardev *s = (FDChardev *)chr;
    bool want = s->fd_in >= 0 && !s->eof && qemu_chr_be_can_write(chr) > 0;

    if (want != s->watching) {
        qemu_set_fd_handler(s->fd_in, want ? fd_chr_read : NULL, NULL, chr);
        s->watching = want;
    }
}

void qemu_chr_fd_set_fds(Chardev *chr, int fd_in, int fd_out)
{
    FDChardev *s = (FDChardev *)chr;

    if (s->watching) {
        qemu_set_fd_handler(s->fd_in, NULL, NULL, NULL);
        s->watching = false;
    }
    s->fd_in = fd_in;
    s->fd_out = fd_out;
    s->eof = false;
    qemu_chr_fd_update_read(chr);
}

int qemu_chr_fd_write(Chardev *chr, const uint8_t *buf, int len)
{
    FDChardev *s = (FDChardev *)chr;
    int done = 0;

    if (s->fd_out < 0) {
        return len;
    }
    while (done < len) {
        ssize_t n = write(s->fd_out, buf + done, len - done);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                return done;
            }
            /*
             * The host end is gone (EPIPE, EIO on a closed pty): the guest
             * keeps running and its output is dropped.
             */
            return len;
        }
        done += (int)n;
    }
    return done;
}
