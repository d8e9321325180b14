/*
 * PCI as the device model sees it: the machine's host bridge and guest
 * memory, buses by name ("pcie.0", or a root port's id), and the PCI
 * device types -device and device_add create (pcie-root-port,
 * virtio-net-pci).
 */
#ifndef HW_PCI_PCI_DEVICES_H
#define HW_PCI_PCI_DEVICES_H

#include "hw/dma.h"
#include "hw/pci-bridge/pcie-root-port.h"
#include "hw/pci-host/gpex.h"
#include "hw/qdev.h"

#define PCI_ROOT_BUS_NAME "pcie.0"

/* The machine's PCIe host and the guest RAM its devices reach. */
void pci_machine_set(PCIHost *host, const DMAContext *dma);
PCIHost *pci_machine_host(void);
const DMAContext *pci_machine_dma(void);

/*
 * Plugs DEV as DRIVER into the bus named BUS_NAME (NULL: the root bus) at
 * the device's "addr" property, or the first free slot.  On a root port's
 * bus a hot plug raises the guest's hot-plug interrupt; on the root bus
 * only cold plugging exists.
 */
bool pci_qdev_plug(DeviceState *owner, PCIDevice *dev, bool hot, Error **errp);
/* device_del for a PCI device: through its root port's attention button. */
bool pci_qdev_request_unplug(PCIDevice *dev, Error **errp);
/* Takes DEV off its bus at once (unrealize, reset of a lost request). */
void pci_qdev_unplug_now(PCIDevice *dev);
/* True if DEV sits behind a root port (a PCI Express endpoint). */
bool pci_qdev_bus_is_express(DeviceState *owner);

/* Registers pcie-root-port and virtio-net-pci. */
void pci_devices_register(void);

#endif
