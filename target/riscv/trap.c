/*
 * Traps: exception and interrupt entry with medeleg/mideleg delegation,
 * MRET/SRET, the interrupt priority rules, trap logging and the exception
 * storm counter.
 *
 * Every privilege change happens here (or in riscv_cpu_set_priv), so this is
 * where the data TLB mode is re-selected, the fetch window dropped and the
 * LR reservation broken.
 */
#include <stdarg.h>
#include <stdio.h>

#include "target/riscv/cpu-internal.h"

static const char *const exc_names[16] = {
    "insn_misaligned", "insn_access_fault", "illegal_instruction",
    "breakpoint", "load_misaligned", "load_access_fault",
    "store_misaligned", "store_access_fault", "user_ecall",
    "supervisor_ecall", "hypervisor_ecall", "machine_ecall",
    "exec_page_fault", "load_page_fault", "reserved",
    "store_page_fault",
};

static const char *const irq_names[12] = {
    "user_software", "supervisor_software", "reserved", "machine_software",
    "user_timer", "supervisor_timer", "reserved", "machine_timer",
    "user_external", "supervisor_external", "reserved", "machine_external",
};

void riscv_log(RISCVCPU *cpu, unsigned cat, const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    if (!(cpu->log_mask & cat) || !cpu->log_fn) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    cpu->log_fn(cpu->log_opaque, buf);
}

static void after_priv_change(RISCVCPU *cpu)
{
    riscv_update_data_mode(cpu);
    riscv_reset_fetch(cpu);
    cpu->res_valid = false;
}

static void take_trap(RISCVCPU *cpu, uint64_t cause, uint64_t tval)
{
    bool irq = cause & RISCV_CAUSE_INTERRUPT;
    unsigned code = cause & 63;
    uint64_t deleg = irq ? cpu->mideleg : cpu->medeleg;
    uint64_t epc = cpu->pc;

    if (cpu->log_mask & RISCV_LOG_INT) {
        const char *desc = irq ? (code < 12 ? irq_names[code] : "?")
                               : (code < 16 ? exc_names[code] : "?");
        riscv_log(cpu, RISCV_LOG_INT,
                  "riscv_cpu_do_interrupt: hart:%u, async:%d, "
                  "cause:%016llx, epc:0x%016llx, tval:0x%016llx, desc=%s",
                  cpu->hartid, irq, (unsigned long long)cause,
                  (unsigned long long)epc, (unsigned long long)tval, desc);
    }

    if (!irq) {
        if (cause == cpu->last_exc_cause && epc == cpu->last_exc_epc &&
            tval == cpu->last_exc_tval) {
            cpu->storm_count++;
            if (cpu->storm_limit && cpu->storm_count >= cpu->storm_limit) {
                cpu->storm_hit = true;
                cpu->run_limit = 0;
            }
        } else {
            cpu->storm_count = 0;
        }
        cpu->last_exc_cause = cause;
        cpu->last_exc_epc = epc;
        cpu->last_exc_tval = tval;
    }

    if (cpu->priv <= RISCV_PRIV_S && ((deleg >> code) & 1)) {
        uint64_t s = cpu->mstatus;
        cpu->scause = cause;
        cpu->sepc = epc;
        cpu->stval = tval;
        s = (s & ~MSTATUS_SPIE) | ((s & MSTATUS_SIE) ? MSTATUS_SPIE : 0);
        s = (s & ~MSTATUS_SPP) | (cpu->priv ? MSTATUS_SPP : 0);
        s &= ~MSTATUS_SIE;
        cpu->mstatus = s;
        cpu->priv = RISCV_PRIV_S;
        cpu->pc = (cpu->stvec & ~3ull) +
                  ((irq && (cpu->stvec & 1)) ? 4 * code : 0);
    } else {
        uint64_t s = cpu->mstatus;
        cpu->mcause = cause;
        cpu->mepc = epc;
        cpu->mtval = tval;
        s = (s & ~MSTATUS_MPIE) | ((s & MSTATUS_MIE) ? MSTATUS_MPIE : 0);
        s = (s & ~MSTATUS_MPP) | ((uint64_t)cpu->priv << MSTATUS_MPP_SHIFT);
        s &= ~MSTATUS_MIE;
        cpu->mstatus = s;
        cpu->priv = RISCV_PRIV_M;
        cpu->pc = (cpu->mtvec & ~3ull) +
                  ((irq && (cpu->mtvec & 1)) ? 4 * code : 0);
    }
    after_priv_change(cpu);
}

