/*
 * The virtio PCI transport: a VirtIODevice exposed as a PCI function.
 *
 * Modern interface (VIRTIO 1.2, 4.1): vendor capabilities point into a
 * 64-bit memory BAR 4 holding the common configuration, ISR, device
 * configuration and notification areas, plus the PCI configuration access
 * capability.  Legacy interface (transitional devices): an I/O BAR 0 with
 * the pre-1.0 register layout.  Interrupts are INTx only (the virt
 * machine's PLIC has no MSI), following the ISR.
 *
 * A transitional device (legacy and modern) has device id 0x1000 + type -
 * 1; a modern-only one 0x1040 + type.  QEMU's rule for "auto": legacy on
 * the root bus, modern-only behind a PCIe port.
 */
#ifndef HW_VIRTIO_VIRTIO_PCI_H
#define HW_VIRTIO_VIRTIO_PCI_H

#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "hw/virtio/virtio.h"

typedef struct VirtIOPCIProxy {
    PCIDevice pci;
    VirtIODevice *vdev;
    bool legacy;
    bool express;
    uint32_t device_feature_select;
    uint32_t driver_feature_select;
    uint16_t queue_select;
    uint8_t cfg_cap;            /* offset of the PCI config access cap */
} VirtIOPCIProxy;

/*
 * Whether a device offers the legacy interface, as its disable-legacy=
 * property says: ON modern-only, OFF transitional, AUTO the rule above
 * (legacy unless the slot is behind a PCIe port, EXPRESS).
 */
static inline bool virtio_pci_wants_legacy(OnOffAuto disable_legacy,
                                           bool express)
{
    return disable_legacy == ON_OFF_AUTO_AUTO
           ? !express : disable_legacy == ON_OFF_AUTO_OFF;
}

/* Sets up PROXY as the PCI face of VDEV (not yet on a bus). */
void virtio_pci_init(VirtIOPCIProxy *proxy, VirtIODevice *vdev,
                     const char *name, bool legacy, bool express);

#endif
