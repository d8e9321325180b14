/*
 * The block translator (target/riscv/jit.c) against the interpreter: the
 * same random programs run on two test machines, one translating and one
 * not, and must leave the same registers, memory, pc and instruction
 * count.  The programs loop long enough for their blocks to be translated
 * and mix in what translated code hands back to the interpreter: TLB
 * misses, misaligned and MMIO accesses, untranslated ops (CSRs),
 * compressed instructions, stores into the page
 * being executed, and calls (direct and through a register) into
 * functions in other pages.  A third of the programs run in S-mode under
 * Sv39 with their data window split over two virtual pages that map to
 * physical pages apart, and some of their accesses cross that boundary
 * (misaligned), which must translate both halves.  A second run stops every few instructions to
 * check that slices end on exactly the same instruction.
 */
#include <string.h>

#include "cpu-test.h"

#define DATA (RAM_BASE + 0x10000)       /* x20: 4 KiB of data */
#define FUNCS (RAM_BASE + 0x2000)       /* x24: called functions, 2 pages */
#define NFUNCS 4
#define CODE_DATA (RAM_BASE + 0xf00)    /* x23: data in the code's page */
#define ITERATIONS 150
/* paged programs: x20 is 1 KiB below the boundary of two virtual pages */
#define PAGED_VA 0x40000000ull                  /* its first page: DATA */
#define PAGED_DATA2 (DATA + 0x3000)             /* its second page */
#define PAGED_X20 (PAGED_VA + 0x1000 - 1024)
#define PAGE_TABLES (RAM_BASE + 0x20000)        /* 3 tables */
#define REGS 11                         /* random operands: x5..x15 */

static unsigned reg(GRand *r)
{
    return 5 + g_rand_int_range(r, 0, REGS);
}

static int32_t imm12(GRand *r)
{
    return g_rand_int_range(r, -2048, 2048);
}

/* Zb* and Zicond: the translated forms and those left to the
 * interpreter (clmul*), which end a block */
static uint32_t random_zb(GRand *r, unsigned rd, unsigned a, unsigned b,
                          unsigned sh, unsigned shw)
{
    static const uint32_t two[] = { ZB_TWO }, one[] = { ZB_ONE },
                          shift[] = { ZB_SHIFT };
    uint32_t regs = rd << 7 | a << 15, insn;

    switch (g_rand_int_range(r, 0, 4)) {
    case 0: case 1:
        return two[g_rand_int_range(r, 0, G_N_ELEMENTS(two))] | regs |
               b << 20;
    case 2:
        return one[g_rand_int_range(r, 0, G_N_ELEMENTS(one))] | regs;
    default:
        insn = shift[g_rand_int_range(r, 0, G_N_ELEMENTS(shift))];
        return insn | regs | (insn == ZB_RORIW ? shw : sh) << 20;
    }
}

static uint32_t random_alu(GRand *r)
{
    unsigned rd = reg(r), a = g_rand_int_range(r, 0, 8) ? reg(r) : 0,
             b = reg(r), sh = g_rand_int_range(r, 0, 64),
             shw = g_rand_int_range(r, 0, 32);

    switch (g_rand_int_range(r, 0, 52)) {
    case 0: return e_addi(rd, a, imm12(r));
    case 1: return e_slti(rd, a, imm12(r));
    case 2: return e_sltiu(rd, a, imm12(r));
    case 3: return e_xori(rd, a, imm12(r));
    case 4: return e_ori(rd, a, imm12(r));
    case 5: return e_andi(rd, a, imm12(r));
    case 6: return e_slli(rd, a, sh);
    case 7: return e_srli(rd, a, sh);
    case 8: return e_srai(rd, a, sh);
    case 9: return e_addiw(rd, a, imm12(r));
    case 10: return e_slliw(rd, a, shw);
    case 11: return e_srliw(rd, a, shw);
    case 12: return e_sraiw(rd, a, shw);
    case 13: return e_add(rd, a, b);
    case 14: return e_sub(rd, a, b);
    case 15: return e_sll(rd, a, b);
    case 16: return e_slt(rd, a, b);
    case 17: return e_sltu(rd, a, b);
    case 18: return e_xor(rd, a, b);
    case 19: return e_srl(rd, a, b);
    case 20: return e_sra(rd, a, b);
    case 21: return e_or(rd, a, b);
    case 22: return e_and(rd, a, b);
    case 23: return e_addw(rd, a, b);
    case 24: return e_subw(rd, a, b);
    case 25: return e_sllw(rd, a, b);
    case 26: return e_srlw(rd, a, b);
    case 27: return e_sraw(rd, a, b);
    case 28: return e_mul(rd, a, b);
    case 29: return e_mulw(rd, a, b);
    case 30: return e_lui(rd, g_rand_int(r) >> 12);
    case 31: return e_auipc(rd, g_rand_int(r) >> 12);
    case 32: return e_mulh(rd, a, b);
    case 33: return e_mulhsu(rd, a, b);
    case 34: return e_mulhu(rd, a, b);
    case 35: return e_div(rd, a, b);
    case 36: return e_divu(rd, a, b);
    case 37: return e_rem(rd, a, b);
    case 38: return e_remu(rd, a, b);
    case 39: return e_divw(rd, a, b);
    case 40: return e_divuw(rd, a, b);
    case 41: return e_remw(rd, a, b);
    case 42: return e_remuw(rd, a, b);
    case 45: case 46: case 47: case 48: case 49: case 50: case 51:
        return random_zb(r, rd, a, b, sh, shw);
    /* sscratch (paged programs run in S): left to the interpreter */
    case 43: return e_csrrs(rd, 0x140, 0);
    default: return e_csrrw(0, 0x140, a);
    }
}

