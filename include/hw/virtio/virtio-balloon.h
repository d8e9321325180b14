/*
 * virtio-balloon (VIRTIO 1.2, 5.5): the host asks the guest to give back
 * memory by setting a target (num_pages); the guest's driver inflates
 * (hands page numbers over the inflate queue) or deflates (takes them
 * back) and reports how many it holds (actual).  Memory statistics come
 * over the stats queue.
 *
 * Here the pages are only counted: inflated RAM is not returned to the
 * host.  The device's page count is what QMP's balloon and query-balloon
 * work from; there is at most one balloon (QEMU's rule), which the
 * monitor finds through virtio_balloon_get().
 */
#ifndef HW_VIRTIO_VIRTIO_BALLOON_H
#define HW_VIRTIO_VIRTIO_BALLOON_H

#include "hw/dma.h"
#include "qapi/error.h"

#define VIRTIO_ID_BALLOON               5
#define VIRTIO_BALLOON_PFN_SHIFT        12      /* pages are 4 KiB */

typedef struct VirtIOBalloon VirtIOBalloon;
typedef struct VirtIODevice VirtIODevice;

/* Fails if a balloon already exists. */
VirtIOBalloon *virtio_balloon_new(const DMAContext *dma, Error **errp);
void virtio_balloon_free(VirtIOBalloon *b);
VirtIODevice *virtio_balloon_vdev(VirtIOBalloon *b);

/* The balloon, or NULL. */
VirtIOBalloon *virtio_balloon_get(void);
/* Asks the guest to hold PAGES pages (config interrupt). */
void virtio_balloon_set_target(VirtIOBalloon *b, uint32_t pages);
/* The pages the guest says it holds. */
uint32_t virtio_balloon_actual(const VirtIOBalloon *b);
/* Pages inflated minus pages deflated, as counted on the queues. */
int64_t virtio_balloon_counted(const VirtIOBalloon *b);

#endif
