/*
 * Loads and stores: widths and extension, misaligned accesses done in
 * "hardware", MMIO callbacks, access faults, ROM.
 */
#include <string.h>

#include "cpu-test.h"

#define BUF (RAM_BASE + 0x2000)

static TestMachine *machine_with_trap_exit(void)
{
    TestMachine *tm = tm_new();

    tm_exit_on_trap(tm);
    return tm;
}

static void run_ok(TestMachine *tm)
{
    RISCVRunResult r = tm_run_from(tm, RAM_BASE, 1000);
    g_assert_cmpint(r.reason, ==, RISCV_RUN_EXIT);
}

static void test_widths(void)
{
    TestMachine *tm = machine_with_trap_exit();
    static const uint8_t pattern[8] = { 0x81, 0x82, 0x83, 0x84,
                                        0x85, 0x86, 0x87, 0x88 };

    memcpy(tm->ram + (BUF - RAM_BASE), pattern, 8);
    tm_set_x(tm, 1, BUF);
    emit(tm, e_lb(2, 1, 0));
    emit(tm, e_lbu(3, 1, 0));
    emit(tm, e_lh(4, 1, 0));
    emit(tm, e_lhu(5, 1, 0));
    emit(tm, e_lw(6, 1, 0));
    emit(tm, e_lwu(7, 1, 0));
    emit(tm, e_ld(8, 1, 0));
    emit(tm, e_sb(8, 1, 16));
    emit(tm, e_sh(8, 1, 24));
    emit(tm, e_sw(8, 1, 32));
    emit(tm, e_sd(8, 1, 40));
    emit(tm, e_ld(9, 1, 16));
    emit(tm, e_ld(10, 1, 24));
    emit(tm, e_ld(11, 1, 32));
    emit(tm, e_ld(12, 1, 40));
    emit(tm, e_lw(13, 1, -4 + 8));             /* negative-ish offsets */
    emit_exit(tm);
    run_ok(tm);
    g_assert_cmphex(tm_x(tm, 2), ==, 0xffffffffffffff81ull);
    g_assert_cmphex(tm_x(tm, 3), ==, 0x81);
    g_assert_cmphex(tm_x(tm, 4), ==, 0xffffffffffff8281ull);
    g_assert_cmphex(tm_x(tm, 5), ==, 0x8281);
    g_assert_cmphex(tm_x(tm, 6), ==, 0xffffffff84838281ull);
    g_assert_cmphex(tm_x(tm, 7), ==, 0x84838281ull);
    g_assert_cmphex(tm_x(tm, 8), ==, 0x8887868584838281ull);
    g_assert_cmphex(tm_x(tm, 9), ==, 0x81);
    g_assert_cmphex(tm_x(tm, 10), ==, 0x8281);
    g_assert_cmphex(tm_x(tm, 11), ==, 0x84838281ull);
    g_assert_cmphex(tm_x(tm, 12), ==, 0x8887868584838281ull);
    g_assert_cmphex(tm_x(tm, 13), ==, 0xffffffff88878685ull);
    tm_free(tm);
}

static void test_misaligned(void)
{
    TestMachine *tm = machine_with_trap_exit();
    uint64_t page_end = RAM_BASE + 0x3000 - 3;  /* crosses into next page */

    tm_set_x(tm, 1, BUF + 1);
    tm_set_x(tm, 2, 0x1122334455667788ull);
    tm_set_x(tm, 3, page_end);
    emit(tm, e_sd(2, 1, 0));
    emit(tm, e_ld(4, 1, 0));
    emit(tm, e_lw(5, 1, 1));
    emit(tm, e_lhu(6, 1, 3));
    emit(tm, e_sd(2, 3, 0));
    emit(tm, e_ld(7, 3, 0));
    emit(tm, e_lh(8, 3, 2));
    emit_exit(tm);
    run_ok(tm);
    g_assert_cmphex(tm_x(tm, 4), ==, 0x1122334455667788ull);
    g_assert_cmphex(tm_x(tm, 5), ==, 0x44556677);
    g_assert_cmphex(tm_x(tm, 6), ==, 0x4455);
    g_assert_cmphex(tm_x(tm, 7), ==, 0x1122334455667788ull);
    g_assert_cmphex(tm_x(tm, 8), ==, 0x5566);
    g_assert_cmphex(tm_read64(tm, BUF), ==, 0x2233445566778800ull);
    g_assert_cmpuint(riscv_cpu_get_storm_count(tm->cpu), ==, 0);
    g_assert_cmpstr(tm->log->str, ==, "");   /* no trap was taken */
    tm_free(tm);
}

