/*
 * The tap back-end (net/tap.c): a client around a tap file descriptor,
 * whichever opener produced it.  -netdev bridge (net/bridge.c) is a tap
 * whose fd a helper supplied, built with net_tap_init_from_helper().
 */
#ifndef NET_TAP_H
#define NET_TAP_H

#include "net/net.h"

typedef struct NetInitJob NetInitJob;

/*
 * Wraps an open tap (or any packet fd) in a client that owns it: the fd is
 * made non-blocking, its vnet header probed, and closed with the client.
 */
NetClientState *net_tap_fd_init(NetClientState *peer, const char *model,
                                const char *name, int fd);

/* How long a helper may take before it is killed. */
#define TAP_HELPER_TIMEOUT_MS 10000

/* A tap from a helper: what to run, and how the client looks. */
typedef struct TapFromHelper {
    const char *helper;         /* program, or a command line for /bin/sh */
    const char *br;
    const char *model;          /* "tap" or "bridge" */
    const char *info;           /* the `info network` text */
    bool has_sndbuf;
    uint64_t sndbuf;
} TapFromHelper;

/*
 * Runs HOW->helper (include/net/helper-runner.h) and finishes its fd as a
 * tap client NAME peered with PEER.  With JOB NULL it waits (start-up);
 * with a JOB it defers (net_init_defer()) and finishes the job when the
 * helper answers, without blocking the main loop.
 */
bool net_tap_init_from_helper(const TapFromHelper *how, const char *name,
                              NetClientState *peer, NetInitJob *job,
                              Error **errp);

#endif
