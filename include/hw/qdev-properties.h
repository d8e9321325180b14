/*
 * Typed device properties, bound to fields of the device's state struct.
 *
 * A type's table lists, for each property, its name, its PropertyInfo
 * (how values are parsed, what type help and introspection show), the
 * offset of the field it fills, its default and a description:
 *
 *   static const Property foo_props[] = {
 *       DEFINE_PROP_BOOL("x", FooState, x, true, "what x does"),
 *       DEFINE_PROP_END_OF_LIST(),
 *   };
 *
 * Values arrive as keyval strings (the command line) or as JSON scalars
 * (-device '{...}', device_add); each PropertyInfo accepts both, with
 * QEMU's errors.  Defaults are applied before the given values; fields a
 * property owns (strings) are freed with the device.
 */
#ifndef HW_QDEV_PROPERTIES_H
#define HW_QDEV_PROPERTIES_H

#include <stddef.h>

#include "hw/qdev.h"

typedef struct PropertyInfo {
    const char *name;           /* "str", "bool", "uint32", "int32", ... */
    /* Parses VALUE into FIELD.  The error names DEV's type and PROP. */
    bool (*set)(DeviceState *dev, const Property *prop, JsonNode *value,
                bool from_json, void *field, Error **errp);
    void (*set_default)(const Property *prop, void *field);
    /* The default as JSON (help, introspection); NULL: no default. */
    JsonNode *(*get_default)(const Property *prop);
    void (*release)(void *field);
} PropertyInfo;

struct Property {
    const char *name;
    const PropertyInfo *info;
    size_t offset;
    const char *description;
    bool has_default;
    int64_t defval;             /* bool, integers, OnOffAuto */
};

/* For -device/-nic NIC defaults and virtio-net: "on", "off", "auto". */
typedef enum OnOffAuto {
    ON_OFF_AUTO_AUTO,
    ON_OFF_AUTO_ON,
    ON_OFF_AUTO_OFF,
} OnOffAuto;

/* A MAC address property; SET false: the user gave none. */
typedef struct MACAddrProp {
    uint8_t a[6];
    bool set;
} MACAddrProp;

extern const PropertyInfo qdev_prop_string;      /* char * (g_free) */
extern const PropertyInfo qdev_prop_bool;        /* bool */
extern const PropertyInfo qdev_prop_uint32;      /* uint32_t */
extern const PropertyInfo qdev_prop_macaddr;     /* MACAddrProp */
extern const PropertyInfo qdev_prop_pci_devfn;   /* int32_t, -1: any */
extern const PropertyInfo qdev_prop_on_off_auto; /* OnOffAuto */

#define DEFINE_PROP(_name, _state, _field, _info, _type, _has_def, _def, \
                    _desc)                                              \
    { .name = (_name), .info = &(_info),                                \
      .offset = offsetof(_state, _field) +                              \
                0 * sizeof((_type *)0 == &((_state *)0)->_field),       \
      .description = (_desc), .has_default = (_has_def),                \
      .defval = (_def) }

#define DEFINE_PROP_STRING(n, s, f, d) \
    DEFINE_PROP(n, s, f, qdev_prop_string, char *, false, 0, d)
#define DEFINE_PROP_BOOL(n, s, f, def, d) \
    DEFINE_PROP(n, s, f, qdev_prop_bool, bool, true, def, d)
#define DEFINE_PROP_UINT32(n, s, f, def, d) \
    DEFINE_PROP(n, s, f, qdev_prop_uint32, uint32_t, true, def, d)
#define DEFINE_PROP_MACADDR(n, s, f, d) \
    DEFINE_PROP(n, s, f, qdev_prop_macaddr, MACAddrProp, false, 0, d)
#define DEFINE_PROP_PCI_DEVFN(n, s, f, d) \
    DEFINE_PROP(n, s, f, qdev_prop_pci_devfn, int32_t, true, -1, d)
#define DEFINE_PROP_ON_OFF_AUTO(n, s, f, def, d) \
    DEFINE_PROP(n, s, f, qdev_prop_on_off_auto, OnOffAuto, true, def, d)
#define DEFINE_PROP_END_OF_LIST() { .name = NULL }

/*
 * For PropertyInfo implementations elsewhere (netdev=): VALUE as text,
 * checking its JSON type when FROM_JSON ("string" only).
 */
const char *qdev_prop_value_string(const Property *prop, JsonNode *value,
                                   bool from_json, Error **errp);
/* "Property 'TYPE.NAME' doesn't take value 'VALUE'" */
void qdev_prop_error_value(DeviceState *dev, const Property *prop,
                           const char *value, Error **errp);

#endif