static void test_mmio(void)
{
    TestMachine *tm = machine_with_trap_exit();

    tm_set_x(tm, 1, MMIO_BASE);
    tm_set_x(tm, 2, 0xdeadbeefcafef00dull);
    emit(tm, e_sd(2, 1, 8));
    emit(tm, e_lw(3, 1, 8));
    emit(tm, e_lbu(4, 1, 15));
    emit(tm, e_sh(2, 1, 32));
    emit(tm, e_ld(5, 1, 32));
    emit_exit(tm);
    run_ok(tm);
    g_assert_cmphex(tm_x(tm, 3), ==, 0xffffffffcafef00dull);
    g_assert_cmphex(tm_x(tm, 4), ==, 0xde);
    g_assert_cmphex(tm_x(tm, 5), ==, 0xf00d);
    g_assert_cmpuint(tm->mmio_writes, ==, 2);
    g_assert_cmpuint(tm->mmio_reads, ==, 3);
    g_assert_cmphex(tm->last_mmio_addr, ==, EXIT_ADDR);
    tm_free(tm);
}

static void test_access_faults(void)
{
    static const struct {
        bool store;
        uint64_t addr;
    } t[] = {
        { false, 0x20000000 },                 /* nothing there */
        { true, 0x20000000 },
        { true, ROM_BASE + 8 },                /* ROM is read-only */
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        TestMachine *tm = machine_with_trap_exit();
        tm_set_x(tm, 1, t[i].addr);
        emit(tm, t[i].store ? e_sw(0, 1, 0) : e_lw(2, 1, 0));
        emit_exit(tm);
        run_ok(tm);
        g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==,
                        t[i].store ? RISCV_EXC_STORE_ACCESS
                                   : RISCV_EXC_LOAD_ACCESS);
        g_assert_cmphex(tm_csr(tm, CSR_MEPC), ==, RAM_BASE);
        g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==, t[i].addr);
        tm_free(tm);
    }
}

static void test_rom_fetch(void)
{
    TestMachine *tm = machine_with_trap_exit();

    /* like the reset ROM: load a0, jump to RAM */
    tm_org(tm, ROM_BASE);
    emit(tm, e_auipc(5, 0));
    emit(tm, e_addi(10, 0, 42));
    emit_li(tm, 6, RAM_BASE + 0x100);
    emit(tm, e_jalr(0, 6, 0));
    tm_org(tm, RAM_BASE + 0x100);
    emit_exit(tm);
    g_assert_cmpint(tm_run_from(tm, ROM_BASE, 100).reason, ==,
                    RISCV_RUN_EXIT);
    g_assert_cmphex(tm_x(tm, 5), ==, ROM_BASE);
    g_assert_cmphex(tm_x(tm, 10), ==, 42);
    tm_free(tm);
}

static void test_fetch_fault(void)
{
    TestMachine *tm = machine_with_trap_exit();

    tm_set_x(tm, 1, 0x20000000);
    emit(tm, e_jalr(0, 1, 0));
    run_ok(tm);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_INSN_ACCESS);
    g_assert_cmphex(tm_csr(tm, CSR_MEPC), ==, 0x20000000);
    g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==, 0x20000000);
    tm_free(tm);
}

static void test_exit_request_mid_slice(void)
{
    TestMachine *tm = machine_with_trap_exit();
    RISCVRunResult r;

    emit(tm, e_addi(5, 0, 1));
    emit_exit(tm);
    emit(tm, e_addi(6, 0, 1));               /* must not run */
    r = tm_run_from(tm, RAM_BASE, 1000);
    g_assert_cmpint(r.reason, ==, RISCV_RUN_EXIT);
    g_assert_cmpuint(r.executed, ==, 3);
    g_assert_cmphex(tm_x(tm, 6), ==, 0);
    g_assert_cmphex(riscv_cpu_get_pc(tm->cpu), ==, RAM_BASE + 12);
    tm_free(tm);
}

static void test_budget(void)
{
    TestMachine *tm = machine_with_trap_exit();
    RISCVRunResult r;

    emit(tm, e_addi(5, 5, 1));
    emit(tm, e_jal(0, -4));
    r = tm_run_from(tm, RAM_BASE, 1001);
    g_assert_cmpint(r.reason, ==, RISCV_RUN_BUDGET);
    g_assert_cmpuint(r.executed, ==, 1001);
    g_assert_cmphex(tm_x(tm, 5), ==, 501);
    g_assert_cmpuint(riscv_cpu_get_icount(tm->cpu), ==, 1001);
    r = riscv_cpu_run(tm->cpu, 1);
    g_assert_cmpuint(r.executed, ==, 1);
    g_assert_cmpuint(riscv_cpu_get_icount(tm->cpu), ==, 1002);
    tm_free(tm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/mem/widths", test_widths);
    g_test_add_func("/cpu/mem/misaligned", test_misaligned);
    g_test_add_func("/cpu/mem/mmio", test_mmio);
    g_test_add_func("/cpu/mem/access-faults", test_access_faults);
    g_test_add_func("/cpu/mem/rom-fetch", test_rom_fetch);
    g_test_add_func("/cpu/mem/fetch-fault", test_fetch_fault);
    g_test_add_func("/cpu/run/exit-request", test_exit_request_mid_slice);
    g_test_add_func("/cpu/run/budget", test_budget);
    return g_test_run();
}
