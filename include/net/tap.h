/*
 * The tap back-end (net/tap.c) and the bridge helper runner (net/bridge.c).
 */
#ifndef NET_TAP_H
#define NET_TAP_H

#include "net/net.h"

/*
 * Wraps an open tap (or any packet fd) in a client that owns it: the fd is
 * made non-blocking, its vnet header probed, and closed with the client.
 */
NetClientState *net_tap_fd_init(NetClientState *peer, const char *model,
                                const char *name, int fd);

/* How long a bridge helper may take before it is killed (tests lower it). */
#define BRIDGE_HELPER_TIMEOUT_MS 10000
extern int net_bridge_helper_timeout_ms;

/*
 * Runs HELPER for BRIDGE with QEMU's protocol (socketpair, --use-vnet
 * --fd=N --br=BRIDGE; through /bin/sh -c when HELPER holds a space or tab,
 * adding --br= only if HELPER has none) and returns the tap fd it sends.
 * On failure returns -1 with "bridge helper failed: <the helper's own
 * message>"; a helper that hangs is killed after the timeout.
 */
int net_bridge_run_helper(const char *helper, const char *bridge, Error **errp);

#endif
