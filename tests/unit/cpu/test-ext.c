/*
 * The optional extensions other than Zb*: their names and riscv,isa
 * strings, the Zihintpause and Zicbop hints, Zicbom/Zicboz (envcfg
 * enables, cbo.zero on RAM, MMIO, ROM and decoded code), Svinval and Sstc
 * (stimecmp access rules, STIP, interrupt delivery, waking from WFI).
 * Translation cases (Svpbmt, Svnapot, CBO page faults) are in test-mmu.c.
 */
#include <string.h>

#include "cpu-test.h"

#define SVEC (RAM_BASE + 0x500)     /* S handler: exit */
#define CODE (RAM_BASE + 0x1000)
#define BLOCK (RAM_BASE + 0x2000)
#define FUNC (RAM_BASE + 0x3000)
#define STIP RISCV_MIP_STIP
#define ENV_CBIE_FLUSH (1ull << 4)
#define ENV_CBIE_INVAL (3ull << 4)
#define ENV_CBCFE (1ull << 6)
#define ENV_CBZE (1ull << 7)
#define ENV_PBMTE (1ull << 62)
#define ENV_STCE (1ull << 63)
#define MCAUSE_NONE 0x7777

static TestMachine *tm_with(uint32_t ext)
{
    TestMachine *tm = tm_new();

    riscv_bus_set_extensions(tm->bus, ext);
    tm_exit_on_trap(tm);
    tm_org(tm, SVEC);
    emit_exit(tm);
    riscv_cpu_csr_write(tm->cpu, CSR_STVEC, SVEC);
    riscv_cpu_csr_write(tm->cpu, CSR_MCAUSE, MCAUSE_NONE);
    tm_org(tm, CODE);
    return tm;
}

static void run_as(TestMachine *tm, unsigned priv)
{
    riscv_cpu_set_priv(tm->cpu, priv);
    g_assert_cmpint(tm_run_from(tm, CODE, 10000).reason, ==, RISCV_RUN_EXIT);
}

/* -cpu sv39/sv48/sv57=on|off, with QEMU 8.0's rules */
static void test_satp_modes(void)
{
    static const struct {
        unsigned on, off;
        int max;
    } t[] = {
        { 0, 0, 10 },                           /* QEMU 7.2 accepts Sv57 */
        { 0, 1 << 10, 9 },
        { 0, 1 << 9, 8 },                       /* sv48 off: sv57 too */
        { 0, 1 << 8, 0 },                       /* bare only */
        { 1 << 8, 0, 8 },                       /* the highest on wins */
        { 1 << 9, 1 << 10, 9 },
        { 1 << 9 | 1 << 10, 0, 10 },
        { 1 << 9, 1 << 8, -1 },                 /* sv39 off, sv48 on */
    };
    unsigned bad_off = 0, bad_on = 0;

    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        g_assert_cmpint(riscv_satp_mode_choose(t[i].on, t[i].off, &bad_off,
                                               &bad_on), ==, t[i].max);
    }
    g_assert_cmpstr(riscv_satp_mode_name(bad_off), ==, "sv39");
    g_assert_cmpstr(riscv_satp_mode_name(bad_on), ==, "sv48");
    g_assert_cmpint(riscv_satp_mode_lookup("SV57"), ==, 10);
    g_assert_cmpint(riscv_satp_mode_lookup("sv64"), ==, -1);
    g_assert_cmpstr(riscv_mmu_type(10), ==, "riscv,sv57");
    g_assert_cmpstr(riscv_mmu_type(8), ==, "riscv,sv39");
    g_assert_cmpstr(riscv_mmu_type(0), ==, "riscv,none");
}

