/*
 * The A extension: LR/SC success and failure rules (including across
 * harts and traps), every AMO in W and D widths, misaligned atomics.
 */
#include "cpu-test.h"

#define BUF (RAM_BASE + 0x2000)

static TestMachine *setup(void)
{
    TestMachine *tm = tm_new();

    tm_exit_on_trap(tm);
    tm_set_x(tm, 1, BUF);
    return tm;
}

static void run_exit(TestMachine *tm)
{
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 1000).reason, ==,
                    RISCV_RUN_EXIT);
}

static void test_lr_sc(void)
{
    TestMachine *tm = setup();

    tm_write64(tm, BUF, 41);
    tm_write64(tm, BUF + 8, 0xffffffff80000000ull);
    emit(tm, e_amo(AMO_LR, 3, 2, 1, 0));        /* lr.d x2, (x1) */
    emit(tm, e_addi(2, 2, 1));
    emit(tm, e_amo(AMO_SC, 3, 3, 1, 2));        /* sc.d x3, x2, (x1): ok */
    emit(tm, e_amo(AMO_SC, 3, 4, 1, 0));        /* no reservation: fail */
    emit(tm, e_addi(9, 1, 8));
    emit(tm, e_amo(AMO_LR, 2, 5, 9, 0));        /* lr.w sign-extends */
    emit(tm, e_amo(AMO_SC, 2, 6, 1, 0));        /* other address: fail */
    emit(tm, e_amo(AMO_LR, 2, 7, 9, 0));
    emit(tm, e_amo(AMO_SC, 2, 8, 9, 0));        /* sc.w 0: ok */
    emit_exit(tm);
    run_exit(tm);
    g_assert_cmphex(tm_x(tm, 2), ==, 42);
    g_assert_cmphex(tm_x(tm, 3), ==, 0);
    g_assert_cmphex(tm_x(tm, 4), ==, 1);
    g_assert_cmphex(tm_read64(tm, BUF), ==, 42);
    g_assert_cmphex(tm_x(tm, 5), ==, 0xffffffff80000000ull);
    g_assert_cmphex(tm_x(tm, 6), ==, 1);
    g_assert_cmphex(tm_x(tm, 8), ==, 0);
    g_assert_cmphex(tm_read64(tm, BUF + 8), ==, 0xffffffff00000000ull);
    g_assert_cmphex(tm_read64(tm, BUF), ==, 42);
    tm_free(tm);
}

static void test_sc_fails_after_trap(void)
{
    TestMachine *tm = setup();

    emit(tm, e_amo(AMO_LR, 3, 2, 1, 0));
    emit(tm, E_ECALL);
    emit(tm, e_amo(AMO_SC, 3, 3, 1, 2));
    emit_exit(tm);
    tm_org(tm, TRAP_VEC);                       /* skip ecall, return */
    emit(tm, e_csrrs(5, CSR_MEPC, 0));
    emit(tm, e_addi(5, 5, 4));
    emit(tm, e_csrrw(0, CSR_MEPC, 5));
    emit(tm, E_MRET);
    run_exit(tm);
    g_assert_cmphex(tm_x(tm, 3), ==, 1);
    tm_free(tm);
}

static void test_sc_two_harts(void)
{
    TestMachine *tm = setup();
    RISCVCPU *h1 = riscv_cpu_new(tm->bus, 1);
    RISCVRunResult r;

    /* hart 0: lr; then (next slice) sc */
    emit(tm, e_amo(AMO_LR, 3, 2, 1, 0));
    emit(tm, e_amo(AMO_SC, 3, 3, 1, 2));
    emit_exit(tm);
    /* hart 1: store to the reserved address */
    tm_org(tm, RAM_BASE + 0x100);
    emit(tm, e_sd(0, 1, 0));
    riscv_cpu_set_xreg(h1, 1, BUF);
    riscv_cpu_reset(h1, RAM_BASE + 0x100);
    riscv_cpu_set_xreg(h1, 1, BUF);

    r = tm_run_from(tm, RAM_BASE, 1);
    g_assert_cmpuint(r.executed, ==, 1);
    r = riscv_cpu_run(h1, 1);
    g_assert_cmpuint(r.executed, ==, 1);
    r = riscv_cpu_run(tm->cpu, 100);
    g_assert_cmpint(r.reason, ==, RISCV_RUN_EXIT);
    g_assert_cmphex(tm_x(tm, 3), ==, 1);
    g_assert_cmpuint(riscv_cpu_get_hartid(h1), ==, 1);
    tm_free(tm);
}

