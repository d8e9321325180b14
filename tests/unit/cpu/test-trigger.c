/*
 * Sdtrig (target/riscv/trigger.c): what riscv-tests' rv64mi-p-breakpoint
 * does, step by step; the modes and match kinds; mcontrol6; the WARL
 * fields; and triggers armed on code and data that translated blocks
 * already use, which must fire all the same.
 */
#include "cpu-test.h"

#define CSR_TSELECT 0x7a0
#define CSR_TDATA1 0x7a1
#define CSR_TDATA2 0x7a2
#define CSR_TDATA3 0x7a3
#define CSR_TINFO 0x7a4
#define MC(type) ((uint64_t)(type) << 60)
#define MC_LOAD 0x1
#define MC_STORE 0x2
#define MC_EXEC 0x4
#define MC_U 0x8
#define MC_S 0x10
#define MC_M 0x40
#define MC_MATCH(m) ((m) << 7)
#define MC_HIT (1ull << 20)
#define HANDLER (RAM_BASE + 0x600)     /* counts breakpoints in x30 */
#define DATA1 (RAM_BASE + 0x8000)
#define DATA2 (RAM_BASE + 0x8008)
#define USER (RAM_BASE + 0x3000)

/*
 * M-mode handler: a breakpoint is counted in x30 and skipped (4-byte
 * instructions only), its tval kept in x29; anything else exits.
 */
static TestMachine *setup(void)
{
    TestMachine *tm = tm_new();

    tm_exit_on_trap(tm);
    tm_org(tm, HANDLER);
    emit(tm, e_csrrs(5, CSR_MCAUSE, 0));
    emit(tm, e_addi(6, 0, RISCV_EXC_BREAKPOINT));
    emit(tm, e_bne(5, 6, (int32_t)(TRAP_VEC - tm->pc)));
    emit(tm, e_addi(30, 30, 1));
    emit(tm, e_csrrs(29, CSR_MTVAL, 0));
    emit(tm, e_csrrs(5, CSR_MEPC, 0));
    emit(tm, e_addi(5, 5, 4));
    emit(tm, e_csrrw(0, CSR_MEPC, 5));
    emit(tm, E_MRET);
    riscv_cpu_csr_write(tm->cpu, CSR_MTVEC, HANDLER);
    tm_org(tm, RAM_BASE);
    return tm;
}

static void run_exit(TestMachine *tm, uint64_t entry)
{
    g_assert_cmpint(tm_run_from(tm, entry, 1000000).reason, ==,
                    RISCV_RUN_EXIT);
}

