/*
 * cpu-bench: interpreter speed on hand-assembled loops, in MIPS.
 *
 *   build-cpu/tests/unit/cpu/cpu-bench [million-instructions]
 *
 * Runs in slices of 1M instructions, the way the machine's main loop will.
 * Loops: "alu" (add/xor/shift + branch), "mem" (loads and stores through
 * the TLB fast path), "call" (jal/ret into another page, compressed code)
 * "sv39" (the mem loop in S-mode under Sv39 paging) and "unaligned" (the
 * mem loop on doublewords at an odd address, none crossing a page: what
 * Linux's probe of misaligned access speed does).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cpu-test.h"

static double run_loop(TestMachine *tm, uint64_t entry, uint64_t total)
{
    gint64 t0, t1;
    uint64_t done = 0;

    riscv_cpu_set_pc(tm->cpu, entry);
    tm_set_x(tm, 10, RAM_BASE + 0x8000);
    t0 = g_get_monotonic_time();
    while (done < total) {
        RISCVRunResult r = riscv_cpu_run(tm->cpu, 1000000);
        done += r.executed;
        if (r.reason != RISCV_RUN_BUDGET) {
            fprintf(stderr, "unexpected stop %d at pc %llx\n", r.reason,
                    (unsigned long long)riscv_cpu_get_pc(tm->cpu));
            exit(1);
        }
        if (riscv_cpu_get_storm_count(tm->cpu)) {
            fprintf(stderr, "the loop traps: %s\n", tm->log->str);
            exit(1);
        }
    }
    t1 = g_get_monotonic_time();
    return (double)done / (double)(t1 - t0);
}

static void emit_alu_loop(TestMachine *tm)
{
    /* t0 counts down forever (wraps): the budget ends the run */
    emit(tm, e_addi(5, 5, -1));        /* t0-- */
    emit(tm, e_add(6, 6, 5));          /* t1 += t0 */
    emit(tm, e_xor(7, 7, 6));          /* t2 ^= t1 */
    emit(tm, e_slli(28, 7, 3));        /* t3 = t2 << 3 */
    emit(tm, e_sub(29, 28, 6));        /* t4 = t3 - t1 */
    emit(tm, e_bne(5, 0, -20));
    emit(tm, e_jal(0, -24));
}

static void emit_mem_loop(TestMachine *tm)
{
    /* a0 = buffer; walk 64 doublewords */
    uint64_t top = tm->pc;
    emit(tm, e_addi(11, 10, 0));       /* a1 = a0 */
    emit(tm, e_addi(12, 0, 64));       /* a2 = 64 */
    emit(tm, e_ld(13, 11, 0));         /* loop: a3 = *a1 */
    emit(tm, e_addi(13, 13, 1));
    emit(tm, e_sd(13, 11, 0));
    emit(tm, e_addi(11, 11, 8));
    emit(tm, e_addi(12, 12, -1));
    emit(tm, e_bne(12, 0, -20));
    emit(tm, e_jal(0, (int32_t)(top - tm->pc)));
}

/* the mem loop on doublewords that start at a0 + 3 */
static void emit_unaligned_loop(TestMachine *tm)
{
    uint64_t top = tm->pc;
    emit(tm, e_addi(11, 10, 3));       /* a1 = a0 + 3 */
    emit(tm, e_addi(12, 0, 64));       /* a2 = 64 */
    emit(tm, e_ld(13, 11, 0));         /* loop: a3 = *a1 */
    emit(tm, e_addi(13, 13, 1));
    emit(tm, e_sd(13, 11, 0));
    emit(tm, e_addi(11, 11, 8));
    emit(tm, e_addi(12, 12, -1));
    emit(tm, e_bne(12, 0, -20));
    emit(tm, e_jal(0, (int32_t)(top - tm->pc)));
}

static void emit_call_loop(TestMachine *tm, uint64_t fn)
{
    uint64_t top = tm->pc;
    emit(tm, e_addi(5, 5, 1));
    emit(tm, e_jal(1, (int32_t)(fn - tm->pc)));
    emit(tm, e_jal(0, (int32_t)(top - tm->pc)));
    tm_org(tm, fn);
    emit16(tm, 0x0505);                /* c.addi a0, 1 */
    emit16(tm, 0x0585);                /* c.addi a1, 1 */
    emit16(tm, 0x8082);                /* c.jr ra */
}

int main(int argc, char **argv)
{
    uint64_t total = (argc > 1 ? strtoull(argv[1], NULL, 0) : 200) * 1000000;
    TestMachine *tm = tm_new();
    double alu, mem, call, unaligned, sv39;
    uint64_t root = RAM_BASE + 0x10000;

    riscv_cpu_set_log(tm->cpu, 0, NULL, NULL);
    tm_org(tm, RAM_BASE);
    emit_alu_loop(tm);
    tm_org(tm, RAM_BASE + 0x1000);
    emit_mem_loop(tm);
    tm_org(tm, RAM_BASE + 0x2000);
    emit_call_loop(tm, RAM_BASE + 0x3000);
    tm_org(tm, RAM_BASE + 0x4000);
    emit_unaligned_loop(tm);

    alu = run_loop(tm, RAM_BASE, total);
    mem = run_loop(tm, RAM_BASE + 0x1000, total);
    call = run_loop(tm, RAM_BASE + 0x2000, total);
    unaligned = run_loop(tm, RAM_BASE + 0x4000, total);

    /* Sv39: one gigapage identity-mapping RAM, then the mem loop in S */
    tm_write64(tm, root + 8 * 2, (RAM_BASE >> 12) << 10 | 0xcf);
    riscv_cpu_csr_write(tm->cpu, CSR_SATP,
                        (8ull << 60) | (root >> 12));
    riscv_cpu_set_priv(tm->cpu, RISCV_PRIV_S);
    sv39 = run_loop(tm, RAM_BASE + 0x1000, total);

    printf("alu  %.0f MIPS\nmem  %.0f MIPS\ncall %.0f MIPS\n"
           "unaligned %.0f MIPS\nsv39 %.0f MIPS\n",
           alu, mem, call, unaligned, sv39);
    tm_free(tm);
    return 0;
}
