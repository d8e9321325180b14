/*
 * File descriptor sets: the fds a parent process hands over with -add-fd
 * (set=N,fd=M[,opaque=TEXT]), usable wherever a path is opened as
 * /dev/fdset/N.  libvirt uses them for files its own user may not open
 * (the console log it created for the domain).
 *
 * Rules, as QEMU's: opening /dev/fdset/N dups the first fd of set N whose
 * access mode (O_RDONLY, O_WRONLY, O_RDWR) allows the requested one; the
 * set keeps its fds, so a path may be opened again.  Adding an fd takes
 * ownership of it (it is made close-on-exec).  An fd number already in a
 * set, or one of stdin/stdout/stderr, is refused.
 */
#ifndef QEMU_FDSET_H
#define QEMU_FDSET_H

#include <stdbool.h>
#include <stdint.h>

#include "qapi/error.h"

bool fdset_add_fd(int64_t set, int fd, const char *opaque, Error **errp);
/*
 * open(2) for PATH with FLAGS and MODE, except that /dev/fdset/N is
 * served from set N.  Returns the new fd or -1 with *errp set (QEMU's
 * "Could not open 'PATH': REASON").
 */
int qemu_open(const char *path, int flags, int mode, Error **errp);
/* Closes every set's fds (at exit). */
void fdsets_cleanup(void);

#endif
