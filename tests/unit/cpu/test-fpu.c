/*
 * F and D: arithmetic in all five rounding modes (static and dynamic),
 * accrued flags including tininess after rounding, NaN boxing and
 * canonical NaNs, conversions with saturation, min/max with signalling
 * NaNs, compares, classify, sign injection, fused multiply-add, FS state,
 * FP loads/stores.
 *
 * Each case runs one instruction with inputs in f1/f2/f3 and x1; the
 * result is read from f10 or x10.
 */
#include <string.h>

#include "cpu-test.h"

#define B(v) (0xffffffff00000000ull | (uint32_t)(v))  /* NaN-box */
#define NX 0x01
#define UF 0x02
#define OF 0x04
#define DZ 0x08
#define NV 0x10

/* funct7 */
#define FADD 0x00
#define FSUB 0x04
#define FMUL 0x08
#define FDIV 0x0c
#define FSQRT 0x2c
#define FSGNJ 0x10
#define FMINMAX 0x14
#define FCVT_S_D 0x20
#define FCVT_D_S 0x21
#define FCMP 0x50
#define FCVT_INT 0x60       /* fp -> int */
#define FCVT_FP 0x68        /* int -> fp */
#define FMV_X 0x70
#define FMV_F 0x78
#define S 0
#define D 1
#define OP_FMADD 0x43
#define OP_FMSUB 0x47
#define OP_FNMSUB 0x4b
#define OP_FNMADD 0x4f

typedef struct FpCase {
    uint32_t insn;
    uint64_t f1, f2, f3, x1;
    unsigned frm;
    bool int_result;
    uint64_t want;
    uint32_t want_flags;
} FpCase;

static TestMachine *fp_machine(void)
{
    TestMachine *tm = tm_new();

    tm_exit_on_trap(tm);
    riscv_cpu_csr_write(tm->cpu, CSR_MSTATUS, 1ull << 13);   /* FS=Initial */
    return tm;
}

static void run_cases(const FpCase *t, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        TestMachine *tm = fp_machine();
        uint64_t got;
        riscv_cpu_set_freg(tm->cpu, 1, t[i].f1);
        riscv_cpu_set_freg(tm->cpu, 2, t[i].f2);
        riscv_cpu_set_freg(tm->cpu, 3, t[i].f3);
        tm_set_x(tm, 1, t[i].x1);
        riscv_cpu_csr_write(tm->cpu, CSR_FRM, t[i].frm);
        emit(tm, t[i].insn);
        emit_exit(tm);
        g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                        RISCV_RUN_EXIT);
        got = t[i].int_result ? tm_x(tm, 10)
                              : riscv_cpu_get_freg(tm->cpu, 10);
        if (got != t[i].want || tm_csr(tm, CSR_FFLAGS) != t[i].want_flags ||
            tm_csr(tm, CSR_MCAUSE) != 0) {
            g_test_message("case %u: insn %08x got %016llx flags %02llx "
                           "mcause %llx", i, t[i].insn,
                           (unsigned long long)got,
                           (unsigned long long)tm_csr(tm, CSR_FFLAGS),
                           (unsigned long long)tm_csr(tm, CSR_MCAUSE));
        }
        g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, 0);
        g_assert_cmphex(got, ==, t[i].want);
        g_assert_cmphex(tm_csr(tm, CSR_FFLAGS), ==, t[i].want_flags);
        tm_free(tm);
    }
}

#define OPF(f7, fmt, rm) e_fp((f7) | (fmt), 10, 1, 2, rm)
#define UNF(f7, fmt, rs2, rm) e_fp((f7) | (fmt), 10, 1, rs2, rm)
#define FMA(opc, fmt, rm) e_fma(opc, fmt, 10, 1, 2, 3, rm)

