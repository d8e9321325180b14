/*
 * The device model: type registry, creating devices from options (typed
 * properties parsed once into the instance), help, device_del; see
 * include/hw/qdev.h.
 */

#include "hw/qdev.h"

#include <stdio.h>
#include <string.h>

#include "hw/qdev-properties.h"
#include "qapi/qapi-events.h"
#include "qapi/util.h"

static GPtrArray *classes;      /* const DeviceClass *, sorted by name */
static GQueue devices = G_QUEUE_INIT;
static unsigned anon_count;

static gint compare_class_names(gconstpointer a, gconstpointer b)
{
    const DeviceClass *ca = *(const DeviceClass *const *)a;
    const DeviceClass *cb = *(const DeviceClass *const *)b;

    return strcmp(ca->name, cb->name);
}

void qdev_register_type(const DeviceClass *cls)
{
    if (!classes) {
        classes = g_ptr_array_new();
    }
    g_assert(!qdev_find_class(cls->name));
    g_assert(cls->instance_size >= sizeof(DeviceState));
    g_ptr_array_add(classes, (gpointer)cls);
    /* constructors run in link order; help lists by name, as QEMU does */
    g_ptr_array_sort(classes, compare_class_names);
}

const DeviceClass *qdev_find_class(const char *name)
{
    for (guint i = 0; classes && i < classes->len; i++) {
        const DeviceClass *cls = g_ptr_array_index(classes, i);
        if (strcmp(cls->name, name) == 0) {
            return cls;
        }
    }
    return NULL;
}

void qdev_foreach_class(void (*fn)(const DeviceClass *cls, void *opaque),
                        void *opaque)
{
    for (guint i = 0; classes && i < classes->len; i++) {
        fn(g_ptr_array_index(classes, i), opaque);
    }
}

void qdev_foreach_device(void (*fn)(DeviceState *dev, void *opaque),
                         void *opaque)
{
    for (GList *l = devices.head; l; l = l->next) {
        fn(l->data, opaque);
    }
}

DeviceState *qdev_find(const char *id)
{
    for (GList *l = devices.head; l; l = l->next) {
        DeviceState *dev = l->data;
        if (dev->id && strcmp(dev->id, id) == 0) {
            return dev;
        }
    }
    return NULL;
}

/* ---- properties ---- */

static const Property *find_prop(const DeviceClass *cls, const char *name)
{
    for (const Property *p = cls->props; p && p->name; p++) {
        if (strcmp(p->name, name) == 0) {
            return p;
        }
    }
    return NULL;
}

static void *prop_field(DeviceState *dev, const Property *prop)
{
    return (char *)dev + prop->offset;
}

static void set_defaults(DeviceState *dev)
{
    for (const Property *p = dev->cls->props; p && p->name; p++) {
        if (p->has_default && p->info->set_default) {
            p->info->set_default(p, prop_field(dev, p));
        }
    }
}

static void release_props(DeviceState *dev)
{
    for (const Property *p = dev->cls->props; p && p->name; p++) {
        if (p->info->release) {
            p->info->release(prop_field(dev, p));
        }
    }
}

/* The options that are not properties (QEMU's -device names them too). */
static bool is_device_option(const char *key)
{
    return !strcmp(key, "driver") || !strcmp(key, "id") ||
           !strcmp(key, "bus");
}

static bool set_props(DeviceState *dev, JsonObject *opts, bool from_json,
                      Error **errp)
{
    JsonObjectIter iter;
    const char *key;
    JsonNode *value;

    json_object_iter_init(&iter, opts);
    while (json_object_iter_next(&iter, &key, &value)) {
        const Property *prop;
        if (is_device_option(key)) {
            continue;
        }
        prop = find_prop(dev->cls, key);
        if (!prop) {
            error_setg(errp, "Property '%s.%s' not found", dev->cls->name,
                       key);
            return false;
        }
        if (!prop->info->set(dev, prop, value, from_json,
                             prop_field(dev, prop), errp)) {
            return false;
        }
    }
    return true;
}

/* ---- add and delete ---- */

/* OPTS's string member KEY, or NULL; false if it is not a string. */
static bool get_option(JsonObject *opts, const char *key, const char **out,
                       Error **errp)
{
    JsonNode *node = json_object_get_member(opts, key);

    *out = NULL;
    if (!node) {
        return true;
    }
    if (!JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_STRING) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   key);
        return false;
    }
    *out = json_node_get_string(node);
    return true;
}

/* Where a device of CLS goes: bus=NAME, or the first bus with room. */
static BusState *find_bus(const DeviceClass *cls, const char *name,
                          bool hot, Error **errp)
{
    BusState *bus;

    if (!cls->bus_type) {
        return NULL;
    }
    if (name) {
        bus = qbus_find(name);
        if (!bus) {
            error_setg(errp, "Bus '%s' not found", name);
            return NULL;
        }
        if (!qbus_accepts(bus, cls->bus_type)) {
            error_setg(errp, "Device '%s' can't go on %s bus", cls->name,
                       bus->type);
            return NULL;
        }
    } else {
        bus = qbus_find_free(cls->bus_type);
        if (!bus) {
            error_setg(errp, "No '%s' bus found for device '%s'",
                       cls->bus_type, cls->name);
            return NULL;
        }
    }
    if (hot && !bus->hotpluggable) {
        error_setg(errp, "Bus '%s' does not support hotplugging", bus->name);
        return NULL;
    }
    return bus;
}

