/*
 * QMP's view of types (QEMU's QOM): qom-list-types, qom-list-properties
 * and device-list-properties, generated from the device type registry
 * (hw/qdev.h), the machine classes (hw/boards.h) and the accelerators
 * (system/vl-machine.h) on every call, so the answers are whatever this
 * binary has.
 *
 * QEMU names machine types "NAME-machine" (-machine takes NAME) and
 * accelerators "NAME-accel" (libvirt knows TCG by "tcg-accel"); the
 * devices a board builds itself (MachineClass.board_types) are types too,
 * though -device cannot create them.  Each
 * concrete type derives from one of the abstract types below; those
 * exist only in these answers, nothing is ever created from them.
 */

#include <string.h>

#include "hw/boards.h"
#include "hw/qdev-properties.h"
#include "qapi/qapi-commands.h"
#include "system/vl-machine.h"

#define MACHINE_SUFFIX "-machine"
#define ACCEL_SUFFIX "-accel"

typedef struct TypeRef {
    const char *name;
    const char *parent;             /* NULL for the root */
    bool abstract;
    const DeviceClass *dev;         /* a device type */
    const MachineClass *machine;    /* a machine type */
    char **accel_props;             /* an accelerator: its properties */
} TypeRef;

static const TypeRef abstract_types[] = {
    { "object", NULL, true },
    { "device", "object", true },
    { "pci-device", "device", true },
    { "virtio-device", "device", true },
    { "machine", "object", true },
    { "accel", "object", true },
};

/*
 * Types libvirt 9.0 asks qom-list-properties about whether or not
 * qom-list-types lists them, and which it cannot take an error for (it
 * crashes): they answer "no properties".
 */
static const char *const probed_absent_types[] = {
    "memory-backend-file",
    "memory-backend-memfd",
    NULL
};

/*
 * Every type, built on first use: the registries are complete once the
 * constructors have run and never change, so the table lives as long as
 * the process.
 */
static GArray *type_table;          /* TypeRef */

static void add_type(const char *name, const char *parent,
                     const DeviceClass *dev, const MachineClass *machine,
                     char **accel_props)
{
    TypeRef ref = {
        .name = name, .parent = parent, .dev = dev, .machine = machine,
        .accel_props = accel_props,
    };

    g_array_append_val(type_table, ref);
}

static void add_device_type(const DeviceClass *cls, void *opaque)
{
    add_type(cls->name, cls->parent ? cls->parent : "device", cls, NULL,
             NULL);
}

static void add_accel_type(const char *name, const char *const *props,
                           void *opaque)
{
    add_type(g_strconcat(name, ACCEL_SUFFIX, NULL), "accel", NULL, NULL,
             g_strdupv((char **)props));
}

static const TypeRef *type_find_in(GArray *all, const char *name);

static GArray *types(void)
{
    if (type_table) {
        return type_table;
    }
    type_table = g_array_new(FALSE, FALSE, sizeof(TypeRef));
    g_array_append_vals(type_table, abstract_types,
                        G_N_ELEMENTS(abstract_types));
    qdev_foreach_class(add_device_type, NULL);
    for (int i = 0; machine_classes[i]; i++) {
        const MachineClass *mc = machine_classes[i];

        add_type(g_strconcat(mc->name, MACHINE_SUFFIX, NULL), "machine",
                 NULL, mc, NULL);
        for (int j = 0; mc->board_types && mc->board_types[j]; j++) {
            if (!type_find_in(type_table, mc->board_types[j])) {
                add_type(mc->board_types[j], "device", NULL, NULL, NULL);
            }
        }
    }
    vl_foreach_accel(add_accel_type, NULL);
    return type_table;
}

static const TypeRef *type_find_in(GArray *all, const char *name)
{
    for (guint i = 0; name && i < all->len; i++) {
        const TypeRef *ref = &g_array_index(all, TypeRef, i);

        if (!strcmp(ref->name, name)) {
            return ref;
        }
    }
    return NULL;
}

