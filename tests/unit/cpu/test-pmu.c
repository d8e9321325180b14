/*
 * The counters (target/riscv/pmu.c): OpenSBI's probe finds 16
 * mhpmcounters, selectors make them count instructions, cycles and TLB
 * misses, mcountinhibit freezes them, a counter written by an instruction
 * does not count that instruction (riscv-tests' rv64mi instret_overflow),
 * and mcounteren/scounteren gate the unprivileged views.
 */
#include "cpu-test.h"

#define CSR_MCYCLE 0xb00
#define CSR_MINSTRET 0xb02
#define CSR_MHPMCOUNTER(n) (0xb00 + (n))
#define CSR_HPMCOUNTER(n) (0xc00 + (n))
#define CSR_MHPMEVENT(n) (0x320 + (n))
#define CSR_MCOUNTINHIBIT 0x320
#define E_NOP 0x00000013u
#define USER (RAM_BASE + 0x800)
#define SVEC (RAM_BASE + 0x600)

static TestMachine *setup(void)
{
    TestMachine *tm = tm_new();

    tm_exit_on_trap(tm);
    tm_org(tm, RAM_BASE);
    return tm;
}

static void run_exit(TestMachine *tm)
{
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100000).reason, ==,
                    RISCV_RUN_EXIT);
}

/* OpenSBI's probe: write 1, swap the old value back, expect the 1 */
static void test_probe(void)
{
    TestMachine *tm = setup();

    emit_li(tm, 1, 1);
    emit_li(tm, 3, 0);
    for (unsigned n = 3; n < 32; n++) {
        emit(tm, e_csrrs(4, CSR_MHPMCOUNTER(n), 0));
        emit(tm, e_csrrw(0, CSR_MHPMCOUNTER(n), 1));
        emit(tm, e_csrrw(2, CSR_MHPMCOUNTER(n), 4));
        emit(tm, e_add(3, 3, 2));
        /* the selectors past the 16th are zero whatever is written */
        emit(tm, e_csrrw(0, CSR_MHPMEVENT(n), 1));
        emit(tm, e_csrrs(5, CSR_MHPMEVENT(n), 0));
        emit(tm, e_add(6, 6, 5));
    }
    emit_exit(tm);
    run_exit(tm);
    g_assert_cmpuint(tm_x(tm, 3), ==, 16);
    g_assert_cmpuint(tm_x(tm, 6), ==, 16);
    g_assert_cmphex(tm_csr(tm, CSR_MHPMEVENT(18)), ==, 1);
    g_assert_cmphex(tm_csr(tm, CSR_MHPMEVENT(19)), ==, 0);
    tm_free(tm);
}

/* rv64mi-p-instret_overflow, and the same for mcycle */
static void test_write_not_counted(void)
{
    TestMachine *tm = setup();

    emit(tm, e_csrrwi(0, CSR_MINSTRET, 0));
    emit(tm, e_csrrs(10, CSR_MINSTRET, 0));
    emit(tm, e_csrrwi(0, CSR_MCYCLE, 0));
    emit(tm, e_csrrs(11, CSR_MCYCLE, 0));
    emit_li(tm, 5, UINT64_MAX);
    emit(tm, e_csrrw(0, CSR_MINSTRET, 5));
    emit(tm, E_NOP);
    emit(tm, e_csrrs(12, CSR_MINSTRET, 0));     /* wrapped: -1 + 1 */
    emit(tm, e_csrrs(13, CSR_INSTRET, 0));      /* one more */
    emit_exit(tm);
    run_exit(tm);
    g_assert_cmphex(tm_x(tm, 10), ==, 0);
    g_assert_cmphex(tm_x(tm, 11), ==, 0);
    g_assert_cmphex(tm_x(tm, 12), ==, 0);
    g_assert_cmphex(tm_x(tm, 13), ==, 1);
    tm_free(tm);
}

static void test_events(void)
{
    TestMachine *tm = setup();

    emit_li(tm, 1, 2);                          /* instructions */
    emit(tm, e_csrrw(0, CSR_MHPMEVENT(3), 1));
    emit_li(tm, 1, 1);                          /* cycles */
    emit(tm, e_csrrw(0, CSR_MHPMEVENT(18), 1));
    emit_li(tm, 1, 0x10019);                    /* data TLB read misses */
    emit(tm, e_csrrw(0, CSR_MHPMEVENT(7), 1));
    emit_li(tm, 2, 100);
    emit_li(tm, 8, RAM_BASE + 0x10000);
    emit_li(tm, 9, 0x1000);
    emit(tm, e_csrrw(0, CSR_MHPMCOUNTER(3), 2));
    emit(tm, e_csrrw(0, CSR_MHPMCOUNTER(18), 2));
    emit(tm, e_csrrw(0, CSR_MHPMCOUNTER(4), 2)); /* no event: stays */
    emit(tm, e_csrrw(0, CSR_MHPMCOUNTER(7), 0));
    emit(tm, e_ld(10, 8, 0));                   /* three new pages */
    emit(tm, e_ld(10, 8, 0x7f8));
    emit(tm, e_add(8, 8, 9));
    emit(tm, e_ld(10, 8, 0));
    emit(tm, e_add(8, 8, 9));
    emit(tm, e_ld(10, 8, 0));
    emit(tm, e_ld(10, 8, 8));                   /* hits */
    emit(tm, e_csrrs(10, CSR_MHPMCOUNTER(3), 0));
    emit(tm, e_csrrs(11, CSR_MHPMCOUNTER(18), 0));
    emit(tm, e_csrrs(12, CSR_MHPMCOUNTER(4), 0));
    emit(tm, e_csrrs(13, CSR_MHPMCOUNTER(7), 0));
    emit_exit(tm);
    run_exit(tm);
    /* the 10 instructions between the write and the read of each */
    g_assert_cmpuint(tm_x(tm, 10), ==, 100 + 10);
    g_assert_cmpuint(tm_x(tm, 11), ==, 100 + 10);
    g_assert_cmpuint(tm_x(tm, 12), ==, 100);
    g_assert_cmpuint(tm_x(tm, 13), ==, 3);
    tm_free(tm);
}

