/*
 * Bounded per-receiver packet queue; see include/net/queue.h.
 */

#include "net/queue.h"

#include <glib.h>
#include <string.h>

typedef struct NetPacket {
    NetClientState *sender;
    NetPacketSent *sent_cb;
    size_t size;
    uint8_t data[];
} NetPacket;

struct NetQueue {
    GQueue packets;
    NetQueueDeliverFn *deliver;
    void *opaque;
    /* Set while flushing: a packet sent from inside a callback must wait
     * behind the ones already queued, so order is kept. */
    bool flushing;
};

NetQueue *net_queue_new(NetQueueDeliverFn *deliver, void *opaque)
{
    NetQueue *queue = g_new0(NetQueue, 1);

    g_queue_init(&queue->packets);
    queue->deliver = deliver;
    queue->opaque = opaque;
    return queue;
}

void net_queue_free(NetQueue *queue)
{
    if (queue) {
        g_queue_clear_full(&queue->packets, g_free);
        g_free(queue);
    }
}

bool net_queue_append(NetQueue *queue, NetClientState *sender,
                      const struct iovec *iov, int iovcnt,
                      NetPacketSent *sent_cb)
{
    size_t size = iov_size(iov, iovcnt);
    NetPacket *packet;
    size_t offset = 0;

    if (!sent_cb && g_queue_get_length(&queue->packets) >= NET_QUEUE_LIMIT) {
        return false;
    }
    packet = g_malloc(sizeof(*packet) + size);
    packet->sender = sender;
    packet->sent_cb = sent_cb;
    packet->size = size;
    for (int i = 0; i < iovcnt; i++) {
        memcpy(packet->data + offset, iov[i].iov_base, iov[i].iov_len);
        offset += iov[i].iov_len;
    }
    g_queue_push_tail(&queue->packets, packet);
    return true;
}

bool net_queue_flush(NetQueue *queue)
{
    if (queue->flushing) {
        return false;
    }
    queue->flushing = true;
    while (!g_queue_is_empty(&queue->packets)) {
        NetPacket *packet = g_queue_peek_head(&queue->packets);
        struct iovec iov = { .iov_base = packet->data, .iov_len = packet->size };
        ssize_t ret = queue->deliver(packet->sender, &iov, 1, queue->opaque);

        if (ret == 0) {
            break;              /* the receiver will flush again */
        }
        g_queue_pop_head(&queue->packets);
        if (packet->sent_cb) {
            packet->sent_cb(packet->sender, ret);
        }
        g_free(packet);
    }
    queue->flushing = false;
    return g_queue_is_empty(&queue->packets);
}

void net_queue_purge(NetQueue *queue, NetClientState *from)
{
    GList *link = queue->packets.head;

    while (link) {
        GList *next = link->next;
        NetPacket *packet = link->data;
        if (!from || packet->sender == from) {
            g_queue_delete_link(&queue->packets, link);
            g_free(packet);
        }
        link = next;
    }
}

bool net_queue_is_empty(const NetQueue *queue)
{
    return g_queue_is_empty((GQueue *)&queue->packets);
}

unsigned net_queue_length(const NetQueue *queue)
{
    return g_queue_get_length((GQueue *)&queue->packets);
}
