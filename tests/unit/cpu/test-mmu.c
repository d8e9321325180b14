/*
 * Virtual memory: Sv39/Sv48 walks, superpages, A/D updates, SUM, MXR,
 * MPRV, page faults with the right cause and tval, satp WARL, SFENCE.VMA,
 * Svpbmt and Svnapot PTEs, and the faults of cache-block operations.
 *
 * Guest code runs in S (or U) mode from an identity-mapped window of RAM
 * and finishes with ECALL; M-mode handles every trap by exiting, so the
 * test reads mcause/mtval to see how the run ended.
 */
#include <string.h>

#include "cpu-test.h"

#define SVEC (RAM_BASE + 0x500)
#define CODE (RAM_BASE + 0x1000)
#define UCODE (RAM_BASE + 0x30000)
#define ROOT (RAM_BASE + 0x40000)
#define DATA (RAM_BASE + 0x80000)      /* physical data pages */
#define VA (0x40000000ull)

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80
#define PTE_RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define PTE_RWX (PTE_RW | PTE_X)

typedef struct Mmu {
    TestMachine *tm;
    unsigned levels;
    uint64_t next_table;
} Mmu;

static uint64_t pt_alloc(Mmu *m)
{
    uint64_t a = m->next_table;
    m->next_table += 0x1000;
    memset(m->tm->ram + (a - RAM_BASE), 0, 0x1000);
    return a;
}

/* returns the physical address of the leaf PTE */
static uint64_t map(Mmu *m, uint64_t va, uint64_t pa, uint64_t flags,
                    unsigned leaf_level)
{
    uint64_t table = ROOT;

    for (int lvl = m->levels - 1; lvl > (int)leaf_level; lvl--) {
        uint64_t slot = table + ((va >> (12 + 9 * lvl)) & 511) * 8;
        uint64_t pte = tm_read64(m->tm, slot);
        if (!(pte & PTE_V)) {
            pte = (pt_alloc(m) >> 12) << 10 | PTE_V;
            tm_write64(m->tm, slot, pte);
        }
        table = (pte >> 10) << 12;
    }
    table += ((va >> (12 + 9 * leaf_level)) & 511) * 8;
    tm_write64(m->tm, table, (pa >> 12) << 10 | flags);
    return table;
}

static Mmu *mmu_new(unsigned levels)
{
    Mmu *m = g_new0(Mmu, 1);
    TestMachine *tm = tm_new();

    m->tm = tm;
    m->levels = levels;
    m->next_table = ROOT;
    pt_alloc(m);
    for (uint64_t off = 0; off < 0x10000; off += 0x1000) {
        map(m, CODE + off, CODE + off, PTE_RWX, 0);
        map(m, UCODE + off, UCODE + off, PTE_RWX | PTE_U, 0);
    }
    tm_exit_on_trap(tm);
    riscv_cpu_csr_write(tm->cpu, CSR_SATP,
                        (uint64_t)(levels + 5) << 60 | ROOT >> 12);
    tm_org(tm, CODE);
    return m;
}

static void mmu_free(Mmu *m)
{
    tm_free(m->tm);
    g_free(m);
}

static void run_as(Mmu *m, unsigned priv, uint64_t entry)
{
    riscv_cpu_set_priv(m->tm->cpu, priv);
    g_assert_cmpint(tm_run_from(m->tm, entry, 10000).reason, ==,
                    RISCV_RUN_EXIT);
}

static void assert_trap(Mmu *m, uint64_t cause, uint64_t epc, uint64_t tval)
{
    g_assert_cmphex(tm_csr(m->tm, CSR_MCAUSE), ==, cause);
    g_assert_cmphex(tm_csr(m->tm, CSR_MEPC), ==, epc);
    g_assert_cmphex(tm_csr(m->tm, CSR_MTVAL), ==, tval);
}

static void test_basic_4k(void)
{
    for (unsigned levels = 3; levels <= 5; levels++) {
        Mmu *m = mmu_new(levels);
        TestMachine *tm = m->tm;
        map(m, VA, DATA, PTE_RW, 0);
        map(m, VA + 0x1000, DATA + 0x5000, PTE_RW, 0);
        emit_li(tm, 1, VA);
        emit(tm, e_sd(2, 1, 8));
        emit(tm, e_ld(3, 1, 8));
        emit_li(tm, 4, 0x1000);
        emit(tm, e_add(4, 4, 1));
        emit(tm, e_sw(2, 4, 0));
        emit(tm, E_ECALL);
        tm_set_x(tm, 2, 0xabcdef0123456789ull);
        run_as(m, RISCV_PRIV_S, CODE);
        g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_S);
        g_assert_cmphex(tm_x(tm, 3), ==, 0xabcdef0123456789ull);
        g_assert_cmphex(tm_read64(tm, DATA + 8), ==, 0xabcdef0123456789ull);
        g_assert_cmphex(tm_read32(tm, DATA + 0x5000), ==, 0x23456789);
        mmu_free(m);
    }
}

