/*
 * The optional extensions by name: the -cpu property spellings, what each
 * CPU model enables, and the riscv,isa string of the device tree; and the
 * satp-mode properties with the device tree's mmu-type.
 *
 * Rules: names follow QEMU (7.2, whose machine we model, and 8.x for the
 * extensions 7.2 lacks), so `-cpu rv64,zbb=off` means the same on both;
 * property names match in any case, as 7.2 spells "Zihintpause".  The
 * rv64 model enables what QEMU 7.2's rv64 enables by default (checked
 * with `qemu-system-riscv64 -device rv64-riscv-cpu,help` and its device
 * tree): Zihintpause, Zba, Zbb, Zbc, Zbs and Sstc (besides H, which we
 * lack).  Svinval, Svnapot and Svpbmt exist there but are off; Zicbom,
 * Zicboz, Zicond and Zicbop came in 8.x and 9.x, so only "max" has them.
 * The table below is in the canonical order of multi-letter extensions
 * (Z by category: i, then b; then S, alphabetically), which is the order
 * QEMU writes them in riscv,isa.
 */
#include <string.h>
#include <glib.h>

#include "target/riscv/cpu-internal.h"

#define ALWAYS (-1)     /* not optional: no property, always in riscv,isa */

static const struct {
    const char *name;
    int ext;                /* RISCVExtension or ALWAYS */
    bool in_rv64;           /* on by default in QEMU 7.2's rv64 */
} exts[] = {
    { "zicbom", RISCV_EXT_ZICBOM, false },
    { "zicbop", RISCV_EXT_ZICBOP, false },
    { "zicboz", RISCV_EXT_ZICBOZ, false },
    { "zicond", RISCV_EXT_ZICOND, false },
    { "zicsr", ALWAYS, true },
    { "zifencei", ALWAYS, true },
    { "zihintpause", RISCV_EXT_ZIHINTPAUSE, true },
    { "zba", RISCV_EXT_ZBA, true },
    { "zbb", RISCV_EXT_ZBB, true },
    { "zbc", RISCV_EXT_ZBC, true },
    { "zbs", RISCV_EXT_ZBS, true },
    { "sstc", RISCV_EXT_SSTC, true },
    { "svinval", RISCV_EXT_SVINVAL, false },
    { "svnapot", RISCV_EXT_SVNAPOT, false },
    { "svpbmt", RISCV_EXT_SVPBMT, false },
};

const char *riscv_ext_name(unsigned e)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(exts); i++) {
        if (exts[i].ext == (int)e) {
            return exts[i].name;
        }
    }
    return NULL;
}

int riscv_ext_lookup(const char *name)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(exts); i++) {
        if (exts[i].ext != ALWAYS &&
            !g_ascii_strcasecmp(exts[i].name, name)) {
            return exts[i].ext;
        }
    }
    return -1;
}

bool riscv_model_extensions(const char *model, uint32_t *ext)
{
    bool max = !strcmp(model, "max");

    if (!max && strcmp(model, "rv64")) {
        return false;
    }
    *ext = 0;
    for (unsigned i = 0; i < G_N_ELEMENTS(exts); i++) {
        if (exts[i].ext != ALWAYS && (max || exts[i].in_rv64)) {
            *ext |= 1u << exts[i].ext;
        }
    }
    return true;
}

char *riscv_isa_string(uint32_t ext)
{
    GString *s = g_string_new("rv64imafdc");

    for (unsigned i = 0; i < G_N_ELEMENTS(exts); i++) {
        if (exts[i].ext == ALWAYS || (ext & (1u << exts[i].ext))) {
            g_string_append_printf(s, "_%s", exts[i].name);
        }
    }
    return g_string_free(s, false);
}

/* ---- satp modes ---- */

static const char *const satp_names[16] = {
    [SATP_MODE_BARE] = "none", [SATP_MODE_SV39] = "sv39",
    [SATP_MODE_SV48] = "sv48", [SATP_MODE_SV57] = "sv57",
};

int riscv_satp_mode_lookup(const char *name)
{
    for (int m = SATP_MODE_SV39; m <= SATP_MODE_SV57; m++) {
        if (!g_ascii_strcasecmp(name, satp_names[m])) {
            return m;
        }
    }
    return -1;
}

const char *riscv_satp_mode_name(unsigned mode)
{
    return mode < 16 && satp_names[mode] ? satp_names[mode] : "?";
}

int riscv_satp_mode_choose(unsigned on, unsigned off, unsigned *bad_off,
                           unsigned *bad_on)
{
    int max;

    if (!on) {
        /* only disabled ones: the mode below the lowest of them */
        for (int m = SATP_MODE_SV39; m <= SATP_MODE_SV57; m++) {
            if (off & (1u << m)) {
                return m == SATP_MODE_SV39 ? SATP_MODE_BARE : m - 1;
            }
        }
        return RISCV_SATP_DEFAULT;
    }
    max = 31 - __builtin_clz(on);
    for (int m = SATP_MODE_SV39; m < max; m++) {
        if (off & (1u << m)) {
            *bad_off = m;
            *bad_on = max;
            return -1;
        }
    }
    return max;
}

const char *riscv_mmu_type(unsigned mode)
{
    static const char *const types[] = {
        [SATP_MODE_SV39] = "riscv,sv39", [SATP_MODE_SV48] = "riscv,sv48",
        [SATP_MODE_SV57] = "riscv,sv57",
    };

    return mode == SATP_MODE_BARE ? "riscv,none"
         : mode >= SATP_MODE_SV39 && mode <= SATP_MODE_SV57 ? types[mode]
         : "riscv,sv57";
}
