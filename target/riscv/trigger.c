/*
 * Sdtrig: the trigger module as debuggers and riscv-tests'
 * rv64mi-p-breakpoint use it.  RISCV_TRIGGERS triggers (2, as QEMU 7.2),
 * chosen with tselect and programmed through tdata1/tdata2; tdata3 reads
 * zero and tinfo lists the types: mcontrol (2), mcontrol6 (6) and
 * disabled (15).  A trigger matches the address of an instruction fetch,
 * load or store (equal, >= or < tdata2) in the modes it names and then
 * raises a breakpoint exception before the instruction does anything,
 * with tval the matched address, and sets its hit bit.  What we do not
 * have reads back as zero (WARL): debug mode (dmode, action 1), chaining,
 * data-value and NAPOT matches, size and timing options, tcontrol.
 *
 * How the fast paths honour armed triggers (cpu->trig_modes: per kind, a
 * mask of the privilege levels that some trigger watches):
 * - execute: the run loop checks the pc and then runs one instruction per
 *   slice while the current mode is watched, so no instruction, in a
 *   translated block or not, starts without a check (cpu.c);
 * - load/store: the data TLB is flushed when triggers change and not
 *   filled while any load (store) trigger is armed, so every access takes
 *   the slow path, which checks (mmu.c, atomic.c).
 * All of it is per-hart state.
 */
#include "target/riscv/cpu-internal.h"

#define TDATA1_TYPE_SHIFT 60
#define TYPE_MCONTROL 2ull
#define TYPE_MCONTROL6 6ull
#define TYPE_DISABLED 15ull
#define MC_LOAD (1ull << 0)
#define MC_STORE (1ull << 1)
#define MC_EXECUTE (1ull << 2)
#define MC_U (1ull << 3)
#define MC_S (1ull << 4)
#define MC_M (1ull << 6)
#define MC_MATCH_SHIFT 7
#define MC_MATCH (0xfull << MC_MATCH_SHIFT)
#define MC_HIT (1ull << 20)         /* mcontrol */
#define MC6_HIT0 (1ull << 22)       /* mcontrol6 */
#define MATCH_EQ 0
#define MATCH_GE 2
#define MATCH_LT 3
#define TINFO_VERSION_1 (1ull << 24)

static uint64_t tdata1_type(uint64_t tdata1)
{
    return tdata1 >> TDATA1_TYPE_SHIFT;
}

/* The WARL value of a tdata1 write: the fields we implement, legal. */
static uint64_t legalize(uint64_t val)
{
    uint64_t type = tdata1_type(val), match;
    uint64_t keep = MC_LOAD | MC_STORE | MC_EXECUTE | MC_U | MC_S | MC_M;

    if (type != TYPE_MCONTROL && type != TYPE_MCONTROL6) {
        return TYPE_DISABLED << TDATA1_TYPE_SHIFT;
    }
    keep |= type == TYPE_MCONTROL ? MC_HIT : MC6_HIT0;
    match = (val & MC_MATCH) >> MC_MATCH_SHIFT;
    if (match != MATCH_GE && match != MATCH_LT) {
        match = MATCH_EQ;
    }
    return type << TDATA1_TYPE_SHIFT | (val & keep) |
           match << MC_MATCH_SHIFT;
}

/* Privilege levels (as a bit mask) a trigger watches */
static unsigned modes_of(uint64_t tdata1)
{
    return ((tdata1 & MC_U) ? 1u << RISCV_PRIV_U : 0) |
           ((tdata1 & MC_S) ? 1u << RISCV_PRIV_S : 0) |
           ((tdata1 & MC_M) ? 1u << RISCV_PRIV_M : 0);
}

static void update_armed(RISCVCPU *cpu)
{
    uint8_t old[3] = { cpu->trig_modes[0], cpu->trig_modes[1],
                       cpu->trig_modes[2] };

    cpu->trig_modes[0] = cpu->trig_modes[1] = cpu->trig_modes[2] = 0;
    for (unsigned i = 0; i < RISCV_TRIGGERS; i++) {
        uint64_t t = cpu->tdata1[i];
        if (tdata1_type(t) == TYPE_DISABLED) {
            continue;
        }
        for (unsigned k = 0; k < 3; k++) {
            if (t & (MC_LOAD << k)) {
                cpu->trig_modes[k] |= modes_of(t);
            }
        }
    }
    /* entries filled before a trigger was armed would bypass it */
    if ((cpu->trig_modes[0] & ~old[0]) || (cpu->trig_modes[1] & ~old[1])) {
        riscv_tlb_flush_data(cpu);
    }
    cpu->run_limit = 0;     /* the run loop re-reads the execute modes */
}

void riscv_trigger_reset(RISCVCPU *cpu)
{
    cpu->tselect = 0;
    for (unsigned i = 0; i < RISCV_TRIGGERS; i++) {
        cpu->tdata1[i] = TYPE_MCONTROL << TDATA1_TYPE_SHIFT;   /* off */
        cpu->tdata2[i] = 0;
    }
    cpu->trig_modes[0] = cpu->trig_modes[1] = cpu->trig_modes[2] = 0;
}

bool riscv_trigger_csr_read(const RISCVCPU *cpu, unsigned csr,
                            uint64_t *val)
{
    switch (csr) {
    case CSR_TSELECT: *val = cpu->tselect; return true;
    case CSR_TDATA1: *val = cpu->tdata1[cpu->tselect]; return true;
    case CSR_TDATA2: *val = cpu->tdata2[cpu->tselect]; return true;
    case CSR_TDATA3: *val = 0; return true;
    case CSR_TINFO:
        *val = TINFO_VERSION_1 | 1u << TYPE_MCONTROL |
               1u << TYPE_MCONTROL6 | 1u << TYPE_DISABLED;
        return true;
    }
    return false;
}

bool riscv_trigger_csr_write(RISCVCPU *cpu, unsigned csr, uint64_t val)
{
    switch (csr) {
    case CSR_TSELECT:
        if (val < RISCV_TRIGGERS) {
            cpu->tselect = val;
        }
        return true;
    case CSR_TDATA1:
        cpu->tdata1[cpu->tselect] = legalize(val);
        update_armed(cpu);
        return true;
    case CSR_TDATA2:
        cpu->tdata2[cpu->tselect] = val;
        update_armed(cpu);
        return true;
    case CSR_TDATA3:
        return true;
    case CSR_TINFO:
        return true;    /* read-only, writes ignored (Sdtrig) */
    }
    return false;
}

bool riscv_trigger_hit(RISCVCPU *cpu, unsigned kinds, uint64_t addr)
{
    for (unsigned i = 0; i < RISCV_TRIGGERS; i++) {
        uint64_t t = cpu->tdata1[i], a = cpu->tdata2[i];
        unsigned match = (t & MC_MATCH) >> MC_MATCH_SHIFT;
        bool hit;

        if (tdata1_type(t) == TYPE_DISABLED || !(t & kinds) ||
            !((modes_of(t) >> cpu->priv) & 1)) {
            continue;
        }
        hit = match == MATCH_GE ? addr >= a
            : match == MATCH_LT ? addr < a : addr == a;
        if (hit) {
            cpu->tdata1[i] |= tdata1_type(t) == TYPE_MCONTROL ? MC_HIT
                                                             : MC6_HIT0;
            riscv_raise_exception(cpu, RISCV_EXC_BREAKPOINT, addr);
            return true;
        }
    }
    return false;
}
