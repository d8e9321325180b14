/*
 * Internal state shared by the CPU modules (cpu.c run loop, decode.c,
 * csr.c, pmu.c, trigger.c, mmu.c, icache.c, trap.c, fpu.c, atomic.c,
 * bitmanip.c, cmo.c, isa.c).  Not for the machine:
 * it uses include/target/riscv/cpu.h.
 *
 * Rules the modules rely on:
 * - x[0] always reads zero; integer destinations 0 are decoded as x[32],
 *   a sink that is never read.
 * - Any function that can trap takes cpu->pc as the faulting pc, so the run
 *   loop stores its local pc (SYNC) before calling out.  A function that
 *   traps has already redirected cpu->pc to the handler and returns false.
 * - Decoded pages are never freed while the bus lives: an invalidated page
 *   goes to a free list and is only reused when a fetch window is refilled,
 *   which is an instruction boundary, so the instruction being executed
 *   stays readable even if it invalidated its own page.
 * - Likewise translated blocks (jit.c): the code buffer is only written
 *   when a block is translated, at a block entry, so the interpreter may
 *   run a block's saved instruction (JitBlock.orig) across calls that drop
 *   all translations.
 */
#ifndef TARGET_RISCV_CPU_INTERNAL_H
#define TARGET_RISCV_CPU_INTERNAL_H

#include "qemu/bswap.h"
#include "target/riscv/cpu.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define PAGE_BITS 12
#define PAGE_SIZE (1ull << PAGE_BITS)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define TLB_BITS 8
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_IDX(va) (((va) >> PAGE_BITS) & (TLB_SIZE - 1))
#define TLB_INVALID (~0ull)   /* never equals a page-aligned address */

#define RISCV_MAX_HARTS 64
#define RISCV_MAX_REGIONS 8
#define XREG_SINK 32

/* ---- CSR numbers ---- */
enum {
    CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
    CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02,
    CSR_HPMCOUNTER3 = 0xc03, CSR_HPMCOUNTER31 = 0xc1f,
    CSR_SSTATUS = 0x100, CSR_SIE = 0x104, CSR_STVEC = 0x105,
    CSR_SCOUNTEREN = 0x106, CSR_SENVCFG = 0x10a, CSR_SSCRATCH = 0x140,
    CSR_SEPC = 0x141, CSR_SCAUSE = 0x142, CSR_STVAL = 0x143, CSR_SIP = 0x144,
    CSR_STIMECMP = 0x14d,
    CSR_SATP = 0x180,
    CSR_MVENDORID = 0xf11, CSR_MARCHID = 0xf12, CSR_MIMPID = 0xf13,
    CSR_MHARTID = 0xf14, CSR_MCONFIGPTR = 0xf15,
    CSR_MSTATUS = 0x300, CSR_MISA = 0x301, CSR_MEDELEG = 0x302,
    CSR_MIDELEG = 0x303, CSR_MIE = 0x304, CSR_MTVEC = 0x305,
    CSR_MCOUNTEREN = 0x306, CSR_MENVCFG = 0x30a, CSR_MCOUNTINHIBIT = 0x320,
    CSR_MHPMEVENT3 = 0x323, CSR_MHPMEVENT31 = 0x33f,
    CSR_MSCRATCH = 0x340, CSR_MEPC = 0x341, CSR_MCAUSE = 0x342,
    CSR_MTVAL = 0x343, CSR_MIP = 0x344,
    CSR_PMPCFG0 = 0x3a0, CSR_PMPCFG2 = 0x3a2,
    CSR_PMPADDR0 = 0x3b0, CSR_PMPADDR15 = 0x3bf,
    CSR_TSELECT = 0x7a0, CSR_TDATA1 = 0x7a1, CSR_TDATA2 = 0x7a2,
    CSR_TDATA3 = 0x7a3, CSR_TINFO = 0x7a4,
    CSR_MCYCLE = 0xb00, CSR_MINSTRET = 0xb02,
    CSR_MHPMCOUNTER3 = 0xb03, CSR_MHPMCOUNTER31 = 0xb1f,
};

/* ---- mstatus ---- */
#define MSTATUS_SIE  (1ull << 1)
#define MSTATUS_MIE  (1ull << 3)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_SPP  (1ull << 8)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP  (3ull << MSTATUS_MPP_SHIFT)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS   (3ull << MSTATUS_FS_SHIFT)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM  (1ull << 18)
#define MSTATUS_MXR  (1ull << 19)
#define MSTATUS_TVM  (1ull << 20)
#define MSTATUS_TW   (1ull << 21)
#define MSTATUS_TSR  (1ull << 22)
#define MSTATUS_UXL  (3ull << 32)
#define MSTATUS_SXL  (3ull << 34)
#define MSTATUS_SD   (1ull << 63)