static void test_superpages(void)
{
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;

    map(m, 0x40200000, RAM_BASE, PTE_RW, 1);          /* 2 MiB */
    map(m, 0xc0000000, RAM_BASE, PTE_RW, 2);          /* 1 GiB */
    map(m, 0x40400000, RAM_BASE + 0x1000, PTE_RW, 1); /* misaligned */
    tm_write64(tm, DATA + 0x10, 0x1111);
    emit_li(tm, 1, 0x40200000 + (DATA - RAM_BASE));
    emit(tm, e_ld(2, 1, 0x10));
    emit_li(tm, 1, 0xc0000000 + (DATA - RAM_BASE));
    emit(tm, e_ld(3, 1, 0x10));
    emit_li(tm, 1, 0x40400010);
    emit(tm, e_ld(4, 1, 0));
    run_as(m, RISCV_PRIV_S, CODE);
    g_assert_cmphex(tm_x(tm, 2), ==, 0x1111);
    g_assert_cmphex(tm_x(tm, 3), ==, 0x1111);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_LOAD_PAGE_FAULT);
    g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==, 0x40400010);
    mmu_free(m);
}

/*
 * Sv57: addresses above Sv48's reach, 512 GiB and 256 TiB leaves; the same
 * address is not canonical under Sv48.
 */
static void test_sv57(void)
{
    const uint64_t high = 0x00ff000000000000ull;    /* bit 56 clear */
    const uint64_t l3 = 0x0001000000000000ull, l4 = 0x0002000000000000ull;
    Mmu *m = mmu_new(5);
    TestMachine *tm = m->tm;
    uint64_t fault_pc;

    map(m, high, DATA, PTE_RW, 0);
    map(m, l3, 0, PTE_RW, 3);
    map(m, l4, 0, PTE_RW, 4);
    tm_write64(tm, DATA + 0x10, 0x5757);
    emit_li(tm, 1, high);
    emit(tm, e_ld(2, 1, 0x10));
    emit_li(tm, 1, l3 + DATA);
    emit(tm, e_ld(3, 1, 0x10));
    emit_li(tm, 1, l4 + DATA);
    emit(tm, e_ld(4, 1, 0x10));
    emit_li(tm, 1, 1ull << 56);                 /* not canonical */
    fault_pc = tm->pc;
    emit(tm, e_ld(5, 1, 0));
    run_as(m, RISCV_PRIV_S, CODE);
    g_assert_cmphex(tm_x(tm, 2), ==, 0x5757);
    g_assert_cmphex(tm_x(tm, 3), ==, 0x5757);
    g_assert_cmphex(tm_x(tm, 4), ==, 0x5757);
    assert_trap(m, RISCV_EXC_LOAD_PAGE_FAULT, fault_pc, 1ull << 56);
    mmu_free(m);

    m = mmu_new(4);
    tm = m->tm;
    emit_li(tm, 1, high);
    fault_pc = tm->pc;
    emit(tm, e_ld(2, 1, 0x10));
    run_as(m, RISCV_PRIV_S, CODE);
    assert_trap(m, RISCV_EXC_LOAD_PAGE_FAULT, fault_pc, high + 0x10);
    mmu_free(m);
}

static void test_accessed_dirty(void)
{
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;
    uint64_t pte1 = map(m, VA, DATA, PTE_V | PTE_R | PTE_W, 0);
    uint64_t pte2 = map(m, VA + 0x1000, DATA + 0x1000, PTE_V | PTE_R | PTE_W,
                        0);

    emit_li(tm, 1, VA);
    emit(tm, e_ld(2, 1, 0));                   /* A only */
    emit_li(tm, 3, 0x1000);
    emit(tm, e_add(3, 3, 1));
    emit(tm, e_ld(2, 3, 0));                   /* load then store: A, D */
    emit(tm, e_sd(2, 3, 0));
    emit(tm, E_ECALL);
    run_as(m, RISCV_PRIV_S, CODE);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_S);
    g_assert_cmphex(tm_read64(tm, pte1) & (PTE_A | PTE_D), ==, PTE_A);
    g_assert_cmphex(tm_read64(tm, pte2) & (PTE_A | PTE_D), ==, PTE_A | PTE_D);
    mmu_free(m);
}

typedef struct FaultCase {
    unsigned priv;
    uint64_t pte_flags;         /* 0: unmapped */
    uint64_t mstatus;
    int access;                 /* 0 load, 1 store, 2 exec */
    uint64_t cause;             /* ~0: no fault */
} FaultCase;

