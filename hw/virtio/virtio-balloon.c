/*
 * virtio-balloon; see include/hw/virtio/virtio-balloon.h.
 *
 * Config space (little-endian): num_pages (le32, the host's target) and
 * actual (le32, written by the driver).  Queues: 0 inflate, 1 deflate
 * (arrays of le32 page frame numbers), 2 stats (offered with
 * VIRTIO_BALLOON_F_STATS_VQ: the driver keeps one buffer of tagged
 * 64-bit values there; the device holds on to it, as a new request for
 * statistics would be answered by giving it back).
 */
#include "hw/virtio/virtio-balloon.h"

#include "hw/virtio/virtio.h"

#define VIRTIO_BALLOON_F_STATS_VQ       1
#define BALLOON_CONFIG_SIZE             8
#define BALLOON_QUEUE_SIZE              128

struct VirtIOBalloon {
    VirtIODevice vdev;
    VirtQueue *ivq, *dvq, *svq;
    VirtQueueElement *elem;
    VirtQueueElement *stats_elem;       /* held stats buffer, or NULL */
    bool stats_held;
    uint32_t num_pages;
    uint32_t actual;
    int64_t counted;
};

static VirtIOBalloon *the_balloon;

static VirtIOBalloon *to_balloon(VirtIODevice *vdev)
{
    return (VirtIOBalloon *)vdev;
}

static void balloon_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOBalloon *b = to_balloon(vdev);

    stl_le_p(config, b->num_pages);
    stl_le_p(config + 4, b->actual);
}

static void balloon_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    to_balloon(vdev)->actual = ldl_le_p(config + 4);
}

/* Inflate (SIGN 1) or deflate (-1): count the page numbers of each
 * chain; the pages themselves stay mapped. */
static void balloon_count(VirtIODevice *vdev, VirtQueue *vq, int sign)
{
    VirtIOBalloon *b = to_balloon(vdev);

    while (virtqueue_pop(vq, b->elem)) {
        b->counted += sign * (int64_t)(b->elem->out_len / 4);
        virtqueue_push(vq, b->elem, 0);
    }
    virtio_notify(vdev, vq);
}

static void balloon_inflate(VirtIODevice *vdev, VirtQueue *vq)
{
    balloon_count(vdev, vq, 1);
}

static void balloon_deflate(VirtIODevice *vdev, VirtQueue *vq)
{
    balloon_count(vdev, vq, -1);
}

static void balloon_stats(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOBalloon *b = to_balloon(vdev);

    if (!b->stats_held && virtqueue_pop(vq, b->stats_elem)) {
        b->stats_held = true;
    }
}

static void balloon_reset(VirtIODevice *vdev)
{
    VirtIOBalloon *b = to_balloon(vdev);

    b->stats_held = false;
    b->actual = 0;
    b->counted = 0;
}

static const VirtIODeviceOps balloon_ops = {
    .get_config = balloon_get_config,
    .set_config = balloon_set_config,
    .reset = balloon_reset,
};

VirtIOBalloon *virtio_balloon_new(const DMAContext *dma, Error **errp)
{
    VirtIOBalloon *b;

    if (the_balloon) {
        error_setg(errp, "Only one balloon device is supported");
        return NULL;
    }
    b = g_new0(VirtIOBalloon, 1);
    virtio_init(&b->vdev, "virtio-balloon", VIRTIO_ID_BALLOON, &balloon_ops,
                dma, BALLOON_CONFIG_SIZE,
                1ull << VIRTIO_BALLOON_F_STATS_VQ);
    b->ivq = virtio_add_queue(&b->vdev, BALLOON_QUEUE_SIZE, balloon_inflate);
    b->dvq = virtio_add_queue(&b->vdev, BALLOON_QUEUE_SIZE, balloon_deflate);
    b->svq = virtio_add_queue(&b->vdev, BALLOON_QUEUE_SIZE, balloon_stats);
    b->elem = virtqueue_element_new(VIRTQUEUE_MAX_SG);
    b->stats_elem = virtqueue_element_new(VIRTQUEUE_MAX_SG);
    the_balloon = b;
    return b;
}

void virtio_balloon_free(VirtIOBalloon *b)
{
    if (!b) {
        return;
    }
    if (the_balloon == b) {
        the_balloon = NULL;
    }
    virtqueue_element_free(b->elem);
    virtqueue_element_free(b->stats_elem);
    virtio_cleanup(&b->vdev);
    g_free(b);
}

VirtIODevice *virtio_balloon_vdev(VirtIOBalloon *b)
{
    return &b->vdev;
}

VirtIOBalloon *virtio_balloon_get(void)
{
    return the_balloon;
}

void virtio_balloon_set_target(VirtIOBalloon *b, uint32_t pages)
{
    b->num_pages = pages;
    virtio_notify_config(&b->vdev);
}

uint32_t virtio_balloon_actual(const VirtIOBalloon *b)
{
    return b->actual;
}

int64_t virtio_balloon_counted(const VirtIOBalloon *b)
{
    return b->counted;
}