/* menvcfg/senvcfg (PBMTE and STCE exist in menvcfg only) */
#define ENVCFG_FIOM  (1ull << 0)
#define ENVCFG_CBIE  (3ull << 4)
#define ENVCFG_CBIE_FLUSH (1ull << 4)   /* cbo.inval performs a flush */
#define ENVCFG_CBCFE (1ull << 6)
#define ENVCFG_CBZE  (1ull << 7)
#define ENVCFG_PBMTE (1ull << 62)
#define ENVCFG_STCE  (1ull << 63)

#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE 0
#define SATP_MODE_SV39 8
#define SATP_MODE_SV48 9
#define SATP_MODE_SV57 10
#define SATP_ASID_SHIFT 44
#define SATP_ASID_BITS 16
#define SATP_ASID_MASK (((1ull << SATP_ASID_BITS) - 1) << SATP_ASID_SHIFT)
#define SATP_PPN_MASK ((1ull << 44) - 1)

/* fflags bits */
#define FFLAG_NX 0x01
#define FFLAG_UF 0x02
#define FFLAG_OF 0x04
#define FFLAG_DZ 0x08
#define FFLAG_NV 0x10

/* ---- decoded instructions ---- */
#define RISCV_OPS(X) \
    X(UNDECODED) X(CROSSPAGE) X(ILLEGAL) \
    X(ADDI) X(SLTI) X(SLTIU) X(XORI) X(ORI) X(ANDI) X(SLLI) X(SRLI) X(SRAI) \
    X(ADDIW) X(SLLIW) X(SRLIW) X(SRAIW) \
    X(ADD) X(SUB) X(SLL) X(SLT) X(SLTU) X(XOR) X(SRL) X(SRA) X(OR) X(AND) \
    X(ADDW) X(SUBW) X(SLLW) X(SRLW) X(SRAW) \
    X(MUL) X(MULH) X(MULHSU) X(MULHU) X(DIV) X(DIVU) X(REM) X(REMU) \
    X(MULW) X(DIVW) X(DIVUW) X(REMW) X(REMUW) \
    X(ZB) X(ZBI) \
    X(AUIPC) X(JAL) X(JALR) \
    X(BEQ) X(BNE) X(BLT) X(BGE) X(BLTU) X(BGEU) \
    X(LB) X(LH) X(LW) X(LD) X(LBU) X(LHU) X(LWU) \
    X(SB) X(SH) X(SW) X(SD) \
    X(FLW) X(FLD) X(FSW) X(FSD) X(FP) X(AMO) X(CSR) \
    X(FENCE) X(FENCE_I) X(ECALL) X(EBREAK) X(MRET) X(SRET) X(WFI) \
    X(SFENCE_VMA) X(SFENCE_INVAL) X(CBO) X(JIT)

#define RISCV_OP_ENUM(name) OP_##name,
enum { RISCV_OPS(RISCV_OP_ENUM) OP_COUNT };
#undef RISCV_OP_ENUM

struct JitBlock;

typedef struct DecodedInsn {
    uint8_t op;         /* the run loop adds OP_COUNT when len is 2 */
    uint8_t hits;       /* times entered by a jump: translated when hot */
    uint8_t rd, rs1, rs2, rs3;
    uint8_t len;        /* 2 or 4 */
    uint8_t rm;         /* funct3 where the executor needs it */
    union {
        struct {
            int32_t imm;
            uint32_t raw;   /* instruction bits: mtval of illegal ones */
        };
        const struct JitBlock *jit;     /* OP_JIT: the translated block */
    };
} DecodedInsn;

_Static_assert(2 * OP_COUNT <= 256, "ops must fit DecodedInsn.op");

#define INSNS_PER_PAGE (PAGE_SIZE / 2)

typedef struct RISCVRegion RISCVRegion;

typedef struct DecodedPage {
    const uint8_t *host;
    RISCVRegion *region;
    uint64_t index;                     /* page number within region */
    struct DecodedPage *next_free;
    DecodedInsn insn[INSNS_PER_PAGE];   /* one slot per halfword */
} DecodedPage;

struct RISCVRegion {
    uint64_t base, size;
    uint8_t *host;
    bool readonly;
    DecodedPage **pages;                /* decoded code, NULL = none */
};

