/*
 * Integer instructions: ALU edge cases, M extension, branches and jumps,
 * compressed forms, x0, illegal encodings.
 */
#include "cpu-test.h"

typedef uint32_t (*ROp)(unsigned, unsigned, unsigned);

/* rd=x3 <- op(x1=a, x2=b) */
static uint64_t run_rop(ROp op, uint64_t a, uint64_t b)
{
    TestMachine *tm = tm_new();
    RISCVRunResult r;
    uint64_t v;

    emit(tm, op(3, 1, 2));
    emit_exit(tm);
    tm_set_x(tm, 1, a);
    tm_set_x(tm, 2, b);
    r = tm_run_from(tm, RAM_BASE, 100);
    g_assert_cmpint(r.reason, ==, RISCV_RUN_EXIT);
    v = tm_x(tm, 3);
    tm_free(tm);
    return v;
}

static uint64_t run_one(uint32_t insn, uint64_t a)
{
    TestMachine *tm = tm_new();
    uint64_t v;

    emit(tm, insn);
    emit_exit(tm);
    tm_set_x(tm, 1, a);
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                    RISCV_RUN_EXIT);
    v = tm_x(tm, 3);
    tm_free(tm);
    return v;
}

static void test_alu_rr(void)
{
    static const struct {
        ROp op;
        uint64_t a, b, want;
    } t[] = {
        { e_add, 1, 2, 3 },
        { e_add, UINT64_MAX, 1, 0 },
        { e_sub, 0, 1, UINT64_MAX },
        { e_sll, 1, 63, 1ull << 63 },
        { e_sll, 1, 64 + 3, 8 },                 /* only 6 bits count */
        { e_srl, 1ull << 63, 63, 1 },
        { e_sra, 1ull << 63, 63, UINT64_MAX },
        { e_slt, (uint64_t)-1, 0, 1 },
        { e_sltu, (uint64_t)-1, 0, 0 },
        { e_xor, 0xf0, 0xff, 0x0f },
        { e_or, 0xf0, 0x0f, 0xff },
        { e_and, 0xf0, 0x3c, 0x30 },
        { e_addw, 0x7fffffff, 1, 0xffffffff80000000ull },
        { e_subw, 0, 1, UINT64_MAX },
        { e_sllw, 1, 31, 0xffffffff80000000ull },
        { e_sllw, 1, 32, 1 },                    /* only 5 bits count */
        { e_srlw, 0xffffffff80000000ull, 31, 1 },
        { e_sraw, 0x80000000ull, 31, UINT64_MAX },
        { e_srlw, 0x80000000ull, 0, 0xffffffff80000000ull },
        { e_mul, 3, (uint64_t)-4, (uint64_t)-12 },
        { e_mulh, (uint64_t)-1, (uint64_t)-1, 0 },
        { e_mulh, 1ull << 63, 1ull << 63, 1ull << 62 },
        { e_mulhu, UINT64_MAX, UINT64_MAX, UINT64_MAX - 1 },
        { e_mulhsu, (uint64_t)-1, UINT64_MAX, UINT64_MAX },
        { e_mulhsu, 2, UINT64_MAX, 1 },
        { e_div, 7, (uint64_t)-2, (uint64_t)-3 },
        { e_div, 5, 0, UINT64_MAX },
        { e_div, 1ull << 63, (uint64_t)-1, 1ull << 63 },
        { e_divu, 5, 0, UINT64_MAX },
        { e_divu, UINT64_MAX, 2, UINT64_MAX >> 1 },
        { e_rem, 7, (uint64_t)-2, 1 },
        { e_rem, (uint64_t)-7, 2, (uint64_t)-1 },
        { e_rem, 5, 0, 5 },
        { e_rem, 1ull << 63, (uint64_t)-1, 0 },
        { e_remu, 5, 0, 5 },
        { e_mulw, 0x10000, 0x10000, 0 },
        { e_mulw, 0x7fffffff, 2, (uint64_t)-2 },
        { e_divw, 0x80000000ull, (uint64_t)-1, 0xffffffff80000000ull },
        { e_divw, 5, 0, UINT64_MAX },
        { e_divw, (uint64_t)-6, 4, (uint64_t)-1 },
        { e_divuw, 5, 0, UINT64_MAX },
        { e_divuw, 0xffffffff, 1, UINT64_MAX },  /* result sign-extended */
        { e_remw, 0x80000000ull, (uint64_t)-1, 0 },
        { e_remw, (uint64_t)-7, 0, (uint64_t)-7 },
        { e_remuw, 0x80000005ull, 0, 0xffffffff80000005ull },
        { e_remuw, 7, 4, 3 },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        uint64_t got = run_rop(t[i].op, t[i].a, t[i].b);
        if (got != t[i].want) {
            g_test_message("case %u: a=%" G_GINT64_MODIFIER "x b=%"
                           G_GINT64_MODIFIER "x", i, t[i].a, t[i].b);
        }
        g_assert_cmphex(got, ==, t[i].want);
    }
}