static const TypeRef *type_find(const char *name)
{
    return type_find_in(types(), name);
}

/* True if REF is ANCESTOR or derives from it. */
static bool type_is_a(const TypeRef *ref, const char *ancestor)
{
    for (; ref; ref = type_find(ref->parent)) {
        if (!strcmp(ref->name, ancestor)) {
            return true;
        }
    }
    return false;
}

ObjectTypeInfoList *qmp_qom_list_types(const char *implements,
                                       bool has_abstract, bool abstract,
                                       Error **errp)
{
    GArray *all = types();
    ObjectTypeInfoList *list = NULL, **tail = &list;

    for (guint i = 0; i < all->len; i++) {
        const TypeRef *ref = &g_array_index(all, TypeRef, i);
        ObjectTypeInfo *info;

        if ((ref->abstract && !abstract) ||
            (implements && !type_is_a(ref, implements))) {
            continue;
        }
        info = g_new0(ObjectTypeInfo, 1);
        info->name = g_strdup(ref->name);
        info->has_abstract = ref->abstract;
        info->abstract = ref->abstract;
        info->parent = g_strdup(ref->parent);
        *tail = g_new0(ObjectTypeInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return list;
}

static void append_prop(ObjectPropertyInfoList ***tail, const char *name,
                        const char *type, const char *description,
                        JsonNode *default_value)
{
    ObjectPropertyInfo *info = g_new0(ObjectPropertyInfo, 1);

    info->name = g_strdup(name);
    info->type = g_strdup(type);
    info->description = g_strdup(description);
    info->default_value = default_value;
    **tail = g_new0(ObjectPropertyInfoList, 1);
    (**tail)->value = info;
    *tail = &(**tail)->next;
}

/* A device type's property table, in table order (as -device help). */
static ObjectPropertyInfoList *device_props(const DeviceClass *cls)
{
    ObjectPropertyInfoList *list = NULL, **tail = &list;

    for (const Property *p = cls->props; p && p->name; p++) {
        append_prop(&tail, p->name, p->info->name, p->description,
                    p->has_default && p->info->get_default
                    ? p->info->get_default(p) : NULL);
    }
    return list;
}

/* -machine NAME,key=value and -accel NAME,key=value properties: names,
 * each parsed from a string by its option. */
static ObjectPropertyInfoList *string_props(const char *const *names)
{
    ObjectPropertyInfoList *list = NULL, **tail = &list;

    for (int i = 0; names && names[i]; i++) {
        append_prop(&tail, names[i], "str", NULL, NULL);
    }
    return list;
}

ObjectPropertyInfoList *qmp_qom_list_properties(const char *typename,
                                                Error **errp)
{
    const TypeRef *ref = type_find(typename);

    if (ref && ref->dev) {
        return device_props(ref->dev);
    }
    if (ref && ref->machine) {
        ObjectPropertyInfoList *list = string_props(ref->machine->props);
        ObjectPropertyInfoList **tail = &list;

        while (*tail) {
            tail = &(*tail)->next;
        }
        for (int i = 0; machine_common_bool_props[i]; i++) {
            append_prop(&tail, machine_common_bool_props[i], "bool", NULL,
                        NULL);
        }
        return list;
    }
    if (ref && ref->accel_props) {
        return string_props((const char *const *)ref->accel_props);
    }
    if (!ref && !g_strv_contains(probed_absent_types, typename)) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Class '%s' not found", typename);
    }
    /* abstract and probed-absent types: no properties */
    return NULL;
}

ObjectPropertyInfoList *qmp_device_list_properties(const char *typename,
                                                   Error **errp)
{
    const TypeRef *ref = type_find(typename);

    if (!ref) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", typename);
        return NULL;
    }
    if (!ref->dev) {
        error_setg(errp, "Parameter 'typename' expects a non-abstract "
                   "device type");
        return NULL;
    }
    return device_props(ref->dev);
}
