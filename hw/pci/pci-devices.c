/*
 * PCI in the device model: the machine's host, buses by name, plugging
 * with bus=/addr=, and the pcie-root-port type; see
 * include/hw/pci/pci-devices.h.
 */

#include "hw/pci/pci-devices.h"
#include "hw/virtio/virtio-net-qdev.h"

#include <stddef.h>
#include <string.h>

static PCIHost *machine_host;
static const DMAContext *machine_dma;

void pci_machine_set(PCIHost *host, const DMAContext *dma)
{
    machine_host = host;
    machine_dma = dma;
}

PCIHost *pci_machine_host(void)
{
    return machine_host;
}

const DMAContext *pci_machine_dma(void)
{
    return machine_dma;
}

/* ---- pcie-root-port ---- */

typedef struct RootPortDevice {
    DeviceState qdev;
    PCIERootPort port;
} RootPortDevice;

static PCIERootPort *root_port_by_id(const char *id)
{
    DeviceState *dev = qdev_find(id);

    if (!dev || strcmp(dev->cls->name, "pcie-root-port") != 0) {
        return NULL;
    }
    return &((RootPortDevice *)dev)->port;
}

/* The guest let go of a hot-plugged device: it is gone now. */
static void root_port_unplug_done(void *opaque, PCIDevice *child)
{
    if (child->owner) {
        qdev_unplug_complete(child->owner);
    }
}

static bool root_port_realize(DeviceState *dev, Error **errp)
{
    RootPortDevice *rp = (RootPortDevice *)dev;
    const char *bus = qdev_prop_string(dev, "bus");
    uint32_t chassis = qdev_prop_uint32(dev, "chassis", 0);
    uint32_t slot = qdev_prop_uint32(dev, "slot", 0);

    if (!machine_host) {
        error_setg(errp, "No 'PCIE' bus found for device 'pcie-root-port'");
        return false;
    }
    if (bus && strcmp(bus, PCI_ROOT_BUS_NAME) != 0) {
        error_setg(errp, "pcie-root-port can only be plugged into bus '%s'",
                   PCI_ROOT_BUS_NAME);
        return false;
    }
    if (chassis > 255 || slot > 0x1fff) {
        error_setg(errp, "pcie-root-port: chassis must be 0..255 and slot "
                   "0..8191");
        return false;
    }
    pcie_root_port_init(&rp->port, dev->id ? dev->id : "pcie-root-port",
                        (uint8_t)chassis, (uint16_t)slot,
                        root_port_unplug_done, rp);
    rp->port.dev.owner = dev;
    if (!pci_qdev_plug(dev, &rp->port.dev, false, errp)) {
        g_free(rp->port.dev.name);
        return false;
    }
    return true;
}

static void root_port_unrealize(DeviceState *dev)
{
    RootPortDevice *rp = (RootPortDevice *)dev;

    /* Devices are freed newest first, so a child is normally gone by now;
     * if not, it leaves without a DEVICE_DELETED for a device being freed. */
    rp->port.unplug_done = NULL;
    pcie_root_port_remove(&rp->port);
    pci_bus_detach(&rp->port.dev);
    g_free(rp->port.dev.name);
}

static const DeviceProperty root_port_props[] = {
    { "chassis", DEV_PROP_UINT32, "chassis number (0..255)" },
    { "slot", DEV_PROP_UINT32, "physical slot number" },
    { "port", DEV_PROP_UINT32, "port number (accepted for compatibility)" },
    { "addr", DEV_PROP_PCI_ADDR, "slot[.function] on pcie.0" },
    { "multifunction", DEV_PROP_BOOL, "accepted for compatibility" },
    { NULL },
};

static const DeviceClass root_port_class = {
    .name = "pcie-root-port",
    .desc = "PCI Express root port with a hot-plug slot",
    .bus_type = "PCIE",
    .hotpluggable = false,
    .instance_size = sizeof(RootPortDevice),
    .props = root_port_props,
    .realize = root_port_realize,
    .unrealize = root_port_unrealize,
};

/* ---- plugging ---- */

bool pci_qdev_bus_is_express(DeviceState *owner)
{
    const char *bus = qdev_prop_string(owner, "bus");

    return bus && strcmp(bus, PCI_ROOT_BUS_NAME) != 0;
}

bool pci_qdev_plug(DeviceState *owner, PCIDevice *dev, bool hot, Error **errp)
{
    const char *bus_name = qdev_prop_string(owner, "bus");
    int slot = -1, function = 0;
    PCIERootPort *port = NULL;

    if (!machine_host) {
        error_setg(errp, "No 'PCI' bus found for device '%s'", owner->cls->name);
        return false;
    }
    dev->owner = owner;
    qdev_prop_pci_addr(owner, "addr", &slot, &function);
    if (bus_name && strcmp(bus_name, PCI_ROOT_BUS_NAME) != 0) {
        port = root_port_by_id(bus_name);
        if (!port) {
            error_setg(errp, "Bus '%s' not found", bus_name);
            return false;
        }
        if (slot > 0 || function > 0) {
            error_setg(errp, "PCI: slot %d function %d not available for %s: "
                       "a root port has one slot, 0.0", slot, function,
                       owner->cls->name);
            return false;
        }
        return pcie_root_port_plug(port, dev, hot, errp);
    }
    if (hot) {
        error_setg(errp, "Bus '%s' does not support hotplugging",
                   PCI_ROOT_BUS_NAME);
        return false;
    }
    if (slot < 0) {
        slot = pci_bus_free_slot(&machine_host->root, 1);
        if (slot < 0) {
            error_setg(errp, "PCI: no slot/function available for %s, all "
                       "in use", owner->cls->name);
            return false;
        }
    }
    if (!pci_bus_attach(&machine_host->root, dev, PCI_DEVFN(slot, function))) {
        PCIDevice *other = machine_host->root.devices[PCI_DEVFN(slot, function)];
        error_setg(errp, "PCI: slot %d function %d not available for %s, in "
                   "use by %s", slot, function, owner->cls->name, other->name);
        return false;
    }
    return true;
}

static PCIERootPort *port_of(PCIDevice *dev)
{
    PCIDevice *parent = dev->bus ? dev->bus->parent : NULL;

    /* Root ports are the only bridges: the parent is one's PCIDevice. */
    return parent ? (PCIERootPort *)((char *)parent -
                                     offsetof(PCIERootPort, dev)) : NULL;
}

bool pci_qdev_request_unplug(PCIDevice *dev, Error **errp)
{
    PCIERootPort *port = port_of(dev);

    if (!port) {
        error_setg(errp, "Bus '%s' does not support hotplugging",
                   PCI_ROOT_BUS_NAME);
        return false;
    }
    return pcie_root_port_request_unplug(port, errp);
}

void pci_qdev_unplug_now(PCIDevice *dev)
{
    PCIERootPort *port = port_of(dev);

    if (port && port->child == dev) {
        /* Detach without the completion callback: the caller is freeing. */
        port->unplug_done = NULL;
        pcie_root_port_remove(port);
        port->unplug_done = root_port_unplug_done;
    } else {
        pci_bus_detach(dev);
    }
}

void pci_devices_register(void)
{
    if (!qdev_find_class(root_port_class.name)) {
        qdev_register_class(&root_port_class);
        virtio_net_pci_register();
        /* Not PCI, but registered with its sibling virtio-net type. */
        virtio_net_device_register();
    }
}
