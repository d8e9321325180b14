/*
 * The property types every device can use; see
 * include/hw/qdev-properties.h.
 */

#include "hw/qdev-properties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void qdev_prop_error_value(DeviceState *dev, const Property *prop,
                           const char *value, Error **errp)
{
    error_setg(errp, "Property '%s.%s' doesn't take value '%s'",
               dev->cls->name, prop->name, value);
}

static GType value_type(JsonNode *value)
{
    return JSON_NODE_HOLDS_VALUE(value) ? json_node_get_value_type(value)
                                        : G_TYPE_INVALID;
}

/* QEMU's QERR_INVALID_PARAMETER_TYPE. */
static void wrong_type(const Property *prop, const char *expected,
                       Error **errp)
{
    error_setg(errp, "Invalid parameter type for '%s', expected: %s",
               prop->name, expected);
}

const char *qdev_prop_value_string(const Property *prop, JsonNode *value,
                                   bool from_json, Error **errp)
{
    if (value_type(value) != G_TYPE_STRING) {
        wrong_type(prop, "string", errp);
        return NULL;
    }
    return json_node_get_string(value);
}

/* ---- str ---- */

static bool set_string(DeviceState *dev, const Property *prop,
                       JsonNode *value, bool from_json, void *field,
                       Error **errp)
{
    const char *text = qdev_prop_value_string(prop, value, from_json, errp);
    char **ptr = field;

    if (!text) {
        return false;
    }
    g_free(*ptr);
    *ptr = g_strdup(text);
    return true;
}

static void release_string(void *field)
{
    char **ptr = field;

    g_clear_pointer(ptr, g_free);
}

const PropertyInfo qdev_prop_string = {
    .name = "str",
    .set = set_string,
    .release = release_string,
};

/* ---- bool ---- */

static bool parse_bool(const char *text, bool *out)
{
    if (!strcmp(text, "on") || !strcmp(text, "yes") || !strcmp(text, "true")) {
        *out = true;
        return true;
    }
    if (!strcmp(text, "off") || !strcmp(text, "no") ||
        !strcmp(text, "false")) {
        *out = false;
        return true;
    }
    return false;
}

static bool set_bool(DeviceState *dev, const Property *prop, JsonNode *value,
                     bool from_json, void *field, Error **errp)
{
    bool *ptr = field;
    const char *text;

    if (from_json) {
        if (value_type(value) != G_TYPE_BOOLEAN) {
            wrong_type(prop, "boolean", errp);
            return false;
        }
        *ptr = json_node_get_boolean(value);
        return true;
    }
    text = qdev_prop_value_string(prop, value, from_json, errp);
    if (text && !parse_bool(text, ptr)) {
        qdev_prop_error_value(dev, prop, text, errp);
        return false;
    }
    return text != NULL;
}

static void default_bool(const Property *prop, void *field)
{
    *(bool *)field = prop->defval != 0;
}

static JsonNode *get_default_bool(const Property *prop)
{
    return json_node_init_boolean(json_node_alloc(), prop->defval != 0);
}

const PropertyInfo qdev_prop_bool = {
    .name = "bool",
    .set = set_bool,
    .set_default = default_bool,
    .get_default = get_default_bool,
};

/* ---- integers ---- */

static JsonNode *get_default_int(const Property *prop)
{
    return json_node_init_int(json_node_alloc(), prop->defval);
}

/* A JSON integer or (keyval) a decimal/0x-hex string, in [MIN, MAX]. */
static bool get_int(DeviceState *dev, const Property *prop, JsonNode *value,
                    bool from_json, int64_t min, int64_t max, int64_t *out,
                    Error **errp)
{
    const char *text;
    char *end;
    long long v;

    if (from_json && value_type(value) == G_TYPE_INT64) {
        *out = json_node_get_int(value);
        if (*out < min || *out > max) {
            error_setg(errp, "Parameter '%s' expects a value between %"
                       G_GINT64_FORMAT " and %" G_GINT64_FORMAT, prop->name,
                       min, max);
            return false;
        }
        return true;
    }
    if (from_json) {
        wrong_type(prop, "integer", errp);
        return false;
    }
    text = qdev_prop_value_string(prop, value, from_json, errp);
    if (!text) {
        return false;
    }
    v = strtoll(text, &end, 0);
    if (!*text || *end || (min >= 0 && *text == '-') || v < min || v > max) {
        qdev_prop_error_value(dev, prop, text, errp);
        return false;
    }
    *out = v;
    return true;
}

