/*
 * Decoded-instruction cache coherence: self-modifying code with FENCE.I,
 * code rewritten by "DMA" plus riscv_bus_invalidate_range(), and 32-bit
 * instructions straddling a page boundary.
 */
#include <string.h>

#include "cpu-test.h"

#define SLOT (RAM_BASE + 0x100)

static TestMachine *setup(void)
{
    TestMachine *tm = tm_new();

    tm_exit_on_trap(tm);
    return tm;
}

static void test_self_modifying(void)
{
    TestMachine *tm = setup();

    /* SLOT: addi x5, x5, 1; ret.  Call it, patch it, call it again. */
    tm_org(tm, SLOT);
    emit(tm, e_addi(5, 5, 1));
    emit(tm, e_jalr(0, 1, 0));
    tm_org(tm, RAM_BASE);
    emit_li(tm, 10, SLOT);
    emit(tm, e_jalr(1, 10, 0));
    emit_li(tm, 11, e_addi(5, 5, 16));
    emit(tm, e_sw(11, 10, 0));
    emit(tm, E_FENCE_I);
    emit(tm, e_jalr(1, 10, 0));
    /* patch the very next instruction of this page */
    emit_li(tm, 11, e_addi(6, 0, 99));
    emit(tm, e_auipc(12, 0));
    emit(tm, e_sw(11, 12, 12));
    emit(tm, E_FENCE_I);
    emit(tm, e_addi(6, 0, 1));                 /* becomes addi x6, 99 */
    emit_exit(tm);
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 1000).reason, ==,
                    RISCV_RUN_EXIT);
    g_assert_cmphex(tm_x(tm, 5), ==, 17);
    g_assert_cmphex(tm_x(tm, 6), ==, 99);
    tm_free(tm);
}

static void test_dma_invalidate(void)
{
    TestMachine *tm = setup();
    uint32_t insn = e_addi(5, 0, 2);

    emit(tm, e_addi(5, 0, 1));
    emit_exit(tm);
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                    RISCV_RUN_EXIT);
    g_assert_cmphex(tm_x(tm, 5), ==, 1);
    /* a device writes new code into RAM behind the CPU's back */
    memcpy(tm->ram, &insn, 4);
    riscv_bus_invalidate_range(tm->bus, RAM_BASE, 4);
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                    RISCV_RUN_EXIT);
    g_assert_cmphex(tm_x(tm, 5), ==, 2);
    tm_free(tm);
}

static void test_cross_page(void)
{
    TestMachine *tm = setup();
    uint64_t start = RAM_BASE + 0x1ffa;
    uint32_t insn;

    tm_org(tm, start);
    emit16(tm, 0x4285);                        /* c.li x5, 1 */
    emit16(tm, 0x0001);                        /* c.nop */
    emit(tm, e_addi(6, 0, 7));                 /* 0x1ffe..0x2001 */
    emit16(tm, 0x0001);
    emit_exit(tm);
    g_assert_cmpint(tm_run_from(tm, start, 100).reason, ==, RISCV_RUN_EXIT);
    g_assert_cmphex(tm_x(tm, 5), ==, 1);
    g_assert_cmphex(tm_x(tm, 6), ==, 7);
    /* change the upper half (the immediate) in the second page */
    insn = e_addi(6, 0, 0x55);
    memcpy(tm->ram + 0x1ffe, &insn, 4);
    riscv_bus_invalidate_range(tm->bus, RAM_BASE + 0x2000, 2);
    g_assert_cmpint(tm_run_from(tm, start, 100).reason, ==, RISCV_RUN_EXIT);
    g_assert_cmphex(tm_x(tm, 6), ==, 0x55);
    tm_free(tm);
}

static void test_store_to_other_hart_code(void)
{
    TestMachine *tm = setup();
    RISCVCPU *h1 = riscv_cpu_new(tm->bus, 1);
    RISCVRunResult r;

    /* hart 1 spins on "addi x5, x5, 1; j -4" */
    tm_org(tm, SLOT);
    emit(tm, e_addi(5, 5, 1));
    emit(tm, e_jal(0, -4));
    riscv_cpu_reset(h1, SLOT);
    r = riscv_cpu_run(h1, 10);
    g_assert_cmpuint(r.executed, ==, 10);
    g_assert_cmphex(riscv_cpu_get_xreg(h1, 5), ==, 5);
    /* hart 0 patches the loop body to add 100 */
    tm_org(tm, RAM_BASE);
    emit_li(tm, 10, SLOT);
    emit_li(tm, 11, e_addi(5, 5, 100));
    emit(tm, e_sw(11, 10, 0));
    emit_exit(tm);
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                    RISCV_RUN_EXIT);
    r = riscv_cpu_run(h1, 2);
    g_assert_cmphex(riscv_cpu_get_xreg(h1, 5), ==, 105);
    tm_free(tm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/icache/self-modifying", test_self_modifying);
    g_test_add_func("/cpu/icache/dma-invalidate", test_dma_invalidate);
    g_test_add_func("/cpu/icache/cross-page", test_cross_page);
    g_test_add_func("/cpu/icache/other-hart", test_store_to_other_hart_code);
    return g_test_run();
}
