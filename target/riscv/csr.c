/*
 * Control and status registers: the Zicsr instructions, access rules
 * (privilege, read-only, FS, counter enables, TVM) and the side effects
 * that writes have on the rest of the CPU (TLB flushes, data mode).
 *
 * A CSR this file does not know raises illegal-instruction: firmware probes
 * CSRs by trapping, so "reads as zero" would be a lie.  The counters are
 * pmu.c's; time comes from the machine's callback.
 *
 * Extensions: the envcfg fields exist only for enabled extensions (CBIE,
 * CBCFE: Zicbom; CBZE: Zicboz; PBMTE: Svpbmt; STCE: Sstc).  With Sstc and
 * menvcfg.STCE, stimecmp drives STIP (time >= stimecmp), which then
 * ignores writes to mip; S-mode reaches stimecmp only when menvcfg.STCE
 * and mcounteren.TM both allow, as the Sstc spec says.
 */
#include "target/riscv/cpu-internal.h"

#define SSTATUS_MASK (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | \
                      MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)
#define SSTATUS_WMASK (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | \
                       MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR)
#define MSTATUS_WMASK (SSTATUS_WMASK | MSTATUS_MIE | MSTATUS_MPIE | \
                       MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM | \
                       MSTATUS_TW | MSTATUS_TSR)
#define MIE_MASK (RISCV_MIP_SSIP | RISCV_MIP_MSIP | RISCV_MIP_STIP | \
                  RISCV_MIP_MTIP | RISCV_MIP_SEIP | RISCV_MIP_MEIP)
#define S_IRQS (RISCV_MIP_SSIP | RISCV_MIP_STIP | RISCV_MIP_SEIP)
/* every exception but ecall-from-M and the reserved causes 10 and 14 */
#define MEDELEG_MASK 0xb3ffull
#define PMPCFG_L 0x80

uint64_t riscv_time_now(const RISCVCPU *cpu)
{
    return cpu->time_fn ? cpu->time_fn(cpu->time_opaque) : 0;
}

void riscv_sstc_poll(RISCVCPU *cpu)
{
    if (riscv_time_now(cpu) >= cpu->stimecmp) {
        cpu->mip |= RISCV_MIP_STIP;
    } else {
        cpu->mip &= ~RISCV_MIP_STIP;
    }
}

void riscv_sstc_update(RISCVCPU *cpu)
{
    bool on = (cpu->bus->ext & RISCV_EXT(SSTC)) &&
              (cpu->menvcfg & ENVCFG_STCE);

    if (on) {
        riscv_sstc_poll(cpu);
    } else if (cpu->sstc_on) {
        cpu->mip &= ~RISCV_MIP_STIP;    /* software's again, from clear */
    }
    cpu->sstc_on = on;
    if (cpu->stimer_fn) {
        cpu->stimer_fn(cpu->stimer_opaque, on ? cpu->stimecmp : UINT64_MAX);
    }
}

static uint64_t read_mstatus(const RISCVCPU *cpu)
{
    uint64_t s = cpu->mstatus & ~MSTATUS_SD;

    if ((s & MSTATUS_FS) == MSTATUS_FS) {
        s |= MSTATUS_SD;
    }
    return s;
}

