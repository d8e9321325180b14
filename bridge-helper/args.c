/*
 * The bridge helper's command line.  Interface and rules: args.h.
 */

#include "config-host.h"

#include "bridge-helper/acl.h"
#include "bridge-helper/args.h"
#include "bridge-helper/error.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

static void print_help(FILE *out)
{
    fprintf(out,
            HELPER_USAGE "\n"
            "\n"
            "Create a tap device, attach it to BRIDGE if the ACL allows it,\n"
            "and send the tap's file descriptor over the unix socket UNIXFD\n"
            "(one byte with SCM_RIGHTS).  Exit 0 only once the fd was sent.\n"
            "\n"
            "  --br=BRIDGE    Linux bridge to attach the tap to\n"
            "  --fd=UNIXFD    open unix socket to send the tap fd over\n"
            "  --use-vnet     open the tap with IFF_VNET_HDR when supported\n"
            "  --queues=N     make a multiqueue tap and send its N queue fds\n"
            "                 in one message (1..%d; default 1: one fd, as\n"
            "                 QEMU's helper)\n"
            "  --help         print this help and exit\n"
            "  --version      print the version and exit\n"
            "\n"
            "ACL file: %s\n"
            "See the qemu-bridge-helper(8) manual page for its format.\n",
            HELPER_MAX_QUEUES, CONFIG_BRIDGE_CONF);
}

/* Parses a decimal number up to INT_MAX: digits only, no sign, no spaces. */
static bool parse_decimal(const char *s, int *out)
{
    long value = 0;

    if (*s == '\0') {
        return false;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
        value = value * 10 + (*s - '0');
        if (value > INT_MAX) {
            return false;
        }
    }
    *out = (int)value;
    return true;
}

ArgsResult helper_parse_args(int argc, char **argv, HelperArgs *args,
                             char *err, size_t errlen)
{
    const char *fd_text = NULL, *queues_text = NULL;

    memset(args, 0, sizeof(*args));
    args->unix_fd = -1;
    args->queues = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help(stdout);
            return ARGS_EXIT_OK;
        } else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            printf(HELPER_NAME " version " PROJECT_VERSION "\n");
            return ARGS_EXIT_OK;
        } else if (strcmp(a, "--use-vnet") == 0) {
            args->use_vnet = true;
        } else if (strncmp(a, "--br=", 5) == 0) {
            if (args->bridge) {
                helper_fail(err, errlen, "--br given twice");
                return ARGS_ERROR;
            }
            args->bridge = a + 5;
        } else if (strncmp(a, "--queues=", 9) == 0) {
            if (queues_text) {
                helper_fail(err, errlen, "--queues given twice");
                return ARGS_ERROR;
            }
            queues_text = a + 9;
        } else if (strncmp(a, "--fd=", 5) == 0) {
            if (fd_text) {
                helper_fail(err, errlen, "--fd given twice");
                return ARGS_ERROR;
            }
            fd_text = a + 5;
        } else {
            helper_fail(err, errlen, "unknown argument '%s'", a);
            return ARGS_ERROR;
        }
    }
    if (!args->bridge) {
        helper_fail(err, errlen, "missing --br=BRIDGE");
        return ARGS_ERROR;
    } else {
        const char *problem = ifname_problem(args->bridge);
        if (problem) {
            helper_fail(err, errlen, "invalid bridge name '%s': it %s",
                        args->bridge, problem);
            return ARGS_ERROR;
        }
    }
    if (!fd_text) {
        helper_fail(err, errlen, "missing --fd=UNIXFD");
        return ARGS_ERROR;
    }
    if (!parse_decimal(fd_text, &args->unix_fd)) {
        helper_fail(err, errlen,
                    "--fd=%s: not a decimal file descriptor number", fd_text);
        return ARGS_ERROR;
    }
    if (queues_text && (!parse_decimal(queues_text, &args->queues) ||
                        args->queues < 1 ||
                        args->queues > HELPER_MAX_QUEUES)) {
        helper_fail(err, errlen, "--queues=%s: expected a number from 1 "
                    "to %d", queues_text, HELPER_MAX_QUEUES);
        return ARGS_ERROR;
    }
    return ARGS_RUN;
}

int helper_check_unix_socket(int fd, char *err, size_t errlen)
{
    struct stat st;
    int domain;
    socklen_t len = sizeof(domain);

    if (fstat(fd, &st) < 0) {
        return helper_fail(err, errlen, "--fd=%d: %s", fd, strerror(errno));
    }
    if (!S_ISSOCK(st.st_mode)) {
        return helper_fail(err, errlen, "--fd=%d is not a socket", fd);
    }
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
        domain != AF_UNIX) {
        return helper_fail(err, errlen, "--fd=%d is not a unix socket", fd);
    }
    return 0;
}
