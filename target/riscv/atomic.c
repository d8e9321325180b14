/*
 * The A extension: LR/SC and the AMOs, word and doubleword.
 *
 * Harts run one at a time in one thread, so an AMO is a plain
 * read-modify-write.  The reservation is a physical address; it is broken
 * by any trap or xRET, by an SC, by a device write to it
 * (riscv_bus_invalidate_range) and whenever another hart has run since the
 * LR (riscv_cpu_run): a conservative rule that only costs a retry.
 * Misaligned LR/SC/AMOs raise address-misaligned: the spec allows it and
 * it keeps atomics single-access.
 */
#include "target/riscv/cpu-internal.h"

enum {
    AMO_ADD = 0x00, AMO_SWAP = 0x01, AMO_LR = 0x02, AMO_SC = 0x03,
    AMO_XOR = 0x04, AMO_OR = 0x08, AMO_AND = 0x0c, AMO_MIN = 0x10,
    AMO_MAX = 0x14, AMO_MINU = 0x18, AMO_MAXU = 0x1c,
};

/* KINDS: the triggers (TRIG_*) the access matches */
static bool translate(RISCVCPU *cpu, uint64_t va, unsigned size, int acc,
                      unsigned kinds, uint64_t *pa)
{
    int exc;

    if (unlikely(cpu->trig_modes[0] | cpu->trig_modes[1]) &&
        riscv_trigger_hit(cpu, kinds, va)) {
        return false;
    }
    if (va & (size - 1)) {
        riscv_raise_exception(cpu, acc == ACC_READ ?
                              RISCV_EXC_LOAD_MISALIGNED :
                              RISCV_EXC_STORE_MISALIGNED, va);
        return false;
    }
    exc = riscv_translate(cpu, va, acc, cpu->data_mode, pa);
    if (exc >= 0) {
        riscv_raise_exception(cpu, exc, va);
        return false;
    }
    return true;
}

bool riscv_amo_exec(RISCVCPU *cpu, const DecodedInsn *d)
{
    unsigned f5 = d->raw >> 27;
    unsigned size = d->rm == 2 ? 4 : 8;
    uint64_t va = cpu->x[d->rs1], src = cpu->x[d->rs2], pa, old, val;
    bool w = size == 4;

    switch (f5) {
    case AMO_LR:
        if ((d->raw >> 20) & 31) {
            goto illegal;
        }
        if (!translate(cpu, va, size, ACC_READ, TRIG_LOAD, &pa)) {
            return false;
        }
        if (!riscv_phys_read(cpu->bus, pa, size, &old)) {
            riscv_raise_exception(cpu, RISCV_EXC_LOAD_ACCESS, va);
            return false;
        }
        cpu->res_valid = true;
        cpu->res_addr = pa;
        riscv_set_xreg(cpu, d->rd, w ? (uint64_t)(int32_t)old : old);
        return true;
    case AMO_SC:
        if (!translate(cpu, va, size, ACC_WRITE, TRIG_STORE, &pa)) {
            return false;
        }
        if (cpu->res_valid && cpu->res_addr == pa) {
            cpu->res_valid = false;
            if (!riscv_phys_write(cpu->bus, pa, size, src)) {
                riscv_raise_exception(cpu, RISCV_EXC_STORE_ACCESS, va);
                return false;
            }
            riscv_set_xreg(cpu, d->rd, 0);
        } else {
            cpu->res_valid = false;
            riscv_set_xreg(cpu, d->rd, 1);
        }
        return true;
    case AMO_ADD: case AMO_SWAP: case AMO_XOR: case AMO_OR: case AMO_AND:
    case AMO_MIN: case AMO_MAX: case AMO_MINU: case AMO_MAXU:
        break;
    default:
        goto illegal;
    }

    if (!translate(cpu, va, size, ACC_WRITE,
                   TRIG_LOAD | TRIG_STORE, &pa)) {
        return false;
    }
    if (!riscv_phys_read(cpu->bus, pa, size, &old)) {
        riscv_raise_exception(cpu, RISCV_EXC_STORE_ACCESS, va);
        return false;
    }
    if (w) {
        old = (uint64_t)(int32_t)old;
        src = (uint64_t)(int32_t)src;
    }
    switch (f5) {
    case AMO_ADD: val = old + src; break;
    case AMO_SWAP: val = src; break;
    case AMO_XOR: val = old ^ src; break;
    case AMO_OR: val = old | src; break;
    case AMO_AND: val = old & src; break;
    case AMO_MIN: val = (int64_t)old < (int64_t)src ? old : src; break;
    case AMO_MAX: val = (int64_t)old > (int64_t)src ? old : src; break;
    case AMO_MINU:
        /* W variants compare the 32-bit values as unsigned */
        val = (w ? (uint32_t)old < (uint32_t)src : old < src) ? old : src;
        break;
    default:
        val = (w ? (uint32_t)old > (uint32_t)src : old > src) ? old : src;
        break;
    }
    if (!riscv_phys_write(cpu->bus, pa, size, val)) {
        riscv_raise_exception(cpu, RISCV_EXC_STORE_ACCESS, va);
        return false;
    }
    riscv_set_xreg(cpu, d->rd, old);
    return true;

illegal:
    riscv_raise_exception(cpu, RISCV_EXC_ILLEGAL_INSN, d->raw);
    return false;
}