static void test_alu_imm(void)
{
    g_assert_cmphex(run_one(e_addi(3, 1, -1), 0), ==, UINT64_MAX);
    g_assert_cmphex(run_one(e_addi(3, 1, 2047), 1), ==, 2048);
    g_assert_cmphex(run_one(e_slti(3, 1, -1), (uint64_t)-2), ==, 1);
    g_assert_cmphex(run_one(e_sltiu(3, 1, -1), 5), ==, 1); /* vs 2^64-1 */
    g_assert_cmphex(run_one(e_xori(3, 1, -1), 0x0f), ==, ~0x0full);
    g_assert_cmphex(run_one(e_ori(3, 1, 0x100), 1), ==, 0x101);
    g_assert_cmphex(run_one(e_andi(3, 1, -16), 0x1234), ==, 0x1230);
    g_assert_cmphex(run_one(e_slli(3, 1, 63), 1), ==, 1ull << 63);
    g_assert_cmphex(run_one(e_srli(3, 1, 63), 1ull << 63), ==, 1);
    g_assert_cmphex(run_one(e_srai(3, 1, 63), 1ull << 63), ==, UINT64_MAX);
    g_assert_cmphex(run_one(e_addiw(3, 1, 1), 0x7fffffff), ==,
                    0xffffffff80000000ull);
    g_assert_cmphex(run_one(e_addiw(3, 1, 0), 0x123456789ull), ==,
                    0x23456789);
    g_assert_cmphex(run_one(e_slliw(3, 1, 31), 3), ==, 0xffffffff80000000ull);
    g_assert_cmphex(run_one(e_srliw(3, 1, 4), 0xfffffff0ull), ==, 0x0fffffff);
    g_assert_cmphex(run_one(e_sraiw(3, 1, 4), 0x80000000ull), ==,
                    0xfffffffff8000000ull);
    g_assert_cmphex(run_one(e_lui(3, 0x80000), 0), ==, 0xffffffff80000000ull);
    g_assert_cmphex(run_one(e_auipc(3, 1), 0), ==, RAM_BASE + 0x1000);
}

static void test_x0(void)
{
    TestMachine *tm = tm_new();

    emit(tm, e_addi(0, 0, 5));
    emit(tm, e_add(3, 0, 0));
    emit(tm, e_lui(0, 0x12345));
    emit(tm, e_addi(4, 0, 0));
    emit_exit(tm);
    tm_set_x(tm, 3, 99);
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                    RISCV_RUN_EXIT);
    g_assert_cmphex(tm_x(tm, 0), ==, 0);
    g_assert_cmphex(tm_x(tm, 3), ==, 0);
    g_assert_cmphex(tm_x(tm, 4), ==, 0);
    tm_free(tm);
}

static void test_li(void)
{
    static const uint64_t vals[] = {
        0, 1, 0x7ff, 0x800, 0x7ffff800, 0x80000000ull, 0xffffffffull,
        0x123456789abcdef0ull, 0x8000000000000000ull, UINT64_MAX,
        0xfffffffffffff800ull, 0x00000000fffff000ull,
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(vals); i++) {
        TestMachine *tm = tm_new();
        emit_li(tm, 5, vals[i]);
        emit_exit(tm);
        g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                        RISCV_RUN_EXIT);
        g_assert_cmphex(tm_x(tm, 5), ==, vals[i]);
        tm_free(tm);
    }
}

