/*
 * The device model's QMP commands: device_add, device_del and
 * device-list-properties.
 *
 * This is where "hot" is decided: a device added once the guest has run
 * (any state but prelaunch) is hot-plugged.  The device model below is
 * told, never asks the run state.
 */

#include "hw/qdev-properties.h"
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

ObjectPropertyInfoList *qmp_device_list_properties(const char *typename,
                                                   Error **errp)
{
    const DeviceClass *cls = qdev_find_class(typename);
    ObjectPropertyInfoList *list = NULL, **tail = &list;

    if (!cls) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", typename);
        return NULL;
    }
    for (const Property *p = cls->props; p && p->name; p++) {
        ObjectPropertyInfo *info = g_new0(ObjectPropertyInfo, 1);

        info->name = g_strdup(p->name);
        info->type = g_strdup(p->info->name);
        info->description = g_strdup(p->description);
        if (p->has_default && p->info->get_default) {
            info->default_value = p->info->get_default(p);
        }
        *tail = g_new0(ObjectPropertyInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return list;
}
