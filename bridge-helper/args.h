/*
 * The bridge helper's command line: QEMU's helper protocol arguments
 * (--br=BRIDGE --fd=UNIXFD [--use-vnet], plus --help and --version), and
 * this project's extension --queues=N (a multiqueue tap, N fds sent in one
 * message; without it the helper behaves exactly as QEMU's).
 *
 * A unit of its own so that the unit tests check argument validation
 * without running the privileged part of the helper.
 *
 * Rules of the interface:
 * - helper_parse_args() validates everything that can be checked without
 *   privileges (bridge name syntax, fd number); helper_check_unix_socket()
 *   then checks what the fd refers to.
 * - Errors follow bridge-helper/error.h.  --help and --version print to
 *   stdout and return ARGS_EXIT_OK: the caller exits 0.
 * - libc only, like everything in bridge-helper/.
 */
#ifndef BRIDGE_HELPER_ARGS_H
#define BRIDGE_HELPER_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#define HELPER_NAME "qemu-bridge-helper"
#define HELPER_USAGE \
    "Usage: " HELPER_NAME " [--use-vnet] [--queues=N] --br=bridge --fd=unixfd"

/*
 * The most queues one tap may get here.  A queue is an fd and a socket
 * buffer in the kernel; 64 is far beyond what a guest spreads flows over
 * (one queue pair per vCPU) and well under the kernel's 256.
 */
#define HELPER_MAX_QUEUES 64

typedef struct HelperArgs {
    bool use_vnet;
    int queues;                 /* 1: one plain tap, as QEMU's helper */
    const char *bridge;         /* points into argv */
    int unix_fd;
} HelperArgs;

typedef enum { ARGS_RUN, ARGS_EXIT_OK, ARGS_ERROR } ArgsResult;

ArgsResult helper_parse_args(int argc, char **argv, HelperArgs *args,
                             char *err, size_t errlen);

/* The fd must be an open unix socket: anything else cannot carry the tap. */
int helper_check_unix_socket(int fd, char *err, size_t errlen);

#endif