static void test_branches(void)
{
    static const struct {
        uint32_t (*op)(unsigned, unsigned, int32_t);
        uint64_t a, b;
        bool taken;
    } t[] = {
        { e_beq, 1, 1, true }, { e_beq, 1, 2, false },
        { e_bne, 1, 2, true }, { e_bne, 2, 2, false },
        { e_blt, (uint64_t)-1, 0, true }, { e_blt, 0, (uint64_t)-1, false },
        { e_bge, 0, (uint64_t)-1, true }, { e_bge, 3, 3, true },
        { e_bge, (uint64_t)-1, 0, false },
        { e_bltu, 0, (uint64_t)-1, true }, { e_bltu, (uint64_t)-1, 0, false },
        { e_bgeu, (uint64_t)-1, 0, true }, { e_bgeu, 0, 1, false },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        TestMachine *tm = tm_new();
        emit(tm, t[i].op(1, 2, 8));         /* skip next if taken */
        emit(tm, e_addi(3, 0, 1));
        emit(tm, e_addi(4, 0, 1));
        emit_exit(tm);
        tm_set_x(tm, 1, t[i].a);
        tm_set_x(tm, 2, t[i].b);
        g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                        RISCV_RUN_EXIT);
        g_assert_cmphex(tm_x(tm, 3), ==, t[i].taken ? 0 : 1);
        g_assert_cmphex(tm_x(tm, 4), ==, 1);
        tm_free(tm);
    }
}

static void test_jumps(void)
{
    TestMachine *tm = tm_new();

    /* 0: jal x1, +12 -> 12; 4: addi x5,x0,1 (skipped) ... */
    emit(tm, e_jal(1, 12));                       /* 0x00 */
    emit(tm, e_addi(5, 0, 1));                    /* 0x04 skipped */
    emit_exit(tm);                                /* 0x08, 0x0c: no */
    tm_org(tm, RAM_BASE + 12);
    /* overwrite 0x0c: jalr x2, 0x21(x6) -> 0x40 (bit 0 cleared) */
    emit(tm, e_jalr(2, 6, 0x21));                 /* 0x0c */
    tm_org(tm, RAM_BASE + 0x40);
    emit(tm, e_jalr(7, 7, 0));                    /* rd == rs1 */
    tm_org(tm, RAM_BASE + 0x80);
    emit(tm, e_jal(0, -0x28));                    /* back to 0x58 */
    tm_org(tm, RAM_BASE + 0x58);
    emit_exit(tm);
    tm_set_x(tm, 6, RAM_BASE + 0x1f);
    tm_set_x(tm, 7, RAM_BASE + 0x80);
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                    RISCV_RUN_EXIT);
    g_assert_cmphex(tm_x(tm, 1), ==, RAM_BASE + 4);
    g_assert_cmphex(tm_x(tm, 2), ==, RAM_BASE + 0x10);
    g_assert_cmphex(tm_x(tm, 7), ==, RAM_BASE + 0x44);
    g_assert_cmphex(tm_x(tm, 5), ==, 0);
    tm_free(tm);
}

/* ---- compressed ---- */

static uint16_t c_ci(unsigned f3, unsigned rd, int32_t imm, unsigned q)
{
    return f3 << 13 | ((imm >> 5) & 1) << 12 | rd << 7 | (imm & 31) << 2 | q;
}

static uint16_t c_cr(unsigned f4, unsigned rd, unsigned rs2)
{
    return f4 << 12 | rd << 7 | rs2 << 2 | 2;
}

static uint16_t c_j(unsigned f3, int32_t off)
{
    uint32_t u = (uint32_t)off;
    return f3 << 13 | ((u >> 11) & 1) << 12 | ((u >> 4) & 1) << 11 |
           ((u >> 8) & 3) << 9 | ((u >> 10) & 1) << 8 | ((u >> 6) & 1) << 7 |
           ((u >> 7) & 1) << 6 | ((u >> 1) & 7) << 3 | ((u >> 5) & 1) << 2 | 1;
}

