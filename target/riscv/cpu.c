/*
 * Hart state, reset and the run loop.
 *
 * The loop is direct-threaded (computed goto on the decoded op), with the
 * dispatch copied into every handler.  Each handler exists twice, for 4-
 * and 2-byte encodings, so the pc advances by a constant (cpu-ops.c.inc).
 * Straight-line code steps the decoded-slot pointer within the page and
 * compares it with the page end and the instruction count with the slice
 * limit, all in locals; jumps and taken branches check the pc's page
 * against the fetch window.  Loads and stores hit the software TLB inline;
 * everything else (MMIO, page walks, traps, CSRs, FP, AMOs) is out of line.
 * Jump targets count how often they are entered; at JIT_HOT the block
 * there is translated (jit.c) and its entry runs as OP_JIT.
 *
 * Interrupts are only checked where they can become pending-and-enabled:
 * at slice start, after CSR writes and xRET (which go back to `outer`) and
 * when a device calls riscv_cpu_set_irq() from a callback, which zeroes
 * run_limit so the loop drops to `outer` at the next boundary.
 */
#include <string.h>
#include <glib.h>

#include "target/riscv/bitmanip.h"

#define MISA_RV64 (2ull << 62)
#define MISA_EXT(c) (1ull << ((c) - 'A'))
#define MISA_VALUE (MISA_RV64 | MISA_EXT('I') | MISA_EXT('M') | \
                    MISA_EXT('A') | MISA_EXT('F') | MISA_EXT('D') | \
                    MISA_EXT('C') | MISA_EXT('S') | MISA_EXT('U'))
#define DEVICE_IRQS (RISCV_MIP_MSIP | RISCV_MIP_MTIP | RISCV_MIP_MEIP)
#define BOX32 0xffffffff00000000ull

RISCVCPU *riscv_cpu_new(RISCVBus *bus, uint32_t hartid)
{
    RISCVCPU *cpu;

    if (bus->nharts == RISCV_MAX_HARTS) {
        return NULL;
    }
    cpu = g_new0(RISCVCPU, 1);
    cpu->bus = bus;
    cpu->hartid = hartid;
    cpu->max_satp_mode = RISCV_SATP_DEFAULT;
    bus->harts[bus->nharts++] = cpu;
    riscv_cpu_reset(cpu, 0x1000);
    return cpu;
}

void riscv_cpu_free(RISCVCPU *cpu)
{
    RISCVBus *bus;

    if (!cpu) {
        return;
    }
    bus = cpu->bus;
    for (unsigned i = 0; i < bus->nharts; i++) {
        if (bus->harts[i] == cpu) {
            bus->harts[i] = bus->harts[--bus->nharts];
            break;
        }
    }
    if (bus->last_run == cpu) {
        bus->last_run = NULL;
    }
    g_free(cpu);
}

void riscv_cpu_reset(RISCVCPU *cpu, uint64_t reset_pc)
{
    memset(cpu->x, 0, sizeof(cpu->x));
    memset(cpu->f, 0, sizeof(cpu->f));
    cpu->pc = reset_pc;
    cpu->priv = RISCV_PRIV_M;
    cpu->mstatus = MSTATUS_UXL & (2ull << 32);
    cpu->mstatus |= MSTATUS_SXL & (2ull << 34);
    cpu->misa = MISA_VALUE;
    cpu->medeleg = cpu->mideleg = cpu->mie = 0;
    cpu->mip &= DEVICE_IRQS; /* device lines keep their level */
    cpu->mtvec = cpu->stvec = cpu->mscratch = cpu->sscratch = 0;
    cpu->mepc = cpu->sepc = cpu->mcause = cpu->scause = 0;
    cpu->mtval = cpu->stval = cpu->satp = 0;
    cpu->mcounteren = cpu->scounteren = cpu->menvcfg = cpu->senvcfg = 0;
    cpu->stimecmp = 0;
    memset(cpu->pmpcfg, 0, sizeof(cpu->pmpcfg));
    memset(cpu->pmpaddr, 0, sizeof(cpu->pmpaddr));
    cpu->fflags = cpu->frm = 0;
    riscv_pmu_reset(cpu);
    riscv_trigger_reset(cpu);
    cpu->res_valid = false;
    cpu->wfi = false;
    cpu->exit_request = false;
    cpu->storm_hit = false;
    cpu->storm_count = 0;
    cpu->last_exc_cause = ~0ull;
    riscv_tlb_reset(cpu);
    riscv_sstc_update(cpu);         /* STCE is clear: no timer */
}