static void test_faults(void)
{
    const uint64_t LPF = RISCV_EXC_LOAD_PAGE_FAULT;
    const uint64_t SPF = RISCV_EXC_STORE_PAGE_FAULT;
    const uint64_t IPF = RISCV_EXC_INSN_PAGE_FAULT;
    const uint64_t OK = ~0ull;
    const uint64_t S = RISCV_PRIV_S, U = RISCV_PRIV_U;
    const FaultCase t[] = {
        { S, 0, 0, 0, LPF },
        { S, 0, 0, 1, SPF },
        { S, 0, 0, 2, IPF },
        { S, PTE_V | PTE_R | PTE_A, 0, 1, SPF },          /* read-only */
        { S, PTE_RW, 0, 2, IPF },                         /* not X */
        { S, PTE_V | PTE_X | PTE_A, 0, 0, LPF },          /* X only */
        { S, PTE_V | PTE_X | PTE_A, MSTATUS_MXR, 0, OK }, /* MXR */
        { S, PTE_RW | PTE_U, 0, 0, LPF },                 /* U page, !SUM */
        { S, PTE_RW | PTE_U, MSTATUS_SUM, 0, OK },
        { S, PTE_RW | PTE_U, MSTATUS_SUM, 1, OK },
        { S, PTE_RWX | PTE_U, MSTATUS_SUM, 2, IPF },      /* never exec */
        { U, PTE_RW, 0, 0, LPF },                         /* S page */
        { U, PTE_RW | PTE_U, 0, 1, OK },
        { U, PTE_RWX, 0, 2, IPF },
        { S, PTE_V | PTE_W | PTE_A | PTE_D, 0, 0, LPF },  /* W without R */
        { S, PTE_RW | (1ull << 63), 0, 0, LPF },          /* reserved N */
        { S, PTE_RW | (1ull << 61), 0, 0, LPF },          /* PBMT */
        { S, PTE_RW & ~PTE_V, 0, 0, LPF },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        Mmu *m = mmu_new(3);
        TestMachine *tm = m->tm;
        uint64_t code = t[i].priv == U ? UCODE : CODE;
        uint64_t target = VA + 0x10, ms;
        g_test_message("fault case %u", i);
        if (t[i].pte_flags) {
            map(m, VA, DATA, t[i].pte_flags, 0);
        }
        if (t[i].access == 2) {
            /* VA holds "ecall" so a successful fetch ends the test */
            uint32_t ecall = E_ECALL;
            memcpy(tm->ram + (DATA - RAM_BASE) + 0x10, &ecall, 4);
        }
        tm_org(tm, code);
        emit_li(tm, 1, target);
        switch (t[i].access) {
        case 0: emit(tm, e_ld(2, 1, 0)); break;
        case 1: emit(tm, e_sd(2, 1, 0)); break;
        default: emit(tm, e_jalr(0, 1, 0)); break;
        }
        emit(tm, E_ECALL);
        riscv_cpu_csr_read(tm->cpu, CSR_MSTATUS, &ms);
        riscv_cpu_csr_write(tm->cpu, CSR_MSTATUS, ms | t[i].mstatus);
        run_as(m, t[i].priv, code);
        if (t[i].cause == OK) {
            g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==,
                            RISCV_EXC_ECALL_U + t[i].priv);
        } else {
            g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, t[i].cause);
            g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==, target);
            if (t[i].access == 2) {
                g_assert_cmphex(tm_csr(tm, CSR_MEPC), ==, target);
            }
        }
        mmu_free(m);
    }
}

static void test_delegated_fault(void)
{
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;

    tm_org(tm, CODE + 0x800);                  /* S handler */
    emit(tm, e_csrrs(20, CSR_SCAUSE, 0));
    emit(tm, e_csrrs(21, CSR_STVAL, 0));
    emit(tm, e_csrrs(22, CSR_SEPC, 0));
    emit(tm, E_EBREAK);                        /* to M: exit */
    tm_org(tm, UCODE);
    emit_li(tm, 1, VA + 0x123);
    emit(tm, e_sb(0, 1, 0));
    riscv_cpu_csr_write(tm->cpu, CSR_STVEC, CODE + 0x800);
    riscv_cpu_csr_write(tm->cpu, CSR_MEDELEG,
                        1u << RISCV_EXC_STORE_PAGE_FAULT);
    run_as(m, RISCV_PRIV_U, UCODE);
    g_assert_cmphex(tm_x(tm, 20), ==, RISCV_EXC_STORE_PAGE_FAULT);
    g_assert_cmphex(tm_x(tm, 21), ==, VA + 0x123);
    g_assert_cmphex(tm_x(tm, 22), ==, UCODE + 8);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_BREAKPOINT);
    mmu_free(m);
}

