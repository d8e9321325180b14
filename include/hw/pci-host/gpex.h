/*
 * The generic PCIe host bridge (ECAM): the root bus, configuration access
 * through the ECAM window, and routing of the MMIO/IO windows to BARs.
 *
 * The machine maps three windows and calls in with offsets: ECAM (bus <<
 * 20 | devfn << 12 | register), and the MMIO and IO windows, whose PCI
 * addresses the machine computes from its device-tree `ranges`.  Root-bus
 * INTx lines 0..3 (INTA..INTD after swizzle by slot) come out through
 * set_irq, which the machine wires to four PLIC sources.
 */
#ifndef HW_PCI_HOST_GPEX_H
#define HW_PCI_HOST_GPEX_H

#include "hw/pci/pci.h"

typedef void PCIHostSetIrq(void *opaque, int line, int level);

struct PCIHost {
    PCIBus root;
    PCIDevice bridge;           /* the host bridge itself, 00.0 */
    PCIHostSetIrq *set_irq;
    void *irq_opaque;
    int line_count[4];          /* devices asserting each root line */
};

void pci_host_init(PCIHost *host, PCIHostSetIrq *set_irq, void *opaque);

uint64_t pci_host_ecam_read(PCIHost *host, uint64_t offset, unsigned size);
void pci_host_ecam_write(PCIHost *host, uint64_t offset, uint64_t value,
                         unsigned size);

/* A BAR access at PCI address ADDR; false if no BAR decodes it (reads
 * then see all ones, writes are dropped). */
bool pci_host_bar_read(PCIHost *host, bool io, uint64_t addr, unsigned size,
                       uint64_t *value);
bool pci_host_bar_write(PCIHost *host, bool io, uint64_t addr, unsigned size,
                        uint64_t value);

/* Bus by number as the guest programmed bridges; NULL if none. */
PCIBus *pci_host_find_bus(PCIHost *host, unsigned busnum);

/* For the core: DELTA (+1/-1) devices now assert root line LINE. */
void pci_host_intx_change(PCIHost *host, int line, int delta);

void pci_host_reset(PCIHost *host);

#endif
