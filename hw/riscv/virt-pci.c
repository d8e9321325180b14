/*
 * The virt board's PCIe: the generic ECAM host bridge on the board's
 * windows, its INTA..INTD on PLIC sources 32..35, and its root bus
 * "pcie.0" for -device, whose devices reach guest RAM.
 *
 * Address translation is the identity for memory (CPU 0x40000000 is PCI
 * 0x40000000) and an offset for I/O (CPU 0x3000000 is PCI I/O port 0), as
 * the device tree's ranges say (virt-fdt.c).
 */

#include <glib.h>

#include "hw/intc/sifive_plic.h"
#include "hw/irq.h"
#include "hw/pci/pci-devices.h"
#include "hw/riscv/virt.h"

static uint64_t ecam_read(void *opaque, hwaddr offset, unsigned size)
{
    return pci_host_ecam_read(opaque, offset, size);
}

static void ecam_write(void *opaque, hwaddr offset, uint64_t value,
                       unsigned size)
{
    pci_host_ecam_write(opaque, offset, value, size);
}

static const MMIORegionOps ecam_ops = {
    .read = ecam_read,
    .write = ecam_write,
    .valid_sizes = MMIO_SIZE_1 | MMIO_SIZE_2 | MMIO_SIZE_4,
};

static uint64_t mmio_window_read(void *opaque, hwaddr offset, unsigned size)
{
    uint64_t value;

    pci_host_bar_read(opaque, false, virt_memmap[VIRT_PCIE_MMIO].base + offset,
                      size, &value);
    return value;
}

static void mmio_window_write(void *opaque, hwaddr offset, uint64_t value,
                              unsigned size)
{
    pci_host_bar_write(opaque, false, virt_memmap[VIRT_PCIE_MMIO].base + offset,
                       size, value);
}

static const MMIORegionOps mmio_window_ops = {
    .read = mmio_window_read,
    .write = mmio_window_write,
};

static uint64_t io_window_read(void *opaque, hwaddr offset, unsigned size)
{
    uint64_t value;

    pci_host_bar_read(opaque, true, offset, size, &value);
    return value;
}

static void io_window_write(void *opaque, hwaddr offset, uint64_t value,
                            unsigned size)
{
    pci_host_bar_write(opaque, true, offset, size, value);
}

static const MMIORegionOps io_window_ops = {
    .read = io_window_read,
    .write = io_window_write,
    .valid_sizes = MMIO_SIZE_1 | MMIO_SIZE_2 | MMIO_SIZE_4,
};

static void pci_line(void *opaque, int line, int level)
{
    VirtMachineState *s = opaque;

    qemu_set_irq(sifive_plic_get_irq(s->plic, VIRT_PCIE_IRQ + line), level);
}

static void pci_reset(void *opaque)
{
    pci_host_reset(opaque);
}

bool virt_pci_init(VirtMachineState *s, Error **errp)
{
    static const struct {
        const char *name;
        int entry;
        const MMIORegionOps *ops;
    } windows[] = {
        { "pcie-ecam", VIRT_PCIE_ECAM, &ecam_ops },
        { "pcie-mmio", VIRT_PCIE_MMIO, &mmio_window_ops },
        { "pcie-pio", VIRT_PCIE_PIO, &io_window_ops },
    };

    s->pci = g_new0(PCIHost, 1);
    pci_host_init(s->pci, pci_line, s);
    for (size_t i = 0; i < G_N_ELEMENTS(windows); i++) {
        const MemMapEntry *m = &virt_memmap[windows[i].entry];
        if (!mmio_map_add(s->mmio, windows[i].name, m->base, m->size,
                          windows[i].ops, s->pci, errp)) {
            return false;
        }
    }
    qbus_register(pci_root_bus_new(s->pci, &s->dma));
    s->ms->services->register_reset(pci_reset, s->pci);
    return true;
}