static void test_names(void)
{
    uint32_t ext;
    char *s;

    g_assert_true(riscv_model_extensions("rv64", &ext));
    s = riscv_isa_string(ext);
    /* QEMU 7.2's, less the H it adds */
    g_assert_cmpstr(s, ==, "rv64imafdc_zicsr_zifencei_zihintpause_"
                    "zba_zbb_zbc_zbs_sstc");
    g_free(s);
    g_assert_true(riscv_model_extensions("max", &ext));
    g_assert_cmphex(ext, ==, (1u << RISCV_EXT_COUNT) - 1);
    s = riscv_isa_string(ext);
    g_assert_cmpstr(s, ==, "rv64imafdc_zicbom_zicbop_zicboz_zicond_zicsr_"
                    "zifencei_zihintpause_zba_zbb_zbc_zbs_sstc_svinval_"
                    "svnapot_svpbmt");
    g_free(s);
    s = riscv_isa_string(0);
    g_assert_cmpstr(s, ==, "rv64imafdc_zicsr_zifencei");
    g_free(s);
    g_assert_false(riscv_model_extensions("sifive-u54", &ext));

    for (unsigned e = 0; e < RISCV_EXT_COUNT; e++) {
        g_assert_nonnull(riscv_ext_name(e));
        g_assert_cmpint(riscv_ext_lookup(riscv_ext_name(e)), ==, e);
    }
    g_assert_null(riscv_ext_name(RISCV_EXT_COUNT));
    /* QEMU 7.2 spells it with a capital */
    g_assert_cmpint(riscv_ext_lookup("Zihintpause"), ==,
                    RISCV_EXT_ZIHINTPAUSE);
    g_assert_cmpint(riscv_ext_lookup("zicsr"), ==, -1);
    g_assert_cmpint(riscv_ext_lookup("zb"), ==, -1);
}

/* pause and prefetch.i/r/w are hints: nothing happens, with or without */
static void test_hints(void)
{
    for (unsigned on = 0; on < 2; on++) {
        TestMachine *tm = tm_with(on ? ~0u : 0);

        emit(tm, E_PAUSE);
        emit(tm, enc_i(0x20 | 0, 1, 6, 0, 0x13));  /* prefetch.i 32(x1) */
        emit(tm, enc_i(0x20 | 1, 1, 6, 0, 0x13));  /* prefetch.r */
        emit(tm, enc_i(0x20 | 3, 1, 6, 0, 0x13));  /* prefetch.w */
        emit(tm, E_ECALL);
        tm_set_x(tm, 1, 0xdead0000);                /* not even mapped */
        run_as(tm, RISCV_PRIV_U);
        g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_U);
        g_assert_cmphex(tm_x(tm, 1), ==, 0xdead0000);
        tm_free(tm);
    }
}

static void test_envcfg_warl(void)
{
    TestMachine *tm = tm_with(0);

    riscv_cpu_csr_write(tm->cpu, CSR_MENVCFG, ~0ull);
    riscv_cpu_csr_write(tm->cpu, CSR_SENVCFG, ~0ull);
    g_assert_cmphex(tm_csr(tm, CSR_MENVCFG), ==, 1);
    g_assert_cmphex(tm_csr(tm, CSR_SENVCFG), ==, 1);
    tm_free(tm);

    tm = tm_with(~0u);
    riscv_cpu_csr_write(tm->cpu, CSR_MENVCFG, ~0ull);
    riscv_cpu_csr_write(tm->cpu, CSR_SENVCFG, ~0ull);
    g_assert_cmphex(tm_csr(tm, CSR_MENVCFG), ==,
                    1 | ENV_CBIE_INVAL | ENV_CBCFE | ENV_CBZE | ENV_PBMTE |
                    ENV_STCE);
    g_assert_cmphex(tm_csr(tm, CSR_SENVCFG), ==,
                    1 | ENV_CBIE_INVAL | ENV_CBCFE | ENV_CBZE);
    /* CBIE = 10 is reserved: the field keeps its value */
    riscv_cpu_csr_write(tm->cpu, CSR_MENVCFG, 2ull << 4);
    g_assert_cmphex(tm_csr(tm, CSR_MENVCFG), ==, ENV_CBIE_INVAL);
    tm_free(tm);
}

