/*
 * Cache-block operations: Zicbom (cbo.clean, cbo.flush, cbo.inval) and
 * Zicboz (cbo.zero) on blocks of RISCV_CBO_BLOCK_SIZE bytes.
 *
 * Rules: the emulated memory is coherent and has no caches, so the
 * management operations only check what the guest may do: the envcfg
 * enables (illegal instruction below M unless menvcfg allows, in U unless
 * senvcfg also allows), then translation of the block's address as a load,
 * since a block a hart may neither load nor store must fault (and W
 * without R does not exist).  Faults are reported as store faults with the
 * block-aligned address, as QEMU does.  cbo.zero is a 64-byte store: it
 * translates for writing (setting D) and drops decoded code in the block.
 * A management operation on a non-RAM address does nothing.
 */
#include <string.h>

#include "target/riscv/cpu-internal.h"

enum { CBO_INVAL = 0, CBO_CLEAN = 1, CBO_FLUSH = 2, CBO_ZERO = 4 };

static bool cbo_enabled(const RISCVCPU *cpu, uint64_t bits)
{
    if (cpu->priv < RISCV_PRIV_M && !(cpu->menvcfg & bits)) {
        return false;
    }
    if (cpu->priv < RISCV_PRIV_S && !(cpu->senvcfg & bits)) {
        return false;
    }
    return true;
}

static bool cbo_zero(RISCVCPU *cpu, uint64_t va)
{
    uint64_t pa;
    RISCVRegion *r;
    int exc = riscv_translate(cpu, va, ACC_WRITE, cpu->data_mode, &pa);

    if (exc >= 0) {
        riscv_raise_exception(cpu, exc, va);
        return false;
    }
    r = riscv_bus_find_region(cpu->bus, pa, RISCV_CBO_BLOCK_SIZE);
    if (r) {
        if (r->readonly) {
            riscv_raise_exception(cpu, RISCV_EXC_STORE_ACCESS, va);
            return false;
        }
        riscv_icache_invalidate_page(cpu->bus, r, (pa - r->base) >> PAGE_BITS);
        memset(r->host + (pa - r->base), 0, RISCV_CBO_BLOCK_SIZE);
        return true;
    }
    for (unsigned i = 0; i < RISCV_CBO_BLOCK_SIZE; i += 8) {
        if (!riscv_phys_write(cpu->bus, pa + i, 8, 0)) {
            riscv_raise_exception(cpu, RISCV_EXC_STORE_ACCESS, va);
            return false;
        }
    }
    return true;
}

bool riscv_cbo_exec(RISCVCPU *cpu, const DecodedInsn *d)
{
    unsigned which = d->imm;
    uint64_t va = cpu->x[d->rs1] & ~(uint64_t)(RISCV_CBO_BLOCK_SIZE - 1);
    uint64_t enable = which == CBO_ZERO ? ENVCFG_CBZE
                    : which == CBO_INVAL ? ENVCFG_CBIE : ENVCFG_CBCFE;
    uint64_t pa;
    int exc;

    if (!cbo_enabled(cpu, enable)) {
        riscv_raise_exception(cpu, RISCV_EXC_ILLEGAL_INSN, d->raw);
        return false;
    }
    if (which == CBO_ZERO) {
        return cbo_zero(cpu, va);
    }
    exc = riscv_translate(cpu, va, ACC_READ, cpu->data_mode, &pa);
    if (exc >= 0) {
        riscv_raise_exception(cpu, exc == RISCV_EXC_LOAD_ACCESS
                                   ? RISCV_EXC_STORE_ACCESS
                                   : RISCV_EXC_STORE_PAGE_FAULT, va);
        return false;
    }
    return true;
}
