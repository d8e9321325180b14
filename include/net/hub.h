/*
 * Hubs: what `-net` uses instead of point-to-point peers.  A hub forwards
 * every packet one port receives to all its other ports (a repeater, not a
 * switch).  Hub 0 is the one `-net` options join by default.
 *
 * A port is a NetClientState of type hubport whose peer is a NIC or a
 * back-end.  Forwarding never blocks the hub: a port whose peer cannot take
 * a packet queues it (bounded) or drops and counts it.
 */
#ifndef NET_HUB_H
#define NET_HUB_H

#include "net/net.h"

/* Adds a port to hub HUB_ID (created on first use), peered with PEER. */
NetClientState *net_hub_add_port(int hub_id, const char *name,
                                 NetClientState *peer);
bool net_hub_is_port(const NetClientState *nc);
/*
 * PORT's peer can receive again: flushes PORT's siblings, which delivers
 * what waits in their queues and wakes their peers (senders that stopped
 * because the hub could not take a packet).
 */
void net_hub_flush(NetClientState *port);
/* "hub N" then " \ port: peer..." lines, as `info network` prints them. */
void net_hub_info(GString *out);
/* Frees hubs that have no ports left. */
void net_hub_cleanup(void);

#endif
