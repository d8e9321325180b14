/*
 * Privileged architecture: CSR access rules and WARL fields, traps and
 * delegation, ECALL/MRET/SRET round trips, interrupts (enables,
 * delegation, priority, vectoring), WFI, counters, exception storms.
 */
#include <string.h>

#include "cpu-test.h"

#define SVEC (RAM_BASE + 0x500)     /* S handler: exit */
#define USER (RAM_BASE + 0x800)
#define INT_M(n) (RISCV_CAUSE_INTERRUPT | (n))

static TestMachine *setup(void)
{
    TestMachine *tm = tm_new();

    tm_exit_on_trap(tm);
    tm_org(tm, SVEC);
    emit_exit(tm);
    riscv_cpu_csr_write(tm->cpu, CSR_STVEC, SVEC);
    tm_org(tm, RAM_BASE);
    return tm;
}

static void run_exit(TestMachine *tm, uint64_t entry)
{
    RISCVRunResult r = tm_run_from(tm, entry, 10000);
    g_assert_cmpint(r.reason, ==, RISCV_RUN_EXIT);
}

/* mret from M into `priv` at `target`, clobbers x5 */
static void emit_drop_to(TestMachine *tm, unsigned priv, uint64_t target)
{
    emit_li(tm, 5, target);
    emit(tm, e_csrrw(0, CSR_MEPC, 5));
    emit_li(tm, 5, MSTATUS_MPP);
    emit(tm, e_csrrc(0, CSR_MSTATUS, 5));
    emit_li(tm, 5, (uint64_t)priv << 11);
    emit(tm, e_csrrs(0, CSR_MSTATUS, 5));
    emit(tm, E_MRET);
}

static void test_csr_basic(void)
{
    TestMachine *tm = setup();

    tm_set_x(tm, 10, 0x1234);
    emit(tm, e_csrrs(1, CSR_MHARTID, 0));
    emit(tm, e_csrrs(2, CSR_MISA, 0));
    emit(tm, e_csrrs(3, CSR_MVENDORID, 0));
    emit(tm, e_csrrw(4, CSR_MSCRATCH, 10));      /* old value 0 */
    emit(tm, e_csrrsi(5, CSR_MSCRATCH, 3));      /* 0x1234 -> 0x1237 */
    emit(tm, e_csrrci(6, CSR_MSCRATCH, 4));      /* 0x1237 -> 0x1233 */
    emit(tm, e_csrrwi(7, CSR_MSCRATCH, 31));
    emit(tm, e_csrrs(8, CSR_MSCRATCH, 0));
    emit(tm, e_csrrc(0, CSR_MSCRATCH, 8));       /* clear all */
    emit(tm, e_csrrs(9, CSR_MSCRATCH, 0));
    emit_exit(tm);
    run_exit(tm, RAM_BASE);
    g_assert_cmphex(tm_x(tm, 1), ==, 0);
    /* RV64 IMAFDC + S + U */
    g_assert_cmphex(tm_x(tm, 2), ==, (2ull << 62) | 0x14112d);
    g_assert_cmphex(tm_x(tm, 3), ==, 0);
    g_assert_cmphex(tm_x(tm, 4), ==, 0);
    g_assert_cmphex(tm_x(tm, 5), ==, 0x1234);
    g_assert_cmphex(tm_x(tm, 6), ==, 0x1237);
    g_assert_cmphex(tm_x(tm, 7), ==, 0x1233);
    g_assert_cmphex(tm_x(tm, 8), ==, 31);
    g_assert_cmphex(tm_x(tm, 9), ==, 0);
    tm_free(tm);
}

