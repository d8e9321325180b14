/*
 * The RISC-V boot protocol of the virt board: where firmware, kernel,
 * initrd and device tree go in DRAM, and the reset ROM that starts a hart
 * with a0 = mhartid, a1 = FDT address, a2 = &fw_dynamic_info (OpenSBI's
 * "fw_dynamic" hand-over: magic "OSBI", version 2, next_addr, next_mode,
 * options, boot_hart, each a little-endian u64).
 *
 * Every image is added to the board's RomSet (see hw/loader.h), which
 * checks that it fits in RAM and overlaps nothing else; errors name the
 * file and the reason.
 */
#ifndef HW_RISCV_BOOT_H
#define HW_RISCV_BOOT_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "hw/loader.h"
#include "qapi/error.h"

#define FW_DYNAMIC_INFO_MAGIC   0x4942534f      /* "OSBI" */
#define FW_DYNAMIC_INFO_VERSION 2
#define FW_DYNAMIC_NEXT_MODE_S  1

/*
 * Firmware (-bios): an ELF is loaded where its headers say, anything else
 * raw at ADDR.  *end is the first byte after it, *entry its entry point.
 */
bool riscv_load_firmware(RomSet *roms, const char *path, uint64_t addr,
                         uint64_t ram_size, uint64_t *entry, uint64_t *end,
                         Error **errp);
/* Kernel (-kernel): ELF at its addresses, else raw at START. */
bool riscv_load_kernel(RomSet *roms, const char *path, uint64_t start,
                       uint64_t ram_size, uint64_t *entry, uint64_t *end,
                       Error **errp);
/*
 * Initrd: far enough above the kernel entry that a decompressing kernel
 * does not overwrite it (half of RAM, at most 128 MiB above it).
 */
bool riscv_load_initrd(RomSet *roms, const char *path, uint64_t ram_base,
                       uint64_t ram_size, uint64_t kernel_entry,
                       uint64_t *start, uint64_t *end, Error **errp);
/* Where the FDT goes: high in RAM (below 3 GiB), 2 MiB aligned. */
uint64_t riscv_compute_fdt_addr(uint64_t ram_base, uint64_t ram_size,
                                uint64_t fdt_size);
/* Fill /chosen: bootargs and the initrd range (when end > start). */
bool riscv_fdt_setup_chosen(void *fdt, const char *cmdline,
                            uint64_t initrd_start, uint64_t initrd_end,
                            Error **errp);
/* The reset ROM: code, start address, FDT address, fw_dynamic_info. */
bool riscv_setup_rom_reset_vec(RomSet *roms, uint64_t rom_base,
                               uint64_t rom_size, uint64_t start_addr,
                               uint64_t fdt_addr, uint64_t kernel_entry,
                               Error **errp);

#endif