/* ---- the run loop ---- */

RISCVRunResult riscv_cpu_run(RISCVCPU *cpu, uint64_t budget)
{
    /* index: the op, plus OP_COUNT for 2-byte encodings (see ILEN) */
#define LABEL4(name) [OP_##name] = &&op_##name##_4,
#define LABEL2(name) [OP_COUNT + OP_##name] = &&op_##name##_2,
    static const void *const labels[2 * OP_COUNT] = {
        RISCV_OPS(LABEL4) RISCV_OPS(LABEL2)
    };
#undef LABEL4
#undef LABEL2
    uint64_t *const x = cpu->x;
    uint64_t pc = cpu->pc, executed = 0;
    /*
     * Hot state kept in locals: the slice limit, the fetch window and the
     * data TLB.  Every out-of-line call may change their cpu-> copies
     * (run_limit from a device callback, the fetch window from a store
     * into decoded code, the data TLB from a privilege change), so RELOAD
     * follows each call.  Page switches write the window back to cpu.
     */
    uint64_t limit = 0, vbase = TLB_INVALID;
    DecodedPage *fpage = NULL;
    TLBSet *dtlb = NULL;
    const TLBEntry *itlb = NULL;        /* exec TLB of the current mode */
    /*
     * d is the slot of pc.  Straight-line code steps d along the page's
     * slots while it stays below dend, the end of the page; anything that
     * may invalidate the page (a call) or leaves d off the page (an
     * instruction crossing pages) sets dend to d, which sends the next
     * step through the full check of pc against the fetch window.
     */
    const DecodedInsn *d = NULL, *dend = NULL;
    RISCVRunResult res;

#define SYNC() do { cpu->pc = pc; cpu->slice_count = executed; } while (0)
#define RELOAD() do { \
        limit = cpu->run_limit; \
        vbase = cpu->fetch_vbase; \
        fpage = cpu->fetch_page; \
        dtlb = cpu->dtlb; \
        itlb = cpu->tlb[cpu->priv]->exec; \
        dend = d; \
    } while (0)
    /*
     * Dispatch is replicated at the end of every handler so each one has
     * its own indirect jump (much better predicted than a shared one).
     */
#define DISPATCH() do { \
        if (unlikely(executed >= limit)) { \
            goto slice_check; \
        } \
        if (unlikely((pc & PAGE_MASK) != vbase)) { \
            goto new_page; \
        } \
        d = &fpage->insn[(pc & (PAGE_SIZE - 1)) >> 1]; \
        dend = &fpage->insn[INSNS_PER_PAGE]; \
        ENTER_BLOCK(); \
    } while (0)
    /* a jump's target: counted, and translated once hot (jit.c) */
#define ENTER_BLOCK() do { \
        if (unlikely(++((DecodedInsn *)d)->hits == JIT_HOT)) { \
            goto translate; \
        } \
        goto *labels[d->op]; \
    } while (0)
    /* the next instruction in line: no page check unless d left the page */
#define NEXT() do { \
        pc += ILEN; \
        executed++; \
        d += ILEN / 2; \
        if (unlikely(executed >= limit) || unlikely(d >= dend)) { \
            goto resync; \
        } \
        goto *labels[d->op]; \
    } while (0)
#define RAISE(cause, tval) do { \
        SYNC(); \
        riscv_raise_exception(cpu, (cause), (tval)); \
        executed++; \
        goto trapped; \
    } while (0)
#define CALL_OR_TRAP(call) do { \
        SYNC(); \
        if (unlikely(!(call))) { \
            executed++; \
            goto trapped; \
        } \
        RELOAD(); \
    } while (0)
    /*
     * Fast path: an access within one page the TLB maps to host RAM,
     * aligned or not (x86 hosts load misaligned words at full speed).
     * The tag is compared with the page of the access's last byte: an
     * access running into the next page never matches, because the entry
     * at TLB_IDX(a) cannot hold the next page.
     */
#define LOAD(T, SZ, out) do { \
        uint64_t a_ = x[d->rs1] + (int64_t)d->imm; \
        const TLBEntry *e_ = &dtlb->read[TLB_IDX(a_)]; \
        if (likely(((a_ + (SZ) - 1) & PAGE_MASK) == e_->vtag)) { \
            T v_; \
            memcpy(&v_, (const void *)(uintptr_t)(a_ + e_->addend), SZ); \
            out = (uint64_t)v_; \
        } else { \
            uint64_t v_; \
            CALL_OR_TRAP(riscv_load_slow(cpu, a_, SZ, &v_)); \
            out = (uint64_t)(T)v_; \
        } \
    } while (0)