/* clearing SUM or MXR must take effect although the TLB saw the page */
static void test_sum_mxr_flush(void)
{
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;

    map(m, VA, DATA, PTE_RW | PTE_U, 0);
    map(m, VA + 0x1000, DATA, PTE_V | PTE_X | PTE_A, 0);
    emit_li(tm, 1, VA);
    emit_li(tm, 5, MSTATUS_SUM | MSTATUS_MXR);
    emit(tm, e_csrrs(0, CSR_SSTATUS, 5));
    emit(tm, e_ld(2, 1, 0));                   /* U page with SUM */
    emit(tm, e_ld(3, 1, 0x7f8));
    emit_li(tm, 6, VA + 0x1000);
    emit(tm, e_ld(4, 6, 0));                   /* X page with MXR */
    emit_li(tm, 5, MSTATUS_MXR);
    emit(tm, e_csrrc(0, CSR_SSTATUS, 5));
    emit(tm, e_ld(7, 1, 0));                   /* still fine: SUM */
    uint64_t fault_pc = tm->pc;
    emit(tm, e_ld(4, 6, 0));                   /* MXR gone: fault */
    run_as(m, RISCV_PRIV_S, CODE);
    assert_trap(m, RISCV_EXC_LOAD_PAGE_FAULT, fault_pc, VA + 0x1000);
    mmu_free(m);

    m = mmu_new(3);
    tm = m->tm;
    map(m, VA, DATA, PTE_RW | PTE_U, 0);
    emit_li(tm, 1, VA);
    emit_li(tm, 5, MSTATUS_SUM);
    emit(tm, e_csrrs(0, CSR_SSTATUS, 5));
    emit(tm, e_sd(0, 1, 0));
    emit(tm, e_csrrc(0, CSR_SSTATUS, 5));
    fault_pc = tm->pc;
    emit(tm, e_sd(0, 1, 0));
    run_as(m, RISCV_PRIV_S, CODE);
    assert_trap(m, RISCV_EXC_STORE_PAGE_FAULT, fault_pc, VA);
    mmu_free(m);
}

static void test_satp_warl(void)
{
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;
    uint64_t sv39 = 8ull << 60 | ROOT >> 12;

    /* what Linux does: try Sv57, Sv48, then Sv39, reading back each */
    emit_li(tm, 1, 10ull << 60 | 0x1234);
    emit(tm, e_csrrw(0, CSR_SATP, 1));
    emit(tm, e_csrrs(2, CSR_SATP, 0));
    emit_li(tm, 1, 9ull << 60 | 0x1234);
    emit(tm, e_csrrw(0, CSR_SATP, 1));
    emit(tm, e_csrrs(3, CSR_SATP, 0));
    emit_li(tm, 1, 3ull << 60 | 0x1234);       /* reserved mode */
    emit(tm, e_csrrw(0, CSR_SATP, 1));
    emit(tm, e_csrrs(4, CSR_SATP, 0));
    emit_li(tm, 1, sv39);
    emit(tm, e_csrrw(0, CSR_SATP, 1));
    emit(tm, e_csrrs(5, CSR_SATP, 0));
    emit_exit(tm);
    riscv_cpu_csr_write(tm->cpu, CSR_SATP, 0);
    g_assert_cmpint(tm_run_from(tm, CODE, 1000).reason, ==, RISCV_RUN_EXIT);
    g_assert_cmphex(tm_x(tm, 2), ==, 10ull << 60 | 0x1234);
    g_assert_cmphex(tm_x(tm, 3), ==, 9ull << 60 | 0x1234);
    g_assert_cmphex(tm_x(tm, 4), ==, 9ull << 60 | 0x1234);
    g_assert_cmphex(tm_x(tm, 5), ==, sv39);
    /* all 16 ASID bits are writable (Linux probes with all ones) */
    riscv_cpu_csr_write(tm->cpu, CSR_SATP, sv39 | 0xffffull << 44);
    g_assert_cmphex(tm_csr(tm, CSR_SATP), ==, sv39 | 0xffffull << 44);
    riscv_cpu_csr_write(tm->cpu, CSR_SATP, sv39);
    /* machines limited to Sv48 (-cpu sv48=on), Sv39, and bare only */
    riscv_cpu_set_max_satp_mode(tm->cpu, 9);
    riscv_cpu_csr_write(tm->cpu, CSR_SATP, 10ull << 60);
    g_assert_cmphex(tm_csr(tm, CSR_SATP), ==, sv39);
    riscv_cpu_csr_write(tm->cpu, CSR_SATP, 9ull << 60);
    g_assert_cmphex(tm_csr(tm, CSR_SATP), ==, 9ull << 60);
    riscv_cpu_set_max_satp_mode(tm->cpu, 8);
    riscv_cpu_csr_write(tm->cpu, CSR_SATP, sv39);
    riscv_cpu_csr_write(tm->cpu, CSR_SATP, 9ull << 60);
    g_assert_cmphex(tm_csr(tm, CSR_SATP), ==, sv39);
    riscv_cpu_set_max_satp_mode(tm->cpu, 0);
    riscv_cpu_csr_write(tm->cpu, CSR_SATP, 0);
    riscv_cpu_csr_write(tm->cpu, CSR_SATP, sv39);
    g_assert_cmphex(tm_csr(tm, CSR_SATP), ==, 0);
    mmu_free(m);
}

static void test_mprv(void)
{
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;

    map(m, VA, DATA, PTE_RW, 0);
    tm_write64(tm, DATA, 0x5555);
    tm_org(tm, RAM_BASE + 0x2000);              /* M-mode code, physical */
    emit_li(tm, 5, MSTATUS_MPRV | (1ull << 11));  /* MPP = S */
    emit(tm, e_csrrs(0, CSR_MSTATUS, 5));
    emit_li(tm, 1, VA);
    emit(tm, e_ld(2, 1, 0));                    /* translated */
    emit(tm, e_sd(2, 1, 8));
    emit_li(tm, 5, MSTATUS_MPP);                /* MPP = M: physical */
    emit(tm, e_csrrs(0, CSR_MSTATUS, 5));
    emit_li(tm, 1, DATA);
    emit(tm, e_ld(3, 1, 8));
    emit_exit(tm);
    run_as(m, RISCV_PRIV_M, RAM_BASE + 0x2000);
    g_assert_cmphex(tm_x(tm, 2), ==, 0x5555);
    g_assert_cmphex(tm_x(tm, 3), ==, 0x5555);
    mmu_free(m);
}