static uint16_t c_b(unsigned f3, unsigned rs1p, int32_t off)
{
    uint32_t u = (uint32_t)off;
    return f3 << 13 | ((u >> 8) & 1) << 12 | ((u >> 3) & 3) << 10 |
           (rs1p - 8) << 7 | ((u >> 6) & 3) << 5 | ((u >> 1) & 3) << 3 |
           ((u >> 5) & 1) << 2 | 1;
}

/* CA format: f6=100011, f2 op, rd'/rs2' */
static uint16_t c_ca(unsigned bit12, unsigned rdp, unsigned f2, unsigned rs2p)
{
    return 0x8c01 | bit12 << 12 | (rdp - 8) << 7 | f2 << 5 | (rs2p - 8) << 2;
}

static uint16_t c_sdsp(unsigned rs2, unsigned off)
{
    return 7 << 13 | ((off >> 3) & 7) << 10 | ((off >> 6) & 7) << 7 |
           rs2 << 2 | 2;
}

static uint16_t c_ldsp(unsigned rd, unsigned off)
{
    return 3 << 13 | ((off >> 5) & 1) << 12 | rd << 7 | ((off >> 3) & 3) << 5 |
           ((off >> 6) & 7) << 2 | 2;
}

static uint16_t c_lw(unsigned rdp, unsigned rs1p, unsigned off)
{
    return 2 << 13 | ((off >> 3) & 7) << 10 | (rs1p - 8) << 7 |
           ((off >> 2) & 1) << 6 | ((off >> 6) & 1) << 5 | (rdp - 8) << 2;
}

static uint16_t c_sw(unsigned rs2p, unsigned rs1p, unsigned off)
{
    return c_lw(rs2p, rs1p, off) | 4 << 13;
}

static uint16_t c_addi4spn(unsigned rdp, unsigned imm)
{
    return ((imm >> 4) & 3) << 11 | ((imm >> 6) & 15) << 7 |
           ((imm >> 2) & 1) << 6 | ((imm >> 3) & 1) << 5 | (rdp - 8) << 2;
}

static uint16_t c_addi16sp(int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return 3 << 13 | ((u >> 9) & 1) << 12 | 2 << 7 | ((u >> 4) & 1) << 6 |
           ((u >> 6) & 1) << 5 | ((u >> 7) & 3) << 3 | ((u >> 5) & 1) << 2 | 1;
}