typedef struct RISCVJit RISCVJit;
typedef struct TLBSet TLBSet;
/* jit.c: the result of running translated code, see below */
typedef struct JitResult {
    uint64_t pc, n;
} JitResult;
typedef struct TLBEntry TLBEntry;
typedef JitResult JitEnter(uint64_t *x, const TLBSet *dtlb, uint64_t pc,
                           uint64_t allowance, const void *code,
                           const TLBEntry *itlb);

struct RISCVBus {
    RISCVRegion regions[RISCV_MAX_REGIONS];
    unsigned nregions;
    RISCVMemOps mmio;
    void *opaque;
    RISCVCPU *harts[RISCV_MAX_HARTS];
    unsigned nharts;
    RISCVCPU *last_run;                 /* for the LR/SC rule */
    DecodedPage *free_pages;
    unsigned live_pages, max_pages;
    uint32_t ext;                       /* RISCV_EXT() bits */
    RISCVJit *jit;                      /* NULL: interpret only */
    JitEnter *jit_enter;
};

/*
 * Software TLB entry.  Data entries: host address = vaddr + addend.
 * Exec entries: the decoded page of that virtual page.  ppage is the
 * physical page, kept so entries can be found by physical address.
 */
typedef struct TLBEntry {
    uint64_t vtag;
    union {
        intptr_t addend;
        DecodedPage *page;
    };
    uint64_t ppage;
} TLBEntry;

typedef struct TLBSet {
    TLBEntry read[TLB_SIZE];
    TLBEntry write[TLB_SIZE];
    TLBEntry exec[TLB_SIZE];
} TLBSet;

/*
 * The translated modes' TLB sets are kept per address space: a slot holds
 * the U and S sets filled under one satp value (mode, ASID, root), so a
 * satp write that returns to a recent address space finds its entries
 * (mmu.c has the rules).  Slot s owns sets 1 + 2s (U) and 2 + 2s (S);
 * set 0 is M's identity map.
 */
#define TLB_SLOTS 8
#define TLB_NSETS (1 + 2 * TLB_SLOTS)

typedef struct TLBSlot {
    uint64_t satp;          /* the address space whose entries it holds */
    uint64_t last_use;      /* for replacing the least recently used */
    bool used;              /* its sets are valid: else emptied on use */
    bool sum_used;          /* holds S entries of U pages (SUM) */
    bool mxr_used;          /* holds read entries of execute-only pages */
} TLBSlot;

enum { ACC_READ, ACC_WRITE, ACC_EXEC };

#define RISCV_TRIGGERS 2
/* what a trigger watches (mcontrol's bits); index n of trig_modes is 1 << n */
#define TRIG_LOAD 1u
#define TRIG_STORE 2u
#define TRIG_EXEC 4u

struct RISCVCPU {
    /* hot: touched by every instruction */
    uint64_t x[33];
    uint64_t pc;
    uint64_t run_limit;         /* run stops when slice count reaches it */
    uint64_t fetch_vbase;       /* virtual page of the fetch window */
    DecodedPage *fetch_page;
    TLBSet *dtlb;               /* TLB of the data-access mode */
    uint64_t slice_count;       /* instructions so far in this slice (synced) */
    TLBSet *tlb[4];             /* by privilege: the current sets (2 = M's) */
    uint64_t f[32];
    unsigned priv;
    unsigned data_mode;         /* priv, or MPP when MPRV applies */

    /* CSRs */
    uint64_t mstatus, misa, medeleg, mideleg, mie, mip;
    bool seip_line;
    uint64_t mtvec, stvec, mscratch, sscratch, mepc, sepc;
    uint64_t mcause, scause, mtval, stval, satp;
    uint64_t mcounteren, scounteren, menvcfg, senvcfg, mcountinhibit;
    uint64_t stimecmp;
    bool sstc_on;               /* Sstc and menvcfg.STCE: STIP is time's */
    uint64_t pmpcfg[2], pmpaddr[16];
    uint32_t fflags, frm;
    uint64_t icount;            /* committed count of finished slices */
    /* counters (pmu.c), indexed like their CSRs: 0 cycle .. 31 */
    uint64_t ctr_val[32], ctr_base[32], mhpmevent[32];
    uint64_t tlb_misses[3];     /* by ACC_*: data read, write, fetch */
    /* Sdtrig (trigger.c) */
    uint64_t tselect, tdata1[RISCV_TRIGGERS], tdata2[RISCV_TRIGGERS];
    uint8_t trig_modes[3];      /* by TRIG_* bit: privilege levels watched */
    unsigned max_satp_mode;

    /* LR/SC: physical address of the reservation */
    bool res_valid;
    uint64_t res_addr;

