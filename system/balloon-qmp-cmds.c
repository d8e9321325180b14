/*
 * balloon and query-balloon: the machine's RAM size against the pages
 * the balloon device (hw/virtio/virtio-balloon.c) is asked to take and
 * says it holds.
 */
#include "hw/virtio/virtio-balloon.h"
#include "qapi/qapi-commands.h"
#include "system/vl.h"

#define BALLOON_PAGE (1ull << VIRTIO_BALLOON_PFN_SHIFT)

static VirtIOBalloon *active_balloon(Error **errp)
{
    VirtIOBalloon *b = virtio_balloon_get();

    if (!b) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_ACTIVE,
                  "No balloon device has been activated");
    }
    return b;
}

BalloonInfo *qmp_query_balloon(Error **errp)
{
    VirtIOBalloon *b = active_balloon(errp);
    BalloonInfo *info;

    if (!b) {
        return NULL;
    }
    info = g_new0(BalloonInfo, 1);
    info->actual = current_machine->ram_size -
                   (uint64_t)virtio_balloon_actual(b) * BALLOON_PAGE;
    return info;
}

void qmp_balloon(int64_t value, Error **errp)
{
    VirtIOBalloon *b = active_balloon(errp);
    uint64_t ram = current_machine->ram_size;

    if (!b) {
        return;
    }
    if (value <= 0 || (uint64_t)value > ram) {
        error_setg(errp, "Parameter 'value' expects a size from 1 to %"
                   G_GUINT64_FORMAT " bytes", ram);
        return;
    }
    virtio_balloon_set_target(b, (ram - value) / BALLOON_PAGE);
}
