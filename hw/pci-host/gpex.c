/*
 * Generic PCIe host bridge (ECAM); see include/hw/pci-host/gpex.h.
 */

#include "hw/pci-host/gpex.h"

#include <glib.h>
#include <string.h>

/* The host bridge identifies itself as QEMU's does (Red Hat, gpex). */
#define GPEX_VENDOR 0x1b36
#define GPEX_DEVICE 0x0008
#define PCI_CLASS_BRIDGE_HOST 0x060000

void pci_host_init(PCIHost *host, PCIHostSetIrq *set_irq, void *opaque)
{
    memset(host, 0, sizeof(*host));
    host->root.host = host;
    host->set_irq = set_irq;
    host->irq_opaque = opaque;
    pci_device_init(&host->bridge, "gpex-pcihost", GPEX_VENDOR, GPEX_DEVICE,
                    PCI_CLASS_BRIDGE_HOST, 0, false, NULL, NULL);
    pci_bus_attach(&host->root, &host->bridge, PCI_DEVFN(0, 0));
}

static PCIBus *find_bus_below(PCIBus *bus, unsigned busnum)
{
    for (int devfn = 0; devfn < 256; devfn++) {
        PCIDevice *dev = bus->devices[devfn];
        unsigned secondary, subordinate;

        if (!dev || !dev->secondary) {
            continue;
        }
        secondary = dev->config[PCI_SECONDARY_BUS];
        subordinate = dev->config[PCI_SUBORDINATE_BUS];
        if (secondary == 0) {
            continue;           /* not numbered yet */
        }
        if (busnum == secondary) {
            return dev->secondary;
        }
        if (busnum > secondary && busnum <= subordinate) {
            return find_bus_below(dev->secondary, busnum);
        }
    }
    return NULL;
}

PCIBus *pci_host_find_bus(PCIHost *host, unsigned busnum)
{
    return busnum == 0 ? &host->root : find_bus_below(&host->root, busnum);
}

static PCIDevice *ecam_device(PCIHost *host, uint64_t offset)
{
    PCIBus *bus = pci_host_find_bus(host, (unsigned)(offset >> 20) & 0xff);

    return bus ? bus->devices[(offset >> 12) & 0xff] : NULL;
}

uint64_t pci_host_ecam_read(PCIHost *host, uint64_t offset, unsigned size)
{
    PCIDevice *dev = ecam_device(host, offset);

    if (!dev) {
        return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    }
    return pci_config_read(dev, (uint32_t)(offset & 0xfff), size);
}

void pci_host_ecam_write(PCIHost *host, uint64_t offset, uint64_t value,
                         unsigned size)
{
    PCIDevice *dev = ecam_device(host, offset);

    if (dev) {
        pci_config_write(dev, (uint32_t)(offset & 0xfff), (uint32_t)value, size);
    }
}

/* The BAR of any device on any bus that decodes [ADDR, ADDR + SIZE). */
static const PCIBar *find_bar(PCIBus *bus, bool io, uint64_t addr,
                              unsigned size, uint64_t *offset)
{
    for (int devfn = 0; devfn < 256; devfn++) {
        PCIDevice *dev = bus->devices[devfn];
        if (!dev) {
            continue;
        }
        for (int i = 0; i < PCI_NUM_BARS; i++) {
            const PCIBar *bar = &dev->bars[i];
            uint64_t base;
            if (!bar->size || !!(bar->flags & PCI_BASE_ADDRESS_SPACE_IO) != io ||
                !pci_bar_address(dev, i, &base)) {
                continue;
            }
            if (addr >= base && addr - base < bar->size &&
                size <= bar->size - (addr - base)) {
                *offset = addr - base;
                return bar;
            }
        }
        if (dev->secondary) {
            const PCIBar *bar = find_bar(dev->secondary, io, addr, size, offset);
            if (bar) {
                return bar;
            }
        }
    }
    return NULL;
}

bool pci_host_bar_read(PCIHost *host, bool io, uint64_t addr, unsigned size,
                       uint64_t *value)
{
    uint64_t offset;
    const PCIBar *bar = find_bar(&host->root, io, addr, size, &offset);

    if (!bar || !bar->ops->read) {
        *value = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
        return false;
    }
    *value = bar->ops->read(bar->opaque, offset, size);
    return true;
}

bool pci_host_bar_write(PCIHost *host, bool io, uint64_t addr, unsigned size,
                        uint64_t value)
{
    uint64_t offset;
    const PCIBar *bar = find_bar(&host->root, io, addr, size, &offset);

    if (!bar || !bar->ops->write) {
        return false;
    }
    bar->ops->write(bar->opaque, offset, value, size);
    return true;
}

void pci_host_intx_change(PCIHost *host, int line, int delta)
{
    int before = host->line_count[line];

    host->line_count[line] += delta;
    g_assert(host->line_count[line] >= 0);
    if ((before > 0) != (host->line_count[line] > 0) && host->set_irq) {
        host->set_irq(host->irq_opaque, line, host->line_count[line] > 0);
    }
}

static void reset_bus(PCIBus *bus)
{
    for (int devfn = 0; devfn < 256; devfn++) {
        PCIDevice *dev = bus->devices[devfn];
        if (dev) {
            pci_device_reset(dev);
            if (dev->secondary) {
                reset_bus(dev->secondary);
            }
        }
    }
}

void pci_host_reset(PCIHost *host)
{
    reset_bus(&host->root);
}