static void test_arith(void)
{
    const FpCase t[] = {
        { OPF(FADD, S, RM_RNE), B(0x3fc00000), B(0x40100000), 0, 0, 0,
          false, B(0x40700000), 0 },                         /* 1.5+2.25 */
        { OPF(FADD, D, RM_RNE), 0x3fb999999999999aull, 0x3fc999999999999aull,
          0, 0, 0, false, 0x3fd3333333333334ull, NX },        /* .1+.2 */
        { OPF(FSUB, D, RM_RNE), 0x4000000000000000ull, 0x4000000000000000ull,
          0, 0, 0, false, 0, 0 },                             /* +0 */
        { OPF(FSUB, D, RM_RDN), 0x4000000000000000ull, 0x4000000000000000ull,
          0, 0, 0, false, 0x8000000000000000ull, 0 },         /* -0 in RDN */
        { OPF(FSUB, S, RM_RDN), B(0x40000000), B(0x40000000), 0, 0, 0,
          false, B(0x80000000), 0 },
        { OPF(FMUL, S, RM_RNE), B(0x40400000), B(0xc0800000), 0, 0, 0,
          false, B(0xc1400000), 0 },                          /* 3*-4 */
        { OPF(FDIV, D, RM_RNE), 0x3ff0000000000000ull, 0x4008000000000000ull,
          0, 0, 0, false, 0x3fd5555555555555ull, NX },        /* 1/3 */
        { OPF(FDIV, S, RM_RUP), B(0x3f800000), B(0x40400000), 0, 0, 0,
          false, B(0x3eaaaaab), NX },
        { OPF(FDIV, S, RM_RTZ), B(0x3f800000), B(0x40400000), 0, 0, 0,
          false, B(0x3eaaaaaa), NX },
        { UNF(FSQRT, D, 0, RM_RNE), 0x4000000000000000ull, 0, 0, 0, 0,
          false, 0x3ff6a09e667f3bcdull, NX },
        { UNF(FSQRT, S, 0, RM_RNE), B(0x40000000), 0, 0, 0, 0,
          false, B(0x3fb504f3), NX },
        { UNF(FSQRT, S, 0, RM_RNE), B(0x40800000), 0, 0, 0, 0,
          false, B(0x40000000), 0 },
    };
    run_cases(t, G_N_ELEMENTS(t));
}

static void test_rounding_modes(void)
{
    const uint64_t one = B(0x3f800000), m_one = B(0xbf800000);
    const uint64_t half_ulp = B(0x33800000);       /* 2^-24: exact tie */
    const uint64_t m_half_ulp = B(0xb3800000);
    const uint64_t three_q = B(0x33c00000);        /* 0.75 ulp of 1.0 */
    const uint64_t d1 = 0x3ff0000000000000ull, dt = 0x3ca0000000000000ull;
    const uint64_t d3u = 0x3ff0000000000003ull, d15 = 0x3ff8000000000000ull;
    const FpCase t[] = {
        { OPF(FADD, S, RM_RNE), one, half_ulp, 0, 0, 0, false, one, NX },
        { OPF(FADD, S, RM_RTZ), one, half_ulp, 0, 0, 0, false, one, NX },
        { OPF(FADD, S, RM_RDN), one, half_ulp, 0, 0, 0, false, one, NX },
        { OPF(FADD, S, RM_RUP), one, half_ulp, 0, 0, 0, false,
          B(0x3f800001), NX },
        { OPF(FADD, S, RM_RMM), one, half_ulp, 0, 0, 0, false,
          B(0x3f800001), NX },
        { OPF(FADD, S, RM_RNE), m_one, m_half_ulp, 0, 0, 0, false, m_one, NX },
        { OPF(FADD, S, RM_RDN), m_one, m_half_ulp, 0, 0, 0, false,
          B(0xbf800001), NX },
        { OPF(FADD, S, RM_RUP), m_one, m_half_ulp, 0, 0, 0, false, m_one, NX },
        { OPF(FADD, S, RM_RMM), m_one, m_half_ulp, 0, 0, 0, false,
          B(0xbf800001), NX },
        { OPF(FADD, S, RM_RNE), one, three_q, 0, 0, 0, false,
          B(0x3f800001), NX },
        { OPF(FADD, S, RM_RTZ), one, three_q, 0, 0, 0, false, one, NX },
        /* dynamic: frm decides */
        { OPF(FADD, S, RM_DYN), one, half_ulp, 0, 0, RM_RUP, false,
          B(0x3f800001), NX },
        { OPF(FADD, S, RM_DYN), one, half_ulp, 0, 0, RM_RNE, false, one, NX },
        /* double: ties in add and mul, RMM goes away from zero */
        { OPF(FADD, D, RM_RNE), d1, dt, 0, 0, 0, false, d1, NX },
        { OPF(FADD, D, RM_RMM), d1, dt, 0, 0, 0, false, d1 + 1, NX },
        { OPF(FADD, D, RM_RUP), d1, dt, 0, 0, 0, false, d1 + 1, NX },
        { OPF(FADD, D, RM_RDN), d1 | 1ull << 63, dt | 1ull << 63, 0, 0, 0,
          false, (d1 + 1) | 1ull << 63, NX },
        { OPF(FADD, D, RM_RMM), d1 | 1ull << 63, dt | 1ull << 63, 0, 0, 0,
          false, (d1 + 1) | 1ull << 63, NX },
        { OPF(FMUL, D, RM_RNE), d3u, d15, 0, 0, 0, false,
          0x3ff8000000000004ull, NX },
        { OPF(FMUL, D, RM_RMM), d3u, d15, 0, 0, 0, false,
          0x3ff8000000000005ull, NX },
        { OPF(FMUL, D, RM_DYN), d3u, d15, 0, 0, RM_RMM, false,
          0x3ff8000000000005ull, NX },
    };
    run_cases(t, G_N_ELEMENTS(t));
}

