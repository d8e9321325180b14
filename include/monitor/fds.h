/*
 * File descriptors passed to the monitor (QMP getfd over SCM_RIGHTS) and
 * kept by name until closefd or until a back-end takes them (fd=NAME).
 */
#ifndef MONITOR_FDS_H
#define MONITOR_FDS_H

#include <stdbool.h>

#include "qapi/error.h"

/* Keeps FD as NAME; an fd already kept under NAME is closed and replaced. */
bool monitor_fd_add(const char *name, int fd, Error **errp);
/* Closes and forgets NAME. */
bool monitor_fd_close(const char *name, Error **errp);
/*
 * For fd= options: a decimal number is used as is; otherwise NAME's fd is
 * handed over (the monitor forgets it, as QEMU does).  Returns -1 on error.
 */
int monitor_fd_param(const char *text, Error **errp);
/* Closes every kept fd (at exit). */
void monitor_fds_cleanup(void);

#endif
