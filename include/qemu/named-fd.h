/*
 * Named file descriptors: what a client passed the monitor (QMP getfd over
 * SCM_RIGHTS), kept by name until closefd or until a back-end takes it
 * (fd=NAME).  The store lives here, below both, so that the monitor fills
 * it and back-ends (net/tap.c) empty it without either reaching up into
 * the other's layer.
 */
#ifndef QEMU_NAMED_FD_H
#define QEMU_NAMED_FD_H

#include <stdbool.h>

#include "qapi/error.h"

/* Keeps FD as NAME; an fd already kept under NAME is closed and replaced. */
bool named_fd_add(const char *name, int fd, Error **errp);
/* Closes and forgets NAME. */
bool named_fd_close(const char *name, Error **errp);
/*
 * For fd= options: a decimal number is used as is; otherwise NAME's fd is
 * handed over (the store forgets it, as QEMU does).  Returns -1 on error.
 */
int named_fd_param(const char *text, Error **errp);
/* Closes every kept fd (at exit). */
void named_fds_cleanup(void);

#endif
