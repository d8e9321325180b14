/*
 * The counters (Zicntr, Zihpm): mcycle, minstret, mhpmcounter3..18 with
 * their mhpmevent selectors, and mcountinhibit.  csr.c checks access
 * rights (privilege, mcounteren/scounteren) and calls here for the values.
 *
 * Like QEMU 7.2 (pmu-num=16) there are 16 programmable counters, 3..18;
 * 19..31 and their selectors read as zero and ignore writes, so firmware
 * that probes by writing and reading back (OpenSBI) counts 16.  A counter
 * counts the event its selector names, with the SBI PMU event numbers
 * QEMU's device tree maps to counters (riscv_pmu_dt_events()): cycles and
 * instructions (the same here: one instruction per cycle) and the data
 * read, data write and instruction TLB misses (our software TLB's).
 * Other events, and selector 0, leave the counter still.
 *
 * Each counter is kept as a value plus the event count it was last based
 * on, so counting costs nothing until the counter is read.  A counter
 * written by an instruction does not count that instruction (riscv-tests'
 * instret_overflow: csrw minstret, 0 then csrr reads 0).
 */
#include <glib.h>

#include "target/riscv/cpu-internal.h"

#define HPM_FIRST 3
#define HPM_COUNT 16
#define HPM_LAST (HPM_FIRST + HPM_COUNT - 1)
/* mcountinhibit and the counter-enable bits: CY, IR and HPM3..18 */
#define COUNTERS_MASK (0x5u | (((1u << HPM_COUNT) - 1) << HPM_FIRST))
/* selector bits 63:56 are Sscofpmf's (overflow, mode filters): not ours */
#define EVENT_ID(sel) ((sel) & ((1ull << 56) - 1))

enum {
    EV_CYCLES = 0x1,
    EV_INSTRUCTIONS = 0x2,
    EV_DTLB_READ_MISS = 0x10019,
    EV_DTLB_WRITE_MISS = 0x1001b,
    EV_ITLB_MISS = 0x10021,
};

static const uint32_t dt_events[] = {
    /* first event, last event, counters that can count them */
    EV_CYCLES, EV_CYCLES, 0x7fff9,
    EV_INSTRUCTIONS, EV_INSTRUCTIONS, 0x7fffc,
    EV_DTLB_READ_MISS, EV_DTLB_READ_MISS, 0x7fff8,
    EV_DTLB_WRITE_MISS, EV_DTLB_WRITE_MISS, 0x7fff8,
    EV_ITLB_MISS, EV_ITLB_MISS, 0x7fff8,
    /* QEMU 7.2 sizes its table for 20 cells and leaves the rest zero */
    0, 0, 0, 0, 0,
};

const uint32_t *riscv_pmu_dt_events(size_t *ncells)
{
    *ncells = G_N_ELEMENTS(dt_events);
    return dt_events;
}

uint64_t riscv_counter_now(const RISCVCPU *cpu)
{
    return cpu->icount + cpu->slice_count;
}

static uint64_t event_of(const RISCVCPU *cpu, unsigned i)
{
    return i == 0 ? EV_CYCLES : i == 2 ? EV_INSTRUCTIONS
                              : EVENT_ID(cpu->mhpmevent[i]);
}

static uint64_t event_count(const RISCVCPU *cpu, uint64_t event)
{
    switch (event) {
    case EV_CYCLES:
    case EV_INSTRUCTIONS:
        return riscv_counter_now(cpu);
    case EV_DTLB_READ_MISS:
        return cpu->tlb_misses[ACC_READ];
    case EV_DTLB_WRITE_MISS:
        return cpu->tlb_misses[ACC_WRITE];
    case EV_ITLB_MISS:
        return cpu->tlb_misses[ACC_EXEC];
    }
    return 0;
}

static uint64_t counter_value(const RISCVCPU *cpu, unsigned i)
{
    if ((cpu->mcountinhibit >> i) & 1) {
        return cpu->ctr_val[i];
    }
    return cpu->ctr_val[i] + event_count(cpu, event_of(cpu, i)) -
           cpu->ctr_base[i];
}

/* The counter's current value becomes its base (before a rule change). */
static void counter_settle(RISCVCPU *cpu, unsigned i)
{
    cpu->ctr_val[i] = counter_value(cpu, i);
}

static void counter_rebase(RISCVCPU *cpu, unsigned i)
{
    cpu->ctr_base[i] = event_count(cpu, event_of(cpu, i));
}

void riscv_pmu_reset(RISCVCPU *cpu)
{
    cpu->mcountinhibit = 0;
    for (unsigned i = 0; i < 32; i++) {
        cpu->mhpmevent[i] = 0;
        cpu->ctr_val[i] = 0;
        counter_rebase(cpu, i);
    }
}

/* The counter CSR number's index 0..31, or -1 for other CSRs. */
static int counter_index(unsigned csr)
{
    if (csr >= CSR_CYCLE && csr <= CSR_HPMCOUNTER31 && csr != CSR_TIME) {
        return csr - CSR_CYCLE;
    }
    if (csr >= CSR_MCYCLE && csr <= CSR_MHPMCOUNTER31 && csr != 0xb01) {
        return csr - CSR_MCYCLE;
    }
    return -1;
}

bool riscv_pmu_read(const RISCVCPU *cpu, unsigned csr, uint64_t *val)
{
    int i = counter_index(csr);

    if (i >= 0) {
        *val = (COUNTERS_MASK >> i) & 1 ? counter_value(cpu, i) : 0;
        return true;
    }
    if (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31) {
        *val = cpu->mhpmevent[csr - CSR_MHPMEVENT3 + HPM_FIRST];
        return true;
    }
    if (csr == CSR_MCOUNTINHIBIT) {
        *val = cpu->mcountinhibit;
        return true;
    }
    return false;
}

bool riscv_pmu_write(RISCVCPU *cpu, unsigned csr, uint64_t val, bool by_insn)
{
    int i = counter_index(csr);

    if (i >= 0 && csr >= CSR_MCYCLE) {
        if ((COUNTERS_MASK >> i) & 1) {
            uint64_t ev = event_of(cpu, i);
            cpu->ctr_val[i] = val;
            counter_rebase(cpu, i);
            if (by_insn && (ev == EV_CYCLES || ev == EV_INSTRUCTIONS)) {
                cpu->ctr_base[i]++;     /* the writer itself is not counted */
            }
        }
        return true;
    }
    if (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31) {
        i = csr - CSR_MHPMEVENT3 + HPM_FIRST;
        if (i <= HPM_LAST) {
            counter_settle(cpu, i);
            cpu->mhpmevent[i] = val;
            counter_rebase(cpu, i);
        }
        return true;
    }
    if (csr == CSR_MCOUNTINHIBIT) {
        for (i = 0; i < 32; i++) {
            counter_settle(cpu, i);
        }
        cpu->mcountinhibit = val & COUNTERS_MASK;
        for (i = 0; i < 32; i++) {
            counter_rebase(cpu, i);
        }
        return true;
    }
    return false;
}