typedef struct CboRule {
    unsigned priv;
    uint64_t menvcfg, senvcfg;
    unsigned which;
    bool legal;
} CboRule;

static void test_cbo_rules(void)
{
    const unsigned M = RISCV_PRIV_M, S = RISCV_PRIV_S, U = RISCV_PRIV_U;
    const CboRule t[] = {
        { M, 0, 0, 0, true }, { M, 0, 0, 1, true },
        { M, 0, 0, 2, true }, { M, 0, 0, 4, true },
        { S, 0, 0, 1, false }, { S, ENV_CBCFE, 0, 1, true },
        { S, ENV_CBCFE, 0, 2, true }, { S, ENV_CBCFE, 0, 0, false },
        { S, ENV_CBIE_FLUSH, 0, 0, true }, { S, ENV_CBIE_INVAL, 0, 0, true },
        { S, 0, 0, 4, false }, { S, ENV_CBZE, 0, 4, true },
        { S, ENV_CBZE, 0, 2, false },
        { U, ENV_CBCFE, 0, 1, false }, { U, 0, ENV_CBCFE, 1, false },
        { U, ENV_CBCFE, ENV_CBCFE, 1, true },
        { U, ENV_CBIE_FLUSH, ENV_CBIE_INVAL, 0, true },
        { U, ENV_CBZE, 0, 4, false }, { U, ENV_CBZE, ENV_CBZE, 4, true },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        TestMachine *tm = tm_with(~0u);
        uint64_t insn = e_cbo(t[i].which, 1);

        g_test_message("cbo rule %u", i);
        emit(tm, (uint32_t)insn);
        emit(tm, E_ECALL);
        tm_set_x(tm, 1, BLOCK + 0x10);
        tm_write64(tm, BLOCK + 0x38, 0x1234);
        riscv_cpu_csr_write(tm->cpu, CSR_MENVCFG, t[i].menvcfg);
        riscv_cpu_csr_write(tm->cpu, CSR_SENVCFG, t[i].senvcfg);
        run_as(tm, t[i].priv);
        if (t[i].legal) {
            g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==,
                            RISCV_EXC_ECALL_U + t[i].priv);
            g_assert_cmphex(tm_read64(tm, BLOCK + 0x38), ==,
                            t[i].which == 4 ? 0 : 0x1234);
        } else {
            g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==,
                            RISCV_EXC_ILLEGAL_INSN);
            g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==, insn);
            g_assert_cmphex(tm_read64(tm, BLOCK + 0x38), ==, 0x1234);
        }
        tm_free(tm);
    }
}

static void test_cbo_disabled(void)
{
    /* the other extension of the two only */
    const uint32_t t[] = {
        RISCV_EXT(ZICBOZ), RISCV_EXT(ZICBOM), RISCV_EXT(ZICBOZ),
        RISCV_EXT(ZICBOZ),
    };
    const unsigned which[] = { 0, 4, 1, 2 };

    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        TestMachine *tm = tm_with(t[i]);

        g_test_message("cbo disabled case %u", i);

        emit(tm, e_cbo(which[i], 1));
        emit(tm, E_ECALL);
        tm_set_x(tm, 1, BLOCK);
        run_as(tm, RISCV_PRIV_M);
        g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ILLEGAL_INSN);
        tm_free(tm);
    }
}