static void test_flags(void)
{
    const uint64_t dmax = 0x7fefffffffffffffull, dmin = 0x0010000000000000ull;
    const FpCase t[] = {
        { OPF(FDIV, D, RM_RNE), 0x3ff0000000000000ull, 0, 0, 0, 0, false,
          0x7ff0000000000000ull, DZ },
        { OPF(FDIV, S, RM_RNE), B(0xbf800000), B(0), 0, 0, 0, false,
          B(0xff800000), DZ },
        { OPF(FDIV, D, RM_RNE), 0, 0, 0, 0, 0, false,
          0x7ff8000000000000ull, NV },
        { OPF(FDIV, S, RM_RNE), B(0), B(0), 0, 0, 0, false, B(0x7fc00000), NV },
        { UNF(FSQRT, D, 0, RM_RNE), 0xbff0000000000000ull, 0, 0, 0, 0, false,
          0x7ff8000000000000ull, NV },
        { UNF(FSQRT, S, 0, RM_RNE), B(0xbf800000), 0, 0, 0, 0, false,
          B(0x7fc00000), NV },
        /* NaN payloads are not propagated */
        { OPF(FADD, D, RM_RNE), 0x7ff8000000000123ull, 0x3ff0000000000000ull,
          0, 0, 0, false, 0x7ff8000000000000ull, 0 },
        { OPF(FADD, D, RM_RNE), 0x7ff0000000000123ull, 0x3ff0000000000000ull,
          0, 0, 0, false, 0x7ff8000000000000ull, NV },        /* sNaN */
        { OPF(FADD, S, RM_RNE), B(0x7f800001), B(0x3f800000), 0, 0, 0,
          false, B(0x7fc00000), NV },
        /* overflow: RNE to infinity, RTZ to the largest finite */
        { OPF(FMUL, D, RM_RNE), dmax, 0x4000000000000000ull, 0, 0, 0, false,
          0x7ff0000000000000ull, OF | NX },
        { OPF(FMUL, D, RM_RTZ), dmax, 0x4000000000000000ull, 0, 0, 0, false,
          dmax, OF | NX },
        { OPF(FMUL, S, RM_RNE), B(0x7f7fffff), B(0x40000000), 0, 0, 0, false,
          B(0x7f800000), OF | NX },
        { OPF(FMUL, S, RM_RTZ), B(0x7f7fffff), B(0x40000000), 0, 0, 0, false,
          B(0x7f7fffff), OF | NX },
        { OPF(FMUL, S, RM_RDN), B(0x7f7fffff), B(0x40000000), 0, 0, 0, false,
          B(0x7f7fffff), OF | NX },
        { OPF(FMUL, S, RM_RUP), B(0xff7fffff), B(0x40000000), 0, 0, 0, false,
          B(0xff7fffff), OF | NX },
        /* underflow needs tiny and inexact */
        { OPF(FMUL, D, RM_RNE), dmin, 0x3fe0000000000000ull, 0, 0, 0, false,
          0x0008000000000000ull, 0 },                          /* exact */
        { OPF(FDIV, D, RM_RNE), dmin, 0x4008000000000000ull, 0, 0, 0, false,
          0x0005555555555555ull, UF | NX },
        { OPF(FDIV, S, RM_RNE), B(0x00800000), B(0x40400000), 0, 0, 0, false,
          B(0x002aaaab), UF | NX },
        /*
         * 2^-126 - 2^-151: tiny before rounding, but rounds to 2^-126 with
         * an unbounded exponent, so RISC-V (after rounding) raises no UF.
         */
        { OPF(FMUL, D, RM_RNE), 0x000fffffffffffffull, 0x3ff0000000000001ull,
          0, 0, 0, false, dmin, NX },                 /* same, in double */
        { FMA(OP_FMADD, S, RM_RNE), B(0x9a000000), B(0x19800000),
          B(0x00800000), 0, 0, false, B(0x00800000), NX },
        { FMA(OP_FMADD, S, RM_RTZ), B(0x9a000000), B(0x19800000),
          B(0x00800000), 0, 0, false, B(0x007fffff), UF | NX },
    };
    run_cases(t, G_N_ELEMENTS(t));
}

