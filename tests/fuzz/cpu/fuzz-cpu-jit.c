/*
 * libFuzzer target for the block translator (target/riscv/jit.c): the
 * input is guest code.  It runs in a loop, so its blocks get hot, on two
 * test machines (tests/unit/cpu/cpu-test.h), one translating with the
 * smallest code buffer (which starts over often) and one interpreting,
 * and both must end in the same state: registers, pc, instruction count,
 * trap CSRs, RAM and device registers.  Traps are skipped by a handler in
 * ROM, so illegal words and faulting accesses do not end the run.
 *
 * The code is the input bytes at CODE; a prologue sets every register to
 * a value derived from the input, pointing some into RAM (a few just
 * below its end) and the MMIO scratch device; an epilogue loops back ITERATIONS times and then writes
 * the exit device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu-test.h"

#define CODE (RAM_BASE + 0x1000)
#define MAX_CODE 2048
#define ITERATIONS 40
#define BUDGET 20000

static void write_handler(TestMachine *tm)
{
    tm_org(tm, ROM_BASE);
    emit(tm, e_csrrs(31, 0x341, 0));        /* mepc */
    emit(tm, e_addi(31, 31, 4));
    emit(tm, e_csrrw(0, 0x341, 31));
    emit(tm, E_MRET);
    riscv_cpu_csr_write(tm->cpu, CSR_MTVEC, ROM_BASE);
}

static void write_program(TestMachine *tm, const uint8_t *data, size_t size)
{
    uint64_t seed = 0x9e3779b97f4a7c15ull;

    for (size_t i = 0; i < size; i++) {
        seed = (seed ^ data[i]) * 0x100000001b3ull;
    }
    write_handler(tm);
    tm_org(tm, RAM_BASE);
    for (unsigned r = 1; r < 32; r++) {
        uint64_t v;

        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        switch (r % 4) {
        case 0: v = RAM_BASE + 0x8000 + (seed & 0xfff8); break;
        case 1: v = MMIO_BASE + (seed & 0xf8); break;
        case 2:
            /* some just below the end of RAM: accesses crossing it fault */
            v = (seed & 3) ? seed : RAM_BASE + RAM_SIZE - 8 + (seed >> 2 & 7);
            break;
        default: v = seed; break;
        }
        emit_li(tm, r, v);
    }
    emit_li(tm, 30, ITERATIONS);            /* the loop counter */
    emit(tm, e_jal(0, (int32_t)(CODE - tm->pc)));
    tm_org(tm, CODE);
    memcpy(tm->ram + (CODE - RAM_BASE), data, size);
    riscv_bus_invalidate_range(tm->bus, CODE, size);
    tm_org(tm, CODE + ((size + 3) & ~(size_t)3));
    emit(tm, e_addi(30, 30, -1));
    emit(tm, e_bne(30, 0, (int32_t)(CODE - tm->pc)));
    emit_exit(tm);
    riscv_cpu_set_pc(tm->cpu, RAM_BASE);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    TestMachine *jit = tm_new(), *interp = tm_new();
    RISCVRunResult rj, ri;
    char *difference;

    if (size > MAX_CODE) {
        size = MAX_CODE;
    }
    /* every extension, so Zb* and Zicond words decode (and translate) */
    riscv_bus_set_extensions(jit->bus, ~0u);
    riscv_bus_set_extensions(interp->bus, ~0u);
    riscv_bus_set_jit(jit->bus, RISCV_JIT_MIN_BUFFER);
    riscv_bus_set_jit(interp->bus, 0);
    /* traps are the normal case here: do not log each one */
    riscv_cpu_set_log(jit->cpu, 0, NULL, NULL);
    riscv_cpu_set_log(interp->cpu, 0, NULL, NULL);
    write_program(jit, data, size);
    write_program(interp, data, size);
    rj = riscv_cpu_run(jit->cpu, BUDGET);
    ri = riscv_cpu_run(interp->cpu, BUDGET);
    if (rj.reason != ri.reason || rj.executed != ri.executed) {
        fprintf(stderr, "run results differ\n");
        abort();
    }
    difference = tm_difference(jit, interp);
    if (difference) {
        fprintf(stderr, "translated vs interpreted: %s\n", difference);
        abort();
    }
    tm_free(jit);
    tm_free(interp);
    return 0;
}