static void test_noncanonical(void)
{
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;

    uint64_t fault_pc;

    emit_li(tm, 1, 0x0000004000000000ull);     /* bit 38 set, 63:39 clear */
    fault_pc = tm->pc;
    emit(tm, e_ld(2, 1, 0));
    run_as(m, RISCV_PRIV_S, CODE);
    assert_trap(m, RISCV_EXC_LOAD_PAGE_FAULT, fault_pc,
                0x0000004000000000ull);
    mmu_free(m);
}

static void test_split_fault(void)
{
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;
    map(m, VA, DATA, PTE_RW, 0);               /* VA+0x1000 unmapped */
    uint64_t fault_pc;

    emit_li(tm, 1, VA + 0xffc);
    fault_pc = tm->pc;
    emit(tm, e_sd(1, 1, 0));
    run_as(m, RISCV_PRIV_S, CODE);
    /* tval names the half that faulted, so a kernel maps the right page */
    assert_trap(m, RISCV_EXC_STORE_PAGE_FAULT, fault_pc, VA + 0x1000);
    /* and nothing was written to the first half */
    g_assert_cmphex(tm_read32(tm, DATA + 0xffc), ==, 0);
    mmu_free(m);
}

/*
 * Misaligned accesses: within a page they take the TLB fast path (the
 * second access of each pair hits); across pages each half goes to its
 * own physical page, here not adjacent to the first.
 */
static void test_misaligned(void)
{
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;

    map(m, VA, DATA, PTE_RW, 0);
    map(m, VA + 0x1000, DATA + 0x5000, PTE_RW, 0);
    for (unsigned i = 0; i < 16; i++) {
        tm->ram[DATA - RAM_BASE + 0xff0 + i] = 0x10 + i;
        tm->ram[DATA - RAM_BASE + 0x5000 + i] = 0x50 + i;
        tm->ram[DATA - RAM_BASE + 0x1000 + i] = 0xee;  /* adjacent: unused */
    }
    emit_li(tm, 1, VA + 0xff0);
    emit_li(tm, 8, VA);
    emit(tm, e_ld(2, 1, 3));                    /* in page */
    emit(tm, e_ld(3, 1, 1));                    /* in page, TLB hit */
    emit(tm, e_lw(4, 1, 14));                   /* across */
    emit(tm, e_ld(5, 1, 11));                   /* across */
    emit_li(tm, 6, 0x0123456789abcdefull);
    emit(tm, e_sd(6, 1, 13));                   /* across */
    emit(tm, e_sh(6, 8, 7));                    /* in page */
    emit(tm, e_lhu(7, 8, 7));
    emit(tm, E_ECALL);
    run_as(m, RISCV_PRIV_S, CODE);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_S);
    g_assert_cmphex(tm_x(tm, 2), ==, 0x1a19181716151413ull);
    g_assert_cmphex(tm_x(tm, 3), ==, 0x1817161514131211ull);
    g_assert_cmphex(tm_x(tm, 4), ==, 0x51501f1e);
    g_assert_cmphex(tm_x(tm, 5), ==, 0x5251501f1e1d1c1bull);
    g_assert_cmphex(tm_read32(tm, DATA + 0xffc) >> 8, ==, 0xabcdef);
    g_assert_cmphex(tm_read32(tm, DATA + 0x5000), ==, 0x23456789);
    g_assert_cmphex(tm_read32(tm, DATA + 0x5004) & 0xff, ==, 0x01);
    g_assert_cmphex(tm_read32(tm, DATA + 0x1000), ==, 0xeeeeeeee);
    g_assert_cmphex(tm_x(tm, 7), ==, 0xcdef);
    mmu_free(m);
}

static void test_sfence(void)
{
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;
    uint64_t pte = map(m, VA, DATA, PTE_RW, 0);

    tm_write64(tm, DATA, 1);
    tm_write64(tm, DATA + 0x1000, 2);
    emit_li(tm, 1, VA);
    emit(tm, e_ld(2, 1, 0));
    emit_li(tm, 3, pte);                        /* remap VA (S sees PA) */
    emit_li(tm, 4, ((DATA + 0x1000) >> 12) << 10 | PTE_RW);
    emit(tm, e_sd(4, 3, 0));
    emit(tm, E_SFENCE_VMA);
    emit(tm, e_ld(5, 1, 0));
    emit(tm, E_ECALL);
    map(m, pte & ~0xfffull, pte & ~0xfffull, PTE_RW, 0); /* table page */
    run_as(m, RISCV_PRIV_S, CODE);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_S);
    g_assert_cmphex(tm_x(tm, 2), ==, 1);
    g_assert_cmphex(tm_x(tm, 5), ==, 2);
    mmu_free(m);
}

