/*
 * F and D extensions (everything but the FP loads/stores, which live in
 * the run loop).
 *
 * How results are made exact:
 * - Double-precision arithmetic runs on the host FPU in the guest's
 *   rounding mode and takes its flags from it (x86 SSE detects tininess
 *   after rounding, like RISC-V).  RMM has no host mode: the RNE result is
 *   corrected when the error term (exact for add, sub, mul and div) shows
 *   an exact tie.  Square roots cannot tie.  A double FMA in RMM is rounded
 *   like RNE on exact ties: a known gap.
 * - Single-precision arithmetic runs in double, rounded toward zero with
 *   the sticky bit folded into the last bit ("round to odd"), then rounded
 *   to single by rv_pack() in any of the five modes.  53 >= 24 + 2 bits
 *   makes that double rounding exact.
 * - Conversions to and from integers and double-to-single go through
 *   rv_pack() or exact integer code, never the host.
 * Every NaN result is the canonical NaN; single values live NaN-boxed in
 * the 64-bit registers and an improperly boxed input reads as canonical NaN.
 */
#include <fenv.h>
#include <math.h>
#include <string.h>

#include "target/riscv/cpu-internal.h"

enum { RM_RNE, RM_RTZ, RM_RDN, RM_RUP, RM_RMM };
enum { FOP_ADD, FOP_MUL, FOP_DIV, FOP_SQRT, FOP_FMA };

#define F32_SIGN 0x80000000u
#define F32_CANON 0x7fc00000u
#define F64_SIGN (1ull << 63)
#define F64_CANON 0x7ff8000000000000ull
#define BOX32 0xffffffff00000000ull

typedef struct FloatFmt {
    int p, emin, emax, bias;
} FloatFmt;

static const FloatFmt fmt32 = { 24, -126, 127, 127 };
static const FloatFmt fmt64 = { 53, -1022, 1023, 1023 };

