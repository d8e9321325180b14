/*
 * A bounded FIFO of packets waiting for one receiver (see net.h for the
 * flow-control contract it implements).
 *
 * The queue does not know how to deliver: its owner gives a deliver function
 * that returns receive()'s result (0 = not now, stop flushing).  Packets are
 * copied in; a packet queued with a completion callback is never dropped for
 * lack of room (its sender has stopped and waits for it), one without is.
 */
#ifndef NET_QUEUE_H
#define NET_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "net/net.h"
#include "qemu/iov.h"

typedef ssize_t NetQueueDeliverFn(NetClientState *sender,
                                  const struct iovec *iov, int iovcnt,
                                  void *opaque);

/* Packets a queue holds before callback-less senders see drops. */
#define NET_QUEUE_LIMIT 1024

NetQueue *net_queue_new(NetQueueDeliverFn *deliver, void *opaque);
void net_queue_free(NetQueue *queue);

/* Copies the packet in; false if it was dropped (queue full, no callback). */
bool net_queue_append(NetQueue *queue, NetClientState *sender,
                      const struct iovec *iov, int iovcnt,
                      NetPacketSent *sent_cb);
/* Delivers in order until the deliver function says 0; true if emptied. */
bool net_queue_flush(NetQueue *queue);
/* Drops packets sent by FROM, or all packets if FROM is NULL. */
void net_queue_purge(NetQueue *queue, NetClientState *from);
bool net_queue_is_empty(const NetQueue *queue);
unsigned net_queue_length(const NetQueue *queue);

#endif