static void test_cbo_zero(void)
{
    TestMachine *tm = tm_with(RISCV_EXT(ZICBOZ));

    for (uint64_t a = BLOCK - 8; a < BLOCK + 0x48; a += 8) {
        tm_write64(tm, a, 0x1111111111111111ull);
    }
    emit(tm, e_cbo(4, 1));
    emit(tm, E_ECALL);
    tm_set_x(tm, 1, BLOCK + 0x3f);
    run_as(tm, RISCV_PRIV_M);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_M);
    g_assert_cmphex(tm_read64(tm, BLOCK - 8), ==, 0x1111111111111111ull);
    for (uint64_t a = BLOCK; a < BLOCK + 0x40; a += 8) {
        g_assert_cmphex(tm_read64(tm, a), ==, 0);
    }
    g_assert_cmphex(tm_read64(tm, BLOCK + 0x40), ==, 0x1111111111111111ull);

    /* MMIO: eight 8-byte stores */
    memset(tm->mmio, 0xee, sizeof(tm->mmio));
    tm->mmio_writes = 0;
    tm_set_x(tm, 1, MMIO_BASE + 0x48);
    run_as(tm, RISCV_PRIV_M);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_M);
    g_assert_cmpuint(tm->mmio_writes, ==, 8);
    g_assert_cmpuint(tm->mmio[0x3f], ==, 0xee);
    g_assert_cmpuint(tm->mmio[0x40], ==, 0);
    g_assert_cmpuint(tm->mmio[0x7f], ==, 0);
    g_assert_cmpuint(tm->mmio[0x80], ==, 0xee);

    /* ROM: a store access fault at the block's address */
    tm_set_x(tm, 1, ROM_BASE + 0x48);
    run_as(tm, RISCV_PRIV_M);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_STORE_ACCESS);
    g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==, ROM_BASE + 0x40);
    tm_free(tm);
}

/* zeroing code that ran already: the next run sees the zeros */
static void test_cbo_zero_code(void)
{
    TestMachine *tm = tm_with(RISCV_EXT(ZICBOZ));

    tm_org(tm, FUNC);
    emit(tm, e_addi(5, 5, 1));
    emit(tm, e_jalr(0, 1, 0));
    tm_org(tm, CODE);
    emit_li(tm, 6, FUNC);
    for (unsigned i = 0; i < 40; i++) {     /* hot enough to translate */
        emit(tm, e_jalr(1, 6, 0));
    }
    emit(tm, e_cbo(4, 6));
    emit(tm, e_jalr(1, 6, 0));
    emit(tm, E_ECALL);
    run_as(tm, RISCV_PRIV_M);
    g_assert_cmphex(tm_x(tm, 5), ==, 40);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ILLEGAL_INSN);
    g_assert_cmphex(tm_csr(tm, CSR_MEPC), ==, FUNC);
    g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==, 0);
    tm_free(tm);
}

typedef struct SvinvalCase {
    uint32_t ext;
    unsigned priv;
    uint64_t mstatus;
    uint32_t insn;
    bool legal;
} SvinvalCase;

static void test_svinval(void)
{
    const uint32_t on = RISCV_EXT(SVINVAL);
    const unsigned S = RISCV_PRIV_S, U = RISCV_PRIV_U;
    const uint64_t TVM = 1ull << 20;
    const SvinvalCase t[] = {
        { on, S, 0, e_sinval_vma(0, 0), true },
        { on, S, 0, e_sinval_vma(1, 2), true },
        { on, S, 0, E_SFENCE_W_INVAL, true },
        { on, S, 0, E_SFENCE_INVAL_IR, true },
        { on, S, TVM, e_sinval_vma(0, 0), false },
        { on, S, TVM, E_SFENCE_W_INVAL, true },
        { on, U, 0, e_sinval_vma(0, 0), false },
        { on, U, 0, E_SFENCE_W_INVAL, false },
        { on, U, 0, E_SFENCE_INVAL_IR, false },
        { 0, S, 0, e_sinval_vma(0, 0), false },
        { 0, S, 0, E_SFENCE_W_INVAL, false },
        { 0, S, 0, E_SFENCE_INVAL_IR, false },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        TestMachine *tm = tm_with(t[i].ext);
        uint64_t ms;

        g_test_message("svinval case %u", i);
        emit(tm, t[i].insn);
        emit(tm, E_ECALL);
        riscv_cpu_csr_read(tm->cpu, CSR_MSTATUS, &ms);
        riscv_cpu_csr_write(tm->cpu, CSR_MSTATUS, ms | t[i].mstatus);
        run_as(tm, t[i].priv);
        g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==,
                        t[i].legal ? RISCV_EXC_ECALL_U + t[i].priv
                                   : RISCV_EXC_ILLEGAL_INSN);
        tm_free(tm);
    }
}