static inline double u2d(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static inline uint64_t d2u(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static inline float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static bool f32_nan(uint32_t v)
{
    return (v & 0x7f800000u) == 0x7f800000u && (v & 0x7fffffu);
}

static bool f32_snan(uint32_t v)
{
    return f32_nan(v) && !(v & 0x400000u);
}

static bool f64_nan(uint64_t v)
{
    return (v & 0x7ff0000000000000ull) == 0x7ff0000000000000ull &&
           (v & 0xfffffffffffffull);
}

static bool f64_snan(uint64_t v)
{
    return f64_nan(v) && !(v & (1ull << 51));
}

/* ---- host FPU bracket ---- */

typedef struct HostFP {
    int saved_round;
} HostFP;

static const int host_modes[5] = {
    FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD, FE_TONEAREST };

static void host_begin(HostFP *h, int host_mode)
{
    h->saved_round = fegetround();
    fesetround(host_mode);
    feclearexcept(FE_ALL_EXCEPT);
}

static uint32_t host_end(HostFP *h)
{
    int ex = fetestexcept(FE_ALL_EXCEPT);
    uint32_t fl = 0;

    fesetround(h->saved_round);
    feclearexcept(FE_ALL_EXCEPT);
    if (ex & FE_INEXACT) {
        fl |= FFLAG_NX;
    }
    if (ex & FE_UNDERFLOW) {
        fl |= FFLAG_UF;
    }
    if (ex & FE_OVERFLOW) {
        fl |= FFLAG_OF;
    }
    if (ex & FE_DIVBYZERO) {
        fl |= FFLAG_DZ;
    }
    if (ex & FE_INVALID) {
        fl |= FFLAG_NV;
    }
    return fl;
}

/* volatile pins the operation between host_begin() and host_end() */
static double host_op(int fop, double a, double b, double c)
{
    volatile double va = a, vb = b, vc = c;
    volatile double r;

    switch (fop) {
    case FOP_ADD: r = va + vb; break;
    case FOP_MUL: r = va * vb; break;
    case FOP_DIV: r = va / vb; break;
    case FOP_SQRT: r = sqrt(va); break;
    default: r = fma(va, vb, vc); break;
    }
    return r;
}

static bool inf_times_zero(double a, double b)
{
    return (isinf(a) && b == 0) || (a == 0 && isinf(b));
}

/* ---- rounding a wide exact value into a format ---- */

/* rem against half of 2^drop: -1 below, 0 equal, 1 above */
static int cmp_half(uint64_t rem, int drop)
{
    uint64_t half;

    if (drop > 64) {
        return -1;
    }
    half = 1ull << (drop - 1);
    return rem < half ? -1 : rem > half;
}

static bool round_up(uint64_t kept, uint64_t rem, int drop, bool sign, int rm)
{
    if (!rem) {
        return false;
    }
    switch (rm) {
    case RM_RNE: {
        int c = cmp_half(rem, drop);
        return c > 0 || (c == 0 && (kept & 1));
    }
    case RM_RTZ: return false;
    case RM_RDN: return sign;
    case RM_RUP: return !sign;
    default: return cmp_half(rem, drop) >= 0;
    }
}

/*
 * Round sign * sig * 2^exp (sig != 0) to the format, with the IEEE flags
 * (tininess detected after rounding, as RISC-V requires).
 */
static uint64_t rv_pack(const FloatFmt *f, bool sign, int exp, uint64_t sig,
                        int rm, uint32_t *fl)
{
    int lz = __builtin_clzll(sig);
    int e, drop = 64 - f->p;
    uint64_t sbit = (uint64_t)sign << (f->p == 24 ? 31 : 63);
    uint64_t inf = (uint64_t)(2 * f->bias + 1) << (f->p - 1);
    uint64_t kept, rem, bits;
    bool tiny = false;

    sig <<= lz;
    e = exp - lz + 63; /* exponent of the leading one */
    if (e > f->emax) {
        goto overflow;
    }
    if (e < f->emin) {
        tiny = true;
        if (e == f->emin - 1) {
            kept = sig >> drop;
            rem = sig & ((1ull << drop) - 1);
            if (round_up(kept, rem, drop, sign, rm) &&
                kept + 1 == (1ull << f->p)) {
                tiny = false; /* rounds up to the smallest normal */
            }
        }
        drop += f->emin - e;
    }
    if (drop >= 64) {
        kept = 0;
        rem = sig;
    } else {
        kept = sig >> drop;
        rem = sig & ((1ull << drop) - 1);
    }
    if (round_up(kept, rem, drop, sign, rm)) {
        kept++;
    }
    if (e < f->emin) {
        bits = kept; /* a carry into the hidden bit makes it normal: fine */
    } else {
        /* kept holds the hidden bit: it adds one to the exponent field */
        bits = ((uint64_t)(e + f->bias - 1) << (f->p - 1)) + kept;
        if (bits >= inf) {
            goto overflow;
        }
    }
    if (rem) {
        *fl |= FFLAG_NX | (tiny ? FFLAG_UF : 0);
    }
    return sbit | bits;

overflow:
    *fl |= FFLAG_OF | FFLAG_NX;
    if (rm == RM_RNE || rm == RM_RMM || (rm == RM_RDN && sign) ||
        (rm == RM_RUP && !sign)) {
        return sbit | inf;
    }
    return sbit | (inf - 1);
}

/* A finite nonzero double rounded to single. */
static uint32_t pack_double_to_f32(double r, int rm, uint32_t *fl)
{
    uint64_t u = d2u(r);
    int e = (u >> 52) & 0x7ff;
    uint64_t m = u & ((1ull << 52) - 1);

    if (e) {
        m |= 1ull << 52;
    } else {
        e = 1;
    }
    return rv_pack(&fmt32, u >> 63, e - 1075, m, rm, fl);
}

/* ---- arithmetic ---- */

static double rmm_fix(int fop, double a, double b, double r)
{
    double away = nextafter(r, signbit(r) ? -INFINITY : INFINITY);
    double half_gap = fabs(away - r) / 2;
    double err;
    bool tie;

    switch (fop) {
    case FOP_ADD: { /* TwoSum: the exact rounding error of a + b */
        double bb = r - a;
        err = (a - (r - bb)) + (b - bb);
        tie = fabs(err) == half_gap && signbit(err) == signbit(r);
        break;
    }
    case FOP_MUL:
        err = fma(a, b, -r);
        tie = fabs(err) == half_gap && signbit(err) == signbit(r);
        break;
    case FOP_DIV: /* a - r*b is exact; the quotient error is that over b */
        err = fma(-r, b, a);
        tie = fabs(err) == fabs(b) * half_gap &&
              (signbit(err) != signbit(b)) == (bool)signbit(r);
        break;
    default:
        tie = false;
        break;
    }
    return tie ? away : r;
}

static uint64_t f64_arith(int fop, uint64_t ua, uint64_t ub, uint64_t uc,
                          int rm, uint32_t *fl)
{
    double a = u2d(ua), b = u2d(ub), c = u2d(uc), r;
    HostFP h;
    uint32_t flags;

    host_begin(&h, host_modes[rm]);
    r = host_op(fop, a, b, c);
    flags = host_end(&h);
    if (fop == FOP_FMA && inf_times_zero(a, b)) {
        flags |= FFLAG_NV;
    }
    *fl |= flags;
    if (isnan(r)) {
        return F64_CANON;
    }
    if (rm == RM_RMM && (flags & FFLAG_NX) && isfinite(r)) {
        r = rmm_fix(fop, a, b, r);
    }
    return d2u(r);
}

static uint32_t f32_arith(int fop, uint32_t ua, uint32_t ub, uint32_t uc,
                          int rm, uint32_t *fl)
{
    volatile float fa = u2f(ua), fb = u2f(ub), fc = u2f(uc);
    double r;
    HostFP h;
    uint32_t flags;

    host_begin(&h, FE_TOWARDZERO);
    r = host_op(fop, fa, fb, fc);    /* converting an sNaN raises NV here */
    flags = host_end(&h);
    if (fop == FOP_FMA && inf_times_zero(fa, fb)) {
        flags |= FFLAG_NV;
    }
    *fl |= flags & (FFLAG_NV | FFLAG_DZ);
    if (isnan(r)) {
        return F32_CANON;
    }
    if (isinf(r)) {
        return f2u((float)r); /* exact: operands were infinite or x/0 */
    }
    if (r == 0) {
        /* exact zero: its sign depends on the rounding mode (x - x) */
        host_begin(&h, host_modes[rm]);
        r = host_op(fop, fa, fb, fc);
        host_end(&h);
        return f2u((float)r);
    }
    if (flags & FFLAG_NX) {
        r = u2d(d2u(r) | 1); /* round to odd keeps the sticky bit */
    }
    return pack_double_to_f32(r, rm, fl);
}

/* ---- conversions ---- */

static double round_to_integral(double v, int rm)
{
    double fl;

    switch (rm) {
    case RM_RTZ: return trunc(v);
    case RM_RDN: return floor(v);
    case RM_RUP: return ceil(v);
    case RM_RMM: return round(v);
    default:
        fl = floor(v);
        if (v - fl > 0.5 || (v - fl == 0.5 && fmod(fl, 2) != 0)) {
            return fl + 1;
        }
        return fl;
    }
}

/* kind: 0 W, 1 WU, 2 L, 3 LU; result as written to rd (sign-extended) */
static uint64_t cvt_to_int(double v, bool nan, unsigned kind, int rm,
                           uint32_t *fl)
{
    static const double lo[4] = { -2147483648.0, 0, -9223372036854775808.0, 0 };
    static const double hi[4] = { 2147483648.0, 4294967296.0,
                                  9223372036854775808.0,
                                  18446744073709551616.0 };
    static const uint64_t min[4] = {
        (uint64_t)INT32_MIN, 0, (uint64_t)INT64_MIN, 0 };
    static const uint64_t max[4] = {
        INT32_MAX, UINT64_MAX /* 0xffffffff sign-extended */,
        INT64_MAX, UINT64_MAX };
    double r;
    uint64_t out;

    if (nan) {
        *fl |= FFLAG_NV;
        return max[kind];
    }
    r = round_to_integral(v, rm);
    if (r < lo[kind] || r >= hi[kind]) {
        *fl |= FFLAG_NV;
        return v < 0 ? min[kind] : max[kind];
    }
    if (r != v) {
        *fl |= FFLAG_NX;
    }
    switch (kind) {
    case 0: out = (uint64_t)(int64_t)(int32_t)r; break;
    case 1: out = (uint64_t)(int64_t)(int32_t)(uint32_t)r; break;
    case 2: out = (uint64_t)(int64_t)r; break;
    default: out = (uint64_t)r; break;
    }
    return out;
}

static uint64_t cvt_from_int(const FloatFmt *f, uint64_t x, unsigned kind,
                             int rm, uint32_t *fl)
{
    bool neg = false;

    switch (kind) {
    case 0: x = (uint64_t)(int64_t)(int32_t)x; neg = (int64_t)x < 0; break;
    case 1: x = (uint32_t)x; break;
    case 2: neg = (int64_t)x < 0; break;
    }
    if (neg) {
        x = -x;
    }
    if (!x) {
        return 0;
    }
    return rv_pack(f, neg, 0, x, rm, fl);
}

/* ---- sign injection, min/max, compare, classify ---- */

static uint64_t fminmax(bool is_max, uint64_t a, uint64_t b, bool dbl,
                        uint32_t *fl)
{
    bool na = dbl ? f64_nan(a) : f32_nan(a), nb = dbl ? f64_nan(b) : f32_nan(b);
    uint64_t sign = dbl ? F64_SIGN : F32_SIGN;
    double da, db;

    if ((dbl && (f64_snan(a) || f64_snan(b))) ||
        (!dbl && (f32_snan(a) || f32_snan(b)))) {
        *fl |= FFLAG_NV;
    }
    if (na && nb) {
        return dbl ? F64_CANON : F32_CANON;
    }
    if (na) {
        return b;
    }
    if (nb) {
        return a;
    }
    da = dbl ? u2d(a) : u2f(a);
    db = dbl ? u2d(b) : u2f(b);
    if (da == db) {
        /* equal means both zeros of either sign, or identical values */
        return is_max ? (a & sign ? b : a) : (a & sign ? a : b);
    }
    return (da < db) != is_max ? a : b;
}

static uint64_t fcompare(unsigned rm, uint64_t a, uint64_t b, bool dbl,
                         uint32_t *fl)
{
    bool na = dbl ? f64_nan(a) : f32_nan(a), nb = dbl ? f64_nan(b) : f32_nan(b);
    double da = dbl ? u2d(a) : u2f(a), db = dbl ? u2d(b) : u2f(b);

    if (na || nb) {
        /* FEQ is quiet: only signalling NaNs raise invalid */
        if (rm != 2 || (dbl ? f64_snan(a) || f64_snan(b)
                            : f32_snan(a) || f32_snan(b))) {
            *fl |= FFLAG_NV;
        }
        return 0;
    }
    switch (rm) {
    case 0: return da <= db;
    case 1: return da < db;
    default: return da == db;
    }
}

static uint64_t fclass(uint64_t v, bool dbl)
{
    bool neg = dbl ? v >> 63 : (v >> 31) & 1;
    uint64_t e = dbl ? (v >> 52) & 0x7ff : (v >> 23) & 0xff;
    uint64_t emax = dbl ? 0x7ff : 0xff;
    uint64_t m = dbl ? v & ((1ull << 52) - 1) : v & 0x7fffff;

    if (e == emax) {
        if (m) {
            return (dbl ? f64_snan(v) : f32_snan(v)) ? 1 << 8 : 1 << 9;
        }
        return neg ? 1 << 0 : 1 << 7;
    }
    if (e == 0) {
        if (!m) {
            return neg ? 1 << 3 : 1 << 4;
        }
        return neg ? 1 << 2 : 1 << 5;
    }
    return neg ? 1 << 1 : 1 << 6;
}

/* ---- register access and dispatch ---- */

static uint32_t rd32(const RISCVCPU *cpu, unsigned r)
{
    uint64_t v = cpu->f[r];
    return (v & BOX32) == BOX32 ? (uint32_t)v : F32_CANON;
}

static void wr32(RISCVCPU *cpu, unsigned r, uint32_t v)
{
    cpu->f[r] = BOX32 | v;
    riscv_fs_dirty(cpu);
}

static void wr64(RISCVCPU *cpu, unsigned r, uint64_t v)
{
    cpu->f[r] = v;
    riscv_fs_dirty(cpu);
}

static bool resolve_rm(const RISCVCPU *cpu, unsigned rm, int *out)
{
    if (rm == 7) {
        rm = cpu->frm;
    }
    if (rm > RM_RMM) {
        return false;
    }
    *out = rm;
    return true;
}

bool riscv_fpu_exec(RISCVCPU *cpu, const DecodedInsn *d)
{
    uint32_t i = d->raw;
    unsigned opc = i & 0x7f, f7 = i >> 25, rs2 = d->rs2, f3 = d->rm;
    bool dbl = f7 & 1;
    uint32_t fl = 0;
    int rm = RM_RNE;

    if (riscv_fs_off(cpu)) {
        goto illegal;
    }
    if (opc != 0x53) {
        /* FMADD 0x43, FMSUB 0x47, FNMSUB 0x4b, FNMADD 0x4f */
        bool neg_prod = opc == 0x4b || opc == 0x4f;
        bool neg_add = opc == 0x47 || opc == 0x4f;
        if (((i >> 25) & 3) > 1 || !resolve_rm(cpu, f3, &rm)) {
            goto illegal;
        }
        if (!dbl) {
            uint32_t a = rd32(cpu, d->rs1), b = rd32(cpu, rs2);
            uint32_t c = rd32(cpu, d->rs3);
            wr32(cpu, d->rd, f32_arith(FOP_FMA, a ^ (neg_prod ? F32_SIGN : 0),
                                       b, c ^ (neg_add ? F32_SIGN : 0),
                                       rm, &fl));
        } else {
            uint64_t a = cpu->f[d->rs1], b = cpu->f[rs2], c = cpu->f[d->rs3];
            wr64(cpu, d->rd, f64_arith(FOP_FMA, a ^ (neg_prod ? F64_SIGN : 0),
                                       b, c ^ (neg_add ? F64_SIGN : 0),
                                       rm, &fl));
        }
        goto done;
    }

    switch (f7) {
    case 0x00: case 0x01: case 0x04: case 0x05:
    case 0x08: case 0x09: case 0x0c: case 0x0d:
    case 0x2c: case 0x2d: {
        static const uint8_t fops[4] = { FOP_ADD, FOP_ADD, FOP_MUL, FOP_DIV };
        int fop = f7 >= 0x2c ? FOP_SQRT : fops[f7 >> 2];
        bool sub = (f7 >> 2) == 1;
        if ((fop == FOP_SQRT && rs2 != 0) || !resolve_rm(cpu, f3, &rm)) {
            goto illegal;
        }
        if (!dbl) {
            wr32(cpu, d->rd, f32_arith(fop, rd32(cpu, d->rs1),
                                       rd32(cpu, rs2) ^ (sub ? F32_SIGN : 0),
                                       0, rm, &fl));
        } else {
            wr64(cpu, d->rd, f64_arith(fop, cpu->f[d->rs1],
                                       cpu->f[rs2] ^ (sub ? F64_SIGN : 0),
                                       0, rm, &fl));
        }
        break;
    }
    case 0x10: case 0x11: { /* FSGNJ, FSGNJN, FSGNJX */
        uint64_t sign = dbl ? F64_SIGN : F32_SIGN;
        uint64_t a = dbl ? cpu->f[d->rs1] : rd32(cpu, d->rs1);
        uint64_t b = dbl ? cpu->f[rs2] : rd32(cpu, rs2), r;
        switch (f3) {
        case 0: r = (a & ~sign) | (b & sign); break;
        case 1: r = (a & ~sign) | (~b & sign); break;
        case 2: r = a ^ (b & sign); break;
        default: goto illegal;
        }
        if (dbl) {
            wr64(cpu, d->rd, r);
        } else {
            wr32(cpu, d->rd, (uint32_t)r);
        }
        break;
    }
    case 0x14: case 0x15: { /* FMIN, FMAX */
        uint64_t a = dbl ? cpu->f[d->rs1] : rd32(cpu, d->rs1);
        uint64_t b = dbl ? cpu->f[rs2] : rd32(cpu, rs2), r;
        if (f3 > 1) {
            goto illegal;
        }
        r = fminmax(f3 == 1, a, b, dbl, &fl);
        if (dbl) {
            wr64(cpu, d->rd, r);
        } else {
            wr32(cpu, d->rd, (uint32_t)r);
        }
        break;
    }
    case 0x20: { /* FCVT.S.D */
        uint64_t a = cpu->f[d->rs1];
        double v = u2d(a);
        uint32_t r;
        if (rs2 != 1 || !resolve_rm(cpu, f3, &rm)) {
            goto illegal;
        }
        if (f64_nan(a)) {
            fl |= f64_snan(a) ? FFLAG_NV : 0;
            r = F32_CANON;
        } else if (isinf(v) || v == 0) {
            r = (uint32_t)(a >> 32) & 0xff800000u; /* sign and exponent */
        } else {
            r = pack_double_to_f32(v, rm, &fl);
        }
        wr32(cpu, d->rd, r);
        break;
    }
    case 0x21: { /* FCVT.D.S: exact */
        uint32_t a = rd32(cpu, d->rs1);
        if (rs2 != 0 || !resolve_rm(cpu, f3, &rm)) {
            goto illegal;
        }
        if (f32_nan(a)) {
            fl |= f32_snan(a) ? FFLAG_NV : 0;
            wr64(cpu, d->rd, F64_CANON);
        } else {
            wr64(cpu, d->rd, d2u((double)u2f(a)));
        }
        break;
    }
    case 0x50: case 0x51: { /* FLE, FLT, FEQ */
        uint64_t a = dbl ? cpu->f[d->rs1] : rd32(cpu, d->rs1);
        uint64_t b = dbl ? cpu->f[rs2] : rd32(cpu, rs2);
        if (f3 > 2) {
            goto illegal;
        }
        riscv_set_xreg(cpu, d->rd, fcompare(f3, a, b, dbl, &fl));
        break;
    }
    case 0x60: case 0x61: { /* FCVT.{W,WU,L,LU}.{S,D} */
        uint64_t a = dbl ? cpu->f[d->rs1] : rd32(cpu, d->rs1);
        if (rs2 > 3 || !resolve_rm(cpu, f3, &rm)) {
            goto illegal;
        }
        riscv_set_xreg(cpu, d->rd,
                       cvt_to_int(dbl ? u2d(a) : u2f(a),
                                  dbl ? f64_nan(a) : f32_nan(a),
                                  rs2, rm, &fl));
        break;
    }
    case 0x68: case 0x69: { /* FCVT.{S,D}.{W,WU,L,LU} */
        if (rs2 > 3 || !resolve_rm(cpu, f3, &rm)) {
            goto illegal;
        }
        if (dbl) {
            wr64(cpu, d->rd, cvt_from_int(&fmt64, cpu->x[d->rs1], rs2, rm,
                                          &fl));
        } else {
            wr32(cpu, d->rd, cvt_from_int(&fmt32, cpu->x[d->rs1], rs2, rm,
                                          &fl));
        }
        break;
    }
    case 0x70: case 0x71: /* FMV.X.{W,D}, FCLASS */
        if (rs2 != 0 || f3 > 1) {
            goto illegal;
        }
        if (f3 == 1) {
            riscv_set_xreg(cpu, d->rd,
                           fclass(dbl ? cpu->f[d->rs1] : rd32(cpu, d->rs1),
                                  dbl));
        } else {
            /* moves the raw bits: no unboxing, W is sign-extended */
            riscv_set_xreg(cpu, d->rd, dbl ? cpu->f[d->rs1]
                           : (uint64_t)(int64_t)(int32_t)cpu->f[d->rs1]);
        }
        break;
    case 0x78: case 0x79: /* FMV.{W,D}.X */
        if (rs2 != 0 || f3 != 0) {
            goto illegal;
        }
        if (dbl) {
            wr64(cpu, d->rd, cpu->x[d->rs1]);
        } else {
            wr32(cpu, d->rd, (uint32_t)cpu->x[d->rs1]);
        }
        break;
    default:
        goto illegal;
    }

done:
    if (fl) {
        cpu->fflags |= fl;
        riscv_fs_dirty(cpu);
    }
    return true;

illegal:
    riscv_raise_exception(cpu, RISCV_EXC_ILLEGAL_INSN, d->raw);
    return false;
}
