/*
 * PCI in the device model: the root bus and root-port buses as
 * BusStates, and the pcie-root-port type; see
 * include/hw/pci/pci-devices.h.
 */

#include "hw/pci/pci-devices.h"

#include <stddef.h>

#include "hw/pci-bridge/pcie-root-port.h"
#include "hw/qdev-properties.h"

/* ---- the root bus: cold plug at addr= or the first free slot ---- */

static bool root_bus_plug(BusState *bus, DeviceState *owner, void *child,
                          int addr, bool hot, Error **errp)
{
    PCIBus *pbus = pci_bus_of(bus);
    PCIDevice *dev = child;
    int devfn = addr;

    dev->owner = owner;
    if (devfn < 0) {
        int slot = pci_bus_free_slot(pbus, 1);
        if (slot < 0) {
            error_setg(errp, "PCI: no slot/function available for %s, all "
                       "in use", owner->cls->name);
            return false;
        }
        devfn = PCI_DEVFN(slot, 0);
    }
    if (!pci_bus_check_function(pbus, dev, (uint8_t)devfn, errp)) {
        return false;
    }
    if (!pci_bus_attach(pbus, dev, (uint8_t)devfn)) {
        error_setg(errp, "PCI: slot %d function %d not available for %s, in "
                   "use by %s", PCI_SLOT(devfn), devfn & 7, owner->cls->name,
                   pbus->devices[devfn]->name);
        return false;
    }
    return true;
}

static void pci_bus_unplug(BusState *bus, void *child)
{
    PCIDevice *dev = child;

    if (dev->bus) {
        pci_bus_detach(dev);
    }
}

static const BusOps root_bus_ops = {
    .plug = root_bus_plug,
    .unplug = pci_bus_unplug,
};

BusState *pci_root_bus_new(PCIHost *host, const DMAContext *dma)
{
    BusState *bus = g_new0(BusState, 1);

    bus->name = g_strdup(PCI_ROOT_BUS_NAME);
    bus->type = "PCIE";
    bus->ops = &root_bus_ops;
    bus->opaque = &host->root;
    bus->dma = dma;
    return bus;
}

/* ---- a root port's bus: one slot, hot-pluggable ---- */

static PCIERootPort *port_of_bus(BusState *bus)
{
    return (PCIERootPort *)((char *)pci_bus_of(bus) -
                            offsetof(PCIERootPort, bus));
}

static bool port_bus_plug(BusState *bus, DeviceState *owner, void *child,
                          int addr, bool hot, Error **errp)
{
    PCIDevice *dev = child;

    if (addr > 0) {
        error_setg(errp, "PCI: slot %d function %d not available for %s: "
                   "a root port has one slot, 0.0", PCI_SLOT(addr), addr & 7,
                   owner->cls->name);
        return false;
    }
    dev->owner = owner;
    return pcie_root_port_plug(port_of_bus(bus), dev, hot, errp);
}

static bool port_bus_request_unplug(BusState *bus, void *child, Error **errp)
{
    return pcie_root_port_request_unplug(port_of_bus(bus), errp);
}

static void port_bus_unplug(BusState *bus, void *child)
{
    PCIERootPort *port = port_of_bus(bus);
    PCIERootPortUnplugDone *done = port->unplug_done;

    if (port->child == child) {
        /* Detach without the completion callback: the caller is freeing. */
        port->unplug_done = NULL;
        pcie_root_port_remove(port);
        port->unplug_done = done;
    } else {
        pci_bus_unplug(bus, child);
    }
}

static const BusOps port_bus_ops = {
    .plug = port_bus_plug,
    .request_unplug = port_bus_request_unplug,
    .unplug = port_bus_unplug,
};

/* ---- pcie-root-port ---- */

typedef struct RootPortDevice {
    DeviceState qdev;
    PCIERootPort port;
    BusState bus;               /* the slot, named by the port's id */
    uint32_t chassis;
    uint32_t slot;
    uint32_t port_nr;
    int32_t addr;
    bool multifunction;
} RootPortDevice;

/* The guest let go of a hot-plugged device: it is gone now. */
static void root_port_unplug_done(void *opaque, PCIDevice *child)
{
    if (child->owner) {
        qdev_unplug_complete(child->owner);
    }
}

static bool root_port_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    RootPortDevice *rp = (RootPortDevice *)dev;

    if (pci_bus_is_express_slot(bus)) {
        error_setg(errp, "pcie-root-port can only be plugged into bus '%s'",
                   PCI_ROOT_BUS_NAME);
        return false;
    }
    if (rp->chassis > 255 || rp->slot > 0x1fff) {
        error_setg(errp, "pcie-root-port: chassis must be 0..255 and slot "
                   "0..8191");
        return false;
    }
    pcie_root_port_init(&rp->port, dev->id ? dev->id : "pcie-root-port",
                        (uint8_t)rp->chassis, (uint16_t)rp->slot,
                        root_port_unplug_done, rp);
    pci_device_set_multifunction(&rp->port.dev, rp->multifunction);
    if (!qdev_bus_plug(dev, bus, &rp->port.dev, rp->addr, errp)) {
        g_free(rp->port.dev.name);
        return false;
    }
    rp->bus = (BusState){
        .name = g_strdup(dev->id ? dev->id : dev->path),
        .type = "PCIE",
        .ops = &port_bus_ops,
        .opaque = &rp->port.bus,
        .dma = bus->dma,
        .hotpluggable = true,
        .max_devices = 1,
    };
    qbus_register(&rp->bus);
    return true;
}

static void root_port_unrealize(DeviceState *dev)
{
    RootPortDevice *rp = (RootPortDevice *)dev;

    qbus_unregister(&rp->bus);
    g_free(rp->bus.name);
    /* Devices are freed newest first, so a child is normally gone by now;
     * if not, it leaves without a DEVICE_DELETED for a device being freed. */
    rp->port.unplug_done = NULL;
    pcie_root_port_remove(&rp->port);
    g_free(rp->port.dev.name);
}

static const Property root_port_props[] = {
    DEFINE_PROP_UINT32("chassis", RootPortDevice, chassis, 0,
                       "chassis number (0..255)"),
    DEFINE_PROP_UINT32("slot", RootPortDevice, slot, 0,
                       "physical slot number"),
    DEFINE_PROP_UINT32("port", RootPortDevice, port_nr, 0,
                       "port number (accepted for compatibility)"),
    DEFINE_PROP_PCI_DEVFN("addr", RootPortDevice, addr,
                          "slot[.function] on pcie.0"),
    DEFINE_PROP_BOOL("multifunction", RootPortDevice, multifunction, false,
                     "on/off: the slot's functions 1-7 may be populated"),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceClass root_port_class = {
    .name = "pcie-root-port",
    .desc = "PCI Express root port with a hot-plug slot",
    .parent = "pci-device",
    .bus_type = "PCIE",
    .hotpluggable = false,
    .instance_size = sizeof(RootPortDevice),
    .props = root_port_props,
    .realize = root_port_realize,
    .unrealize = root_port_unrealize,
};

qdev_type_init(root_port_class)
