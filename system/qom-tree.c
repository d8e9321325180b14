/*
 * qom-list: the object tree as QEMU's clients walk it.  Only what exists
 * is in it: /machine, its containers /machine/peripheral (devices with
 * an id) and /machine/peripheral-anon ("device[N]"), and the devices,
 * whose properties are their property tables.  The tree is built from
 * the device list on every call, so it follows device_add and
 * device_del (a device leaves when its unplug completes).
 */
#include <string.h>

#include "hw/qdev.h"
#include "hw/qdev-properties.h"
#include "qapi/qapi-commands.h"

#define PERIPHERAL "/machine/peripheral"
#define PERIPHERAL_ANON "/machine/peripheral-anon"

static void append(ObjectPropertyInfoList ***tail, const char *name,
                   char *type)
{
    ObjectPropertyInfo *info = g_new0(ObjectPropertyInfo, 1);

    info->name = g_strdup(name);
    info->type = type;
    **tail = g_new0(ObjectPropertyInfoList, 1);
    (**tail)->value = info;
    *tail = &(**tail)->next;
}

typedef struct ListChildren {
    const char *container;          /* PERIPHERAL or PERIPHERAL_ANON */
    ObjectPropertyInfoList **tail;
} ListChildren;

/* DEV's last path component if DEV lives in CONTAINER. */
static const char *child_name(DeviceState *dev, const char *container)
{
    size_t n = strlen(container);

    if (strncmp(dev->path, container, n) || dev->path[n] != '/') {
        return NULL;
    }
    return dev->path + n + 1;
}

static void list_child(DeviceState *dev, void *opaque)
{
    ListChildren *lc = opaque;
    const char *name = child_name(dev, lc->container);

    if (name) {
        append(&lc->tail, name, g_strdup_printf("child<%s>", dev->cls->name));
    }
}

typedef struct FindPath {
    const char *path;
    DeviceState *dev;
} FindPath;

static void find_path(DeviceState *dev, void *opaque)
{
    FindPath *fp = opaque;

    if (!strcmp(dev->path, fp->path)) {
        fp->dev = dev;
    }
}

ObjectPropertyInfoList *qmp_qom_list(const char *path, Error **errp)
{
    ObjectPropertyInfoList *list = NULL, **tail = &list;
    FindPath fp = { path, NULL };

    if (!strcmp(path, "/")) {
        append(&tail, "type", g_strdup("string"));
        append(&tail, "machine", g_strdup("child<container>"));
        return list;
    }
    if (!strcmp(path, "/machine")) {
        append(&tail, "type", g_strdup("string"));
        append(&tail, "peripheral", g_strdup("child<container>"));
        append(&tail, "peripheral-anon", g_strdup("child<container>"));
        return list;
    }
    if (!strcmp(path, PERIPHERAL) || !strcmp(path, PERIPHERAL_ANON)) {
        ListChildren lc = { path, NULL };

        append(&tail, "type", g_strdup("string"));
        lc.tail = tail;
        qdev_foreach_device(list_child, &lc);
        return list;
    }
    qdev_foreach_device(find_path, &fp);
    if (!fp.dev) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", path);
        return NULL;
    }
    append(&tail, "type", g_strdup("string"));
    for (const Property *p = fp.dev->cls->props; p && p->name; p++) {
        append(&tail, p->name, g_strdup(p->info->name));
    }
    return list;
}