static void test_nan_boxing(void)
{
    const FpCase t[] = {
        /* an improperly boxed single reads as the canonical NaN */
        { OPF(FADD, S, RM_RNE), 0x3f800000ull, B(0x3f800000), 0, 0, 0, false,
          B(0x7fc00000), 0 },
        { OPF(FSGNJ, S, 0), 0x3f800000ull, B(0xbf800000), 0, 0, 0, false,
          B(0xffc00000), 0 },
        { UNF(FMV_X, S, 0, 1), 0x12345678ull, 0, 0, 0, 0, true, 1 << 9, 0 },
        /* FMV.X.W moves raw bits, sign-extended, without unboxing */
        { UNF(FMV_X, S, 0, 0), 0x00000000bf800000ull, 0, 0, 0, 0, true,
          0xffffffffbf800000ull, 0 },
        { UNF(FMV_F, S, 0, 0), 0, 0, 0, 0x123456783f800000ull, 0, false,
          B(0x3f800000), 0 },
        { UNF(FMV_F, D, 0, 0), 0, 0, 0, 0x123456783f800000ull, 0, false,
          0x123456783f800000ull, 0 },
        { UNF(FMV_X, D, 0, 0), 0x8000000000000001ull, 0, 0, 0, 0, true,
          0x8000000000000001ull, 0 },
    };
    run_cases(t, G_N_ELEMENTS(t));
}

