/*
 * The device model: type registry, property checking, -device,
 * device_add/device_del; see include/hw/qdev.h.
 */

#include "hw/qdev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qapi/qapi-commands.h"
#include "qapi/qapi-events.h"
#include "qapi/util.h"
#include "system/runstate.h"
#include "util/keyval.h"

static GPtrArray *classes;      /* const DeviceClass * */
static GQueue devices = G_QUEUE_INIT;
static unsigned anon_count;

bool qdev_in_hotplug_phase(void)
{
    return runstate_get() != VM_RUN_STATE_PRELAUNCH;
}

void qdev_register_class(const DeviceClass *cls)
{
    if (!classes) {
        classes = g_ptr_array_new();
    }
    g_assert(!qdev_find_class(cls->name));
    g_assert(cls->instance_size >= sizeof(DeviceState));
    g_ptr_array_add(classes, (gpointer)cls);
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

void qdev_foreach(void (*fn)(DeviceState *dev, void *opaque), void *opaque)
{
    for (GList *l = devices.head; l;) {
        GList *next = l->next;
        fn(l->data, opaque);
        l = next;
    }
}

/* ---- properties ---- */

bool qdev_parse_mac(const char *text, uint8_t mac[6])
{
    unsigned v[6];
    char end;

    if (strlen(text) != 17 ||
        sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
               &v[4], &v[5], &end) != 6) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        if (!g_ascii_isxdigit(text[i * 3]) || !g_ascii_isxdigit(text[i * 3 + 1]) ||
            (i < 5 && text[i * 3 + 2] != ':')) {
            return false;
        }
        mac[i] = (uint8_t)v[i];
    }
    return true;
}

static bool parse_bool(const char *text, bool *out)
{
    if (!strcmp(text, "on") || !strcmp(text, "yes") || !strcmp(text, "true")) {
        *out = true;
        return true;
    }
    if (!strcmp(text, "off") || !strcmp(text, "no") || !strcmp(text, "false")) {
        *out = false;
        return true;
    }
    return false;
}