/* SMC: also store into the code's own page (which drops its decoding) */
static uint32_t random_mem(GRand *r, bool smc, bool paged)
{
    static uint32_t (*const loads[])(unsigned, unsigned, int32_t) = {
        e_lb, e_lh, e_lw, e_ld, e_lbu, e_lhu, e_lwu };
    static uint32_t (*const stores[])(unsigned, unsigned, int32_t) = {
        e_sb, e_sh, e_sw, e_sd };
    static const unsigned load_size[] = { 1, 2, 4, 8, 1, 2, 4 };
    static const unsigned store_size[] = { 1, 2, 4, 8 };
    unsigned kind = g_rand_int_range(r, 0, 20);
    unsigned base = kind == 0 ? 22 : kind == 1 && smc ? 23 : 20;
    unsigned span = base == 20 ? 2040 : base == 22 ? 248 : 120;
    bool store = g_rand_boolean(r);
    unsigned i = store ? g_rand_int_range(r, 0, 4) : g_rand_int_range(r, 0, 7);
    unsigned size = store ? store_size[i] : load_size[i];
    int32_t off = g_rand_int_range(r, 0, span);

    if (paged && kind == 2 && size > 1) {
        off = 1024 - g_rand_int_range(r, 1, size);  /* crosses the pages */
    } else if (base == 22 || g_rand_int_range(r, 0, 8)) {
        off &= ~(int32_t)(size - 1);            /* mostly aligned */
    }
    return store ? stores[i](reg(r), base, off) : loads[i](reg(r), base, off);
}

/*
 * Sv39 for the paged programs: gigapages identity-map 0-1 GiB (MMIO, the
 * exit device) and RAM; 1-2 GiB holds PAGED_VA's two pages.
 */
static void enter_paged_mode(TestMachine *tm)
{
    uint64_t root = PAGE_TABLES, l1 = root + 0x1000, l0 = root + 0x2000;
    const uint64_t leaf = 0xcf, next = 0x01;    /* RWX AD V / pointer */

    memset(tm->ram + (root - RAM_BASE), 0, 0x3000);
    tm_write64(tm, root + 0 * 8, leaf);
    tm_write64(tm, root + 2 * 8, (RAM_BASE >> 12) << 10 | leaf);
    tm_write64(tm, root + 1 * 8, (l1 >> 12) << 10 | next);
    tm_write64(tm, l1, (l0 >> 12) << 10 | next);
    tm_write64(tm, l0, (DATA >> 12) << 10 | leaf);
    tm_write64(tm, l0 + 8, (PAGED_DATA2 >> 12) << 10 | leaf);
    g_assert_true(riscv_cpu_csr_write(tm->cpu, CSR_SATP,
                                      8ull << 60 | root >> 12));
    riscv_cpu_set_priv(tm->cpu, RISCV_PRIV_S);
}

/* c.addi / c.mv / c.add on x8..x15 */
static uint16_t random_compressed(GRand *r)
{
    unsigned rd = 8 + g_rand_int_range(r, 0, 8), rs = reg(r);
    int imm = g_rand_int_range(r, -32, 32);

    switch (g_rand_int_range(r, 0, 3)) {
    case 0:
        if (imm == 0) {
            imm = 1;
        }
        return (uint16_t)(0x0001 | ((imm >> 5) & 1) << 12 | rd << 7 |
                          (imm & 0x1f) << 2);
    case 1: return (uint16_t)(0x8002 | rd << 7 | rs << 2);
    default: return (uint16_t)(0x9002 | rd << 7 | rs << 2);
    }
}