static void test_csr_illegal(void)
{
    const struct {
        unsigned priv;
        uint32_t insn;
        uint64_t mstatus_set;
    } t[] = {
        { RISCV_PRIV_M, e_csrrw(0, CSR_MVENDORID, 1), 0 }, /* read-only */
        { RISCV_PRIV_M, e_csrrs(1, 0x7c0, 0), 0 },         /* unknown */
        { RISCV_PRIV_M, e_csrrw(0, 0x7c0, 1), 0 },         /* unknown, rd=0 */
        { RISCV_PRIV_M, e_csrrs(1, 0x3a1, 0), 0 },         /* pmpcfg1: RV32 */
        { RISCV_PRIV_M, e_csrrs(1, 0x200, 0), 0 },         /* hypervisor */
        { RISCV_PRIV_S, e_csrrs(1, CSR_MSTATUS, 0), 0 },
        { RISCV_PRIV_U, e_csrrs(1, CSR_SSTATUS, 0), 0 },
        { RISCV_PRIV_S, e_csrrs(1, CSR_CYCLE, 0), 0 },     /* mcounteren=0 */
        { RISCV_PRIV_S, e_csrrw(0, CSR_SATP, 0), 1ull << 20 }, /* TVM */
        { RISCV_PRIV_M, e_csrrs(1, CSR_FFLAGS, 0), 0 },    /* FS off */
        { RISCV_PRIV_M, e_csrrw(0, CSR_CYCLE, 1), 0 },     /* read-only */
        { RISCV_PRIV_S, E_MRET, 0 },
        { RISCV_PRIV_U, E_SRET, 0 },
        { RISCV_PRIV_S, E_SRET, 1ull << 22 },              /* TSR */
        { RISCV_PRIV_U, E_WFI, 0 },
        { RISCV_PRIV_S, E_WFI, 1ull << 21 },               /* TW */
        { RISCV_PRIV_U, E_SFENCE_VMA, 0 },
        { RISCV_PRIV_S, E_SFENCE_VMA, 1ull << 20 },        /* TVM */
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        TestMachine *tm = setup();
        uint64_t ms;
        emit(tm, t[i].insn);
        emit_exit(tm);
        riscv_cpu_csr_read(tm->cpu, CSR_MSTATUS, &ms);
        riscv_cpu_csr_write(tm->cpu, CSR_MSTATUS, ms | t[i].mstatus_set);
        riscv_cpu_set_priv(tm->cpu, t[i].priv);
        run_exit(tm, RAM_BASE);
        if (tm_csr(tm, CSR_MCAUSE) != RISCV_EXC_ILLEGAL_INSN) {
            g_test_message("case %u", i);
        }
        g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ILLEGAL_INSN);
        g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==, t[i].insn);
        g_assert_cmphex((tm_csr(tm, CSR_MSTATUS) & MSTATUS_MPP) >> 11, ==,
                        t[i].priv);
        g_assert_true(strstr(tm->log->str, "desc=illegal_instruction"));
        tm_free(tm);
    }
}