static bool parse_uint32(const char *text, uint32_t *out)
{
    char *end;
    unsigned long long v;

    if (!*text || *text == '-') {
        return false;
    }
    v = strtoull(text, &end, 0);
    if (*end || v > UINT32_MAX) {
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

static bool parse_pci_addr(const char *text, int *slot, int *function)
{
    char *end;
    unsigned long s = strtoul(text, &end, 16), f = 0;

    if (end == text || s > 31) {
        return false;
    }
    if (*end == '.') {
        const char *fn = end + 1;
        f = strtoul(fn, &end, 16);
        if (end == fn || f > 7) {
            return false;
        }
    }
    if (*end) {
        return false;
    }
    *slot = (int)s;
    *function = (int)f;
    return true;
}

static const DeviceProperty *find_prop(const DeviceClass *cls, const char *name)
{
    for (const DeviceProperty *p = cls->props; p && p->name; p++) {
        if (strcmp(p->name, name) == 0) {
            return p;
        }
    }
    return NULL;
}

static bool check_prop(const DeviceClass *cls, const DeviceProperty *prop,
                       const char *value, Error **errp)
{
    uint8_t mac[6];
    uint32_t u;
    bool b;
    int slot, fn;
    bool ok = true;

    switch (prop->type) {
    case DEV_PROP_STRING:
        break;
    case DEV_PROP_BOOL:
        ok = parse_bool(value, &b);
        break;
    case DEV_PROP_UINT32:
        ok = parse_uint32(value, &u);
        break;
    case DEV_PROP_MAC:
        ok = qdev_parse_mac(value, mac);
        break;
    case DEV_PROP_PCI_ADDR:
        ok = parse_pci_addr(value, &slot, &fn);
        break;
    }
    if (!ok) {
        error_setg(errp, "Property '%s.%s' doesn't take value '%s'", cls->name,
                   prop->name, value);
    }
    return ok;
}

const char *qdev_prop_string(DeviceState *dev, const char *name)
{
    return g_hash_table_lookup(dev->props, name);
}

bool qdev_prop_bool(DeviceState *dev, const char *name, bool dflt)
{
    const char *v = qdev_prop_string(dev, name);
    bool b = dflt;

    if (v) {
        parse_bool(v, &b);
    }
    return b;
}

uint32_t qdev_prop_uint32(DeviceState *dev, const char *name, uint32_t dflt)
{
    const char *v = qdev_prop_string(dev, name);
    uint32_t u = dflt;

    if (v) {
        parse_uint32(v, &u);
    }
    return u;
}

bool qdev_prop_mac(DeviceState *dev, const char *name, uint8_t mac[6])
{
    const char *v = qdev_prop_string(dev, name);

    return v && qdev_parse_mac(v, mac);
}

bool qdev_prop_pci_addr(DeviceState *dev, const char *name, int *slot,
                        int *function)
{
    const char *v = qdev_prop_string(dev, name);

    return v && parse_pci_addr(v, slot, function);
}

/* ---- add and delete ---- */

DeviceState *qdev_device_add(GHashTable *opts, bool hot, Error **errp)
{
    const char *driver = g_hash_table_lookup(opts, "driver");
    const char *id = g_hash_table_lookup(opts, "id");
    const DeviceClass *cls;
    DeviceState *dev;
    GHashTableIter iter;
    gpointer key, value;

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
    g_hash_table_iter_init(&iter, opts);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        const DeviceProperty *prop;
        if (!strcmp(key, "driver") || !strcmp(key, "id") || !strcmp(key, "bus")) {
            continue;
        }
        prop = find_prop(cls, key);
        if (!prop) {
            error_setg(errp, "Property '%s.%s' not found", driver,
                       (const char *)key);
            return NULL;
        }
        if (!check_prop(cls, prop, value, errp)) {
            return NULL;
        }
    }

    dev = g_malloc0(cls->instance_size);
    dev->cls = cls;
    dev->id = g_strdup(id);
    dev->path = id ? g_strdup_printf("/machine/peripheral/%s", id)
                   : g_strdup_printf("/machine/peripheral-anon/device[%u]",
                                     anon_count++);
    dev->props = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_hash_table_iter_init(&iter, opts);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        g_hash_table_insert(dev->props, g_strdup(key), g_strdup(value));
    }
    dev->hotplugged = hot;
    if (!cls->realize(dev, errp)) {
        g_hash_table_unref(dev->props);
        g_free(dev->id);
        g_free(dev->path);
        g_free(dev);
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
    static const char *const type_names[] = {
        [DEV_PROP_STRING] = "str", [DEV_PROP_BOOL] = "bool",
        [DEV_PROP_UINT32] = "uint32", [DEV_PROP_MAC] = "str",
        [DEV_PROP_PCI_ADDR] = "int32",
    };

    printf("%s options:\n", cls->name);
    for (const DeviceProperty *p = cls->props; p && p->name; p++) {
        printf("  %s=<%s>%s%s\n", p->name, type_names[p->type],
               p->help ? "  - " : "", p->help ? p->help : "");
    }
}

bool qdev_device_add_cli(const char *optarg, bool *exit_now, Error **errp)
{
    bool help = false;
    JsonNode *args = keyval_parse(optarg, "driver", &help, errp);
    g_autoptr(GHashTable) opts = NULL;
    JsonObjectIter iter;
    const char *key;
    JsonNode *value;
    bool ok;

    *exit_now = false;
    if (!args) {
        return false;
    }
    opts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    json_object_iter_init(&iter, json_node_get_object(args));
    while (json_object_iter_next(&iter, &key, &value)) {
        if (!JSON_NODE_HOLDS_VALUE(value)) {
            error_setg(errp, "Parameter '%s' expects a scalar value", key);
            json_node_unref(args);
            return false;
        }
        g_hash_table_insert(opts, g_strdup(key),
                            g_strdup(json_node_get_string(value)));
    }
    json_node_unref(args);
    if (help) {
        const char *driver = g_hash_table_lookup(opts, "driver");
        const DeviceClass *cls = driver ? qdev_find_class(driver) : NULL;
        *exit_now = true;
        if (driver && !cls) {
            error_setg(errp, "'%s' is not a valid device model name", driver);
            return false;
        }
        if (cls) {
            print_device_props(cls);
        } else {
            print_device_types();
        }
        return true;
    }
    ok = qdev_device_add(opts, false, errp) != NULL;
    return ok;
}

static void qdev_free(DeviceState *dev)
{
    g_queue_remove(&devices, dev);
    if (dev->cls->unrealize) {
        dev->cls->unrealize(dev);
    }
    g_hash_table_unref(dev->props);
    g_free(dev->id);
    g_free(dev->path);
    g_free(dev);
}

void qdev_unplug_complete(DeviceState *dev)
{
    qapi_event_send_device_deleted(dev->id, dev->path);
    qdev_free(dev);
}

bool qdev_device_del(const char *id, Error **errp)
{
    DeviceState *dev = qdev_find(id);

    if (!dev) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", id);
        return false;
    }
    if (!dev->cls->request_unplug) {
        error_setg(errp, "Device '%s' does not support hotplugging",
                   dev->cls->name);
        return false;
    }
    if (dev->unplug_requested) {
        error_setg(errp, "Device %s is already in the process of unplug", id);
        return false;
    }
    if (!dev->cls->request_unplug(dev, errp)) {
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

/* ---- QMP ---- */

void qmp_device_add(JsonObject *args, JsonNode **ret, Error **errp)
{
    g_autoptr(GHashTable) opts =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    JsonObjectIter iter;
    const char *key;
    JsonNode *value;

    json_object_iter_init(&iter, args);
    while (json_object_iter_next(&iter, &key, &value)) {
        char *text;
        if (!JSON_NODE_HOLDS_VALUE(value)) {
            error_setg(errp, "Parameter '%s' expects a scalar value", key);
            return;
        }
        switch (json_node_get_value_type(value) == G_TYPE_BOOLEAN ? 1 :
                json_node_get_value_type(value) == G_TYPE_INT64 ? 2 :
                json_node_get_value_type(value) == G_TYPE_STRING ? 3 : 0) {
        case 1:
            text = g_strdup(json_node_get_boolean(value) ? "on" : "off");
            break;
        case 2:
            text = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(value));
            break;
        case 3:
            text = g_strdup(json_node_get_string(value));
            break;
        default:
            error_setg(errp, "Parameter '%s' has an unsupported type", key);
            return;
        }
        g_hash_table_insert(opts, g_strdup(key), text);
    }
    if (qdev_device_add(opts, qdev_in_hotplug_phase(), errp)) {
        *ret = json_node_init_object(json_node_alloc(), json_object_new());
    }
}

void qmp_device_del(const char *id, Error **errp)
{
    qdev_device_del(id, errp);
}