#define STORE(SZ, val) do { \
        uint64_t a_ = x[d->rs1] + (int64_t)d->imm, v_ = (val); \
        const TLBEntry *e_ = &dtlb->write[TLB_IDX(a_)]; \
        if (likely(((a_ + (SZ) - 1) & PAGE_MASK) == e_->vtag)) { \
            memcpy((void *)(uintptr_t)(a_ + e_->addend), &v_, SZ); \
        } else { \
            CALL_OR_TRAP(riscv_store_slow(cpu, a_, SZ, v_)); \
        } \
    } while (0)

    if (cpu->bus->last_run != cpu) {
        /* another hart may have written our reservation set */
        cpu->res_valid = false;
        cpu->bus->last_run = cpu;
    }
    cpu->storm_hit = false;
    if (cpu->wfi) {
        if (cpu->sstc_on) {
            riscv_sstc_poll(cpu);
        }
        if (!riscv_pending_irqs(cpu) && !cpu->exit_request) {
            res.reason = RISCV_RUN_WFI;
            res.executed = 0;
            return res;
        }
        cpu->wfi = false;
    }

outer:
    /* cpu->pc is current here */
    if (cpu->exit_request) {
        cpu->exit_request = false;
        res.reason = RISCV_RUN_EXIT;
        goto out;
    }
    if (cpu->storm_hit) {
        res.reason = RISCV_RUN_STORM;
        goto out;
    }
    if (executed >= budget) {
        res.reason = RISCV_RUN_BUDGET;
        goto out;
    }
    cpu->run_limit = budget;
    cpu->slice_count = executed;
    riscv_check_interrupts(cpu);
    if (unlikely(riscv_trigger_watched(cpu, TRIG_EXEC))) {
        /* execute triggers: check this pc, then run just its instruction */
        if (riscv_trigger_hit(cpu, TRIG_EXEC, cpu->pc)) {
            executed++;
            goto trapped;
        }
        cpu->run_limit = executed + 1;
    }
    pc = cpu->pc;
    RELOAD();
    DISPATCH();

slice_check:
    SYNC();
    goto outer;

resync:
    DISPATCH();

new_page: {
        /* the exec TLB usually knows the decoded page */
        const TLBEntry *e = &itlb[TLB_IDX(pc)];
        if (likely(e->vtag == (pc & PAGE_MASK))) {
            fpage = e->page;
            vbase = e->vtag;
            cpu->fetch_page = fpage;
            cpu->fetch_vbase = vbase;
        } else {
            CALL_OR_TRAP(riscv_fetch_refill(cpu, pc));
        }
        d = &fpage->insn[(pc & (PAGE_SIZE - 1)) >> 1];
        dend = &fpage->insn[INSNS_PER_PAGE];
        ENTER_BLOCK();
    }

translate:
    /* a full code buffer drops all decoded code: RELOAD sees that */
    if (cpu->bus->jit && d->op != OP_JIT) {
        SYNC();
        riscv_jit_translate(cpu->bus, fpage, (DecodedInsn *)d);
        RELOAD();
    }
    goto *labels[d->op];

op_UNDECODED_4:
op_UNDECODED_2:
    riscv_decode_slot(fpage, cpu->bus->ext, (DecodedInsn *)d);
    goto *labels[d->op];
op_CROSSPAGE_4:
op_CROSSPAGE_2: {
        uint32_t insn;
        CALL_OR_TRAP(riscv_fetch_crosspage(cpu, pc, &insn));
        riscv_decode(insn, cpu->bus->ext, &cpu->tmp_insn);
        d = &cpu->tmp_insn;
        dend = d;
        goto *labels[d->op];
    }
op_ILLEGAL_4:
op_ILLEGAL_2:
    RAISE(RISCV_EXC_ILLEGAL_INSN, d->raw);

    /*
     * The handlers, twice: once for 4-byte and once for 2-byte encodings,
     * so the pc advances by a constant.  Loading the length from the
     * decoded slot put a load on the pc's dependency chain and cost more
     * than half the loop's speed.
     */
#define OP(name) op_##name##_4
#define ILEN 4
#include "cpu-ops.c.inc"
#undef OP
#undef ILEN
#define OP(name) op_##name##_2
#define ILEN 2
#include "cpu-ops.c.inc"
#undef OP
#undef ILEN

