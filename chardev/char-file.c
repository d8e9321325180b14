/*
 * The file back-end: output goes to a host file (path=, append=), no
 * input, as QEMU's "file:PATH" / -chardev file.  PATH may be
 * /dev/fdset/N (-add-fd).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "qapi/error.h"
#include "chardev/char.h"
#include "qemu/fdset.h"

static const char *const file_options[] = { "path", "append", NULL };

static bool file_open(Chardev *chr, ChardevOptions *opts, Error **errp)
{
    const char *path = qemu_chr_opt(opts, "path");
    bool append;
    int fd;

    if (!path) {
        error_setg(errp, "chardev: file: no filename given");
        return false;
    }
    if (!qemu_chr_opt_bool(opts, "append", false, &append, errp)) {
        return false;
    }
    fd = qemu_open(path, O_WRONLY | O_CREAT |
                   (append ? O_APPEND : O_TRUNC), 0666, errp);
    if (fd < 0) {
        return false;
    }
    qemu_chr_fd_set_fds(chr, -1, fd);
    chr->be_open = true;
    return true;
}

static void file_close(Chardev *chr)
{
    FDChardev *s = (FDChardev *)chr;

    if (s->fd_out >= 0) {
        close(s->fd_out);
        s->fd_out = -1;
    }
}

const ChardevClass char_file_class = {
    .name = "file",
    .instance_size = sizeof(FDChardev),
    .options = file_options,
    .open = file_open,
    .chr_write = qemu_chr_fd_write,
    .chr_close = file_close,
};