static void test_csr_warl(void)
{
    TestMachine *tm = setup();
    RISCVCPU *cpu = tm->cpu;
    uint64_t v;

    riscv_cpu_csr_write(cpu, CSR_MTVEC, RAM_BASE | 2);
    g_assert_cmphex(tm_csr(tm, CSR_MTVEC), ==, RAM_BASE);
    riscv_cpu_csr_write(cpu, CSR_MTVEC, RAM_BASE | 1);
    g_assert_cmphex(tm_csr(tm, CSR_MTVEC), ==, RAM_BASE | 1);
    riscv_cpu_csr_write(cpu, CSR_MEPC, RAM_BASE | 3);
    g_assert_cmphex(tm_csr(tm, CSR_MEPC), ==, RAM_BASE | 2);
    riscv_cpu_csr_write(cpu, CSR_MEDELEG, UINT64_MAX);
    g_assert_cmphex(tm_csr(tm, CSR_MEDELEG), ==, 0xb3ff);
    riscv_cpu_csr_write(cpu, CSR_MIDELEG, UINT64_MAX);
    g_assert_cmphex(tm_csr(tm, CSR_MIDELEG), ==, 0x222);
    riscv_cpu_csr_write(cpu, CSR_MIE, UINT64_MAX);
    g_assert_cmphex(tm_csr(tm, CSR_MIE), ==, 0xaaa);
    g_assert_cmphex(tm_csr(tm, CSR_SIE), ==, 0x222);
    v = tm_csr(tm, CSR_MISA);
    riscv_cpu_csr_write(cpu, CSR_MISA, 0);
    g_assert_cmphex(tm_csr(tm, CSR_MISA), ==, v);
    /* MPP: 2 is reserved, the old value stays */
    riscv_cpu_csr_write(cpu, CSR_MSTATUS, 1ull << 11);
    riscv_cpu_csr_write(cpu, CSR_MSTATUS, 2ull << 11);
    g_assert_cmphex(tm_csr(tm, CSR_MSTATUS) & MSTATUS_MPP, ==, 1ull << 11);
    /* UXL/SXL read 2 (64-bit); sstatus shows UXL but not SXL/MPP */
    v = tm_csr(tm, CSR_MSTATUS);
    g_assert_cmphex((v >> 32) & 0xf, ==, 0xa);
    v = tm_csr(tm, CSR_SSTATUS);
    g_assert_cmphex((v >> 32) & 0xf, ==, 0x2);
    g_assert_cmphex(v & MSTATUS_MPP, ==, 0);
    /* FS dirty shows in SD */
    riscv_cpu_csr_write(cpu, CSR_MSTATUS, MSTATUS_FS);
    g_assert_true(tm_csr(tm, CSR_MSTATUS) & MSTATUS_SD);
    g_assert_true(tm_csr(tm, CSR_SSTATUS) & MSTATUS_SD);
    /* PMP: plain storage that OpenSBI can probe */
    riscv_cpu_csr_write(cpu, CSR_PMPADDR0, UINT64_MAX);
    g_assert_cmphex(tm_csr(tm, CSR_PMPADDR0), ==, (1ull << 54) - 1);
    riscv_cpu_csr_write(cpu, CSR_PMPCFG0, 0x1f);
    g_assert_cmphex(tm_csr(tm, CSR_PMPCFG0), ==, 0x1f);
    tm_free(tm);
}

static uint64_t fake_time(void *opaque)
{
    return 12345;
}

static void test_counters(void)
{
    TestMachine *tm = setup();

    riscv_cpu_set_time_source(tm->cpu, fake_time, NULL);
    emit(tm, e_csrrs(1, CSR_INSTRET, 0));
    emit(tm, e_csrrs(2, CSR_INSTRET, 0));
    emit(tm, e_csrrs(3, CSR_CYCLE, 0));
    emit(tm, e_csrrs(4, CSR_TIME, 0));
    emit_drop_to(tm, RISCV_PRIV_U, USER);
    tm_org(tm, USER);
    emit(tm, e_csrrs(6, CSR_TIME, 0));          /* allowed by both */
    emit(tm, e_csrrs(7, CSR_CYCLE, 0));         /* scounteren.CY = 0 */
    emit_exit(tm);
    riscv_cpu_csr_write(tm->cpu, CSR_MCOUNTEREN, 7);
    riscv_cpu_csr_write(tm->cpu, CSR_SCOUNTEREN, 2);
    run_exit(tm, RAM_BASE);
    g_assert_cmphex(tm_x(tm, 2) - tm_x(tm, 1), ==, 1);
    g_assert_cmphex(tm_x(tm, 3), >=, tm_x(tm, 2));
    g_assert_cmphex(tm_x(tm, 4), ==, 12345);
    g_assert_cmphex(tm_x(tm, 6), ==, 12345);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ILLEGAL_INSN);
    g_assert_cmphex(tm_csr(tm, CSR_MEPC), ==, USER + 4);
    tm_free(tm);
}