    bool wfi;
    bool exit_request;
    bool storm_hit;
    RISCVTimeFn *time_fn;
    void *time_opaque;
    RISCVTimerFn *stimer_fn;
    void *stimer_opaque;

    unsigned log_mask;
    RISCVLogFn *log_fn;
    void *log_opaque;
    uint64_t storm_limit, storm_count;
    uint64_t last_exc_cause, last_exc_epc, last_exc_tval;

    uint32_t hartid;
    RISCVBus *bus;
    DecodedInsn tmp_insn;       /* an instruction straddling two pages */
    /* the TLB (mmu.c): per hart, like everything else here */
    uint64_t walk_pte;          /* leaf PTE of the last successful walk */
    uint64_t slot_clock;
    unsigned cur_slot;
    TLBSlot slots[TLB_SLOTS];
    TLBSet tlb_sets[TLB_NSETS];
};

/* Set N of a hart may hold entries (M's, or a slot's in use). */
static inline bool riscv_tlb_set_live(const RISCVCPU *cpu, unsigned n)
{
    return n == 0 || cpu->slots[(n - 1) / 2].used;
}

/* decode.c: EXT is the bus's RISCV_EXT() set */
void riscv_decode(uint32_t insn, uint32_t ext, DecodedInsn *d);

/*
 * jit.c: translation of hot blocks to host code (x86-64 hosts only).
 * A translated block is a straight run of integer instructions of one
 * page, ending with the first jump or branch, before the first instruction
 * it does not handle, or at the page end.  Its entry slot becomes OP_JIT,
 * which keeps the slot's own instruction in `orig` for the interpreter.
 * The host code runs with the guest registers in x[], does loads and
 * stores through the data TLB, and goes on into the next translated block
 * (found through ITLB, the exec TLB of the current mode, when it is in
 * another page) while ALLOWANCE instructions are not used up.  It
 * returns the next pc and the count of instructions it completed; a TLB
 * miss returns at that instruction so the interpreter's slow path performs
 * it.  The code calls nothing, so nothing can invalidate it while it runs.
 */
typedef struct JitBlock {
    const void *code;       /* entered through RISCVBus.jit_enter */
    uint32_t ninsns;        /* instructions in a full run of the block */
    DecodedInsn orig;       /* the entry slot's own instruction */
} JitBlock;

/* Dispatches of a block entry before it is translated. */
#define JIT_HOT 32

bool riscv_jit_translate(RISCVBus *bus, DecodedPage *page,
                         DecodedInsn *entry);
/* All decoded code was dropped: the code buffer can start over. */
void riscv_jit_reset(RISCVBus *bus);
void riscv_jit_free(RISCVBus *bus);

/* icache.c */
DecodedPage *riscv_icache_get(RISCVBus *bus, RISCVRegion *r, uint64_t paddr);
void riscv_icache_invalidate_page(RISCVBus *bus, RISCVRegion *r,
                                  uint64_t index);
void riscv_icache_flush_all(RISCVBus *bus);
void riscv_icache_free_all(RISCVBus *bus);

/* mmu.c */
RISCVRegion *riscv_bus_find_region(RISCVBus *bus, uint64_t paddr,
                                   uint64_t len);
bool riscv_phys_read(RISCVBus *bus, uint64_t paddr, unsigned size,
                     uint64_t *val);
bool riscv_phys_write(RISCVBus *bus, uint64_t paddr, unsigned size,
                      uint64_t val);
/* Returns -1 on success or the exception cause. */
int riscv_translate(RISCVCPU *cpu, uint64_t va, int acc, unsigned mode,
                    uint64_t *pa);
bool riscv_load_slow(RISCVCPU *cpu, uint64_t va, unsigned size,
                     uint64_t *val);
bool riscv_store_slow(RISCVCPU *cpu, uint64_t va, unsigned size,
                      uint64_t val);
bool riscv_fetch_refill(RISCVCPU *cpu, uint64_t pc);
bool riscv_fetch_crosspage(RISCVCPU *cpu, uint64_t pc, uint32_t *insn);
/* All entries gone, the slot of the current satp selected. */
void riscv_tlb_reset(RISCVCPU *cpu);
/* satp changed: switch to the slot of its address space. */
void riscv_tlb_select(RISCVCPU *cpu);
/* SFENCE.VMA for all address spaces, or for one ASID only */
void riscv_tlb_flush(RISCVCPU *cpu);
void riscv_tlb_flush_asid(RISCVCPU *cpu, unsigned asid);
/* Drop every data entry of every set (armed load/store triggers) */
void riscv_tlb_flush_data(RISCVCPU *cpu);
/* mstatus.SUM or MXR was cleared: drop what they allowed */
void riscv_tlb_sum_cleared(RISCVCPU *cpu);
void riscv_tlb_mxr_cleared(RISCVCPU *cpu);
void riscv_tlb_drop_code_page(RISCVBus *bus, DecodedPage *p,
                              uint64_t ppage);
