/*
 * Back-end constructors, called by net_client_init() and
 * net_client_init_async() with the QAPI Netdev value.  NAME is the client
 * id (NULL for an anonymous -net back-end); PEER is a hub port when the
 * back-end comes from -net, else NULL.  Each returns false with *errp set
 * and leaves nothing behind on failure.
 *
 * Deferring: JOB is NULL when the caller waits (the command line, HMP); a
 * back-end must then finish before returning.  With a JOB, a back-end that
 * waits on something outside the emulator (the bridge helper) may instead
 * call net_init_defer() and return true; it later calls net_init_finish()
 * exactly once, unless CANCEL ran first (at exit).  The id stays reserved
 * meanwhile.
 */
#ifndef NET_CLIENTS_H
#define NET_CLIENTS_H

#include "net/net.h"

typedef struct NetInitJob NetInitJob;

/* Undo everything of a deferred creation, without calling back. */
typedef void NetInitCancel(void *state);

void net_init_defer(NetInitJob *job, NetInitCancel *cancel, void *state);
/* ERR NULL: the client named by the job exists now.  Takes ERR. */
void net_init_finish(NetInitJob *job, Error *err);

bool net_init_tap(const Netdev *netdev, const char *name,
                  NetClientState *peer, NetInitJob *job, Error **errp);
bool net_init_bridge(const Netdev *netdev, const char *name,
                     NetClientState *peer, NetInitJob *job, Error **errp);
bool net_init_slirp(const Netdev *netdev, const char *name,
                    NetClientState *peer, NetInitJob *job, Error **errp);
bool net_init_hubport(const Netdev *netdev, const char *name,
                      NetClientState *peer, NetInitJob *job, Error **errp);

/* One `info network` line for NC. */
void net_print_client(GString *out, NetClientState *nc);

#endif