/*
 * ASIDs: translations cached for one ASID survive switching to another and
 * back (no flush on satp writes), SFENCE.VMA with rs2 drops only that
 * ASID's, and without rs2 everything.  The page table changes without a
 * fence, so what a load sees tells whether its translation was cached.
 */
static void test_asid(void)
{
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;
    uint64_t pte = map(m, VA, DATA, PTE_RW, 0);
    uint64_t satp = tm_csr(tm, CSR_SATP);

    tm_write64(tm, DATA, 1);
    tm_write64(tm, DATA + 0x1000, 2);
    tm_write64(tm, DATA + 0x2000, 3);
    emit_li(tm, 1, VA);
    emit_li(tm, 10, satp | 1ull << 44);         /* ASID 1 */
    emit_li(tm, 11, satp | 2ull << 44);         /* ASID 2 */
    emit_li(tm, 12, 1);
    emit_li(tm, 13, 2);
    emit_li(tm, 3, pte);
    emit(tm, e_csrrw(0, CSR_SATP, 10));
    emit(tm, e_ld(2, 1, 0));                    /* ASID 1 caches VA -> 1 */
    emit_li(tm, 4, ((DATA + 0x1000) >> 12) << 10 | PTE_RW);
    emit(tm, e_sd(4, 3, 0));                    /* remap, no fence */
    emit(tm, e_csrrw(0, CSR_SATP, 11));
    emit(tm, e_ld(5, 1, 0));                    /* ASID 2 walks: 2 */
    emit(tm, e_csrrw(0, CSR_SATP, 10));
    emit(tm, e_ld(6, 1, 0));                    /* ASID 1 kept its entry */
    emit(tm, enc_r(0x09, 13, 0, 0, 0, 0x73));   /* sfence.vma x0, ASID 2 */
    emit(tm, e_ld(7, 1, 0));                    /* still ASID 1's */
    emit(tm, enc_r(0x09, 12, 0, 0, 0, 0x73));   /* sfence.vma x0, ASID 1 */
    emit(tm, e_ld(8, 1, 0));                    /* walks again: 2 */
    emit_li(tm, 4, ((DATA + 0x2000) >> 12) << 10 | PTE_RW);
    emit(tm, e_sd(4, 3, 0));
    emit(tm, e_csrrw(0, CSR_SATP, 11));
    emit(tm, e_ld(9, 1, 0));                    /* ASID 2 was flushed: 3 */
    emit(tm, e_csrrw(0, CSR_SATP, 10));
    emit(tm, e_ld(14, 1, 0));                   /* ASID 1: cached 2 */
    emit(tm, E_SFENCE_VMA);                     /* every ASID */
    emit(tm, e_ld(15, 1, 0));
    emit(tm, E_ECALL);
    map(m, pte & ~0xfffull, pte & ~0xfffull, PTE_RW, 0); /* table page */
    run_as(m, RISCV_PRIV_S, CODE);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_S);
    g_assert_cmphex(tm_x(tm, 2), ==, 1);
    g_assert_cmphex(tm_x(tm, 5), ==, 2);
    g_assert_cmphex(tm_x(tm, 6), ==, 1);
    g_assert_cmphex(tm_x(tm, 7), ==, 1);
    g_assert_cmphex(tm_x(tm, 8), ==, 2);
    g_assert_cmphex(tm_x(tm, 9), ==, 3);
    g_assert_cmphex(tm_x(tm, 14), ==, 2);
    g_assert_cmphex(tm_x(tm, 15), ==, 3);
    mmu_free(m);
}

/* More address spaces than TLB slots: the oldest are evicted, not wrong. */
static void test_asid_many(void)
{
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;
    uint64_t satp = tm_csr(tm, CSR_SATP);

    map(m, VA, DATA, PTE_RW, 0);
    tm_write64(tm, DATA, 7);
    /* 40 ASIDs, each loads VA; the sum must be 40 * 7 */
    emit_li(tm, 1, VA);
    emit_li(tm, 10, satp);
    emit_li(tm, 11, 1ull << 44);
    emit_li(tm, 12, 40);
    emit_li(tm, 5, 0);
    emit(tm, e_add(10, 10, 11));                /* loop: next ASID */
    emit(tm, e_csrrw(0, CSR_SATP, 10));
    emit(tm, e_ld(2, 1, 0));
    emit(tm, e_add(5, 5, 2));
    emit(tm, e_addi(12, 12, -1));
    emit(tm, e_bne(12, 0, -20));
    emit(tm, E_ECALL);
    run_as(m, RISCV_PRIV_S, CODE);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_S);
    g_assert_cmpuint(tm_x(tm, 5), ==, 40 * 7);
    g_assert_cmphex(tm_csr(tm, CSR_SATP), ==, satp | 40ull << 44);
    mmu_free(m);
}