static void test_convert(void)
{
    const uint64_t m25 = 0xc004000000000000ull;   /* -2.5 */
    const FpCase t[] = {
        /* fp -> int: rs2 0 W, 1 WU, 2 L, 3 LU */
        { UNF(FCVT_INT, S, 0, RM_RTZ), B(0x7fc00000), 0, 0, 0, 0, true,
          0x7fffffff, NV },
        { UNF(FCVT_INT, S, 0, RM_RTZ), B(0x7f800000), 0, 0, 0, 0, true,
          0x7fffffff, NV },
        { UNF(FCVT_INT, S, 0, RM_RTZ), B(0xff800000), 0, 0, 0, 0, true,
          0xffffffff80000000ull, NV },
        { UNF(FCVT_INT, S, 0, RM_RTZ), B(0x4f32d05e), 0, 0, 0, 0, true,
          0x7fffffff, NV },                               /* 3e9 */
        { UNF(FCVT_INT, S, 1, RM_RTZ), B(0xbfc00000), 0, 0, 0, 0, true,
          0, NV },                                        /* -1.5 -> WU */
        { UNF(FCVT_INT, S, 1, RM_RTZ), B(0xbf000000), 0, 0, 0, 0, true,
          0, NX },                                        /* -0.5 -> 0 */
        { UNF(FCVT_INT, S, 3, RM_RTZ), B(0x7fc00000), 0, 0, 0, 0, true,
          UINT64_MAX, NV },
        { UNF(FCVT_INT, D, 2, RM_RTZ), 0x43e0000000000000ull, 0, 0, 0, 0,
          true, INT64_MAX, NV },                          /* 2^63 */
        { UNF(FCVT_INT, D, 2, RM_RTZ), 0xc3e0000000000000ull, 0, 0, 0, 0,
          true, 0x8000000000000000ull, 0 },               /* -2^63 */
        { UNF(FCVT_INT, D, 3, RM_RTZ), 0x8000000000000000ull, 0, 0, 0, 0,
          true, 0, 0 },                                   /* -0.0 */
        { UNF(FCVT_INT, D, 3, RM_RNE), 0xbff0000000000000ull, 0, 0, 0, 0,
          true, 0, NV },                                  /* -1 -> LU */
        { UNF(FCVT_INT, D, 0, RM_RNE), m25, 0, 0, 0, 0, true,
          (uint64_t)-2, NX },
        { UNF(FCVT_INT, D, 0, RM_RMM), m25, 0, 0, 0, 0, true,
          (uint64_t)-3, NX },
        { UNF(FCVT_INT, D, 0, RM_RDN), m25, 0, 0, 0, 0, true,
          (uint64_t)-3, NX },
        { UNF(FCVT_INT, D, 0, RM_RUP), m25, 0, 0, 0, 0, true,
          (uint64_t)-2, NX },
        { UNF(FCVT_INT, D, 0, RM_RTZ), m25, 0, 0, 0, 0, true,
          (uint64_t)-2, NX },
        { UNF(FCVT_INT, D, 0, RM_RNE), 0x400c000000000000ull, 0, 0, 0, 0,
          true, 4, NX },                                  /* 3.5 -> 4 */
        { UNF(FCVT_INT, D, 1, RM_RTZ), 0x41efffffffe00000ull, 0, 0, 0, 0,
          true, UINT64_MAX, 0 },                          /* 2^32-1, sext */
        /* int -> fp */
        { UNF(FCVT_FP, S, 0, RM_RNE), 0, 0, 0, 16777217, 0, false,
          B(0x4b800000), NX },
        { UNF(FCVT_FP, S, 0, RM_RUP), 0, 0, 0, 16777217, 0, false,
          B(0x4b800001), NX },
        { UNF(FCVT_FP, S, 0, RM_RNE), 0, 0, 0, 0xffffffff00000001ull, 0,
          false, B(0x3f800000), 0 },                     /* low word only */
        { UNF(FCVT_FP, S, 1, RM_RNE), 0, 0, 0, 0xffffffff, 0, false,
          B(0x4f800000), NX },
        { UNF(FCVT_FP, S, 3, RM_RNE), 0, 0, 0, UINT64_MAX, 0, false,
          B(0x5f800000), NX },
        { UNF(FCVT_FP, D, 2, RM_RNE), 0, 0, 0, INT64_MAX, 0, false,
          0x43e0000000000000ull, NX },
        { UNF(FCVT_FP, D, 2, RM_RTZ), 0, 0, 0, INT64_MAX, 0, false,
          0x43dfffffffffffffull, NX },
        { UNF(FCVT_FP, D, 2, RM_RNE), 0, 0, 0, (uint64_t)-3, 0, false,
          0xc008000000000000ull, 0 },
        { UNF(FCVT_FP, D, 0, RM_RNE), 0, 0, 0, 0, 0, false, 0, 0 },
        /* between formats */
        { UNF(FCVT_S_D, S, 1, RM_RNE), 0x3fd5555555555555ull, 0, 0, 0, 0,
          false, B(0x3eaaaaab), NX },
        { UNF(FCVT_S_D, S, 1, RM_RTZ), 0x3fd5555555555555ull, 0, 0, 0, 0,
          false, B(0x3eaaaaaa), NX },
        { UNF(FCVT_S_D, S, 1, RM_RNE), 0x7fefffffffffffffull, 0, 0, 0, 0,
          false, B(0x7f800000), OF | NX },
        { UNF(FCVT_S_D, S, 1, RM_RTZ), 0x7fefffffffffffffull, 0, 0, 0, 0,
          false, B(0x7f7fffff), OF | NX },
        { UNF(FCVT_S_D, S, 1, RM_RNE), 0x7ff0000000000001ull, 0, 0, 0, 0,
          false, B(0x7fc00000), NV },
        { UNF(FCVT_S_D, S, 1, RM_RNE), 0x8000000000000000ull, 0, 0, 0, 0,
          false, B(0x80000000), 0 },
        { UNF(FCVT_D_S, D, 0, RM_RNE), B(0x7f800001), 0, 0, 0, 0, false,
          0x7ff8000000000000ull, NV },
        { UNF(FCVT_D_S, D, 0, RM_RNE), B(0x00000001), 0, 0, 0, 0, false,
          0x36a0000000000000ull, 0 },                     /* 2^-149 exact */
    };
    run_cases(t, G_N_ELEMENTS(t));
}

