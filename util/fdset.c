/*
 * File descriptor sets; see include/qemu/fdset.h.
 */

#include "qemu/fdset.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <unistd.h>

#define FDSET_PREFIX "/dev/fdset/"

typedef struct FdsetEntry {
    int64_t set;
    int fd;
    char *opaque;
} FdsetEntry;

static GArray *entries;         /* FdsetEntry, in the order added */

bool fdset_add_fd(int64_t set, int fd, const char *opaque, Error **errp)
{
    int flags = fcntl(fd, F_GETFD);

    if (set < 0) {
        error_setg(errp, "parameter 'set' must be a non-negative number");
        return false;
    }
    if (fd <= STDERR_FILENO) {
        error_setg(errp, "fd cannot be a standard I/O stream");
        return false;
    }
    if (flags < 0) {
        error_setg(errp, "bad file descriptor %d", fd);
        return false;
    }
    if (!entries) {
        entries = g_array_new(FALSE, FALSE, sizeof(FdsetEntry));
    }
    for (guint i = 0; i < entries->len; i++) {
        if (g_array_index(entries, FdsetEntry, i).fd == fd) {
            error_setg(errp, "fd %d is already in a set", fd);
            return false;
        }
    }
    /* not for the children we run (the bridge helper) */
    fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    g_array_append_val(entries, ((FdsetEntry) { set, fd, g_strdup(opaque) }));
    return true;
}

/* Whether an fd opened with ACCESS (O_ACCMODE bits) serves WANTED. */
static bool access_allows(int access, int wanted)
{
    return access == O_RDWR || access == wanted;
}

static int fdset_open(const char *path, int flags, Error **errp)
{
    const char *num = path + strlen(FDSET_PREFIX);
    guint64 set;
    bool found = false;

    if (!g_ascii_string_to_unsigned(num, 10, 0, INT64_MAX, &set, NULL)) {
        error_setg(errp, "Could not open '%s': %s", path, strerror(EINVAL));
        return -1;
    }
    for (guint i = 0; entries && i < entries->len; i++) {
        FdsetEntry *e = &g_array_index(entries, FdsetEntry, i);
        int fl;

        if (e->set != (int64_t)set) {
            continue;
        }
        found = true;
        fl = fcntl(e->fd, F_GETFL);
        if (fl >= 0 && access_allows(fl & O_ACCMODE, flags & O_ACCMODE)) {
            int fd = fcntl(e->fd, F_DUPFD_CLOEXEC, 0);

            if (fd < 0) {
                error_setg_errno(errp, errno, "Could not open '%s'", path);
            }
            return fd;
        }
    }
    error_setg(errp, "Could not open '%s': %s", path,
               strerror(found ? EACCES : ENOENT));
    return -1;
}

int qemu_open(const char *path, int flags, int mode, Error **errp)
{
    int fd;

    if (g_str_has_prefix(path, FDSET_PREFIX)) {
        return fdset_open(path, flags, errp);
    }
    fd = open(path, flags | O_CLOEXEC, mode);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", path);
    }
    return fd;
}

void fdsets_cleanup(void)
{
    for (guint i = 0; entries && i < entries->len; i++) {
        FdsetEntry *e = &g_array_index(entries, FdsetEntry, i);

        close(e->fd);
        g_free(e->opaque);
    }
    if (entries) {
        g_array_set_size(entries, 0);
    }
}