static void qdev_free_unrealized(DeviceState *dev)
{
    release_props(dev);
    g_free(dev->id);
    g_free(dev->path);
    g_free(dev);
}

DeviceState *qdev_device_add_from_json(JsonObject *opts, bool from_json,
                                       bool hot, Error **errp)
{
    const char *driver, *id, *bus_name;
    const DeviceClass *cls;
    BusState *bus;
    DeviceState *dev;

    if (!get_option(opts, "driver", &driver, errp) ||
        !get_option(opts, "id", &id, errp) ||
        !get_option(opts, "bus", &bus_name, errp)) {
        return NULL;
    }
    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return NULL;
    }
    cls = qdev_find_class(driver);
    if (!cls) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    if (id && !id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        return NULL;
    }
    if (id && qdev_find(id)) {
        error_setg(errp, "Duplicate device ID '%s'", id);
        return NULL;
    }
    if (hot && !cls->hotpluggable) {
        error_setg(errp, "Device '%s' can not be hotplugged on this machine",
                   driver);
        return NULL;
    }
    bus = find_bus(cls, bus_name, hot, errp);
    if (cls->bus_type && !bus) {
        return NULL;
    }

    dev = g_malloc0(cls->instance_size);
    dev->cls = cls;
    dev->id = g_strdup(id);
    dev->hotplugged = hot;
    set_defaults(dev);
    if (!set_props(dev, opts, from_json, errp)) {
        qdev_free_unrealized(dev);
        return NULL;
    }
    dev->path = id ? g_strdup_printf("/machine/peripheral/%s", id)
                   : g_strdup_printf("/machine/peripheral-anon/device[%u]",
                                     anon_count++);
    if (!cls->realize(dev, bus, errp)) {
        qdev_free_unrealized(dev);
        return NULL;
    }
    g_queue_push_tail(&devices, dev);
    return dev;
}

static void print_device_types(void)
{
    printf("Controller/Bridge/Hub devices and Network devices:\n");
    for (guint i = 0; classes && i < classes->len; i++) {
        const DeviceClass *cls = g_ptr_array_index(classes, i);
        printf("name \"%s\"%s%s, desc \"%s\"\n", cls->name,
               cls->bus_type ? ", bus " : "", cls->bus_type ? cls->bus_type : "",
               cls->desc);
    }
}

static void print_device_props(const DeviceClass *cls)
{
    printf("%s options:\n", cls->name);
    for (const Property *p = cls->props; p && p->name; p++) {
        g_autoptr(JsonNode) def = p->info->get_default && p->has_default ?
                                  p->info->get_default(p) : NULL;
        g_autofree char *def_text = def ? json_to_string(def, FALSE) : NULL;

        printf("  %s=<%s>%s%s", p->name, p->info->name,
               p->description ? "  - " : "",
               p->description ? p->description : "");
        if (def_text) {
            printf(" (default: %s)", def_text);
        }
        printf("\n");
    }
}

bool qdev_device_help(const char *driver, Error **errp)
{
    const DeviceClass *cls;

    if (!driver) {
        print_device_types();
        return true;
    }
    cls = qdev_find_class(driver);
    if (!cls) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return false;
    }
    print_device_props(cls);
    return true;
}

static void qdev_free(DeviceState *dev)
{
    BusState *bus = dev->parent_bus;

    g_queue_remove(&devices, dev);
    if (bus) {
        bus->ops->unplug(bus, dev->bus_child);
        bus->num_devices--;
    }
    if (dev->cls->unrealize) {
        dev->cls->unrealize(dev);
    }
    qdev_free_unrealized(dev);
}

void qdev_unplug_complete(DeviceState *dev)
{
    qapi_event_send_device_deleted(dev->id, dev->path);
    qdev_free(dev);
}

bool qdev_device_del(const char *id, Error **errp)
{
    DeviceState *dev = qdev_find(id);
    BusState *bus;

    if (!dev) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", id);
        return false;
    }
    bus = dev->parent_bus;
    if (!dev->cls->hotpluggable) {
        error_setg(errp, "Device '%s' does not support hotplugging",
                   dev->cls->name);
        return false;
    }
    if (dev->unplug_requested) {
        error_setg(errp, "Device %s is already in the process of unplug", id);
        return false;
    }
    if (!bus || !bus->hotpluggable || !bus->ops->request_unplug) {
        error_setg(errp, "Bus '%s' does not support hotplugging",
                   bus ? bus->name : "main-system-bus");
        return false;
    }
    if (!bus->ops->request_unplug(bus, dev->bus_child, errp)) {
        return false;
    }
    dev->unplug_requested = true;
    return true;
}

void qdev_cleanup(void)
{
    while (!g_queue_is_empty(&devices)) {
        qdev_free(g_queue_peek_tail(&devices));
    }
}