static void test_minmax_compare_class(void)
{
    const uint64_t snan_s = B(0x7f800001), qnan_s = B(0x7fc00000);
    const uint64_t one_s = B(0x3f800000), two_d = 0x4000000000000000ull;
    const uint64_t qnan_d = 0x7ff8000000000000ull, pz_d = 0, nz_d = 1ull << 63;
    const FpCase t[] = {
        { OPF(FMINMAX, S, 0), snan_s, one_s, 0, 0, 0, false, one_s, NV },
        { OPF(FMINMAX, S, 1), one_s, snan_s, 0, 0, 0, false, one_s, NV },
        { OPF(FMINMAX, D, 1), qnan_d, two_d, 0, 0, 0, false, two_d, 0 },
        { OPF(FMINMAX, S, 0), qnan_s, snan_s, 0, 0, 0, false, qnan_s, NV },
        { OPF(FMINMAX, D, 0), pz_d, nz_d, 0, 0, 0, false, nz_d, 0 },
        { OPF(FMINMAX, D, 1), nz_d, pz_d, 0, 0, 0, false, pz_d, 0 },
        { OPF(FMINMAX, D, 0), two_d, 0x3ff0000000000000ull, 0, 0, 0, false,
          0x3ff0000000000000ull, 0 },
        { OPF(FMINMAX, S, 1), B(0xc0000000), one_s, 0, 0, 0, false, one_s, 0 },
        /* compare: rm 2 FEQ (quiet), 1 FLT, 0 FLE (signalling) */
        { OPF(FCMP, S, 2), qnan_s, one_s, 0, 0, 0, true, 0, 0 },
        { OPF(FCMP, S, 2), snan_s, one_s, 0, 0, 0, true, 0, NV },
        { OPF(FCMP, S, 1), qnan_s, one_s, 0, 0, 0, true, 0, NV },
        { OPF(FCMP, S, 0), one_s, qnan_s, 0, 0, 0, true, 0, NV },
        { OPF(FCMP, D, 0), two_d, two_d, 0, 0, 0, true, 1, 0 },
        { OPF(FCMP, D, 1), nz_d, pz_d, 0, 0, 0, true, 0, 0 },
        { OPF(FCMP, D, 2), nz_d, pz_d, 0, 0, 0, true, 1, 0 },
        { OPF(FCMP, S, 1), B(0xbf800000), one_s, 0, 0, 0, true, 1, 0 },
        /* sign injection */
        { OPF(FSGNJ, D, 0), 0x3ff0000000000000ull, 0xc000000000000000ull, 0,
          0, 0, false, 0xbff0000000000000ull, 0 },
        { OPF(FSGNJ, D, 1), 0x3ff0000000000000ull, 0xc000000000000000ull, 0,
          0, 0, false, 0x3ff0000000000000ull, 0 },
        { OPF(FSGNJ, D, 2), 0xbff0000000000000ull, 0xc000000000000000ull, 0,
          0, 0, false, 0x3ff0000000000000ull, 0 },
        { OPF(FSGNJ, S, 2), B(0xbf800000), B(0xbf800000), 0, 0, 0, false,
          B(0x3f800000), 0 },
    };
    static const struct {
        uint64_t s, d;
        unsigned bit;
    } cls[] = {
        { 0xff800000, 0xfff0000000000000ull, 0 },
        { 0xbf800000, 0xbff0000000000000ull, 1 },
        { 0x80000001, 0x8000000000000001ull, 2 },
        { 0x80000000, 0x8000000000000000ull, 3 },
        { 0x00000000, 0x0000000000000000ull, 4 },
        { 0x00000001, 0x0000000000000001ull, 5 },
        { 0x3f800000, 0x3ff0000000000000ull, 6 },
        { 0x7f800000, 0x7ff0000000000000ull, 7 },
        { 0x7f800001, 0x7ff0000000000001ull, 8 },
        { 0x7fc00000, 0x7ff8000000000000ull, 9 },
    };

    run_cases(t, G_N_ELEMENTS(t));
    for (unsigned i = 0; i < G_N_ELEMENTS(cls); i++) {
        FpCase c[2] = {
            { UNF(FMV_X, S, 0, 1), B(cls[i].s), 0, 0, 0, 0, true,
              1u << cls[i].bit, 0 },
            { UNF(FMV_X, D, 0, 1), cls[i].d, 0, 0, 0, 0, true,
              1u << cls[i].bit, 0 },
        };
        run_cases(c, 2);
    }
}

