/*
 * Back-end constructors, called by net_client_init() with the QAPI Netdev
 * value.  NAME is the client id (NULL for an anonymous -net back-end); PEER
 * is a hub port when the back-end comes from -net, else NULL.  Each returns
 * false with *errp set and leaves nothing behind on failure.
 */
#ifndef NET_CLIENTS_H
#define NET_CLIENTS_H

#include "net/net.h"

bool net_init_tap(const Netdev *netdev, const char *name,
                  NetClientState *peer, Error **errp);
bool net_init_bridge(const Netdev *netdev, const char *name,
                     NetClientState *peer, Error **errp);
bool net_init_slirp(const Netdev *netdev, const char *name,
                    NetClientState *peer, Error **errp);
bool net_init_hubport(const Netdev *netdev, const char *name,
                      NetClientState *peer, Error **errp);

/* One `info network` line for NC. */
void net_print_client(GString *out, NetClientState *nc);

#endif
