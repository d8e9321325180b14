/*
 * Hart state, reset and the run loop.
 *
 * The loop is direct-threaded (computed goto on the decoded op).  Per
 * instruction it does: one compare against the slice limit, one compare of
 * the pc's page against the fetch window, an indexed load of the decoded
 * slot, and the operation.  Loads and stores hit the software TLB inline;
 * everything else (MMIO, page walks, traps, CSRs, FP, AMOs) is out of line.
 *
 * Interrupts are only checked where they can become pending-and-enabled:
 * at slice start, after CSR writes and xRET (which go back to `outer`) and
 * when a device calls riscv_cpu_set_irq() from a callback, which zeroes
 * run_limit so the loop drops to `outer` at the next boundary.
 */
#include <string.h>
#include <glib.h>

#include "target/riscv/cpu-internal.h"

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
    cpu->max_satp_mode = SATP_MODE_SV48;
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
    cpu->mcountinhibit = 0;
    memset(cpu->pmpcfg, 0, sizeof(cpu->pmpcfg));
    memset(cpu->pmpaddr, 0, sizeof(cpu->pmpaddr));
    cpu->fflags = cpu->frm = 0;
    cpu->cycle_off = cpu->instret_off = 0;
    cpu->res_valid = false;
    cpu->wfi = false;
    cpu->exit_request = false;
    cpu->storm_hit = false;
    cpu->storm_count = 0;
    cpu->last_exc_cause = ~0ull;
    memset(cpu->tlb, 0xff, sizeof(cpu->tlb));
    riscv_reset_fetch(cpu);
    riscv_update_data_mode(cpu);
}

/* ---- the run loop ---- */

RISCVRunResult riscv_cpu_run(RISCVCPU *cpu, uint64_t budget)
{
#define LABEL(name) [OP_##name] = &&op_##name,
    static const void *const labels[OP_COUNT] = { RISCV_OPS(LABEL) };
#undef LABEL
    uint64_t *const x = cpu->x;
    uint64_t pc = cpu->pc, executed = 0;
    const DecodedInsn *d;
    RISCVRunResult res;

#define SYNC() do { cpu->pc = pc; cpu->slice_count = executed; } while (0)
#define NEXT() do { pc += d->len; executed++; goto next; } while (0)
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
    } while (0)
    /* fast path: aligned access within a page the TLB maps to host RAM */
