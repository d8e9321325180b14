/*
 * PCI in the device model: PCI buses as BusStates, and the pcie-root-port
 * device type (hw/pci/pci-devices.c).
 *
 * A PCI BusState's opaque is its PCIBus: the host bridge's root bus
 * ("pcie.0", made by the board with pci_root_bus_new(), cold plug only,
 * any slot) or a root port's secondary bus (named by the port's id, one
 * slot, hot-pluggable).  Devices on either plug their PCIDevice with
 * qdev_bus_plug(); the bus's ops do the rest.
 */
#ifndef HW_PCI_PCI_DEVICES_H
#define HW_PCI_PCI_DEVICES_H

#include "hw/pci-host/gpex.h"
#include "hw/qdev.h"

#define PCI_ROOT_BUS_NAME "pcie.0"

/* HOST's root bus for the device model; DMA: what devices on it reach. */
BusState *pci_root_bus_new(PCIHost *host, const DMAContext *dma);

static inline PCIBus *pci_bus_of(BusState *bus)
{
    return bus->opaque;
}

/* True behind a root port: the device is a PCI Express endpoint. */
static inline bool pci_bus_is_express_slot(BusState *bus)
{
    return pci_bus_of(bus)->parent != NULL;
}

#endif