static void test_inhibit(void)
{
    TestMachine *tm = setup();

    riscv_cpu_csr_write(tm->cpu, CSR_MCOUNTINHIBIT, UINT64_MAX);
    g_assert_cmphex(tm_csr(tm, CSR_MCOUNTINHIBIT), ==, 0x7fffd);
    riscv_cpu_csr_write(tm->cpu, CSR_MCOUNTINHIBIT, 0);
    riscv_cpu_csr_write(tm->cpu, CSR_MHPMEVENT(5), 2);

    emit_li(tm, 2, 50);
    emit(tm, e_csrrw(0, CSR_MINSTRET, 2));
    emit(tm, e_csrrw(0, CSR_MHPMCOUNTER(5), 2));
    emit_li(tm, 1, 0x24);                       /* IR and HPM5 */
    emit(tm, e_csrrs(0, CSR_MCOUNTINHIBIT, 1));
    emit(tm, E_NOP);
    emit(tm, E_NOP);
    emit(tm, e_csrrs(10, CSR_MINSTRET, 0));
    emit(tm, e_csrrs(11, CSR_MHPMCOUNTER(5), 0));
    emit(tm, e_csrrs(12, CSR_MCYCLE, 0));       /* CY still counts */
    emit(tm, E_NOP);
    emit(tm, e_csrrs(13, CSR_MCYCLE, 0));
    emit(tm, e_csrrc(0, CSR_MCOUNTINHIBIT, 1));
    emit(tm, E_NOP);
    emit(tm, e_csrrs(14, CSR_MINSTRET, 0));
    emit_exit(tm);
    run_exit(tm);
    /* frozen from the write of mcountinhibit, which counts no more */
    g_assert_cmpuint(tm_x(tm, 10), ==, 50 + 2);
    g_assert_cmpuint(tm_x(tm, 11), ==, 50 + 1);
    g_assert_cmpuint(tm_x(tm, 13) - tm_x(tm, 12), ==, 2);
    /* the write that clears the bit counts */
    g_assert_cmpuint(tm_x(tm, 14), ==, 50 + 2 + 2);
    tm_free(tm);
}

/* hpmcounter3 from S and U: mcounteren, then scounteren, must allow it */
static void test_enable_bits(void)
{
    static const struct {
        unsigned priv;
        uint32_t mcounteren, scounteren;
        bool ok;
    } t[] = {
        { RISCV_PRIV_S, 0, 0, false },
        { RISCV_PRIV_S, 1u << 3, 0, true },
        { RISCV_PRIV_U, 1u << 3, 0, false },
        { RISCV_PRIV_U, 0, 1u << 3, false },
        { RISCV_PRIV_U, 1u << 3, 1u << 3, true },
        { RISCV_PRIV_S, 1u << 19, 0, false },   /* not hpmcounter3's bit */
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        TestMachine *tm = setup();

        riscv_cpu_csr_write(tm->cpu, CSR_MHPMCOUNTER(3), 77);
        riscv_cpu_csr_write(tm->cpu, CSR_MCOUNTEREN, t[i].mcounteren);
        riscv_cpu_csr_write(tm->cpu, CSR_SCOUNTEREN, t[i].scounteren);
        riscv_cpu_set_priv(tm->cpu, t[i].priv);
        tm_org(tm, USER);
        emit(tm, e_csrrs(10, CSR_HPMCOUNTER(3), 0));
        emit(tm, E_ECALL);
        g_assert_cmpint(tm_run_from(tm, USER, 1000).reason, ==,
                        RISCV_RUN_EXIT);
        if (t[i].ok) {
            g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==,
                            RISCV_EXC_ECALL_U + t[i].priv);
            g_assert_cmpuint(tm_x(tm, 10), ==, 77);
        } else {
            g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==,
                            RISCV_EXC_ILLEGAL_INSN);
        }
        tm_free(tm);
    }
    /* the unprivileged views are read-only, even in M */
    TestMachine *tm = setup();
    emit(tm, e_csrrw(0, CSR_HPMCOUNTER(3), 1));
    emit_exit(tm);
    run_exit(tm);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ILLEGAL_INSN);
    tm_free(tm);
}

/* the device tree's event map, as QEMU 7.2 writes it */
static void test_dt_events(void)
{
    static const uint32_t qemu[] = {
        0x01, 0x01, 0x7fff9, 0x02, 0x02, 0x7fffc, 0x10019, 0x10019, 0x7fff8,
        0x1001b, 0x1001b, 0x7fff8, 0x10021, 0x10021, 0x7fff8, 0, 0, 0, 0, 0,
    };
    size_t n;
    const uint32_t *cells = riscv_pmu_dt_events(&n);

    g_assert_cmpmem(cells, n * 4, qemu, sizeof(qemu));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/pmu/probe", test_probe);
    g_test_add_func("/cpu/pmu/write-not-counted", test_write_not_counted);
    g_test_add_func("/cpu/pmu/events", test_events);
    g_test_add_func("/cpu/pmu/inhibit", test_inhibit);
    g_test_add_func("/cpu/pmu/enable-bits", test_enable_bits);
    g_test_add_func("/cpu/pmu/dt-events", test_dt_events);
    return g_test_run();
}