static void test_ecall_mret(void)
{
    TestMachine *tm = setup();
    uint64_t ms;

    emit_li(tm, 6, MSTATUS_MPIE);              /* MIE = 1 after mret */
    emit(tm, e_csrrs(0, CSR_MSTATUS, 6));
    emit_drop_to(tm, RISCV_PRIV_U, USER);
    tm_org(tm, USER);
    emit(tm, e_addi(10, 0, 7));
    emit(tm, E_ECALL);                          /* USER + 4 */
    emit(tm, e_addi(11, 0, 9));
    emit_exit(tm);
    /* M handler: record, skip the ecall, return */
    tm_org(tm, TRAP_VEC);
    emit(tm, e_csrrs(20, CSR_MCAUSE, 0));
    emit(tm, e_csrrs(21, CSR_MEPC, 0));
    emit(tm, e_csrrs(22, CSR_MSTATUS, 0));
    emit(tm, e_addi(21, 21, 4));
    emit(tm, e_csrrw(0, CSR_MEPC, 21));
    emit(tm, E_MRET);
    run_exit(tm, RAM_BASE);
    g_assert_cmphex(tm_x(tm, 10), ==, 7);
    g_assert_cmphex(tm_x(tm, 11), ==, 9);
    g_assert_cmphex(tm_x(tm, 20), ==, RISCV_EXC_ECALL_U);
    g_assert_cmphex(tm_x(tm, 21), ==, USER + 8);
    ms = tm_x(tm, 22);
    g_assert_cmphex(ms & MSTATUS_MPP, ==, 0);      /* came from U */
    g_assert_true(ms & MSTATUS_MPIE);              /* MIE was 1 */
    g_assert_false(ms & MSTATUS_MIE);
    g_assert_cmpuint(riscv_cpu_get_priv(tm->cpu), ==, RISCV_PRIV_U);
    ms = tm_csr(tm, CSR_MSTATUS);
    g_assert_true(ms & MSTATUS_MIE);               /* restored by mret */
    g_assert_true(ms & MSTATUS_MPIE);
    tm_free(tm);
}

static void test_delegation(void)
{
    TestMachine *tm = setup();

    emit_drop_to(tm, RISCV_PRIV_U, USER);
    tm_org(tm, USER);
    emit(tm, E_ECALL);                         /* to S (delegated) */
    emit(tm, e_addi(12, 0, 1));
    emit(tm, E_EBREAK);                        /* to M (not delegated) */
    /* S handler: record, skip, sret */
    tm_org(tm, SVEC);
    emit(tm, e_csrrs(20, CSR_SCAUSE, 0));
    emit(tm, e_csrrs(21, CSR_SEPC, 0));
    emit(tm, e_csrrs(22, CSR_SSTATUS, 0));
    emit(tm, e_addi(21, 21, 4));
    emit(tm, e_csrrw(0, CSR_SEPC, 21));
    emit(tm, E_SRET);
    riscv_cpu_csr_write(tm->cpu, CSR_MEDELEG, 1u << RISCV_EXC_ECALL_U);
    run_exit(tm, RAM_BASE);
    g_assert_cmphex(tm_x(tm, 20), ==, RISCV_EXC_ECALL_U);
    g_assert_cmphex(tm_x(tm, 21), ==, USER + 4);
    g_assert_cmphex(tm_x(tm, 22) & MSTATUS_SPP, ==, 0);
    g_assert_cmphex(tm_x(tm, 12), ==, 1);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_BREAKPOINT);
    g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==, USER + 8);
    g_assert_cmphex(tm_csr(tm, CSR_MEPC), ==, USER + 8);
    tm_free(tm);
}

static void test_m_traps_not_delegated_from_m(void)
{
    TestMachine *tm = setup();

    /* delegation never lowers the privilege: an M-mode ecall stays in M */
    riscv_cpu_csr_write(tm->cpu, CSR_MEDELEG, 0xb3ff);
    emit(tm, E_ECALL);
    run_exit(tm, RAM_BASE);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_M);
    g_assert_cmpuint(riscv_cpu_get_priv(tm->cpu), ==, RISCV_PRIV_M);
    tm_free(tm);
}

typedef struct IrqCase {
    unsigned priv;
    uint64_t mstatus, mie, mideleg, pending;
    uint64_t want_mcause, want_scause;   /* 0: no trap */
} IrqCase;