void riscv_update_data_mode(RISCVCPU *cpu);

/* trap.c */
void riscv_raise_exception(RISCVCPU *cpu, uint64_t cause, uint64_t tval);
bool riscv_check_interrupts(RISCVCPU *cpu);
bool riscv_do_mret(RISCVCPU *cpu);
bool riscv_do_sret(RISCVCPU *cpu);
uint64_t riscv_pending_irqs(const RISCVCPU *cpu);
void riscv_log(RISCVCPU *cpu, unsigned cat, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* csr.c */
bool riscv_csr_exec(RISCVCPU *cpu, const DecodedInsn *d);
uint64_t riscv_time_now(const RISCVCPU *cpu);

/*
 * Sstc.  poll: STIP from time >= stimecmp, wherever interrupts are looked
 * at while sstc_on.  update: after stimecmp, menvcfg or reset, which also
 * tells the machine the new deadline.
 */
void riscv_sstc_poll(RISCVCPU *cpu);
void riscv_sstc_update(RISCVCPU *cpu);

/*
 * pmu.c: the counter CSRs (cycle, instret, hpmcounter*, their m* forms,
 * mhpmevent*, mcountinhibit) after csr.c's access checks; false for other
 * CSRs.  BY_INSN: written by a Zicsr instruction, which does not count.
 */
uint64_t riscv_counter_now(const RISCVCPU *cpu);
void riscv_pmu_reset(RISCVCPU *cpu);
bool riscv_pmu_read(const RISCVCPU *cpu, unsigned csr, uint64_t *val);
bool riscv_pmu_write(RISCVCPU *cpu, unsigned csr, uint64_t val, bool by_insn);

/*
 * trigger.c: Sdtrig.  hit: a trigger watching one of KINDS (TRIG_*) in the
 * current mode matches ADDR: the breakpoint exception is raised, true.
 */
void riscv_trigger_reset(RISCVCPU *cpu);
bool riscv_trigger_csr_read(const RISCVCPU *cpu, unsigned csr,
                            uint64_t *val);
bool riscv_trigger_csr_write(RISCVCPU *cpu, unsigned csr, uint64_t val);
bool riscv_trigger_hit(RISCVCPU *cpu, unsigned kinds, uint64_t addr);

static inline bool riscv_trigger_watched(const RISCVCPU *cpu, unsigned kind)
{
    return (cpu->trig_modes[__builtin_ctz(kind)] >> cpu->priv) & 1;
}

/* cmo.c: Zicbom and Zicboz */
bool riscv_cbo_exec(RISCVCPU *cpu, const DecodedInsn *d);

/* fpu.c */
bool riscv_fpu_exec(RISCVCPU *cpu, const DecodedInsn *d);

/* atomic.c */
bool riscv_amo_exec(RISCVCPU *cpu, const DecodedInsn *d);

static inline void riscv_set_xreg(RISCVCPU *cpu, unsigned rd, uint64_t v)
{
    if (rd) {
        cpu->x[rd] = v;
    }
}

/*
 * Decodes SLOT of page P from the page's bytes with extensions EXT.  A 4-byte instruction in
 * the last halfword crosses pages: the slot becomes OP_CROSSPAGE.
 */
static inline void riscv_decode_slot(const DecodedPage *p, uint32_t ext,
                                     DecodedInsn *slot)
{
    unsigned off = (slot - p->insn) * 2;
    const uint8_t *h = p->host + off;
    uint32_t insn = lduw_le_p(h);

    if ((insn & 3) == 3) {
        if (off == PAGE_SIZE - 2) {
            slot->op = OP_CROSSPAGE;
            return;
        }
        insn = ldl_le_p(h);
    }
    riscv_decode(insn, ext, slot);
    if (slot->len == 2) {
        slot->op += OP_COUNT;   /* the ILEN 2 copy of the handler */
    }
}

static inline void riscv_reset_fetch(RISCVCPU *cpu)
{
    cpu->fetch_vbase = TLB_INVALID;
}

static inline void riscv_fs_dirty(RISCVCPU *cpu)
{
    cpu->mstatus |= MSTATUS_FS;
}

static inline bool riscv_fs_off(const RISCVCPU *cpu)
{
    return !(cpu->mstatus & MSTATUS_FS);
}

#endif