static void write_mstatus(RISCVCPU *cpu, uint64_t val, uint64_t wmask)
{
    uint64_t old = cpu->mstatus;
    uint64_t s = (old & ~wmask) | (val & wmask);

    if (((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2) {
        s = (s & ~MSTATUS_MPP) | (old & MSTATUS_MPP); /* WARL: no H-mode */
    }
    cpu->mstatus = s;
    /* entries filled under SUM or MXR are wrong once they are cleared */
    if ((old & MSTATUS_SUM) && !(s & MSTATUS_SUM)) {
        riscv_tlb_sum_cleared(cpu);
    }
    if ((old & MSTATUS_MXR) && !(s & MSTATUS_MXR)) {
        riscv_tlb_mxr_cleared(cpu);
    }
    riscv_update_data_mode(cpu);
}

static uint64_t fix_tvec(uint64_t val)
{
    /* modes 2 and 3 are reserved: fall back to direct */
    return (val & 3) >= 2 ? val & ~3ull : val;
}

static bool is_counter(unsigned csr)
{
    return csr >= CSR_CYCLE && csr <= CSR_HPMCOUNTER31;
}

/* Access rules beyond "the CSR exists". */
static bool csr_allowed(const RISCVCPU *cpu, unsigned csr, bool write)
{
    if (cpu->priv < ((csr >> 8) & 3)) {
        return false;
    }
    if (write && (csr >> 10) == 3) {
        return false;
    }
    if (csr >= CSR_FFLAGS && csr <= CSR_FCSR && riscv_fs_off(cpu)) {
        return false;
    }
    if (is_counter(csr)) {
        unsigned bit = csr & 31;
        if (cpu->priv < RISCV_PRIV_M && !((cpu->mcounteren >> bit) & 1)) {
            return false;
        }
        if (cpu->priv < RISCV_PRIV_S && !((cpu->scounteren >> bit) & 1)) {
            return false;
        }
    }
    if (csr == CSR_SATP && cpu->priv == RISCV_PRIV_S &&
        (cpu->mstatus & MSTATUS_TVM)) {
        return false;
    }
    if (csr == CSR_STIMECMP && cpu->priv < RISCV_PRIV_M &&
        (!(cpu->menvcfg & ENVCFG_STCE) || !(cpu->mcounteren & 2))) {
        return false;
    }
    return true;
}

/* rmw: the value a read-modify-write starts from (mip: software SEIP). */
static bool csr_read(RISCVCPU *cpu, unsigned csr, uint64_t *val, bool rmw)
{
    uint64_t mip;

    if (cpu->sstc_on && (csr == CSR_MIP || csr == CSR_SIP)) {
        riscv_sstc_poll(cpu);
    }
    mip = cpu->mip | (!rmw && cpu->seip_line ? RISCV_MIP_SEIP : 0);

    switch (csr) {
    case CSR_FFLAGS: *val = cpu->fflags; return true;
    case CSR_FRM: *val = cpu->frm; return true;
    case CSR_FCSR: *val = cpu->fflags | (cpu->frm << 5); return true;
    case CSR_TIME: *val = riscv_time_now(cpu); return true;
    case CSR_STIMECMP:
        if (!(cpu->bus->ext & RISCV_EXT(SSTC))) {
            return false;
        }
        *val = cpu->stimecmp;
        return true;
    case CSR_SSTATUS: *val = read_mstatus(cpu) & SSTATUS_MASK; return true;
    case CSR_SIE: *val = cpu->mie & cpu->mideleg; return true;
    case CSR_STVEC: *val = cpu->stvec; return true;
    case CSR_SCOUNTEREN: *val = cpu->scounteren; return true;
    case CSR_SENVCFG: *val = cpu->senvcfg; return true;
    case CSR_SSCRATCH: *val = cpu->sscratch; return true;
    case CSR_SEPC: *val = cpu->sepc; return true;
    case CSR_SCAUSE: *val = cpu->scause; return true;
    case CSR_STVAL: *val = cpu->stval; return true;
    case CSR_SIP: *val = mip & cpu->mideleg; return true;
    case CSR_SATP: *val = cpu->satp; return true;
    case CSR_MVENDORID: case CSR_MARCHID: case CSR_MIMPID:
    case CSR_MCONFIGPTR:
        *val = 0;
        return true;
    case CSR_MHARTID: *val = cpu->hartid; return true;
    case CSR_MSTATUS: *val = read_mstatus(cpu); return true;
    case CSR_MISA: *val = cpu->misa; return true;
    case CSR_MEDELEG: *val = cpu->medeleg; return true;
    case CSR_MIDELEG: *val = cpu->mideleg; return true;
    case CSR_MIE: *val = cpu->mie; return true;
    case CSR_MTVEC: *val = cpu->mtvec; return true;
    case CSR_MCOUNTEREN: *val = cpu->mcounteren; return true;
    case CSR_MENVCFG: *val = cpu->menvcfg; return true;
    case CSR_MSCRATCH: *val = cpu->mscratch; return true;
    case CSR_MEPC: *val = cpu->mepc; return true;
    case CSR_MCAUSE: *val = cpu->mcause; return true;
    case CSR_MTVAL: *val = cpu->mtval; return true;
    case CSR_MIP: *val = mip; return true;
    case CSR_PMPCFG0: *val = cpu->pmpcfg[0]; return true;
    case CSR_PMPCFG2: *val = cpu->pmpcfg[1]; return true;
    }
    if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR15) {
        *val = cpu->pmpaddr[csr - CSR_PMPADDR0];
        return true;
    }
    return riscv_pmu_read(cpu, csr, val) ||
           riscv_trigger_csr_read(cpu, csr, val);
}

static void write_pmpcfg(RISCVCPU *cpu, unsigned n, uint64_t val)
{
    uint64_t old = cpu->pmpcfg[n], out = 0;

    for (unsigned i = 0; i < 8; i++) {
        uint64_t ob = (old >> (8 * i)) & 0xff, nb = (val >> (8 * i)) & 0xff;
        if (ob & PMPCFG_L) {
            nb = ob;            /* locked until reset */
        } else {
            nb &= 0x9f;         /* bits 6:5 are reserved */
            if ((nb & 3) == 2) {
                nb &= ~2ull;    /* W without R is reserved */
            }
        }
        out |= nb << (8 * i);
    }
    cpu->pmpcfg[n] = out;
}

static void write_satp(RISCVCPU *cpu, uint64_t val)
{
    unsigned mode = val >> SATP_MODE_SHIFT;

    if (mode != SATP_MODE_BARE &&
        (mode < SATP_MODE_SV39 || mode > cpu->max_satp_mode)) {
        return; /* unsupported mode: the whole write has no effect */
    }
    /*
     * No flush: entries are kept per address space (mode, ASID, root),
     * and the guest fences what it changes, as the spec requires.
     */
    cpu->satp = (val & (SATP_PPN_MASK | SATP_ASID_MASK)) |
                ((uint64_t)mode << SATP_MODE_SHIFT);
    riscv_tlb_select(cpu);
}

/* The envcfg fields of the enabled extensions; CBIE 10 is reserved. */
static uint64_t write_envcfg(const RISCVCPU *cpu, uint64_t old, uint64_t val,
                             bool m)
{
    uint32_t ext = cpu->bus->ext;
    uint64_t mask = ENVCFG_FIOM;

    if (ext & RISCV_EXT(ZICBOM)) {
        mask |= ENVCFG_CBIE | ENVCFG_CBCFE;
    }
    if (ext & RISCV_EXT(ZICBOZ)) {
        mask |= ENVCFG_CBZE;
    }
    if (m && (ext & RISCV_EXT(SVPBMT))) {
        mask |= ENVCFG_PBMTE;
    }
    if (m && (ext & RISCV_EXT(SSTC))) {
        mask |= ENVCFG_STCE;
    }
    if ((val & ENVCFG_CBIE) == (2ull << 4)) {
        val = (val & ~ENVCFG_CBIE) | (old & ENVCFG_CBIE);
    }
    return (old & ~mask) | (val & mask);
}

static bool csr_write(RISCVCPU *cpu, unsigned csr, uint64_t val,
                      bool by_insn)
{
    switch (csr) {
    case CSR_FFLAGS:
        cpu->fflags = val & 0x1f;
        riscv_fs_dirty(cpu);
        return true;
    case CSR_FRM:
        cpu->frm = val & 7;
        riscv_fs_dirty(cpu);
        return true;
    case CSR_FCSR:
        cpu->fflags = val & 0x1f;
        cpu->frm = (val >> 5) & 7;
        riscv_fs_dirty(cpu);
        return true;
    case CSR_SSTATUS:
        write_mstatus(cpu, val, SSTATUS_WMASK);
        return true;
    case CSR_SIE:
        cpu->mie = (cpu->mie & ~cpu->mideleg) | (val & cpu->mideleg & S_IRQS);
        return true;
    case CSR_STVEC: cpu->stvec = fix_tvec(val); return true;
    case CSR_SCOUNTEREN: cpu->scounteren = val & 0xffffffffu; return true;
    case CSR_SENVCFG:
        cpu->senvcfg = write_envcfg(cpu, cpu->senvcfg, val, false);
        return true;
    case CSR_STIMECMP:
        if (!(cpu->bus->ext & RISCV_EXT(SSTC))) {
            return false;
        }
        cpu->stimecmp = val;
        riscv_sstc_update(cpu);
        return true;
    case CSR_SSCRATCH: cpu->sscratch = val; return true;
    case CSR_SEPC: cpu->sepc = val & ~1ull; return true;
    case CSR_SCAUSE: cpu->scause = val; return true;
    case CSR_STVAL: cpu->stval = val; return true;
    case CSR_SIP: {
        uint64_t m = cpu->mideleg & RISCV_MIP_SSIP;
        cpu->mip = (cpu->mip & ~m) | (val & m);
        return true;
    }
    case CSR_SATP: write_satp(cpu, val); return true;
    case CSR_MSTATUS: write_mstatus(cpu, val, MSTATUS_WMASK); return true;
    case CSR_MISA: return true; /* WARL, fixed */
    case CSR_MEDELEG: cpu->medeleg = val & MEDELEG_MASK; return true;
    case CSR_MIDELEG: cpu->mideleg = val & S_IRQS; return true;
    case CSR_MIE: cpu->mie = val & MIE_MASK; return true;
    case CSR_MTVEC: cpu->mtvec = fix_tvec(val); return true;
    case CSR_MCOUNTEREN: cpu->mcounteren = val & 0xffffffffu; return true;
    case CSR_MENVCFG: {
        uint64_t old = cpu->menvcfg;
        cpu->menvcfg = write_envcfg(cpu, old, val, true);
        if ((old ^ cpu->menvcfg) & ENVCFG_PBMTE) {
            riscv_tlb_flush(cpu);   /* entries made under the other rule */
        }
        if ((old ^ cpu->menvcfg) & ENVCFG_STCE) {
            riscv_sstc_update(cpu);
        }
        return true;
    }
    case CSR_MSCRATCH: cpu->mscratch = val; return true;
    case CSR_MEPC: cpu->mepc = val & ~1ull; return true;
    case CSR_MCAUSE: cpu->mcause = val; return true;
    case CSR_MTVAL: cpu->mtval = val; return true;
    case CSR_MIP: {
        /* under Sstc, STIP belongs to stimecmp */
        uint64_t m = S_IRQS & ~(cpu->sstc_on ? RISCV_MIP_STIP : 0);
        cpu->mip = (cpu->mip & ~m) | (val & m);
        return true;
    }
    case CSR_PMPCFG0: write_pmpcfg(cpu, 0, val); return true;
    case CSR_PMPCFG2: write_pmpcfg(cpu, 1, val); return true;
    }
    if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR15) {
        unsigned n = csr - CSR_PMPADDR0;
        if (!((cpu->pmpcfg[n / 8] >> (8 * (n % 8))) & PMPCFG_L)) {
            cpu->pmpaddr[n] = val & ((1ull << 54) - 1);
        }
        return true;
    }
    return riscv_pmu_write(cpu, csr, val, by_insn) ||
           riscv_trigger_csr_write(cpu, csr, val);
}

