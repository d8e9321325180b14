/*
 * The device model's QMP commands: device_add and device_del
 * (device-list-properties is with the other type queries, in
 * system/qom-qmp-cmds.c).
 *
 * This is where "hot" is decided: a device added once the guest has run
 * (any state but prelaunch) is hot-plugged.  The device model below is
 * told, never asks the run state.
 */

#include "hw/qdev.h"
#include "qapi/qapi-commands.h"
#include "system/runstate.h"

void qmp_device_add(JsonObject *args, JsonNode **ret, Error **errp)
{
    bool hot = runstate_get() != VM_RUN_STATE_PRELAUNCH;

    if (qdev_device_add_from_json(args, true, hot, errp)) {
        *ret = json_node_init_object(json_node_alloc(), json_object_new());
    }
}

void qmp_device_del(const char *id, Error **errp)
{
    qdev_device_del(id, errp);
}