static void test_compressed(void)
{
    TestMachine *tm = tm_new();
    uint64_t sp = RAM_BASE + 0x8000;

    emit16(tm, c_ci(2, 8, -3, 1));            /* c.li s0, -3 */
    emit16(tm, c_ci(0, 8, 10, 1));            /* c.addi s0, 10 -> 7 */
    emit16(tm, c_ci(3, 9, 1, 1));             /* c.lui s1, 1 -> 0x1000 */
    emit16(tm, c_cr(8, 10, 8));               /* c.mv a0, s0 */
    emit16(tm, c_cr(9, 10, 9));               /* c.add a0, s1 -> 0x1007 */
    emit16(tm, c_ca(0, 9, 0, 8));             /* c.sub s1, s0 -> 0xff9 */
    emit16(tm, c_ca(1, 8, 1, 8));             /* c.addw s0, s0 -> 14 */
    emit16(tm, c_ci(0, 11, 31, 2));           /* c.slli a1, 31 */
    emit16(tm, c_addi16sp(-64));              /* sp -= 64 */
    emit16(tm, c_sdsp(10, 8));                /* sd a0, 8(sp) */
    emit16(tm, c_ldsp(12, 8));                /* ld a2, 8(sp) */
    emit16(tm, c_addi4spn(13, 16));           /* a3 = sp + 16 */
    emit16(tm, c_sw(8, 13, 4));               /* sw s0, 4(a3) */
    emit16(tm, c_lw(14, 13, 4));              /* lw a4, 4(a3) */
    emit16(tm, c_ci(1, 15, -1, 1));           /* c.addiw a5, -1 */
    emit16(tm, c_b(6, 8, 6));                 /* c.beqz s0, +6 (not) */
    emit16(tm, c_b(7, 8, 6));                 /* c.bnez s0, +6 (taken) */
    emit16(tm, c_ci(2, 5, 1, 1));             /* skipped: c.li t0, 1 */
    emit16(tm, c_ci(2, 5, 2, 1));             /* skipped */
    emit16(tm, c_j(5, 6));                    /* c.j +6 */
    emit16(tm, c_ci(2, 5, 3, 1));             /* skipped */
    emit16(tm, c_ci(2, 5, 4, 1));             /* skipped */
    emit16(tm, c_cr(9, 6, 0));                /* c.jalr t1 */
    emit16(tm, c_ci(2, 7, 9, 1));             /* t2 = 9 after return */
    emit_exit(tm);
    tm_org(tm, RAM_BASE + 0x200);
    emit16(tm, c_cr(8, 1, 0));                /* c.jr ra */

    tm_set_x(tm, 2, sp);
    tm_set_x(tm, 11, 3);
    tm_set_x(tm, 15, 0x80000000ull);
    tm_set_x(tm, 6, RAM_BASE + 0x200);
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                    RISCV_RUN_EXIT);
    g_assert_cmphex(tm_x(tm, 8), ==, 14);
    g_assert_cmphex(tm_x(tm, 9), ==, 0xff9);
    g_assert_cmphex(tm_x(tm, 10), ==, 0x1007);
    g_assert_cmphex(tm_x(tm, 11), ==, 3ull << 31);
    g_assert_cmphex(tm_x(tm, 2), ==, sp - 64);
    g_assert_cmphex(tm_x(tm, 12), ==, 0x1007);
    g_assert_cmphex(tm_x(tm, 13), ==, sp - 48);
    g_assert_cmphex(tm_x(tm, 14), ==, 14);
    g_assert_cmphex(tm_x(tm, 15), ==, 0x7fffffff);
    g_assert_cmphex(tm_x(tm, 5), ==, 0);
    g_assert_cmphex(tm_x(tm, 7), ==, 9);
    /* c.jalr links pc + 2 */
    g_assert_cmphex(tm_x(tm, 1), ==, RAM_BASE + 0x2e);
    tm_free(tm);
}

static void test_illegal(void)
{
    const struct {
        uint32_t insn;
        bool compressed;
    } t[] = {
        { 0x0000, true },           /* all zeros */
        { 0x6002, true },           /* c.ldsp x0: reserved */
        { 0x8002, true },           /* c.jr x0: reserved */
        { 0xffffffff, false },
        { e_slliw(1, 1, 32), false }, /* shamt[5] set */
        { 0x0000700f, false },      /* MISC-MEM funct3 7 */
        { enc_i(0, 0, 4, 0, 0x73), false }, /* SYSTEM funct3 4 */
        { 0x0000001f, false },      /* 48-bit encoding */
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        TestMachine *tm = tm_new();
        uint64_t vec = RAM_BASE + 0x400;
        RISCVRunResult r;
        if (t[i].compressed) {
            emit16(tm, (uint16_t)t[i].insn);
        } else {
            emit(tm, t[i].insn);
        }
        tm_org(tm, vec);
        emit_exit(tm);
        g_assert_true(riscv_cpu_csr_write(tm->cpu, CSR_MTVEC, vec));
        r = tm_run_from(tm, RAM_BASE, 100);
        g_assert_cmpint(r.reason, ==, RISCV_RUN_EXIT);
        g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, 2);
        g_assert_cmphex(tm_csr(tm, CSR_MEPC), ==, RAM_BASE);
        g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==,
                        t[i].compressed ? (t[i].insn & 0xffff) : t[i].insn);
        tm_free(tm);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/alu/register", test_alu_rr);
    g_test_add_func("/cpu/alu/immediate", test_alu_imm);
    g_test_add_func("/cpu/alu/x0", test_x0);
    g_test_add_func("/cpu/alu/li", test_li);
    g_test_add_func("/cpu/branch/conditional", test_branches);
    g_test_add_func("/cpu/branch/jumps", test_jumps);
    g_test_add_func("/cpu/compressed/mix", test_compressed);
    g_test_add_func("/cpu/illegal", test_illegal);
    return g_test_run();
}