static void run_irq_case(const IrqCase *c, unsigned idx)
{
    TestMachine *tm = setup();
    RISCVCPU *cpu = tm->cpu;

    emit(tm, e_addi(5, 0, 1));
    emit_exit(tm);
    riscv_cpu_csr_write(cpu, CSR_MSTATUS, c->mstatus);
    riscv_cpu_csr_write(cpu, CSR_MIE, c->mie);
    riscv_cpu_csr_write(cpu, CSR_MIDELEG, c->mideleg);
    riscv_cpu_set_irq(cpu, c->pending, true);
    riscv_cpu_set_priv(cpu, c->priv);
    run_exit(tm, RAM_BASE);
    g_test_message("irq case %u", idx);
    if (!c->want_mcause && !c->want_scause) {
        g_assert_cmphex(tm_x(tm, 5), ==, 1);
        g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, 0);
        g_assert_cmphex(tm_csr(tm, CSR_SCAUSE), ==, 0);
    } else {
        g_assert_cmphex(tm_x(tm, 5), ==, 0);
        g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, c->want_mcause);
        g_assert_cmphex(tm_csr(tm, CSR_SCAUSE), ==, c->want_scause);
        g_assert_cmphex(tm_csr(tm, c->want_mcause ? CSR_MEPC : CSR_SEPC), ==,
                        RAM_BASE);
    }
    tm_free(tm);
}

static void test_interrupts(void)
{
    const uint64_t M = RISCV_PRIV_M, S = RISCV_PRIV_S, U = RISCV_PRIV_U;
    const uint64_t MTI = RISCV_MIP_MTIP, MSI = RISCV_MIP_MSIP;
    const uint64_t MEI = RISCV_MIP_MEIP, STI = RISCV_MIP_STIP;
    const uint64_t SEI = RISCV_MIP_SEIP, SSI = RISCV_MIP_SSIP;
    const IrqCase t[] = {
        /* M-mode needs MIE */
        { M, MSTATUS_MIE, MTI, 0, MTI, INT_M(7), 0 },
        { M, 0, MTI, 0, MTI, 0, 0 },
        /* mie must enable it */
        { M, MSTATUS_MIE, MSI, 0, MTI, 0, 0 },
        /* below M, M-level interrupts ignore MIE */
        { S, 0, MTI, 0, MTI, INT_M(7), 0 },
        { U, 0, MTI, 0, MTI, INT_M(7), 0 },
        /* delegated: S needs SIE, U always, M never */
        { S, 0, STI, STI, STI, 0, 0 },
        { S, MSTATUS_SIE, STI, STI, STI, 0, INT_M(5) },
        { U, 0, STI, STI, STI, 0, INT_M(5) },
        { M, MSTATUS_SIE | MSTATUS_MIE, STI, STI, STI, 0, 0 },
        /* not delegated S-level interrupt goes to M */
        { S, 0, STI, 0, STI, INT_M(5), 0 },
        /* priority: MEI > MSI > MTI > SEI > SSI > STI */
        { M, MSTATUS_MIE, 0xaaa, 0, MEI | MSI | MTI, INT_M(11), 0 },
        { M, MSTATUS_MIE, 0xaaa, 0, MSI | MTI, INT_M(3), 0 },
        { M, MSTATUS_MIE, 0xaaa, 0, MTI | SEI, INT_M(7), 0 },
        { M, MSTATUS_MIE, 0xaaa, 0, SSI | STI | SEI, INT_M(9), 0 },
        { M, MSTATUS_MIE, 0xaaa, 0, SSI | STI, INT_M(1), 0 },
        /* an M-level interrupt beats a delegated one of higher rank */
        { U, 0, 0xaaa, SEI, SEI | MTI, INT_M(7), 0 },
        { S, MSTATUS_SIE, 0xaaa, 0x222, SEI | SSI, 0, INT_M(9) },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        run_irq_case(&t[i], i);
    }
}

