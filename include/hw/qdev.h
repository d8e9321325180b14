/*
 * The device model: device types with typed property tables, the buses
 * they plug into, and creation (-device, QMP device_add) and removal
 * (device_del).
 *
 * Types.  A DeviceClass names a type ("virtio-net-pci"), the bus type it
 * needs, a property table (include/hw/qdev-properties.h: name, type,
 * default, description, offset of the field in the instance struct) and
 * realize (build the device and plug it into the bus it is given; all
 * checks happen here, so a failure changes nothing).  Each type registers
 * itself at the bottom of its own file with qdev_type_init(), a
 * constructor: adding a device is adding a file, nothing else lists it.
 * The emulator links the libraries holding types whole (see
 * hw/meson.build), since nothing else references those objects.
 *
 * Properties are parsed once, when the device is created, straight into
 * the instance struct; realize reads fields, never strings.
 *
 * Buses.  A BusState is created by whoever provides it (the board: pcie.0
 * and the virtio-mmio slots; a pcie-root-port: the bus named by its id)
 * and registered here; bus= finds it by name, otherwise the first bus of
 * the type's bus_type with room is used.  The bus carries what devices
 * on it need (DMA context, bus-specific state with its interrupt lines)
 * and its plug/unplug ops; no global hands those out.
 *
 * Hot or cold: the caller says (the system layer knows whether the guest
 * has run, see system/qdev-monitor.c); this layer never asks.
 */
#ifndef HW_QDEV_H
#define HW_QDEV_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/dma.h"
#include "qapi/error.h"

typedef struct DeviceState DeviceState;
typedef struct DeviceClass DeviceClass;
typedef struct BusState BusState;
typedef struct Property Property;

/*
 * What a bus does with a device's bus-specific part (CHILD: a PCIDevice
 * on PCI buses, a VirtIOMMIOProxy on virtio-mmio).  ADDR is the address
 * the user asked for (PCI devfn), -1: the bus picks.
 */
typedef struct BusOps {
    bool (*plug)(BusState *bus, DeviceState *dev, void *child, int addr,
                 bool hot, Error **errp);
    /* device_del: ask the guest to let go; the bus later calls
     * qdev_unplug_complete().  NULL if the bus has no hot-unplug. */
    bool (*request_unplug)(BusState *bus, void *child, Error **errp);
    /* Takes CHILD off at once (unrealize); it may already be gone. */
    void (*unplug)(BusState *bus, void *child);
} BusOps;

struct BusState {
    char *name;                 /* what bus= says: "pcie.0", a port's id */
    const char *type;           /* "PCIE", "virtio-bus" */
    const BusOps *ops;
    void *opaque;               /* the bus's own state, see its provider */
    const DMAContext *dma;      /* guest memory as devices on it see it */
    bool hotpluggable;
    unsigned max_devices;       /* 0: no limit here (the ops may refuse) */
    unsigned num_devices;
};

struct DeviceClass {
    const char *name;
    const char *desc;
    /* The abstract type it derives from, as qom-list-types shows it
     * ("pci-device", "virtio-device"); NULL: "device". */
    const char *parent;
    const char *bus_type;       /* "PCI", "PCIE", "virtio-bus"; NULL: none */
    bool hotpluggable;
    size_t instance_size;       /* >= sizeof(DeviceState) */
    const Property *props;      /* ends with DEFINE_PROP_END_OF_LIST() */
    /* BUS: where the device goes (NULL only if bus_type is NULL). */
    bool (*realize)(DeviceState *dev, BusState *bus, Error **errp);
    void (*unrealize)(DeviceState *dev);
};

struct DeviceState {
    const DeviceClass *cls;
    char *id;                   /* NULL if the user gave none */
    char *path;                 /* QOM-style path DEVICE_DELETED reports */
    bool hotplugged;            /* created while the guest ran */
    bool unplug_requested;
    BusState *parent_bus;       /* set by qdev_bus_plug() */
    void *bus_child;
};

/* Adds CLS to the types -device knows (from a constructor). */
void qdev_register_type(const DeviceClass *cls);
#define qdev_type_init(cls)                                             \
    static void __attribute__((constructor)) qdev_register_##cls(void) \
    {                                                                   \
        qdev_register_type(&cls);                                       \
    }
const DeviceClass *qdev_find_class(const char *name);
/* Calls FN for each registered type, in name order. */
void qdev_foreach_class(void (*fn)(const DeviceClass *cls, void *opaque),
                        void *opaque);

/* Buses: the provider registers a bus once it can take devices and
 * unregisters it before freeing it. */
void qbus_register(BusState *bus);
void qbus_unregister(BusState *bus);
BusState *qbus_find(const char *name);
/* True if a device of BUS_TYPE may go on BUS ("PCI" devices on "PCIE"). */
bool qbus_accepts(const BusState *bus, const char *bus_type);
/* The first registered bus for BUS_TYPE with room, or NULL. */
BusState *qbus_find_free(const char *bus_type);

/*
 * Creates and realizes a device from OPTS: "driver", optional "id" and
 * "bus", and properties.  FROM_JSON false: every value is a keyval string
 * (the command line); true: JSON-typed values (-device JSON, device_add).
 * HOT: the guest has run (only hot-pluggable types on hot-pluggable buses).
 */
DeviceState *qdev_device_add_from_json(JsonObject *opts, bool from_json,
                                       bool hot, Error **errp);
/* -device help (DRIVER NULL) and -device DRIVER,help: prints the list. */
bool qdev_device_help(const char *driver, Error **errp);

/* For realize: puts CHILD of DEV on BUS (see BusOps). */
bool qdev_bus_plug(DeviceState *dev, BusState *bus, void *child, int addr,
                   Error **errp);

/* device_del: asks the device's bus to release it. */
bool qdev_device_del(const char *id, Error **errp);
/* The guest released DEV: DEVICE_DELETED, unrealize, free. */
void qdev_unplug_complete(DeviceState *dev);
DeviceState *qdev_find(const char *id);
/* Calls FN for every device made from options, in creation order. */
void qdev_foreach_device(void (*fn)(DeviceState *dev, void *opaque),
                         void *opaque);
/* Unrealizes and frees every device, newest first (at exit). */
void qdev_cleanup(void);

#endif
