/*
 * The device model: device types with typed properties, created by
 * -device and QMP device_add, removed by device_del.
 *
 * A DeviceClass names a type ("virtio-net-pci"), lists its properties and
 * gives realize (build and plug the device; all checks happen here, so a
 * failure changes nothing) and, for hot-pluggable types, request_unplug
 * (ask the guest to let go; the device calls qdev_unplug_complete() when it
 * did, which emits DEVICE_DELETED and frees it).
 *
 * Properties arrive as strings (the command line's key=value, or QMP
 * arguments turned into strings) and are checked against the class's
 * list before realize sees them, with QEMU's error messages.
 */
#ifndef HW_QDEV_H
#define HW_QDEV_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "qapi/error.h"

typedef enum DevicePropType {
    DEV_PROP_STRING,
    DEV_PROP_BOOL,
    DEV_PROP_UINT32,
    DEV_PROP_MAC,               /* 52:54:00:12:34:56 */
    DEV_PROP_PCI_ADDR,          /* slot[.function], hex */
} DevicePropType;

typedef struct DeviceProperty {
    const char *name;
    DevicePropType type;
    const char *help;
} DeviceProperty;

typedef struct DeviceState DeviceState;

typedef struct DeviceClass {
    const char *name;
    const char *desc;
    const char *bus_type;       /* "PCI", "PCIE", or NULL (system bus) */
    bool hotpluggable;
    size_t instance_size;       /* >= sizeof(DeviceState) */
    const DeviceProperty *props;    /* ends with { NULL } */
    bool (*realize)(DeviceState *dev, Error **errp);
    void (*unrealize)(DeviceState *dev);
    bool (*request_unplug)(DeviceState *dev, Error **errp);
} DeviceClass;

struct DeviceState {
    const DeviceClass *cls;
    char *id;                   /* NULL if the user gave none */
    char *path;                 /* QOM-style path DEVICE_DELETED reports */
    GHashTable *props;          /* name -> value, as given */
    bool hotplugged;            /* created while the guest ran */
    bool unplug_requested;
};

void qdev_register_class(const DeviceClass *cls);

/*
 * Devices added before the guest first runs (command line, or QMP under
 * -S, the prelaunch state) are cold-plugged; after that, device_add is a
 * hot-plug.
 */
bool qdev_in_hotplug_phase(void);
const DeviceClass *qdev_find_class(const char *name);

/*
 * Creates and realizes a device from OPTS (string keys/values including
 * "driver", optional "id" and "bus").  HOT: the guest is running.
 */
DeviceState *qdev_device_add(GHashTable *opts, bool hot, Error **errp);
/* -device DRIVER,key=value,...; "help" and "DRIVER,help" print and set
 * *EXIT_NOW. */
bool qdev_device_add_cli(const char *optarg, bool *exit_now, Error **errp);
bool qdev_device_del(const char *id, Error **errp);
/* The guest released DEV: DEVICE_DELETED, unrealize, free. */
void qdev_unplug_complete(DeviceState *dev);
DeviceState *qdev_find(const char *id);
void qdev_foreach(void (*fn)(DeviceState *dev, void *opaque), void *opaque);
/* Unrealizes and frees every device (at exit). */
void qdev_cleanup(void);

/* Property values, already validated. */
const char *qdev_prop_string(DeviceState *dev, const char *name);
bool qdev_prop_bool(DeviceState *dev, const char *name, bool dflt);
uint32_t qdev_prop_uint32(DeviceState *dev, const char *name, uint32_t dflt);
/* False if unset. */
bool qdev_prop_mac(DeviceState *dev, const char *name, uint8_t mac[6]);
bool qdev_prop_pci_addr(DeviceState *dev, const char *name, int *slot,
                        int *function);

/* Parses "52:54:00:12:34:56". */
bool qdev_parse_mac(const char *text, uint8_t mac[6]);

#endif