/* rv64mi-p-breakpoint's steps (its even test numbers trap) */
static void test_breakpoint_suite(void)
{
    TestMachine *tm = setup();
    uint64_t target;

    emit(tm, e_csrrw(0, CSR_TSELECT, 0));
    emit(tm, e_csrrs(1, CSR_TSELECT, 0));
    /* 2: execute, M, on the instruction 6 below the auipc */
    emit_li(tm, 10, MC(2) | MC_M | MC_EXEC);
    target = tm->pc + 24;
    emit(tm, e_auipc(12, 0));
    emit(tm, e_addi(12, 12, 24));
    emit(tm, e_csrrw(0, CSR_TDATA2, 12));
    emit(tm, e_csrrw(0, CSR_TDATA1, 10));
    emit(tm, e_csrrs(11, CSR_TDATA1, 0));
    emit(tm, e_sub(2, 11, 10));                 /* 0: read back as written */
    g_assert_cmphex(tm->pc, ==, target);
    emit(tm, e_addi(20, 0, 1));                 /* skipped by the handler */
    emit(tm, e_lw(10, 12, 0));                  /* 3: reads do not trap */
    /* 4: load, M */
    emit_li(tm, 10, MC(2) | MC_M | MC_LOAD);
    emit(tm, e_csrrw(0, CSR_TDATA1, 10));
    emit_li(tm, 12, DATA1);
    emit(tm, e_csrrw(0, CSR_TDATA2, 12));
    emit(tm, e_lw(12, 12, 0));                  /* skipped: x12 stays */
    emit(tm, e_sw(0, 12, 0));                   /* 5: writes do not trap */
    /* 6: store, M */
    emit_li(tm, 10, MC(2) | MC_M | MC_STORE);
    emit(tm, e_csrrw(0, CSR_TDATA1, 10));
    emit(tm, e_sw(12, 12, 0));                  /* skipped: not written */
    emit(tm, e_lw(13, 12, 0));                  /* 7: 0 */
    /* 8: a second trigger, load */
    emit_li(tm, 10, 1);
    emit(tm, e_csrrw(0, CSR_TSELECT, 10));
    emit(tm, e_csrrs(3, CSR_TSELECT, 0));
    emit_li(tm, 10, MC(2) | MC_M | MC_LOAD);
    emit(tm, e_csrrw(0, CSR_TDATA1, 10));
    emit_li(tm, 14, DATA2);
    emit(tm, e_csrrw(0, CSR_TDATA2, 14));
    emit(tm, e_lw(14, 14, 0));                  /* skipped */
    /* 10, 11: the first still fires on stores only */
    emit(tm, e_sw(12, 12, 0));                  /* skipped */
    emit(tm, e_lw(15, 12, 0));
    emit_exit(tm);
    tm_write64(tm, DATA1, 0);
    tm_write64(tm, DATA2, 0x77);
    run_exit(tm, RAM_BASE);
    g_assert_cmpuint(tm_x(tm, 1), ==, 0);
    g_assert_cmpuint(tm_x(tm, 2), ==, 0);
    g_assert_cmpuint(tm_x(tm, 3), ==, 1);
    g_assert_cmpuint(tm_x(tm, 20), ==, 0);
    g_assert_cmphex(tm_x(tm, 12), ==, DATA1);
    g_assert_cmphex(tm_x(tm, 13), ==, 0);
    g_assert_cmphex(tm_x(tm, 14), ==, DATA2);
    g_assert_cmphex(tm_x(tm, 15), ==, 0);
    g_assert_cmphex(tm_read64(tm, DATA1), ==, 0);
    g_assert_cmpuint(tm_x(tm, 30), ==, 5);
    g_assert_cmphex(tm_x(tm, 29), ==, DATA1);  /* the last one's address */
    tm_free(tm);
}

/* what the fields read back as */
static void test_warl(void)
{
    TestMachine *tm = setup();
    RISCVCPU *cpu = tm->cpu;
    uint64_t all = MC_LOAD | MC_STORE | MC_EXEC | MC_U | MC_S | MC_M;

    g_assert_cmphex(tm_csr(tm, CSR_TDATA1), ==, MC(2));    /* off */
    g_assert_cmphex(tm_csr(tm, CSR_TINFO), ==,
                    1ull << 24 | 1 << 2 | 1 << 6 | 1 << 15);
    /* dmode, action 1 (debug mode), chain, timing, select: ours lack */
    riscv_cpu_csr_write(cpu, CSR_TDATA1, MC(2) | 1ull << 59 | 1 << 12 |
                        1 << 11 | 1 << 18 | 1 << 19 | all |
                        MC_MATCH(2));
    g_assert_cmphex(tm_csr(tm, CSR_TDATA1), ==, MC(2) | all | MC_MATCH(2));
    riscv_cpu_csr_write(cpu, CSR_TDATA1, MC(2) | MC_MATCH(1) | MC_M);
    g_assert_cmphex(tm_csr(tm, CSR_TDATA1), ==, MC(2) | MC_M);  /* NAPOT */
    riscv_cpu_csr_write(cpu, CSR_TDATA1, MC(6) | MC_U | MC_EXEC);
    g_assert_cmphex(tm_csr(tm, CSR_TDATA1), ==, MC(6) | MC_U | MC_EXEC);
    riscv_cpu_csr_write(cpu, CSR_TDATA1, MC(3) | MC_U);     /* icount */
    g_assert_cmphex(tm_csr(tm, CSR_TDATA1), ==, MC(15));
    riscv_cpu_csr_write(cpu, CSR_TDATA3, 5);
    g_assert_cmphex(tm_csr(tm, CSR_TDATA3), ==, 0);
    riscv_cpu_csr_write(cpu, CSR_TSELECT, 1);
    riscv_cpu_csr_write(cpu, CSR_TSELECT, 2);               /* no third */
    g_assert_cmphex(tm_csr(tm, CSR_TSELECT), ==, 1);
    tm_free(tm);
}

