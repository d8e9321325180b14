/*
 * PCIe root port with a hot-plug slot; see
 * include/hw/pci-bridge/pcie-root-port.h.
 *
 * Registers follow the PCI Express Base Specification (the PCI Express
 * capability, version 2): slot capabilities advertise an attention button,
 * power controller, indicators and hot-plug, and "no command completed
 * support", so the guest never waits for command completion.
 */

#include "hw/pci-bridge/pcie-root-port.h"

#include <glib.h>
#include <string.h>

#define ROOT_PORT_VENDOR 0x1b36
#define ROOT_PORT_DEVICE 0x000c
#define PCI_CLASS_BRIDGE_PCI 0x060400

/* Offsets inside the PCI Express capability. */
#define EXP_FLAGS       0x02
#define EXP_DEVCAP      0x04
#define EXP_DEVCTL      0x08
#define EXP_LNKCAP      0x0c
#define EXP_LNKCTL      0x10
#define EXP_LNKSTA      0x12
#define EXP_SLTCAP      0x14
#define EXP_SLTCTL      0x18
#define EXP_SLTSTA      0x1a
#define EXP_RTCTL       0x1c
#define EXP_DEVCTL2     0x28
#define EXP_LNKCAP2     0x2c
#define EXP_LNKCTL2     0x30
#define EXP_SIZE        0x3c

#define EXP_TYPE_ROOT_PORT      (4 << 4)
#define EXP_FLAGS_SLOT          0x0100
#define LNKCAP_SPEED_2_5        0x1
#define LNKCAP_WIDTH_X1         0x10
#define LNKCAP_DLLLARC          (1u << 20)
#define LNKSTA_DLLLA            0x2000

#define SLTCAP_ABP      0x01    /* attention button present */
#define SLTCAP_PCP      0x02    /* power controller present */
#define SLTCAP_AIP      0x08    /* attention indicator present */
#define SLTCAP_PIP      0x10    /* power indicator present */
#define SLTCAP_HPC      0x40    /* hot-plug capable */
#define SLTCAP_NCCS     (1u << 18)

#define SLTCTL_ABPE     0x0001
#define SLTCTL_PDCE     0x0008
#define SLTCTL_CCIE     0x0010
#define SLTCTL_HPIE     0x0020
#define SLTCTL_AIC      0x00c0
#define SLTCTL_PIC      0x0300
#define SLTCTL_PCC      0x0400  /* power controller: 1 = off */
#define SLTCTL_DLLSCE   0x1000
#define SLTCTL_PIC_ON   0x0100
#define SLTCTL_AIC_OFF  0x00c0
#define SLTCTL_PIC_OFF  0x0300

#define SLTSTA_ABP      0x0001
#define SLTSTA_PDC      0x0008
#define SLTSTA_CC       0x0010
#define SLTSTA_PDS      0x0040
#define SLTSTA_DLLSC    0x0100
#define SLTSTA_EVENTS   (SLTSTA_ABP | 0x2 | 0x4 | SLTSTA_PDC | SLTSTA_CC | \
                         SLTSTA_DLLSC)

static uint16_t exp_word(PCIERootPort *port, unsigned reg)
{
    return pci_get_word(port->dev.config + port->exp + reg);
}

static void exp_set_word(PCIERootPort *port, unsigned reg, uint16_t value)
{
    pci_set_word(port->dev.config + port->exp + reg, value);
}

/* INTx is level: asserted while an enabled event is pending. */
static void root_port_update_irq(PCIERootPort *port)
{
    uint16_t ctl = exp_word(port, EXP_SLTCTL);
    uint16_t sta = exp_word(port, EXP_SLTSTA);
    bool pending = (ctl & SLTCTL_HPIE) &&
        (((sta & SLTSTA_ABP) && (ctl & SLTCTL_ABPE)) ||
         ((sta & SLTSTA_PDC) && (ctl & SLTCTL_PDCE)) ||
         ((sta & SLTSTA_CC) && (ctl & SLTCTL_CCIE)) ||
         ((sta & SLTSTA_DLLSC) && (ctl & SLTCTL_DLLSCE)));

    pci_set_irq(&port->dev, pending);
}