static void test_sstc_csr(void)
{
    TestMachine *tm = tm_with(0);
    uint64_t v;

    g_assert_false(riscv_cpu_csr_read(tm->cpu, CSR_STIMECMP, &v));
    emit(tm, e_csrrs(1, CSR_STIMECMP, 0));
    run_as(tm, RISCV_PRIV_M);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ILLEGAL_INSN);
    tm_free(tm);

    tm = tm_with(RISCV_EXT(SSTC));
    tm->mtime = 50;
    riscv_cpu_csr_write(tm->cpu, CSR_STIMECMP, 100);
    /* STCE clear: STIP is an ordinary M-writable bit */
    riscv_cpu_csr_write(tm->cpu, CSR_MIP, STIP);
    g_assert_cmphex(tm_csr(tm, CSR_MIP) & STIP, ==, STIP);
    /* STCE set: STIP is time >= stimecmp and ignores writes */
    riscv_cpu_csr_write(tm->cpu, CSR_MENVCFG, ENV_STCE);
    g_assert_cmphex(tm_csr(tm, CSR_MIP) & STIP, ==, 0);
    riscv_cpu_csr_write(tm->cpu, CSR_MIP, STIP);
    g_assert_cmphex(tm_csr(tm, CSR_MIP) & STIP, ==, 0);
    tm->mtime = 100;
    g_assert_cmphex(tm_csr(tm, CSR_MIP) & STIP, ==, STIP);
    riscv_cpu_csr_write(tm->cpu, CSR_MIP, 0);
    g_assert_cmphex(tm_csr(tm, CSR_MIP) & STIP, ==, STIP);
    riscv_cpu_csr_write(tm->cpu, CSR_STIMECMP, ~0ull);
    g_assert_cmphex(tm_csr(tm, CSR_MIP) & STIP, ==, 0);
    tm_free(tm);
}

/* S-mode access needs menvcfg.STCE and mcounteren.TM */
static void test_sstc_access(void)
{
    const uint64_t menv[] = { 0, ENV_STCE, 0, ENV_STCE };
    const uint64_t mcen[] = { 0, 0, 2, 2 };

    for (unsigned i = 0; i < 4; i++) {
        TestMachine *tm = tm_with(RISCV_EXT(SSTC));

        emit_li(tm, 2, 0x4242);
        emit(tm, e_csrrw(1, CSR_STIMECMP, 2));
        emit(tm, E_ECALL);
        riscv_cpu_csr_write(tm->cpu, CSR_MENVCFG, menv[i]);
        riscv_cpu_csr_write(tm->cpu, CSR_MCOUNTEREN, mcen[i]);
        run_as(tm, RISCV_PRIV_S);
        if (i == 3) {
            g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ECALL_S);
            g_assert_cmphex(tm_csr(tm, CSR_STIMECMP), ==, 0x4242);
        } else {
            g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==,
                            RISCV_EXC_ILLEGAL_INSN);
        }
        tm_free(tm);
    }
}

static uint64_t last_deadline;
static unsigned deadline_calls;

static void record_deadline(void *opaque, uint64_t deadline)
{
    last_deadline = deadline;
    deadline_calls++;
}