/* Triggers watch the modes they name; >= and < matches; mcontrol6; hit */
static void test_modes_and_matches(void)
{
    TestMachine *tm = setup();
    RISCVCPU *cpu = tm->cpu;

    /* trigger 0: U loads at >= DATA2; trigger 1: U fetches at USER + 8 */
    riscv_cpu_csr_write(cpu, CSR_TDATA1, MC(2) | MC_U | MC_LOAD |
                        MC_MATCH(2));
    riscv_cpu_csr_write(cpu, CSR_TDATA2, DATA2);
    riscv_cpu_csr_write(cpu, CSR_TSELECT, 1);
    riscv_cpu_csr_write(cpu, CSR_TDATA1, MC(6) | MC_U | MC_EXEC);
    riscv_cpu_csr_write(cpu, CSR_TDATA2, USER + 8);
    emit_li(tm, 8, DATA1);
    emit_li(tm, 9, DATA2);
    emit(tm, e_ld(10, 9, 0));                   /* M: not watched */
    emit(tm, e_jal(0, (int32_t)(USER + 8 - tm->pc)));  /* M: no fetch trap */
    tm_org(tm, USER);
    emit(tm, e_ld(11, 8, 0));                   /* U, below DATA2 */
    emit(tm, e_ld(12, 9, 0));                   /* U, DATA2: skipped */
    emit(tm, e_addi(13, 0, 1));                 /* USER + 8: skipped */
    emit(tm, E_ECALL);
    tm_write64(tm, DATA1, 0x11);
    tm_write64(tm, DATA2, 0x22);
    /* first from M, which jumps to USER + 8 and on to the ecall */
    run_exit(tm, RAM_BASE);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_M);
    g_assert_cmpuint(tm_x(tm, 30), ==, 0);
    g_assert_cmphex(tm_x(tm, 10), ==, 0x22);
    g_assert_cmphex(tm_x(tm, 13), ==, 1);
    /* then in U */
    tm_set_x(tm, 13, 0);
    riscv_cpu_set_priv(cpu, RISCV_PRIV_U);
    run_exit(tm, USER);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_U);
    g_assert_cmpuint(tm_x(tm, 30), ==, 2);
    g_assert_cmphex(tm_x(tm, 11), ==, 0x11);
    g_assert_cmphex(tm_x(tm, 12), ==, 0);
    g_assert_cmphex(tm_x(tm, 13), ==, 0);
    g_assert_cmphex(tm_x(tm, 29), ==, USER + 8);
    /* both hit bits are set (mcontrol6's hit0) */
    g_assert_cmphex(tm_csr(tm, CSR_TDATA1), ==,
                    MC(6) | MC_U | MC_EXEC | 1ull << 22);
    riscv_cpu_csr_write(cpu, CSR_TSELECT, 0);
    g_assert_cmphex(tm_csr(tm, CSR_TDATA1) & MC_HIT, ==, MC_HIT);
    tm_free(tm);
}

