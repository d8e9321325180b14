/*
 * The RISC-V "virt" board: memory map, interrupt numbers and board state.
 *
 * The map matches QEMU's virt machine so that guests built for it (Debian's
 * U-Boot, OpenSBI's generic platform, Linux) find their devices.  The
 * generic ECAM host bridge (virt-pci.c) answers in the PCIe windows.
 */
#ifndef HW_RISCV_VIRT_H
#define HW_RISCV_VIRT_H

#include <stdint.h>

#include "hw/boards.h"
#include "hw/dma.h"
#include "hw/loader.h"
#include "qemu/units.h"
#include "hw/mmio.h"
#include "target/riscv/cpu.h"

enum {
    VIRT_MROM,
    VIRT_TEST,
    VIRT_RTC,
    VIRT_CLINT,
    VIRT_PCIE_PIO,
    VIRT_PLIC,
    VIRT_UART0,
    VIRT_VIRTIO,
    VIRT_PCIE_ECAM,
    VIRT_PCIE_MMIO,
    VIRT_DRAM,
    VIRT_MEMMAP_COUNT,
};

typedef struct MemMapEntry {
    hwaddr base;
    hwaddr size;
} MemMapEntry;

extern const MemMapEntry virt_memmap[VIRT_MEMMAP_COUNT];

#define VIRT_RTC_IRQ            11
#define VIRT_UART0_IRQ          10
#define VIRT_VIRTIO_IRQ         1       /* slot i uses VIRT_VIRTIO_IRQ + i */
#define VIRT_VIRTIO_COUNT       8
#define VIRT_PCIE_IRQ           32      /* INTA..INTD = 32..35 */
#define VIRT_CPUS_MAX           8
#define VIRT_RAM_MIN            (16 * MiB)
#define VIRT_RAM_MAX            (64 * GiB)

/* Where DRAM images go: firmware at the base, a kernel 2 MiB-aligned. */
#define VIRT_KERNEL_ALIGN       (2 * MiB)
#define VIRT_FDT_ALIGN          (2 * MiB)
#define VIRT_FDT_MAX_SIZE       (1 * MiB)

/* Debian's OpenSBI, the firmware of "-bios default". */
#define VIRT_DEFAULT_BIOS \
    "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"

typedef struct RISCVClint RISCVClint;
typedef struct SiFivePLIC SiFivePLIC;
typedef struct SerialState SerialState;
typedef struct GoldfishRTC GoldfishRTC;
typedef struct PCIHost PCIHost;

typedef struct VirtMachineState {
    MachineState *ms;
    unsigned num_harts;
    RISCVBus *bus;
    RISCVCPU *harts[VIRT_CPUS_MAX];
    MMIOMap *mmio;
    uint8_t *ram;
    uint8_t *rom;
    RomSet *roms;
    RISCVClint *clint;
    struct VirtStimer *stimers;     /* per hart: Sstc wake-ups (virt.c) */
    SiFivePLIC *plic;
    SerialState *uart0;
    GoldfishRTC *rtc;
    PCIHost *pci;               /* the ECAM host bridge (virt-pci.c) */
    DMAContext dma;             /* guest RAM as devices reach it */

    /* boot parameters decided at init */
    uint64_t start_addr;        /* where the reset ROM jumps */
    uint64_t kernel_entry;      /* fw_dynamic_info.next_addr */
    uint64_t fdt_addr;
    void *fdt;                  /* the final device tree blob */
} VirtMachineState;

/*
 * Build the board's device tree (virt-fdt.c): everything but /chosen's
 * boot arguments.  Returns a blob of VIRT_FDT_MAX_SIZE bytes (g_free).
 */
void *virt_create_fdt(VirtMachineState *s, Error **errp);

/* The PCIe host bridge on the board's windows (virt-pci.c). */
bool virt_pci_init(VirtMachineState *s, Error **errp);

#endif