static void test_vectored(void)
{
    TestMachine *tm = setup();
    uint64_t base = RAM_BASE + 0x600;

    tm_org(tm, base + 4 * 7);
    emit_exit(tm);
    tm_org(tm, RAM_BASE);
    emit(tm, E_ECALL);                /* exceptions use the base */
    riscv_cpu_csr_write(tm->cpu, CSR_MTVEC, base | 1);
    tm_org(tm, base);
    emit(tm, e_csrrsi(0, CSR_MSTATUS, 8));     /* enable: MTI fires */
    emit(tm, e_jal(0, 0));
    riscv_cpu_csr_write(tm->cpu, CSR_MIE, RISCV_MIP_MTIP);
    riscv_cpu_set_irq(tm->cpu, RISCV_MIP_MTIP, true);
    run_exit(tm, RAM_BASE);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, INT_M(7));
    g_assert_cmphex(tm_csr(tm, CSR_MEPC), ==, base + 4);
    tm_free(tm);
}

static void test_wfi(void)
{
    TestMachine *tm = setup();
    RISCVRunResult r;

    emit(tm, e_csrrsi(0, CSR_MSTATUS, 8));
    emit(tm, E_WFI);
    emit(tm, e_addi(5, 0, 1));
    emit_exit(tm);
    riscv_cpu_csr_write(tm->cpu, CSR_MIE, RISCV_MIP_MTIP);
    r = tm_run_from(tm, RAM_BASE, 1000);
    g_assert_cmpint(r.reason, ==, RISCV_RUN_WFI);
    g_assert_cmpuint(r.executed, ==, 2);
    g_assert_true(riscv_cpu_is_waiting(tm->cpu));
    r = riscv_cpu_run(tm->cpu, 1000);
    g_assert_cmpint(r.reason, ==, RISCV_RUN_WFI);
    g_assert_cmpuint(r.executed, ==, 0);
    /* not enabled in mie: still asleep */
    riscv_cpu_set_irq(tm->cpu, RISCV_MIP_MSIP, true);
    r = riscv_cpu_run(tm->cpu, 1000);
    g_assert_cmpint(r.reason, ==, RISCV_RUN_WFI);
    riscv_cpu_set_irq(tm->cpu, RISCV_MIP_MTIP, true);
    r = riscv_cpu_run(tm->cpu, 1000);
    g_assert_cmpint(r.reason, ==, RISCV_RUN_EXIT);
    g_assert_false(riscv_cpu_is_waiting(tm->cpu));
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, INT_M(7));
    g_assert_cmphex(tm_csr(tm, CSR_MEPC), ==, RAM_BASE + 8);
    g_assert_cmphex(tm_x(tm, 5), ==, 0);
    tm_free(tm);

    /* pending and enabled in mie but MIE=0: WFI falls through */
    tm = setup();
    emit(tm, E_WFI);
    emit(tm, e_addi(5, 0, 1));
    emit_exit(tm);
    riscv_cpu_csr_write(tm->cpu, CSR_MIE, RISCV_MIP_MTIP);
    riscv_cpu_set_irq(tm->cpu, RISCV_MIP_MTIP, true);
    run_exit(tm, RAM_BASE);
    g_assert_cmphex(tm_x(tm, 5), ==, 1);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, 0);
    tm_free(tm);
}

static void test_irq_between_slices(void)
{
    TestMachine *tm = setup();
    RISCVRunResult r;

    emit(tm, e_csrrsi(0, CSR_MSTATUS, 8));
    emit(tm, e_addi(5, 5, 1));
    emit(tm, e_jal(0, -4));
    riscv_cpu_csr_write(tm->cpu, CSR_MIE, RISCV_MIP_MEIP);
    r = tm_run_from(tm, RAM_BASE, 50);
    g_assert_cmpint(r.reason, ==, RISCV_RUN_BUDGET);
    riscv_cpu_set_irq(tm->cpu, RISCV_MIP_MEIP, true);
    r = riscv_cpu_run(tm->cpu, 50);
    g_assert_cmpint(r.reason, ==, RISCV_RUN_EXIT);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, INT_M(11));
    tm_free(tm);
}

