/*
 * RISC-V boot protocol of the virt board (see include/hw/riscv/boot.h).
 */
#include <string.h>
#include <libfdt.h>
#include <glib.h>

#include "qapi/error.h"
#include "qemu/bswap.h"
#include "hw/riscv/boot.h"
#include "qemu/units.h"

bool riscv_load_firmware(RomSet *roms, const char *path, uint64_t addr,
                         uint64_t ram_size, uint64_t *entry, uint64_t *end,
                         Error **errp)
{
    g_autofree uint8_t *data = NULL;
    size_t len;
    uint64_t low, high;

    if (!load_file(path, ram_size, &data, &len, errp)) {
        return false;
    }
    if (elf_is_elf(data, len)) {
        if (!elf64_load(roms, path, data, len, entry, &low, &high, errp)) {
            return false;
        }
        *end = high;
        return true;
    }
    if (len == 0) {
        error_setg(errp, "'%s' is empty", path);
        return false;
    }
    if (!rom_add_blob(roms, path, addr, data, len, len, errp)) {
        return false;
    }
    *entry = addr;
    *end = addr + len;
    return true;
}

bool riscv_load_kernel(RomSet *roms, const char *path, uint64_t start,
                       uint64_t ram_size, uint64_t *entry, uint64_t *end,
                       Error **errp)
{
    /* same rules as firmware: ELF where it says, raw at the start */
    return riscv_load_firmware(roms, path, start, ram_size, entry, end, errp);
}

bool riscv_load_initrd(RomSet *roms, const char *path, uint64_t ram_base,
                       uint64_t ram_size, uint64_t kernel_entry,
                       uint64_t *start, uint64_t *end, Error **errp)
{
    g_autofree uint8_t *data = NULL;
    size_t len;
    uint64_t addr;

    if (!load_file(path, ram_size, &data, &len, errp)) {
        return false;
    }
    /*
     * Below 256 MiB of RAM, half way up leaves room for both; above, 128
     * MiB is plenty for a decompressing kernel and keeps the initrd low.
     */
    addr = kernel_entry + MIN(ram_size / 2, 128 * MiB);
    addr = (addr + 4095) & ~(uint64_t)4095;
    if (!rom_add_blob(roms, path, addr, data, len, len, errp)) {
        return false;
    }
    *start = addr;
    *end = addr + len;
    return true;
}

uint64_t riscv_compute_fdt_addr(uint64_t ram_base, uint64_t ram_size,
                                uint64_t fdt_size)
{
    uint64_t top = ram_base + ram_size;

    /* a 32-bit kernel or firmware must reach it: stay below 3 GiB */
    if (ram_base < 3 * GiB && top > 3 * GiB) {
        top = 3 * GiB;
    }
    return (top - fdt_size) & ~(uint64_t)(2 * MiB - 1);
}

bool riscv_fdt_setup_chosen(void *fdt, const char *cmdline,
                            uint64_t initrd_start, uint64_t initrd_end,
                            Error **errp)
{
    int node = fdt_path_offset(fdt, "/chosen");
    int err = 0;

    if (node < 0) {
        node = fdt_add_subnode(fdt, 0, "chosen");
    }
    if (node < 0) {
        err = node;
    }
    if (!err && cmdline) {
        err = fdt_setprop_string(fdt, node, "bootargs", cmdline);
    }
    if (!err && initrd_end > initrd_start) {
        err = fdt_setprop_u64(fdt, node, "linux,initrd-start", initrd_start);
        if (!err) {
            err = fdt_setprop_u64(fdt, node, "linux,initrd-end", initrd_end);
        }
    }
    if (err) {
        error_setg(errp, "cannot set up /chosen in the device tree: %s",
                    fdt_strerror(err));
        return false;
    }
    return true;
}

/* ---- the reset ROM ---- */

enum { REG_T0 = 5, REG_A0 = 10, REG_A1 = 11, REG_A2 = 12 };

static uint32_t insn_i(uint32_t opcode, unsigned funct3, unsigned rd,
                       unsigned rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | funct3 << 12 |
           rd << 7 | opcode;
}

/* Layout of the ROM's first bytes: six instructions, then data. */
#define ROM_START_ADDR  0x18
#define ROM_FDT_ADDR    0x20
#define ROM_FW_DYNAMIC  0x28
#define ROM_USED        (ROM_FW_DYNAMIC + 6 * 8)

bool riscv_setup_rom_reset_vec(RomSet *roms, uint64_t rom_base,
                               uint64_t rom_size, uint64_t start_addr,
                               uint64_t fdt_addr, uint64_t kernel_entry,
                               Error **errp)
{
    uint8_t rom[ROM_USED];
    const uint32_t code[] = {
        /* auipc t0, 0: t0 = address of this ROM */
        0x17 | REG_T0 << 7,
        /* addi a2, t0, ROM_FW_DYNAMIC */
        insn_i(0x13, 0, REG_A2, REG_T0, ROM_FW_DYNAMIC),
        /* csrrs a0, mhartid, zero */
        insn_i(0x73, 2, REG_A0, 0, 0xf14),
        /* ld a1, ROM_FDT_ADDR(t0) */
        insn_i(0x03, 3, REG_A1, REG_T0, ROM_FDT_ADDR),
        /* ld t0, ROM_START_ADDR(t0) */
        insn_i(0x03, 3, REG_T0, REG_T0, ROM_START_ADDR),
        /* jalr zero, 0(t0) */
        insn_i(0x67, 0, 0, REG_T0, 0),
    };

    G_STATIC_ASSERT(sizeof(code) == ROM_START_ADDR);
    g_assert(rom_size >= ROM_USED);
    memset(rom, 0, sizeof(rom));
    for (size_t i = 0; i < G_N_ELEMENTS(code); i++) {
        stl_le_p(rom + 4 * i, code[i]);
    }
    stq_le_p(rom + ROM_START_ADDR, start_addr);
    stq_le_p(rom + ROM_FDT_ADDR, fdt_addr);
    stq_le_p(rom + ROM_FW_DYNAMIC + 0, FW_DYNAMIC_INFO_MAGIC);
    stq_le_p(rom + ROM_FW_DYNAMIC + 8, FW_DYNAMIC_INFO_VERSION);
    stq_le_p(rom + ROM_FW_DYNAMIC + 16, kernel_entry);
    stq_le_p(rom + ROM_FW_DYNAMIC + 24, FW_DYNAMIC_NEXT_MODE_S);
    stq_le_p(rom + ROM_FW_DYNAMIC + 32, 0);             /* options */
    stq_le_p(rom + ROM_FW_DYNAMIC + 40, 0);             /* boot_hart */
    return rom_add_blob(roms, "reset vector", rom_base, rom, sizeof(rom),
                        sizeof(rom), errp);
}