static void set_presence(PCIERootPort *port, bool present, bool event)
{
    uint16_t sta = exp_word(port, EXP_SLTSTA);
    uint16_t lnk = exp_word(port, EXP_LNKSTA);

    sta = present ? (sta | SLTSTA_PDS) : (sta & ~SLTSTA_PDS);
    lnk = present ? (lnk | LNKSTA_DLLLA) : (lnk & ~LNKSTA_DLLLA);
    if (event) {
        sta |= SLTSTA_PDC | SLTSTA_DLLSC;
    }
    exp_set_word(port, EXP_SLTSTA, sta);
    exp_set_word(port, EXP_LNKSTA, lnk);
    root_port_update_irq(port);
}

static void take_out_child(PCIERootPort *port)
{
    PCIDevice *child = port->child;

    port->child = NULL;
    port->unplug_pending = false;
    pci_bus_detach(child);
    if (port->unplug_done) {
        port->unplug_done(port->unplug_opaque, child);
    }
}

static void root_port_config_written(PCIDevice *dev, uint32_t offset,
                                     unsigned size)
{
    PCIERootPort *port = dev->opaque;
    uint32_t ctl = port->exp + EXP_SLTCTL;

    if (offset < ctl + 4 && offset + size > ctl) {
        /* The guest powered the slot off: the device is released. */
        if (port->unplug_pending && port->child &&
            (exp_word(port, EXP_SLTCTL) & SLTCTL_PCC)) {
            take_out_child(port);
            set_presence(port, false, true);
            exp_set_word(port, EXP_SLTSTA,
                         exp_word(port, EXP_SLTSTA) & ~SLTSTA_ABP);
        }
        root_port_update_irq(port);
    }
}

static void root_port_reset(PCIDevice *dev)
{
    PCIERootPort *port = dev->opaque;

    dev->config[PCI_PRIMARY_BUS] = 0;
    dev->config[PCI_SECONDARY_BUS] = 0;
    dev->config[PCI_SUBORDINATE_BUS] = 0;
    pci_set_word(dev->config + PCI_BRIDGE_CONTROL, 0);
    /* An empty slot starts powered off, an occupied one on (with its
     * power indicator), so the guest powers a hot-added device on itself. */
    exp_set_word(port, EXP_SLTCTL, SLTCTL_AIC_OFF |
                 (port->child ? SLTCTL_PIC_ON : SLTCTL_PIC_OFF | SLTCTL_PCC));
    exp_set_word(port, EXP_SLTSTA, port->child ? SLTSTA_PDS : 0);
    exp_set_word(port, EXP_LNKSTA, LNKCAP_SPEED_2_5 | LNKCAP_WIDTH_X1 |
                 (port->child ? LNKSTA_DLLLA : 0));
    /* A reset ends any unplug request: a guest that never answered it
     * cannot answer after a reboot either, so the device goes now. */
    if (port->unplug_pending && port->child) {
        take_out_child(port);
        set_presence(port, false, false);
    }
}

static const PCIDeviceOps root_port_ops = {
    .config_written = root_port_config_written,
    .reset = root_port_reset,
};