/* a 32-bit instruction whose second half lies on an unmapped page */
static void test_crosspage_fetch_fault(void)
{
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;
    uint64_t insn_va = VA + 0xffe;
    uint32_t addi = e_addi(5, 0, 1);

    map(m, VA, DATA, PTE_RWX, 0);
    memcpy(tm->ram + (DATA - RAM_BASE) + 0xffe, &addi, 2);
    emit_li(tm, 1, insn_va);
    emit(tm, e_jalr(0, 1, 0));
    run_as(m, RISCV_PRIV_S, CODE);
    /* epc is the instruction, tval the page that could not be fetched */
    assert_trap(m, RISCV_EXC_INSN_PAGE_FAULT, insn_va, VA + 0x1000);
    mmu_free(m);
}

#define PTE_PBMT_NC (1ull << 61)
#define PTE_PBMT_IO (2ull << 61)
#define PTE_N (1ull << 63)
#define MENVCFG_PBMTE (1ull << 62)

typedef struct PteCase {
    uint32_t ext;
    uint64_t menvcfg;
    uint64_t leaf_bits;         /* ORed into the 4 KiB leaf */
    uint64_t nonleaf_bits;      /* ORed into the level-1 PTE */
    bool ok;
} PteCase;

/* Svpbmt: memory types accepted only with the extension and PBMTE */
static void test_svpbmt(void)
{
    const uint32_t on = RISCV_EXT(SVPBMT);
    const PteCase t[] = {
        { on, MENVCFG_PBMTE, PTE_PBMT_NC, 0, true },
        { on, MENVCFG_PBMTE, PTE_PBMT_IO, 0, true },
        { on, MENVCFG_PBMTE, 0, 0, true },
        { on, MENVCFG_PBMTE, 3ull << 61, 0, false },     /* reserved */
        { on, MENVCFG_PBMTE, 0, PTE_PBMT_NC, false },    /* non-leaf */
        { on, 0, PTE_PBMT_NC, 0, false },                /* PBMTE clear */
        { 0, 0, PTE_PBMT_IO, 0, false },
        { ~0u, MENVCFG_PBMTE, 1ull << 60, 0, false },    /* reserved bit */
        { ~0u, MENVCFG_PBMTE, 1ull << 54, 0, false },
        { ~0u, MENVCFG_PBMTE, 0, PTE_N, false },         /* N non-leaf */
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        Mmu *m = mmu_new(3);
        TestMachine *tm = m->tm;
        uint64_t leaf = map(m, VA, DATA, PTE_RW, 0);
        uint64_t l1;

        g_test_message("pte case %u", i);
        riscv_bus_set_extensions(tm->bus, t[i].ext);
        riscv_cpu_csr_write(tm->cpu, CSR_MENVCFG, t[i].menvcfg);
        tm_write64(tm, leaf, tm_read64(tm, leaf) | t[i].leaf_bits);
        /* the level-1 PTE pointing at the leaf's table */
        l1 = (tm_read64(tm, ROOT + ((VA >> 30) & 511) * 8) >> 10) << 12;
        l1 += ((VA >> 21) & 511) * 8;
        tm_write64(tm, l1, tm_read64(tm, l1) | t[i].nonleaf_bits);
        tm_write64(tm, DATA + 0x18, 0x77);
        emit_li(tm, 1, VA + 0x18);
        emit(tm, e_ld(2, 1, 0));
        emit(tm, E_ECALL);
        run_as(m, RISCV_PRIV_S, CODE);
        if (t[i].ok) {
            g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_S);
            g_assert_cmphex(tm_x(tm, 2), ==, 0x77);
        } else {
            assert_trap(m, RISCV_EXC_LOAD_PAGE_FAULT, tm_csr(tm, CSR_MEPC),
                        VA + 0x18);
        }
        mmu_free(m);
    }
}

/* Svnapot: a 64 KiB page made of 16 PTEs that each map all of it */
static void test_svnapot(void)
{
    const uint64_t base = DATA + 0x10000;   /* 64 KiB aligned */
    const struct {
        uint32_t ext;
        uint64_t ppn_low;       /* ppn[3:0] of the leaves */
        bool ok;
    } t[] = {
        { RISCV_EXT(SVNAPOT), 0x8, true },
        { RISCV_EXT(SVNAPOT), 0x1, false },     /* not the 64 KiB size */
        { RISCV_EXT(SVNAPOT), 0x0, false },
        { 0, 0x8, false },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        Mmu *m = mmu_new(3);
        TestMachine *tm = m->tm;

        g_test_message("napot case %u", i);
        riscv_bus_set_extensions(tm->bus, t[i].ext);
        for (unsigned k = 0; k < 16; k++) {
            uint64_t pte = map(m, VA + k * 0x1000, base, PTE_RW, 0);
            tm_write64(tm, pte, tm_read64(tm, pte) | PTE_N |
                       t[i].ppn_low << 10);
        }
        tm_write64(tm, base + 0x3008, 0x3008);
        tm_write64(tm, base + 0xf010, 0xf010);
        emit_li(tm, 1, VA + 0x3008);
        emit(tm, e_ld(2, 1, 0));
        emit_li(tm, 1, VA + 0xf010);
        emit(tm, e_ld(3, 1, 0));
        emit(tm, e_sd(3, 1, 8));
        emit(tm, E_ECALL);
        run_as(m, RISCV_PRIV_S, CODE);
        if (t[i].ok) {
            g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_S);
            g_assert_cmphex(tm_x(tm, 2), ==, 0x3008);
            g_assert_cmphex(tm_x(tm, 3), ==, 0xf010);
            g_assert_cmphex(tm_read64(tm, base + 0xf018), ==, 0xf010);
        } else {
            g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==,
                            RISCV_EXC_LOAD_PAGE_FAULT);
            g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==, VA + 0x3008);
        }
        mmu_free(m);
    }

    /* N in a 2 MiB leaf is reserved */
    Mmu *m = mmu_new(3);
    TestMachine *tm = m->tm;
    riscv_bus_set_extensions(tm->bus, RISCV_EXT(SVNAPOT));
    map(m, 0x40200000, RAM_BASE, PTE_RW | PTE_N, 1);
    emit_li(tm, 1, 0x40200000);
    emit(tm, e_ld(2, 1, 0));
    emit(tm, E_ECALL);
    run_as(m, RISCV_PRIV_S, CODE);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_LOAD_PAGE_FAULT);
    mmu_free(m);
}