/* AMOs match load and store triggers, before any effect */
static void test_amo(void)
{
    TestMachine *tm = setup();

    riscv_cpu_csr_write(tm->cpu, CSR_TDATA1, MC(2) | MC_M | MC_STORE);
    riscv_cpu_csr_write(tm->cpu, CSR_TDATA2, DATA1);
    emit_li(tm, 8, DATA1);
    emit_li(tm, 9, 5);
    emit(tm, e_amo(AMO_ADD, 3, 10, 8, 9));      /* skipped */
    emit(tm, e_amo(AMO_LR, 3, 11, 8, 0));       /* a load: runs */
    emit(tm, e_amo(AMO_SC, 3, 12, 8, 9));       /* skipped */
    emit_exit(tm);
    tm_write64(tm, DATA1, 100);
    tm_set_x(tm, 10, 0xaa);
    tm_set_x(tm, 12, 0xbb);
    run_exit(tm, RAM_BASE);
    g_assert_cmpuint(tm_x(tm, 30), ==, 2);
    g_assert_cmphex(tm_x(tm, 10), ==, 0xaa);
    g_assert_cmphex(tm_x(tm, 11), ==, 100);
    g_assert_cmphex(tm_x(tm, 12), ==, 0xbb);
    g_assert_cmphex(tm_read64(tm, DATA1), ==, 100);
    tm_free(tm);
}

/*
 * A loop run until it is translated, then triggers armed on an
 * instruction in its body and on the data it loads: both fire on the
 * first iteration, and disarmed, the loop runs translated again.
 */
static void test_translated_code(void)
{
    TestMachine *tm = setup();
    uint64_t loop, watched;

    emit_li(tm, 8, DATA1);
    emit_li(tm, 9, 200);
    loop = tm->pc;
    emit(tm, e_ld(10, 8, 0));
    emit(tm, e_addi(11, 11, 1));
    watched = tm->pc;
    emit(tm, e_addi(12, 12, 1));
    emit(tm, e_addi(9, 9, -1));
    emit(tm, e_bne(9, 0, (int32_t)(loop - tm->pc)));
    emit_exit(tm);
    run_exit(tm, RAM_BASE);
    g_assert_cmpuint(tm_x(tm, 12), ==, 200);
#if defined(__x86_64__)
    if (riscv_bus_get_jit_stats(tm->bus).size) {   /* QEMU_RISCV_JIT=0 */
        g_assert_cmpuint(riscv_bus_get_jit_stats(tm->bus).blocks, >, 0);
    }
#endif

    riscv_cpu_csr_write(tm->cpu, CSR_TDATA1, MC(2) | MC_M | MC_EXEC);
    riscv_cpu_csr_write(tm->cpu, CSR_TDATA2, watched);
    riscv_cpu_csr_write(tm->cpu, CSR_TSELECT, 1);
    riscv_cpu_csr_write(tm->cpu, CSR_TDATA1, MC(2) | MC_M | MC_LOAD);
    riscv_cpu_csr_write(tm->cpu, CSR_TDATA2, DATA1);
    tm_set_x(tm, 11, 0);
    tm_set_x(tm, 12, 0);
    run_exit(tm, RAM_BASE);
    /* every iteration: the load and the watched addi skipped */
    g_assert_cmpuint(tm_x(tm, 30), ==, 400);
    g_assert_cmpuint(tm_x(tm, 11), ==, 200);
    g_assert_cmpuint(tm_x(tm, 12), ==, 0);

    riscv_cpu_csr_write(tm->cpu, CSR_TDATA1, MC(15));
    riscv_cpu_csr_write(tm->cpu, CSR_TSELECT, 0);
    riscv_cpu_csr_write(tm->cpu, CSR_TDATA1, MC(15));
    tm_set_x(tm, 12, 0);
    run_exit(tm, RAM_BASE);
    g_assert_cmpuint(tm_x(tm, 30), ==, 400);
    g_assert_cmpuint(tm_x(tm, 12), ==, 200);
    tm_free(tm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/trigger/breakpoint-suite", test_breakpoint_suite);
    g_test_add_func("/cpu/trigger/warl", test_warl);
    g_test_add_func("/cpu/trigger/modes-and-matches", test_modes_and_matches);
    g_test_add_func("/cpu/trigger/amo", test_amo);
    g_test_add_func("/cpu/trigger/translated-code", test_translated_code);
    return g_test_run();
}