static void test_fma(void)
{
    const uint64_t two = 0x4000000000000000ull, three = 0x4008000000000000ull;
    const uint64_t one = 0x3ff0000000000000ull;
    const FpCase t[] = {
        { FMA(OP_FMADD, D, RM_RNE), two, three, one, 0, 0, false,
          0x401c000000000000ull, 0 },                       /* 7 */
        { FMA(OP_FMSUB, D, RM_RNE), two, three, one, 0, 0, false,
          0x4014000000000000ull, 0 },                       /* 5 */
        { FMA(OP_FNMSUB, D, RM_RNE), two, three, one, 0, 0, false,
          0xc014000000000000ull, 0 },                       /* -5 */
        { FMA(OP_FNMADD, D, RM_RNE), two, three, one, 0, 0, false,
          0xc01c000000000000ull, 0 },                       /* -7 */
        /* one rounding only: the separate product would round to 1 */
        { FMA(OP_FMADD, D, RM_RNE), 0x3ff0000000000001ull,
          0x3fefffffffffffffull, 0xbff0000000000000ull, 0, 0, false,
          0x3c9ffffffffffffeull, 0 },
        { FMA(OP_FMADD, S, RM_RNE), B(0x3f800001), B(0x3f7fffff),
          B(0xbf800000), 0, 0, false, B(0x337ffffe), 0 },
        /* inf * 0 is invalid even with a quiet NaN addend */
        { FMA(OP_FMADD, D, RM_RNE), 0x7ff0000000000000ull, 0,
          0x7ff8000000000000ull, 0, 0, false, 0x7ff8000000000000ull, NV },
        { FMA(OP_FMADD, S, RM_RNE), B(0), B(0xff800000), B(0x7fc00000), 0, 0,
          false, B(0x7fc00000), NV },
    };
    run_cases(t, G_N_ELEMENTS(t));
}

static void expect_illegal(uint32_t insn, uint64_t mstatus, unsigned frm)
{
    TestMachine *tm = fp_machine();

    riscv_cpu_csr_write(tm->cpu, CSR_FRM, frm);     /* sets FS: first */
    riscv_cpu_csr_write(tm->cpu, CSR_MSTATUS, mstatus);
    emit(tm, insn);
    emit_exit(tm);
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                    RISCV_RUN_EXIT);
    g_assert_cmphex(tm_csr(tm, CSR_MCAUSE), ==, RISCV_EXC_ILLEGAL_INSN);
    g_assert_cmphex(tm_csr(tm, CSR_MTVAL), ==, insn);
    tm_free(tm);
}