/* function I: a few random ALU instructions, then ret; some cross a page */
static uint64_t func_address(unsigned i)
{
    return i == NFUNCS - 1 ? FUNCS + 0x1ff4 : FUNCS + i * 0x600;
}

static void write_functions(TestMachine *tm, GRand *r)
{
    for (unsigned i = 0; i < NFUNCS; i++) {
        unsigned n = g_rand_int_range(r, 1, 8);
        tm_org(tm, func_address(i));
        for (unsigned k = 0; k < n; k++) {
            emit(tm, random_alu(r));
        }
        emit(tm, e_jalr(0, 1, 0));
    }
}

/* Writes the program with SEED into TM (the same for both machines). */
static void write_program(TestMachine *tm, guint32 seed, unsigned length)
{
    GRand *r = g_rand_new_with_seed(seed);
    static uint32_t (*const branches[])(unsigned, unsigned, int32_t) = {
        e_beq, e_bne, e_blt, e_bge, e_bltu, e_bgeu };
    uint64_t loop;

    riscv_bus_set_extensions(tm->bus, ~0u);     /* the programs use all */

    write_functions(tm, r);
    tm_org(tm, RAM_BASE);
    /* edge values too, for division and the high half of products */
    static const uint64_t special[] = {
        0, 1, UINT64_MAX, 1ull << 63, 0xffffffff80000000ull, 0x7fffffff,
        0xffffffff, 3 };
    for (unsigned i = 5; i < 5 + REGS; i++) {
        emit_li(tm, i, g_rand_int_range(r, 0, 3) == 0
                       ? special[g_rand_int_range(r, 0, G_N_ELEMENTS(special))]
                       : ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r));
    }
    emit_li(tm, 20, seed % 3 == 1 ? PAGED_X20 : DATA);
    emit_li(tm, 21, ITERATIONS);
    emit_li(tm, 22, MMIO_BASE);
    emit_li(tm, 23, CODE_DATA);
    loop = tm->pc;
    for (unsigned i = 0; i < length; i++) {
        unsigned kind = g_rand_int_range(r, 0, 11);
        unsigned fn = g_rand_int_range(r, 0, NFUNCS);
        if (kind == 10 && g_rand_boolean(r)) {
            emit(tm, e_jal(1, (int32_t)(func_address(fn) - tm->pc)));
        } else if (kind == 10) {
            emit_li(tm, 24, func_address(fn));
            emit(tm, e_jalr(1, 24, 0));
        } else if (kind < 5) {
            emit(tm, random_alu(r));
        } else if (kind < 8) {
            emit(tm, random_mem(r, seed % 4 == 0, seed % 3 == 1));
        } else if (kind == 8) {
            emit16(tm, random_compressed(r));
        } else {
            /* a forward branch over one instruction */
            emit(tm, branches[g_rand_int_range(r, 0, 6)](reg(r), reg(r), 8));
            emit(tm, random_alu(r));
        }
    }
    emit(tm, e_addi(21, 21, -1));
    emit(tm, e_bne(21, 0, (int32_t)(loop - tm->pc)));
    emit_exit(tm);
    g_assert_cmpuint(tm->pc, <, CODE_DATA);
    for (unsigned i = 0; i < 4096; i++) {
        tm->ram[DATA - RAM_BASE + i] = (uint8_t)g_rand_int(r);
        tm->ram[PAGED_DATA2 - RAM_BASE + i] = (uint8_t)g_rand_int(r);
    }
    if (seed % 3 == 1) {
        enter_paged_mode(tm);
    }
    for (unsigned i = 0; i < 256; i++) {
        tm->ram[CODE_DATA - RAM_BASE + i] = (uint8_t)g_rand_int(r);
        tm->mmio[i] = (uint8_t)g_rand_int(r);
    }
    g_rand_free(r);
}

/* A translates, B interprets */
static void assert_same(TestMachine *a, TestMachine *b, guint32 seed)
{
    g_autofree char *difference = tm_difference(a, b);

    if (difference) {
        g_error("seed %u: %s (translated vs interpreted)", seed, difference);
    }
}

/* Two machines with program SEED: one translating with a buffer of
 * BUFFER bytes, one interpreting. */
static void pair(guint32 seed, unsigned length, size_t buffer,
                 TestMachine **jit, TestMachine **interp)
{
    *jit = tm_new();
    *interp = tm_new();
    riscv_bus_set_jit((*jit)->bus, buffer);
    g_assert_true(riscv_bus_set_jit((*interp)->bus, 0));
    write_program(*jit, seed, length);
    write_program(*interp, seed, length);
    riscv_cpu_set_pc((*jit)->cpu, RAM_BASE);
    riscv_cpu_set_pc((*interp)->cpu, RAM_BASE);
}