bool riscv_csr_exec(RISCVCPU *cpu, const DecodedInsn *d)
{
    unsigned csr = (unsigned)d->imm, op = d->rm & 3;
    uint64_t src = (d->rm & 4) ? d->rs1 : cpu->x[d->rs1];
    bool write = op == 1 || d->rs1 != 0;
    uint64_t old = 0, base, val;

    if (!csr_allowed(cpu, csr, write)) {
        goto illegal;
    }
    /* CSRRW with rd=x0 does not read: no read side effects */
    if ((op != 1 || d->rd != 0) && !csr_read(cpu, csr, &old, false)) {
        goto illegal;
    }
    if (write) {
        base = old;
        if (op != 1 && (csr == CSR_MIP || csr == CSR_SIP)) {
            csr_read(cpu, csr, &base, true);
        }
        val = op == 1 ? src : op == 2 ? base | src : base & ~src;
        if (!csr_write(cpu, csr, val, true)) {
            goto illegal;
        }
    }
    riscv_set_xreg(cpu, d->rd, old);
    return true;

illegal:
    riscv_log(cpu, RISCV_LOG_GUEST_ERR,
              "hart %u: illegal CSR access 0x%03x at pc 0x%llx (priv %u)",
              cpu->hartid, csr, (unsigned long long)cpu->pc, cpu->priv);
    riscv_raise_exception(cpu, RISCV_EXC_ILLEGAL_INSN, d->raw);
    return false;
}

bool riscv_cpu_csr_read(RISCVCPU *cpu, unsigned csr, uint64_t *val)
{
    return csr_read(cpu, csr, val, false);
}

bool riscv_cpu_csr_write(RISCVCPU *cpu, unsigned csr, uint64_t val)
{
    if ((csr >> 10) == 3) {
        return false;
    }
    return csr_write(cpu, csr, val, false);
}