#define LOAD(T, SZ, out) do { \
        uint64_t a_ = x[d->rs1] + (int64_t)d->imm; \
        const TLBEntry *e_ = &cpu->dtlb->read[TLB_IDX(a_)]; \
        if (likely((a_ & (PAGE_MASK | ((SZ) - 1))) == e_->vtag)) { \
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
        const TLBEntry *e_ = &cpu->dtlb->write[TLB_IDX(a_)]; \
        if (likely((a_ & (PAGE_MASK | ((SZ) - 1))) == e_->vtag)) { \
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
    pc = cpu->pc;

next:
    if (unlikely(executed >= cpu->run_limit)) {
        SYNC();
        goto outer;
    }
    if (unlikely((pc & PAGE_MASK) != cpu->fetch_vbase)) {
        /* new page: the exec TLB usually knows its decoded page */
        const TLBEntry *e = &cpu->tlb[cpu->priv].exec[TLB_IDX(pc)];
        if (likely(e->vtag == (pc & PAGE_MASK))) {
            cpu->fetch_page = e->page;
            cpu->fetch_vbase = e->vtag;
        } else {
            CALL_OR_TRAP(riscv_fetch_refill(cpu, pc));
        }
    }
    d = &cpu->fetch_page->insn[(pc & (PAGE_SIZE - 1)) >> 1];
    goto *labels[d->op];

op_UNDECODED: {
        DecodedInsn *slot = (DecodedInsn *)d;
        unsigned off = pc & (PAGE_SIZE - 1);
        const uint8_t *h = cpu->fetch_page->host + off;
        uint32_t insn = h[0] | (uint32_t)h[1] << 8;

        if ((insn & 3) == 3) {
            if (off == PAGE_SIZE - 2) {
                slot->op = OP_CROSSPAGE;
                goto op_CROSSPAGE;
            }
            insn |= (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
        }
        riscv_decode(insn, slot);
        goto *labels[slot->op];
    }
op_CROSSPAGE: {
        uint32_t insn;
        CALL_OR_TRAP(riscv_fetch_crosspage(cpu, pc, &insn));
        riscv_decode(insn, &cpu->tmp_insn);
        d = &cpu->tmp_insn;
        goto *labels[d->op];
    }
op_ILLEGAL:
    RAISE(RISCV_EXC_ILLEGAL_INSN, d->raw);

    /* ---- integer ---- */
op_ADDI: x[d->rd] = x[d->rs1] + (int64_t)d->imm; NEXT();
op_SLTI: x[d->rd] = (int64_t)x[d->rs1] < (int64_t)d->imm; NEXT();
op_SLTIU: x[d->rd] = x[d->rs1] < (uint64_t)(int64_t)d->imm; NEXT();
op_XORI: x[d->rd] = x[d->rs1] ^ (uint64_t)(int64_t)d->imm; NEXT();
op_ORI: x[d->rd] = x[d->rs1] | (uint64_t)(int64_t)d->imm; NEXT();
op_ANDI: x[d->rd] = x[d->rs1] & (uint64_t)(int64_t)d->imm; NEXT();
op_SLLI: x[d->rd] = x[d->rs1] << d->imm; NEXT();
op_SRLI: x[d->rd] = x[d->rs1] >> d->imm; NEXT();
op_SRAI: x[d->rd] = (uint64_t)((int64_t)x[d->rs1] >> d->imm); NEXT();
op_ADDIW: x[d->rd] = (uint64_t)(int64_t)(int32_t)(x[d->rs1] + d->imm); NEXT();
op_SLLIW:
    x[d->rd] = (uint64_t)(int64_t)(int32_t)((uint32_t)x[d->rs1] << d->imm);
    NEXT();
op_SRLIW:
    x[d->rd] = (uint64_t)(int64_t)(int32_t)((uint32_t)x[d->rs1] >> d->imm);
    NEXT();
op_SRAIW:
    x[d->rd] = (uint64_t)(int64_t)((int32_t)x[d->rs1] >> d->imm);
    NEXT();
op_ADD: x[d->rd] = x[d->rs1] + x[d->rs2]; NEXT();
op_SUB: x[d->rd] = x[d->rs1] - x[d->rs2]; NEXT();
op_SLL: x[d->rd] = x[d->rs1] << (x[d->rs2] & 63); NEXT();
op_SLT: x[d->rd] = (int64_t)x[d->rs1] < (int64_t)x[d->rs2]; NEXT();
op_SLTU: x[d->rd] = x[d->rs1] < x[d->rs2]; NEXT();
op_XOR: x[d->rd] = x[d->rs1] ^ x[d->rs2]; NEXT();
op_SRL: x[d->rd] = x[d->rs1] >> (x[d->rs2] & 63); NEXT();
op_SRA: x[d->rd] = (uint64_t)((int64_t)x[d->rs1] >> (x[d->rs2] & 63)); NEXT();
op_OR: x[d->rd] = x[d->rs1] | x[d->rs2]; NEXT();
op_AND: x[d->rd] = x[d->rs1] & x[d->rs2]; NEXT();
op_ADDW: x[d->rd] = (uint64_t)(int64_t)(int32_t)(x[d->rs1] + x[d->rs2]); NEXT();
op_SUBW: x[d->rd] = (uint64_t)(int64_t)(int32_t)(x[d->rs1] - x[d->rs2]); NEXT();
op_SLLW:
    x[d->rd] = (uint64_t)(int64_t)(int32_t)((uint32_t)x[d->rs1]
                                            << (x[d->rs2] & 31));
    NEXT();
op_SRLW:
    x[d->rd] = (uint64_t)(int64_t)(int32_t)((uint32_t)x[d->rs1]
                                            >> (x[d->rs2] & 31));
    NEXT();
op_SRAW:
    x[d->rd] = (uint64_t)(int64_t)((int32_t)x[d->rs1] >> (x[d->rs2] & 31));
    NEXT();

    /* ---- M ---- */
op_MUL: x[d->rd] = x[d->rs1] * x[d->rs2]; NEXT();
op_MULH:
    x[d->rd] = (uint64_t)(((__int128)(int64_t)x[d->rs1] *
                           (__int128)(int64_t)x[d->rs2]) >> 64);
    NEXT();
op_MULHSU:
    x[d->rd] = (uint64_t)(((__int128)(int64_t)x[d->rs1] *
                           (__int128)x[d->rs2]) >> 64);
    NEXT();
op_MULHU:
    x[d->rd] = (uint64_t)(((unsigned __int128)x[d->rs1] * x[d->rs2]) >> 64);
    NEXT();
op_DIV: {
        int64_t a = x[d->rs1], b = x[d->rs2];
        x[d->rd] = b == 0 ? UINT64_MAX
                 : (a == INT64_MIN && b == -1) ? (uint64_t)a
                 : (uint64_t)(a / b);
        NEXT();
    }
op_DIVU: {
        uint64_t a = x[d->rs1], b = x[d->rs2];
        x[d->rd] = b == 0 ? UINT64_MAX : a / b;
        NEXT();
    }
op_REM: {
        int64_t a = x[d->rs1], b = x[d->rs2];
        x[d->rd] = b == 0 ? (uint64_t)a
                 : (a == INT64_MIN && b == -1) ? 0 : (uint64_t)(a % b);
        NEXT();
    }
op_REMU: {
        uint64_t a = x[d->rs1], b = x[d->rs2];
        x[d->rd] = b == 0 ? a : a % b;
        NEXT();
    }
op_MULW:
    x[d->rd] = (uint64_t)(int64_t)(int32_t)(x[d->rs1] * x[d->rs2]);
    NEXT();
op_DIVW: {
        int32_t a = x[d->rs1], b = x[d->rs2];
        int32_t r = b == 0 ? -1 : (a == INT32_MIN && b == -1) ? a : a / b;
        x[d->rd] = (uint64_t)(int64_t)r;
        NEXT();
    }
op_DIVUW: {
        uint32_t a = x[d->rs1], b = x[d->rs2];
        uint32_t r = b == 0 ? UINT32_MAX : a / b;
        x[d->rd] = (uint64_t)(int64_t)(int32_t)r;
        NEXT();
    }
op_REMW: {
        int32_t a = x[d->rs1], b = x[d->rs2];
        int32_t r = b == 0 ? a : (a == INT32_MIN && b == -1) ? 0 : a % b;
        x[d->rd] = (uint64_t)(int64_t)r;
        NEXT();
    }
op_REMUW: {
        uint32_t a = x[d->rs1], b = x[d->rs2];
        uint32_t r = b == 0 ? a : a % b;
        x[d->rd] = (uint64_t)(int64_t)(int32_t)r;
        NEXT();
    }

    /* ---- control transfer (IALIGN=16: no misaligned targets) ---- */
op_AUIPC: x[d->rd] = pc + (int64_t)d->imm; NEXT();
op_JAL:
    x[d->rd] = pc + d->len;
    pc += (int64_t)d->imm;
    executed++;
    goto next;
op_JALR: {
        uint64_t target = (x[d->rs1] + (int64_t)d->imm) & ~1ull;
        x[d->rd] = pc + d->len;
        pc = target;
        executed++;
        goto next;
    }
#define BRANCH(cond) do { \
        pc += (cond) ? (uint64_t)(int64_t)d->imm : d->len; \
        executed++; \
        goto next; \
    } while (0)
op_BEQ: BRANCH(x[d->rs1] == x[d->rs2]);
op_BNE: BRANCH(x[d->rs1] != x[d->rs2]);
op_BLT: BRANCH((int64_t)x[d->rs1] < (int64_t)x[d->rs2]);
op_BGE: BRANCH((int64_t)x[d->rs1] >= (int64_t)x[d->rs2]);
op_BLTU: BRANCH(x[d->rs1] < x[d->rs2]);
op_BGEU: BRANCH(x[d->rs1] >= x[d->rs2]);

    /* ---- loads and stores ---- */
op_LB: LOAD(int8_t, 1, x[d->rd]); NEXT();
op_LH: LOAD(int16_t, 2, x[d->rd]); NEXT();
op_LW: LOAD(int32_t, 4, x[d->rd]); NEXT();
op_LD: LOAD(uint64_t, 8, x[d->rd]); NEXT();
op_LBU: LOAD(uint8_t, 1, x[d->rd]); NEXT();
op_LHU: LOAD(uint16_t, 2, x[d->rd]); NEXT();
op_LWU: LOAD(uint32_t, 4, x[d->rd]); NEXT();
op_SB: STORE(1, x[d->rs2]); NEXT();
op_SH: STORE(2, x[d->rs2]); NEXT();
op_SW: STORE(4, x[d->rs2]); NEXT();
op_SD: STORE(8, x[d->rs2]); NEXT();
op_FLW:
    if (unlikely(riscv_fs_off(cpu))) {
        RAISE(RISCV_EXC_ILLEGAL_INSN, d->raw);
    }
    {
        uint64_t v;
        LOAD(uint32_t, 4, v);
        cpu->f[d->rd] = BOX32 | v;
        riscv_fs_dirty(cpu);
    }
    NEXT();
op_FLD:
    if (unlikely(riscv_fs_off(cpu))) {
        RAISE(RISCV_EXC_ILLEGAL_INSN, d->raw);
    }
    LOAD(uint64_t, 8, cpu->f[d->rd]);
    riscv_fs_dirty(cpu);
    NEXT();
op_FSW:
    if (unlikely(riscv_fs_off(cpu))) {
        RAISE(RISCV_EXC_ILLEGAL_INSN, d->raw);
    }
    STORE(4, cpu->f[d->rs2]);
    NEXT();
op_FSD:
    if (unlikely(riscv_fs_off(cpu))) {
        RAISE(RISCV_EXC_ILLEGAL_INSN, d->raw);
    }
    STORE(8, cpu->f[d->rs2]);
    NEXT();

    /* ---- out of line ---- */
op_FP:
    CALL_OR_TRAP(riscv_fpu_exec(cpu, d));
    NEXT();
op_AMO:
    CALL_OR_TRAP(riscv_amo_exec(cpu, d));
    NEXT();
op_CSR:
    CALL_OR_TRAP(riscv_csr_exec(cpu, d));
    /* the write may have enabled an interrupt or changed translation */
    cpu->pc = pc + d->len;
    executed++;
    goto outer;

    /* ---- system ---- */
op_FENCE:
    NEXT();
op_FENCE_I:
    /* stores already invalidated decoded code; just refetch */
    riscv_reset_fetch(cpu);
    NEXT();
op_ECALL:
    RAISE(RISCV_EXC_ECALL_U + cpu->priv, 0);
op_EBREAK:
    RAISE(RISCV_EXC_BREAKPOINT, pc);
op_MRET:
    SYNC();
    if (!riscv_do_mret(cpu)) {
        RAISE(RISCV_EXC_ILLEGAL_INSN, d->raw);
    }
    executed++;
    goto outer;
op_SRET:
    SYNC();
    if (!riscv_do_sret(cpu)) {
        RAISE(RISCV_EXC_ILLEGAL_INSN, d->raw);
    }
    executed++;
    goto outer;
op_WFI:
    if (cpu->priv == RISCV_PRIV_U ||
        (cpu->priv == RISCV_PRIV_S && (cpu->mstatus & MSTATUS_TW))) {
        RAISE(RISCV_EXC_ILLEGAL_INSN, d->raw);
    }
    pc += d->len;
    executed++;
    if (riscv_pending_irqs(cpu)) {
        goto next;
    }
    SYNC();
    cpu->wfi = true;
    res.reason = RISCV_RUN_WFI;
    goto out;
op_SFENCE_VMA:
    if (cpu->priv == RISCV_PRIV_U ||
        (cpu->priv == RISCV_PRIV_S && (cpu->mstatus & MSTATUS_TVM))) {
        RAISE(RISCV_EXC_ILLEGAL_INSN, d->raw);
    }
    /*
     * Flush everything whatever rs1/rs2 say: the TLB keeps 4 KiB pieces of
     * superpages, which a single-address flush would miss.
     */
    riscv_tlb_flush(cpu);
    NEXT();

trapped:
    pc = cpu->pc;
    goto outer;

out:
    cpu->icount += executed;
    cpu->slice_count = 0;
    res.executed = executed;
    return res;

#undef SYNC
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

void riscv_cpu_set_max_satp_mode(RISCVCPU *cpu, unsigned mode)
{
    cpu->max_satp_mode = mode >= SATP_MODE_SV48 ? SATP_MODE_SV48
                                                : SATP_MODE_SV39;
}

uint32_t riscv_cpu_get_hartid(const RISCVCPU *cpu)
{
    return cpu->hartid;
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
