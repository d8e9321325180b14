/*
 * pcie-root-port: a PCIe root port with one slot and native hot-plug, the
 * place `device_add` puts a NIC into a running guest.
 *
 * Plugging sets presence and link-active in the slot status and, when hot,
 * interrupts the guest (pciehp).  Unplugging is cooperative, as on real
 * hardware: pcie_root_port_request_unplug() presses the attention button;
 * the guest releases the device and powers the slot off, and only then is
 * the device taken out and unplug_done called (the caller emits
 * DEVICE_DELETED there).  The port's interrupt is INTx (no MSI here).
 */
#ifndef HW_PCI_BRIDGE_PCIE_ROOT_PORT_H
#define HW_PCI_BRIDGE_PCIE_ROOT_PORT_H

#include "hw/pci/pci.h"
#include "qapi/error.h"

typedef struct PCIERootPort PCIERootPort;
typedef void PCIERootPortUnplugDone(void *opaque, PCIDevice *child);

struct PCIERootPort {
    PCIDevice dev;
    PCIBus bus;                 /* the secondary bus: the slot */
    uint8_t exp;                /* offset of the PCIe capability */
    PCIDevice *child;           /* what is in the slot */
    bool unplug_pending;
    PCIERootPortUnplugDone *unplug_done;
    void *unplug_opaque;
};

/* QEMU's identity for its generic root port (Red Hat 1b36:000c). */
void pcie_root_port_init(PCIERootPort *port, const char *id, uint8_t chassis,
                         uint16_t slot, PCIERootPortUnplugDone *unplug_done,
                         void *opaque);
/* Puts CHILD in the slot (function 0).  HOT: the guest is running and
 * gets a presence-detect interrupt. */
bool pcie_root_port_plug(PCIERootPort *port, PCIDevice *child, bool hot,
                         Error **errp);
/* Asks the guest to release the slot (attention button). */
bool pcie_root_port_request_unplug(PCIERootPort *port, Error **errp);
/* Takes the child out at once (machine teardown, or a guest without
 * hot-plug support after a reset). */
void pcie_root_port_remove(PCIERootPort *port);

#endif
