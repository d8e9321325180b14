/*
 * The optional extensions by name: the -cpu property spellings, what each
 * CPU model enables, and the riscv,isa string of the device tree.
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