void riscv_raise_exception(RISCVCPU *cpu, uint64_t cause, uint64_t tval)
{
    take_trap(cpu, cause, tval);
}

uint64_t riscv_pending_irqs(const RISCVCPU *cpu)
{
    return (cpu->mip | (cpu->seip_line ? RISCV_MIP_SEIP : 0)) & cpu->mie;
}

bool riscv_check_interrupts(RISCVCPU *cpu)
{
    /* highest first: MEI, MSI, MTI, SEI, SSI, STI */
    static const uint8_t order[6] = { 11, 3, 7, 9, 1, 5 };
    uint64_t pending, m_irqs, s_irqs, enabled = 0;

    if (cpu->sstc_on) {
        riscv_sstc_poll(cpu);
    }
    pending = riscv_pending_irqs(cpu);

    if (likely(!pending)) {
        return false;
    }
    m_irqs = pending & ~cpu->mideleg;
    s_irqs = pending & cpu->mideleg;
    if (cpu->priv < RISCV_PRIV_M ||
        (cpu->mstatus & MSTATUS_MIE)) {
        enabled |= m_irqs;
    }
    if (cpu->priv < RISCV_PRIV_S ||
        (cpu->priv == RISCV_PRIV_S && (cpu->mstatus & MSTATUS_SIE))) {
        enabled |= s_irqs;
    }
    if (!enabled) {
        return false;
    }
    /* any M-level interrupt outranks every S-level one */
    if (enabled & m_irqs) {
        enabled &= m_irqs;
    }
    for (unsigned i = 0; i < 6; i++) {
        if (enabled & (1ull << order[i])) {
            take_trap(cpu, RISCV_CAUSE_INTERRUPT | order[i], 0);
            return true;
        }
    }
    return false;
}

bool riscv_do_mret(RISCVCPU *cpu)
{
    uint64_t s = cpu->mstatus;
    unsigned mpp;

    if (cpu->priv != RISCV_PRIV_M) {
        return false;
    }
    mpp = (s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
    s = (s & ~MSTATUS_MIE) | ((s & MSTATUS_MPIE) ? MSTATUS_MIE : 0);
    s |= MSTATUS_MPIE;
    s &= ~MSTATUS_MPP; /* MPP = U, the least-privileged mode */
    if (mpp != RISCV_PRIV_M) {
        s &= ~MSTATUS_MPRV;
    }
    cpu->mstatus = s;
    cpu->priv = mpp;
    cpu->pc = cpu->mepc;
    after_priv_change(cpu);
    return true;
}

bool riscv_do_sret(RISCVCPU *cpu)
{
    uint64_t s = cpu->mstatus;
    unsigned spp;

    if (cpu->priv == RISCV_PRIV_U ||
        (cpu->priv == RISCV_PRIV_S && (s & MSTATUS_TSR))) {
        return false;
    }
    spp = (s & MSTATUS_SPP) ? RISCV_PRIV_S : RISCV_PRIV_U;
    s = (s & ~MSTATUS_SIE) | ((s & MSTATUS_SPIE) ? MSTATUS_SIE : 0);
    s |= MSTATUS_SPIE;
    s &= ~MSTATUS_SPP;
    s &= ~MSTATUS_MPRV; /* SRET always lands below M */
    cpu->mstatus = s;
    cpu->priv = spp;
    cpu->pc = cpu->sepc;
    after_priv_change(cpu);
    return true;
}