/*
 * Cache-block operations through translation: faults are store faults at
 * the block's address; clean/flush/inval need load permission only, and
 * cbo.zero stores (setting D).
 */
static void test_cbo_faults(void)
{
    const uint64_t SPF = RISCV_EXC_STORE_PAGE_FAULT, OK = ~0ull;
    const struct {
        unsigned which;
        uint64_t flags;         /* 0: unmapped */
        uint64_t cause;
    } t[] = {
        { 1, 0, SPF }, { 2, 0, SPF }, { 0, 0, SPF }, { 4, 0, SPF },
        { 1, PTE_V | PTE_R | PTE_A, OK },                 /* read-only */
        { 4, PTE_V | PTE_R | PTE_A, SPF },
        { 2, PTE_V | PTE_X | PTE_A, SPF },                /* exec-only */
        { 4, PTE_V | PTE_R | PTE_W, OK },                 /* sets A, D */
        { 0, PTE_RW | PTE_U, SPF },                       /* U page, !SUM */
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        Mmu *m = mmu_new(3);
        TestMachine *tm = m->tm;
        uint64_t pte = 0;

        g_test_message("cbo fault case %u", i);
        riscv_bus_set_extensions(tm->bus, ~0u);
        riscv_cpu_csr_write(tm->cpu, CSR_MENVCFG, 0xf0);
        if (t[i].flags) {
            pte = map(m, VA, DATA, t[i].flags, 0);
        }
        tm_write64(tm, DATA + 0x40, 0x99);
        emit_li(tm, 1, VA + 0x47);
        emit(tm, e_cbo(t[i].which, 1));
        emit(tm, E_ECALL);
        run_as(m, RISCV_PRIV_S, CODE);
        if (t[i].cause == OK) {
            g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_S);
            g_assert_cmphex(tm_read64(tm, DATA + 0x40), ==,
                            t[i].which == 4 ? 0 : 0x99);
            if (t[i].which == 4) {
                g_assert_cmphex(tm_read64(tm, pte) & (PTE_A | PTE_D), ==,
                                PTE_A | PTE_D);
            }
        } else {
            g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, t[i].cause);
            g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==, VA + 0x40);
            g_assert_cmphex(tm_read64(tm, DATA + 0x40), ==, 0x99);
        }
        mmu_free(m);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/mmu/basic-sv39-sv48-sv57", test_basic_4k);
    g_test_add_func("/cpu/mmu/superpages", test_superpages);
    g_test_add_func("/cpu/mmu/sv57", test_sv57);
    g_test_add_func("/cpu/mmu/accessed-dirty", test_accessed_dirty);
    g_test_add_func("/cpu/mmu/faults", test_faults);
    g_test_add_func("/cpu/mmu/delegated-fault", test_delegated_fault);
    g_test_add_func("/cpu/mmu/sum-mxr-flush", test_sum_mxr_flush);
    g_test_add_func("/cpu/mmu/satp-warl", test_satp_warl);
    g_test_add_func("/cpu/mmu/mprv", test_mprv);
    g_test_add_func("/cpu/mmu/noncanonical", test_noncanonical);
    g_test_add_func("/cpu/mmu/split-fault", test_split_fault);
    g_test_add_func("/cpu/mmu/misaligned", test_misaligned);
    g_test_add_func("/cpu/mmu/sfence", test_sfence);
    g_test_add_func("/cpu/mmu/asid", test_asid);
    g_test_add_func("/cpu/mmu/asid-many", test_asid_many);
    g_test_add_func("/cpu/mmu/svpbmt", test_svpbmt);
    g_test_add_func("/cpu/mmu/svnapot", test_svnapot);
    g_test_add_func("/cpu/mmu/cbo-faults", test_cbo_faults);
    g_test_add_func("/cpu/mmu/crosspage-fetch-fault",
                    test_crosspage_fetch_fault);
    return g_test_run();
}