static void test_illegal_and_fs(void)
{
    const uint64_t fs_init = 1ull << 13;
    TestMachine *tm;

    expect_illegal(OPF(FADD, S, 5), fs_init, 0);         /* reserved rm */
    expect_illegal(OPF(FADD, D, 6), fs_init, 0);
    expect_illegal(OPF(FADD, S, RM_DYN), fs_init, 5);    /* bad frm */
    expect_illegal(OPF(FADD, D, RM_RNE), 0, 0);          /* FS off */
    expect_illegal(e_flw(1, 0, 0), 0, 0);
    expect_illegal(e_fsd(1, 0, 0), 0, 0);
    expect_illegal(e_csrrs(1, CSR_FCSR, 0), 0, 0);
    expect_illegal(UNF(FSQRT, S, 1, RM_RNE), fs_init, 0); /* rs2 != 0 */
    expect_illegal(OPF(FMINMAX, S, 2), fs_init, 0);
    expect_illegal(FMA(OP_FMADD, 2, RM_RNE), fs_init, 0); /* fmt H */

    /* FS: Initial stays Initial for pure moves out, becomes Dirty on write */
    tm = fp_machine();
    emit(tm, UNF(FMV_X, D, 0, 0));
    emit_exit(tm);
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                    RISCV_RUN_EXIT);
    g_assert_cmphex(tm_csr(tm, CSR_MSTATUS) & (MSTATUS_FS | MSTATUS_SD), ==,
                    1ull << 13);
    tm_org(tm, RAM_BASE);
    emit(tm, OPF(FADD, D, RM_RNE));
    emit_exit(tm);
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                    RISCV_RUN_EXIT);
    g_assert_cmphex(tm_csr(tm, CSR_MSTATUS) & (MSTATUS_FS | MSTATUS_SD), ==,
                    MSTATUS_FS | MSTATUS_SD);
    tm_free(tm);
}

static void test_fcsr_and_memory(void)
{
    TestMachine *tm = fp_machine();
    uint64_t buf = RAM_BASE + 0x2000;

    tm_write64(tm, buf, 0x400921fb54442d18ull);      /* pi */
    tm_write64(tm, buf + 8, 0x1122334440490fdbull);  /* pi as single */
    tm_set_x(tm, 1, buf);
    tm_set_x(tm, 2, buf);                            /* sp for c.fldsp */
    tm_set_x(tm, 7, 0xff);
    emit(tm, e_csrrw(3, CSR_FCSR, 7));
    emit(tm, e_csrrs(4, CSR_FRM, 0));
    emit(tm, e_csrrs(5, CSR_FFLAGS, 0));
    emit(tm, e_csrrwi(0, CSR_FFLAGS, 0));
    emit(tm, e_csrrs(6, CSR_FCSR, 0));
    emit(tm, e_fld(1, 1, 0));
    emit(tm, e_flw(2, 1, 8));
    emit(tm, e_fsd(1, 1, 16));
    emit(tm, e_fsw(2, 1, 24));
    emit(tm, e_fsw(1, 1, 32));                       /* low half of pi */
    emit16(tm, 0x2402);                              /* c.fldsp f8, 0(sp) */
    emit_exit(tm);
    g_assert_cmpint(tm_run_from(tm, RAM_BASE, 100).reason, ==,
                    RISCV_RUN_EXIT);
    g_assert_cmphex(tm_x(tm, 3), ==, 0);
    g_assert_cmphex(tm_x(tm, 4), ==, 7);
    g_assert_cmphex(tm_x(tm, 5), ==, 0x1f);
    g_assert_cmphex(tm_x(tm, 6), ==, 0xe0);
    g_assert_cmphex(riscv_cpu_get_freg(tm->cpu, 1), ==, 0x400921fb54442d18ull);
    g_assert_cmphex(riscv_cpu_get_freg(tm->cpu, 2), ==, B(0x40490fdb));
    g_assert_cmphex(tm_read64(tm, buf + 16), ==, 0x400921fb54442d18ull);
    g_assert_cmphex(tm_read64(tm, buf + 24), ==, 0x40490fdb);
    g_assert_cmphex(tm_read64(tm, buf + 32), ==, 0x54442d18);
    g_assert_cmphex(riscv_cpu_get_freg(tm->cpu, 8), ==, 0x400921fb54442d18ull);
    tm_free(tm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/fpu/arith", test_arith);
    g_test_add_func("/cpu/fpu/rounding-modes", test_rounding_modes);
    g_test_add_func("/cpu/fpu/flags", test_flags);
    g_test_add_func("/cpu/fpu/nan-boxing", test_nan_boxing);
    g_test_add_func("/cpu/fpu/convert", test_convert);
    g_test_add_func("/cpu/fpu/minmax-compare-class",
                    test_minmax_compare_class);
    g_test_add_func("/cpu/fpu/fma", test_fma);
    g_test_add_func("/cpu/fpu/illegal-and-fs", test_illegal_and_fs);
    g_test_add_func("/cpu/fpu/fcsr-and-memory", test_fcsr_and_memory);
    return g_test_run();
}