void pcie_root_port_init(PCIERootPort *port, const char *id, uint8_t chassis,
                         uint16_t slot, PCIERootPortUnplugDone *unplug_done,
                         void *opaque)
{
    PCIDevice *dev = &port->dev;
    uint8_t *cfg, *wm, *w1c;

    memset(&port->bus, 0, sizeof(port->bus));
    port->child = NULL;
    port->unplug_pending = false;
    port->unplug_done = unplug_done;
    port->unplug_opaque = opaque;
    pci_device_init(dev, id, ROOT_PORT_VENDOR, ROOT_PORT_DEVICE,
                    PCI_CLASS_BRIDGE_PCI, 0, true, &root_port_ops, port);
    dev->config[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_BRIDGE;
    dev->secondary = &port->bus;
    port->bus.parent = dev;
    pci_set_intx_pin(dev, 1);

    /* Type 1 header: bus numbers, windows, bridge control. */
    memset(dev->wmask + PCI_PRIMARY_BUS, 0xff, 3);
    dev->wmask[0x1c] = 0xf0;                    /* I/O base */
    dev->wmask[0x1d] = 0xf0;                    /* I/O limit */
    pci_set_word(dev->w1cmask + 0x1e, 0xf900);  /* secondary status */
    memset(dev->wmask + 0x20, 0xff, 12);        /* memory + prefetch windows */
    pci_set_word(dev->wmask + 0x20, 0xfff0);
    pci_set_word(dev->wmask + 0x22, 0xfff0);
    pci_set_word(dev->wmask + 0x24, 0xfff0);
    pci_set_word(dev->wmask + 0x26, 0xfff0);
    dev->config[0x24] = 0x01;                   /* 64-bit prefetchable */
    dev->config[0x26] = 0x01;
    memset(dev->wmask + 0x28, 0xff, 12);        /* prefetch upper, I/O upper */
    pci_set_word(dev->wmask + PCI_BRIDGE_CONTROL, 0x0fff);

    port->exp = pci_add_capability(dev, PCI_CAP_ID_EXP, EXP_SIZE);
    cfg = dev->config + port->exp;
    wm = dev->wmask + port->exp;
    w1c = dev->w1cmask + port->exp;
    pci_set_word(cfg + EXP_FLAGS, 2 | EXP_TYPE_ROOT_PORT | EXP_FLAGS_SLOT);
    pci_set_long(cfg + EXP_DEVCAP, 1u << 15);   /* role-based errors */
    pci_set_word(wm + EXP_DEVCTL, 0xffff);
    pci_set_long(cfg + EXP_LNKCAP, LNKCAP_SPEED_2_5 | LNKCAP_WIDTH_X1 |
                 LNKCAP_DLLLARC | (uint32_t)chassis << 24);
    pci_set_word(wm + EXP_LNKCTL, 0x0fff);
    pci_set_long(cfg + EXP_SLTCAP, SLTCAP_ABP | SLTCAP_PCP | SLTCAP_AIP |
                 SLTCAP_PIP | SLTCAP_HPC | SLTCAP_NCCS |
                 (uint32_t)(slot & 0x1fff) << 19);
    pci_set_word(wm + EXP_SLTCTL, SLTCTL_ABPE | 0x2 | 0x4 | SLTCTL_PDCE |
                 SLTCTL_CCIE | SLTCTL_HPIE | SLTCTL_AIC | SLTCTL_PIC |
                 SLTCTL_PCC | 0x0800 | SLTCTL_DLLSCE);
    pci_set_word(w1c + EXP_SLTSTA, SLTSTA_EVENTS);
    pci_set_word(wm + EXP_RTCTL, 0x001f);
    pci_set_word(wm + EXP_DEVCTL2, 0xffff);
    pci_set_long(cfg + EXP_LNKCAP2, 0x2);       /* supports 2.5 GT/s */
    pci_set_word(cfg + EXP_LNKCTL2, 0x1);
    pci_set_word(wm + EXP_LNKCTL2, 0x000f);
    root_port_reset(dev);
}

bool pcie_root_port_plug(PCIERootPort *port, PCIDevice *child, bool hot,
                         Error **errp)
{
    if (port->child) {
        error_setg(errp, "Bus '%s' does not support hotplugging: its slot "
                   "is occupied", port->dev.name);
        return false;
    }
    if (!pci_bus_attach(&port->bus, child, PCI_DEVFN(0, 0))) {
        error_setg(errp, "PCI: slot 0 function 0 not available for %s, in "
                   "use by %s", child->name, port->bus.devices[0]->name);
        return false;
    }
    port->child = child;
    if (!hot) {
        /* Cold plug: the slot is simply occupied and powered at start. */
        exp_set_word(port, EXP_SLTCTL, (exp_word(port, EXP_SLTCTL) &
                     ~(SLTCTL_PCC | SLTCTL_PIC)) | SLTCTL_PIC_ON);
    }
    set_presence(port, true, hot);
    return true;
}

bool pcie_root_port_request_unplug(PCIERootPort *port, Error **errp)
{
    if (!port->child) {
        error_setg(errp, "Slot of %s is empty", port->dev.name);
        return false;
    }
    port->unplug_pending = true;
    exp_set_word(port, EXP_SLTSTA, exp_word(port, EXP_SLTSTA) | SLTSTA_ABP);
    root_port_update_irq(port);
    return true;
}

void pcie_root_port_remove(PCIERootPort *port)
{
    if (port->child) {
        take_out_child(port);
        set_presence(port, false, false);
    }
}