static bool set_uint32(DeviceState *dev, const Property *prop,
                       JsonNode *value, bool from_json, void *field,
                       Error **errp)
{
    int64_t v;

    if (!get_int(dev, prop, value, from_json, 0, UINT32_MAX, &v, errp)) {
        return false;
    }
    *(uint32_t *)field = (uint32_t)v;
    return true;
}

static void default_uint32(const Property *prop, void *field)
{
    *(uint32_t *)field = (uint32_t)prop->defval;
}

const PropertyInfo qdev_prop_uint32 = {
    .name = "uint32",
    .set = set_uint32,
    .set_default = default_uint32,
    .get_default = get_default_int,
};

/* ---- mac: 52:54:00:12:34:56 ---- */

static bool parse_mac(const char *text, uint8_t mac[6])
{
    if (strlen(text) != 17) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        const char *p = text + i * 3;
        if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1]) ||
            (i < 5 && p[2] != ':')) {
            return false;
        }
        mac[i] = (uint8_t)(g_ascii_xdigit_value(p[0]) << 4 |
                           g_ascii_xdigit_value(p[1]));
    }
    return true;
}

static bool set_macaddr(DeviceState *dev, const Property *prop,
                        JsonNode *value, bool from_json, void *field,
                        Error **errp)
{
    MACAddrProp *mac = field;
    const char *text = qdev_prop_value_string(prop, value, from_json, errp);

    if (!text) {
        return false;
    }
    if (!parse_mac(text, mac->a)) {
        qdev_prop_error_value(dev, prop, text, errp);
        return false;
    }
    mac->set = true;
    return true;
}

const PropertyInfo qdev_prop_macaddr = {
    .name = "str",
    .set = set_macaddr,
};

/* ---- pci-devfn: "slot[.function]" in hex, or a JSON devfn number ---- */

static bool parse_devfn(const char *text, int32_t *devfn)
{
    char *end;
    unsigned long slot = strtoul(text, &end, 16), fn = 0;

    if (end == text || slot > 31) {
        return false;
    }
    if (*end == '.') {
        const char *f = end + 1;
        fn = strtoul(f, &end, 16);
        if (end == f || fn > 7) {
            return false;
        }
    }
    if (*end) {
        return false;
    }
    *devfn = (int32_t)(slot << 3 | fn);
    return true;
}

static bool set_pci_devfn(DeviceState *dev, const Property *prop,
                          JsonNode *value, bool from_json, void *field,
                          Error **errp)
{
    int32_t *ptr = field;
    const char *text;
    int64_t v;

    if (from_json && value_type(value) == G_TYPE_INT64) {
        if (!get_int(dev, prop, value, from_json, -1, 255, &v, errp)) {
            return false;
        }
        *ptr = (int32_t)v;
        return true;
    }
    text = qdev_prop_value_string(prop, value, from_json, errp);
    if (text && !parse_devfn(text, ptr)) {
        qdev_prop_error_value(dev, prop, text, errp);
        return false;
    }
    return text != NULL;
}

static void default_int32(const Property *prop, void *field)
{
    *(int32_t *)field = (int32_t)prop->defval;
}

const PropertyInfo qdev_prop_pci_devfn = {
    .name = "int32",
    .set = set_pci_devfn,
    .set_default = default_int32,
    .get_default = get_default_int,
};

/* ---- OnOffAuto ---- */

static const char *const on_off_auto_names[] = {
    [ON_OFF_AUTO_AUTO] = "auto",
    [ON_OFF_AUTO_ON] = "on",
    [ON_OFF_AUTO_OFF] = "off",
};

static bool set_on_off_auto(DeviceState *dev, const Property *prop,
                            JsonNode *value, bool from_json, void *field,
                            Error **errp)
{
    const char *text = qdev_prop_value_string(prop, value, from_json, errp);

    if (!text) {
        return false;
    }
    for (int i = 0; i < (int)G_N_ELEMENTS(on_off_auto_names); i++) {
        if (!strcmp(text, on_off_auto_names[i])) {
            *(OnOffAuto *)field = (OnOffAuto)i;
            return true;
        }
    }
    qdev_prop_error_value(dev, prop, text, errp);
    return false;
}

static void default_on_off_auto(const Property *prop, void *field)
{
    *(OnOffAuto *)field = (OnOffAuto)prop->defval;
}

static JsonNode *get_default_on_off_auto(const Property *prop)
{
    return json_node_init_string(json_node_alloc(),
                                 on_off_auto_names[prop->defval]);
}

const PropertyInfo qdev_prop_on_off_auto = {
    .name = "OnOffAuto",
    .set = set_on_off_auto,
    .set_default = default_on_off_auto,
    .get_default = get_default_on_off_auto,
};