static void test_amo(void)
{
    const struct {
        unsigned f5, width;
        uint64_t mem, src, want_mem;
    } t[] = {
        { AMO_SWAP, 3, 1, 2, 2 },
        { AMO_ADD, 3, UINT64_MAX, 2, 1 },
        { AMO_XOR, 3, 0xff, 0x0f, 0xf0 },
        { AMO_AND, 3, 0xff, 0x0f, 0x0f },
        { AMO_OR, 3, 0xf0, 0x0f, 0xff },
        { AMO_MIN, 3, (uint64_t)-5, 3, (uint64_t)-5 },
        { AMO_MAX, 3, (uint64_t)-5, 3, 3 },
        { AMO_MINU, 3, (uint64_t)-5, 3, 3 },
        { AMO_MAXU, 3, (uint64_t)-5, 3, (uint64_t)-5 },
        /* W: only the low word changes; rd gets it sign-extended */
        { AMO_SWAP, 2, 0x1111111180000000ull, 5, 0x1111111100000005ull },
        { AMO_ADD, 2, 0x22222222ffffffffull, 1, 0x2222222200000000ull },
        { AMO_MIN, 2, 0x80000000ull, 1, 0x80000000ull },
        { AMO_MAX, 2, 0x80000000ull, 1, 1 },
        { AMO_MINU, 2, 0x80000000ull, 1, 1 },
        { AMO_MAXU, 2, 0x80000000ull, 1, 0x80000000ull },
        { AMO_MAXU, 2, 0x7fffffffull, 0xffffffff00000001ull, 0x7fffffffull },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        TestMachine *tm = setup();
        uint64_t want_rd = t[i].width == 3 ? t[i].mem
                           : (uint64_t)(int64_t)(int32_t)t[i].mem;
        g_test_message("amo case %u", i);
        tm_write64(tm, BUF, t[i].mem);
        tm_set_x(tm, 2, t[i].src);
        emit(tm, e_amo(t[i].f5, t[i].width, 3, 1, 2));
        emit_exit(tm);
        run_exit(tm);
        g_assert_cmphex(tm_x(tm, 3), ==, want_rd);
        g_assert_cmphex(tm_read64(tm, BUF), ==, t[i].want_mem);
        tm_free(tm);
    }
}

static void test_amo_misaligned_and_mmio(void)
{
    TestMachine *tm = setup();

    tm_set_x(tm, 4, MMIO_BASE);
    tm_set_x(tm, 2, 5);
    emit(tm, e_amo(AMO_ADD, 2, 5, 4, 2));       /* amoadd.w on MMIO */
    emit(tm, e_amo(AMO_ADD, 2, 5, 4, 2));
    emit(tm, e_addi(1, 1, 4));
    emit(tm, e_amo(AMO_ADD, 3, 3, 1, 2));       /* misaligned .d */
    emit_exit(tm);
    run_exit(tm);
    g_assert_cmphex(tm_x(tm, 5), ==, 5);
    g_assert_cmphex(tm->mmio[0], ==, 10);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_STORE_MISALIGNED);
    g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==, BUF + 4);
    tm_free(tm);

    tm = setup();
    emit(tm, e_addi(1, 1, 2));
    emit(tm, e_amo(AMO_LR, 2, 3, 1, 0));        /* misaligned lr.w */
    run_exit(tm);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_LOAD_MISALIGNED);
    tm_free(tm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/atomic/lr-sc", test_lr_sc);
    g_test_add_func("/cpu/atomic/sc-after-trap", test_sc_fails_after_trap);
    g_test_add_func("/cpu/atomic/sc-two-harts", test_sc_two_harts);
    g_test_add_func("/cpu/atomic/amo", test_amo);
    g_test_add_func("/cpu/atomic/misaligned-mmio",
                    test_amo_misaligned_and_mmio);
    return g_test_run();
}