static void test_mip_seip(void)
{
    TestMachine *tm = setup();

    riscv_cpu_set_irq(tm->cpu, RISCV_MIP_SEIP, true);
    emit_li(tm, 1, RISCV_MIP_SEIP | RISCV_MIP_SSIP);
    emit(tm, e_csrrs(2, CSR_MIP, 0));          /* line visible */
    emit(tm, e_csrrc(0, CSR_MIP, 1));          /* clears software bits */
    emit(tm, e_csrrs(3, CSR_MIP, 0));          /* line still there */
    emit(tm, e_csrrs(0, CSR_MIP, 1));          /* set SSIP and SEIP */
    emit(tm, e_csrrs(4, CSR_SIP, 0));          /* nothing delegated */
    emit_exit(tm);
    run_exit(tm, RAM_BASE);
    g_assert_cmphex(tm_x(tm, 2), ==, RISCV_MIP_SEIP);
    g_assert_cmphex(tm_x(tm, 3), ==, RISCV_MIP_SEIP);
    g_assert_cmphex(tm_x(tm, 4), ==, 0);
    g_assert_cmphex(tm_csr(tm, CSR_MIP), ==, RISCV_MIP_SEIP | RISCV_MIP_SSIP);
    /* the software SEIP stays after the line drops */
    riscv_cpu_set_irq(tm->cpu, RISCV_MIP_SEIP, false);
    g_assert_cmphex(tm_csr(tm, CSR_MIP), ==, RISCV_MIP_SEIP | RISCV_MIP_SSIP);
    riscv_cpu_csr_write(tm->cpu, CSR_MIDELEG, RISCV_MIP_SSIP);
    g_assert_cmphex(tm_csr(tm, CSR_SIP), ==, RISCV_MIP_SSIP);
    tm_free(tm);
}

static void test_storm(void)
{
    TestMachine *tm = setup();
    RISCVRunResult r;

    /* the handler itself faults: the same trap forever */
    riscv_cpu_csr_write(tm->cpu, CSR_MTVEC, 0x20000000);
    riscv_cpu_set_storm_limit(tm->cpu, 100);
    riscv_cpu_set_log(tm->cpu, 0, NULL, NULL);
    emit(tm, E_ECALL);
    r = tm_run_from(tm, RAM_BASE, 100000);
    g_assert_cmpint(r.reason, ==, RISCV_RUN_STORM);
    g_assert_cmpuint(r.executed, <, 200);
    g_assert_cmpuint(riscv_cpu_get_storm_count(tm->cpu), >=, 100);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_INSN_ACCESS);
    tm_free(tm);
}

static void test_ebreak_compressed(void)
{
    TestMachine *tm = setup();

    emit(tm, e_addi(0, 0, 0));
    emit16(tm, 0x9002);                        /* c.ebreak */
    run_exit(tm, RAM_BASE);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_BREAKPOINT);
    g_assert_cmphex(tm_csr(tm, CSR_MEPC), ==, RAM_BASE + 4);
    tm_free(tm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/csr/basic", test_csr_basic);
    g_test_add_func("/cpu/csr/illegal", test_csr_illegal);
    g_test_add_func("/cpu/csr/warl", test_csr_warl);
    g_test_add_func("/cpu/csr/counters", test_counters);
    g_test_add_func("/cpu/trap/ecall-mret", test_ecall_mret);
    g_test_add_func("/cpu/trap/delegation", test_delegation);
    g_test_add_func("/cpu/trap/no-delegation-from-m",
                    test_m_traps_not_delegated_from_m);
    g_test_add_func("/cpu/trap/ebreak", test_ebreak_compressed);
    g_test_add_func("/cpu/trap/storm", test_storm);
    g_test_add_func("/cpu/irq/rules", test_interrupts);
    g_test_add_func("/cpu/irq/vectored", test_vectored);
    g_test_add_func("/cpu/irq/wfi", test_wfi);
    g_test_add_func("/cpu/irq/between-slices", test_irq_between_slices);
    g_test_add_func("/cpu/irq/mip-seip", test_mip_seip);
    return g_test_run();
}