trapped:
    pc = cpu->pc;
    goto outer;

out:
    cpu->icount += executed;
    cpu->slice_count = 0;
    res.executed = executed;
    return res;

#undef SYNC
#undef RELOAD
#undef DISPATCH
#undef ENTER_BLOCK
#undef NEXT
#undef RAISE
#undef CALL_OR_TRAP
#undef LOAD
#undef STORE
#undef BRANCH
}

/* ---- control from the machine ---- */

void riscv_cpu_request_exit(RISCVCPU *cpu)
{
    cpu->exit_request = true;
    cpu->run_limit = 0;
}

void riscv_cpu_set_irq(RISCVCPU *cpu, uint64_t mask, bool level)
{
    if (mask & RISCV_MIP_SEIP) {
        cpu->seip_line = level;
        mask &= ~RISCV_MIP_SEIP;
    }
    mask &= DEVICE_IRQS | RISCV_MIP_SSIP | RISCV_MIP_STIP;
    if (level) {
        cpu->mip |= mask;
    } else {
        cpu->mip &= ~mask;
    }
    cpu->run_limit = 0; /* re-evaluate interrupts at the next boundary */
}

bool riscv_cpu_is_waiting(const RISCVCPU *cpu)
{
    return cpu->wfi;
}

void riscv_cpu_set_time_source(RISCVCPU *cpu, RISCVTimeFn *fn, void *opaque)
{
    cpu->time_fn = fn;
    cpu->time_opaque = opaque;
}

void riscv_cpu_set_stimer_hook(RISCVCPU *cpu, RISCVTimerFn *fn,
                               void *opaque)
{
    cpu->stimer_fn = fn;
    cpu->stimer_opaque = opaque;
    riscv_sstc_update(cpu);
}

void riscv_cpu_set_max_satp_mode(RISCVCPU *cpu, unsigned mode)
{
    cpu->max_satp_mode = mode < SATP_MODE_SV39 ? SATP_MODE_BARE
                       : MIN(mode, SATP_MODE_SV57);
}

uint32_t riscv_cpu_get_hartid(const RISCVCPU *cpu)
{
    return cpu->hartid;
}

RISCVBus *riscv_cpu_get_bus(const RISCVCPU *cpu)
{
    return cpu->bus;
}

uint64_t riscv_cpu_get_pc(const RISCVCPU *cpu)
{
    return cpu->pc;
}

void riscv_cpu_set_pc(RISCVCPU *cpu, uint64_t pc)
{
    cpu->pc = pc & ~1ull;
}

uint64_t riscv_cpu_get_xreg(const RISCVCPU *cpu, unsigned reg)
{
    return reg < 32 ? cpu->x[reg] : 0;
}

void riscv_cpu_set_xreg(RISCVCPU *cpu, unsigned reg, uint64_t val)
{
    if (reg > 0 && reg < 32) {
        cpu->x[reg] = val;
    }
}

uint64_t riscv_cpu_get_freg(const RISCVCPU *cpu, unsigned reg)
{
    return reg < 32 ? cpu->f[reg] : 0;
}

void riscv_cpu_set_freg(RISCVCPU *cpu, unsigned reg, uint64_t val)
{
    if (reg < 32) {
        cpu->f[reg] = val;
    }
}

unsigned riscv_cpu_get_priv(const RISCVCPU *cpu)
{
    return cpu->priv;
}

void riscv_cpu_set_priv(RISCVCPU *cpu, unsigned priv)
{
    if (priv == RISCV_PRIV_U || priv == RISCV_PRIV_S ||
        priv == RISCV_PRIV_M) {
        cpu->priv = priv;
        riscv_update_data_mode(cpu);
        riscv_reset_fetch(cpu);
    }
}

uint64_t riscv_cpu_get_icount(const RISCVCPU *cpu)
{
    return cpu->icount + cpu->slice_count;
}

void riscv_cpu_set_log(RISCVCPU *cpu, unsigned mask, RISCVLogFn *fn,
                       void *opaque)
{
    cpu->log_mask = fn ? mask : 0;
    cpu->log_fn = fn;
    cpu->log_opaque = opaque;
}

void riscv_cpu_set_storm_limit(RISCVCPU *cpu, uint64_t limit)
{
    cpu->storm_limit = limit;
}

uint64_t riscv_cpu_get_storm_count(const RISCVCPU *cpu)
{
    return cpu->storm_count;
}