/* SEEDS programs, translated with a BUFFER-byte buffer; returns the
 * number of blocks translated and, in *RESTARTS, how often the buffer
 * started over */
static uint64_t compare_runs(guint32 first, guint32 seeds, size_t buffer,
                             uint64_t *restarts)
{
    uint64_t blocks = 0;

    *restarts = 0;
    for (guint32 seed = first; seed < first + seeds; seed++) {
        TestMachine *a, *b;
        RISCVRunResult ra, rb;

        pair(seed, 4 + seed % 60, buffer, &a, &b);
        ra = riscv_cpu_run(a->cpu, 10000000);
        rb = riscv_cpu_run(b->cpu, 10000000);
        g_assert_cmpint(ra.reason, ==, RISCV_RUN_EXIT);
        g_assert_cmpint(rb.reason, ==, RISCV_RUN_EXIT);
        g_assert_cmpuint(ra.executed, ==, rb.executed);
        assert_same(a, b, seed);
        blocks += riscv_bus_get_jit_stats(a->bus).blocks;
        *restarts += riscv_bus_get_jit_stats(a->bus).restarts;
        g_assert_cmpuint(riscv_bus_get_jit_stats(b->bus).blocks, ==, 0);
        tm_free(a);
        tm_free(b);
    }
    return blocks;
}

static void test_random_programs(void)
{
    uint64_t restarts;
    uint64_t blocks = compare_runs(1, 300, RISCV_JIT_DEFAULT_BUFFER,
                                   &restarts);

#if defined(__x86_64__)
    /* the comparison means something only if code was translated */
    g_assert_cmpuint(blocks, >, 300);
#endif
}

/* A buffer with room for a few blocks: translating starts over often. */
static void test_small_buffer(void)
{
    uint64_t restarts;
    uint64_t blocks = compare_runs(500, 100, RISCV_JIT_MIN_BUFFER, &restarts);

#if defined(__x86_64__)
    g_assert_cmpuint(blocks, >, 0);
    g_assert_cmpuint(restarts, >, 10);
#endif
}

static void test_slices_end_alike(void)
{
    for (guint32 seed = 1000; seed < 1040; seed++) {
        GRand *r = g_rand_new_with_seed(seed);
        TestMachine *a, *b;
        bool done = false;

        pair(seed, 8 + seed % 40, RISCV_JIT_DEFAULT_BUFFER, &a, &b);
        while (!done) {
            uint64_t budget = g_rand_int_range(r, 1, 60);
            RISCVRunResult ra = riscv_cpu_run(a->cpu, budget);
            RISCVRunResult rb = riscv_cpu_run(b->cpu, budget);

            g_assert_cmpint(ra.reason, ==, rb.reason);
            g_assert_cmpuint(ra.executed, ==, rb.executed);
            g_assert_cmpuint(ra.executed, <=, budget);
            assert_same(a, b, seed);
            done = ra.reason == RISCV_RUN_EXIT;
        }
        tm_free(a);
        tm_free(b);
        g_rand_free(r);
    }
}

/* Switching is idempotent, and switching off drops the translations. */
static void test_jit_can_be_switched(void)
{
    TestMachine *tm = tm_new();

    g_assert_true(riscv_bus_set_jit(tm->bus, 0));
    g_assert_true(riscv_bus_set_jit(tm->bus, 0));
    if (!riscv_bus_set_jit(tm->bus, RISCV_JIT_DEFAULT_BUFFER)) {
        g_test_skip("no translator for this host");
        tm_free(tm);
        return;
    }
    g_assert_true(riscv_bus_set_jit(tm->bus, RISCV_JIT_MIN_BUFFER));
    write_program(tm, 7, 20);
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 10000000).reason, ==,
                    RISCV_RUN_EXIT);
    g_assert_cmpuint(riscv_bus_get_jit_stats(tm->bus).blocks, >, 0);
    g_assert_true(riscv_bus_set_jit(tm->bus, 0));
    g_assert_cmpuint(riscv_bus_get_jit_stats(tm->bus).blocks, ==, 0);
    /* and the program still runs, interpreted */
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 10000000).reason, ==,
                    RISCV_RUN_EXIT);
    tm_free(tm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/jit/random-programs", test_random_programs);
    g_test_add_func("/cpu/jit/small-buffer", test_small_buffer);
    g_test_add_func("/cpu/jit/slices-end-alike", test_slices_end_alike);
    g_test_add_func("/cpu/jit/switch", test_jit_can_be_switched);
    return g_test_run();
}