/* an S-mode hart with the timer interrupt delegated and enabled */
static TestMachine *sstc_machine(uint64_t stimecmp)
{
    TestMachine *tm = tm_with(RISCV_EXT(SSTC));

    riscv_cpu_set_stimer_hook(tm->cpu, record_deadline, NULL);
    riscv_cpu_csr_write(tm->cpu, CSR_MIDELEG, STIP);
    riscv_cpu_csr_write(tm->cpu, CSR_MIE, STIP);
    riscv_cpu_csr_write(tm->cpu, CSR_SSTATUS, 2);   /* SIE */
    riscv_cpu_csr_write(tm->cpu, CSR_MENVCFG, ENV_STCE);
    riscv_cpu_csr_write(tm->cpu, CSR_STIMECMP, stimecmp);
    riscv_cpu_set_priv(tm->cpu, RISCV_PRIV_S);
    riscv_cpu_set_pc(tm->cpu, CODE);
    return tm;
}

static void test_sstc_interrupt(void)
{
    TestMachine *tm = sstc_machine(1000);

    g_assert_cmphex(last_deadline, ==, 1000);
    emit(tm, e_jal(0, 0));                          /* spin */
    g_assert_cmpint(riscv_cpu_run(tm->cpu, 500).reason, ==,
                    RISCV_RUN_BUDGET);
    tm->mtime = 1000;
    g_assert_cmpint(riscv_cpu_run(tm->cpu, 500).reason, ==, RISCV_RUN_EXIT);
    g_assert_cmphex(tm_csr(tm, CSR_SCAUSE), ==, RISCV_CAUSE_INTERRUPT | 5);
    g_assert_cmphex(tm_csr(tm, CSR_SEPC), ==, CODE);
    /* turning STCE off disarms the machine's timer */
    deadline_calls = 0;
    riscv_cpu_csr_write(tm->cpu, CSR_MENVCFG, 0);
    g_assert_cmpuint(deadline_calls, ==, 1);
    g_assert_cmphex(last_deadline, ==, UINT64_MAX);
    tm_free(tm);
}

static void test_sstc_wfi(void)
{
    TestMachine *tm = sstc_machine(1000);

    emit(tm, E_WFI);
    emit(tm, e_jal(0, 0));
    g_assert_cmpint(riscv_cpu_run(tm->cpu, 500).reason, ==, RISCV_RUN_WFI);
    g_assert_true(riscv_cpu_is_waiting(tm->cpu));
    g_assert_cmpint(riscv_cpu_run(tm->cpu, 500).reason, ==, RISCV_RUN_WFI);
    tm->mtime = 2000;
    g_assert_cmpint(riscv_cpu_run(tm->cpu, 500).reason, ==, RISCV_RUN_EXIT);
    g_assert_cmphex(tm_csr(tm, CSR_SCAUSE), ==, RISCV_CAUSE_INTERRUPT | 5);
    g_assert_cmphex(tm_csr(tm, CSR_SEPC), ==, CODE + 4);
    tm_free(tm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/ext/names", test_names);
    g_test_add_func("/cpu/ext/satp-modes", test_satp_modes);
    g_test_add_func("/cpu/ext/hints", test_hints);
    g_test_add_func("/cpu/ext/envcfg-warl", test_envcfg_warl);
    g_test_add_func("/cpu/ext/cbo-rules", test_cbo_rules);
    g_test_add_func("/cpu/ext/cbo-disabled", test_cbo_disabled);
    g_test_add_func("/cpu/ext/cbo-zero", test_cbo_zero);
    g_test_add_func("/cpu/ext/cbo-zero-code", test_cbo_zero_code);
    g_test_add_func("/cpu/ext/svinval", test_svinval);
    g_test_add_func("/cpu/ext/sstc-csr", test_sstc_csr);
    g_test_add_func("/cpu/ext/sstc-access", test_sstc_access);
    g_test_add_func("/cpu/ext/sstc-interrupt", test_sstc_interrupt);
    g_test_add_func("/cpu/ext/sstc-wfi", test_sstc_wfi);
    return g_test_run();
}
