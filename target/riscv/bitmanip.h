/*
 * Integer ALU extensions: Zba, Zbb, Zbc, Zbs and Zicond (RV64 forms).
 *
 * bitmanip.c decodes them into two run-loop ops, OP_ZB (second operand
 * x[rs2]) and OP_ZBI (second operand the immediate), with the operation
 * below in DecodedInsn.rm; riscv_zb() computes it.  It is inline because
 * the interpreter's handlers are: one switch (a jump table) instead of 40
 * handler pairs keeps the op numbering within DecodedInsn.op's 8 bits.
 *
 * Rules: every operation is a pure function of (a, b); immediate forms are
 * decoded to the register operation with b = the immediate, which is why
 * the register forms mask b themselves.
 */
#ifndef TARGET_RISCV_BITMANIP_H
#define TARGET_RISCV_BITMANIP_H

#include <stdint.h>

#include "target/riscv/cpu-internal.h"

enum {
    /* Zba */
    ZB_SH1ADD, ZB_SH2ADD, ZB_SH3ADD,
    ZB_ADD_UW, ZB_SH1ADD_UW, ZB_SH2ADD_UW, ZB_SH3ADD_UW, ZB_SLLI_UW,
    /* Zbb */
    ZB_ANDN, ZB_ORN, ZB_XNOR,
    ZB_CLZ, ZB_CTZ, ZB_CPOP, ZB_CLZW, ZB_CTZW, ZB_CPOPW,
    ZB_MAX, ZB_MAXU, ZB_MIN, ZB_MINU,
    ZB_SEXT_B, ZB_SEXT_H, ZB_ZEXT_H,
    ZB_ROL, ZB_ROR, ZB_ROLW, ZB_RORW,
    ZB_ORC_B, ZB_REV8,
    /* Zbc */
    ZB_CLMUL, ZB_CLMULH, ZB_CLMULR,
    /* Zbs */
    ZB_BCLR, ZB_BEXT, ZB_BINV, ZB_BSET,
    /* Zicond */
    ZB_CZERO_EQZ, ZB_CZERO_NEZ,
    ZB_COUNT
};

/* bitmanip.c: the Zb and Zicond encodings enabled in EXT, or false */
bool riscv_decode_zb(uint32_t insn, uint32_t ext, DecodedInsn *d);

static inline uint64_t zb_sext32(uint64_t v)
{
    return (uint64_t)(int64_t)(int32_t)v;
}

/* carry-less product of a and b: bits 63..0 and 127..64 */
static inline void zb_clmul128(uint64_t a, uint64_t b, uint64_t *lo,
                               uint64_t *hi)
{
    uint64_t l = 0, h = 0;

    for (unsigned i = 0; i < 64; i++) {
        if ((b >> i) & 1) {
            l ^= a << i;
            h ^= i ? a >> (64 - i) : 0;
        }
    }
    *lo = l;
    *hi = h;
}

static inline uint64_t riscv_zb(unsigned op, uint64_t a, uint64_t b)
{
    uint64_t lo, hi;
    unsigned sh = b & 63, shw = b & 31;

    switch (op) {
    case ZB_SH1ADD: return (a << 1) + b;
    case ZB_SH2ADD: return (a << 2) + b;
    case ZB_SH3ADD: return (a << 3) + b;
    case ZB_ADD_UW: return (uint32_t)a + b;
    case ZB_SH1ADD_UW: return ((uint64_t)(uint32_t)a << 1) + b;
    case ZB_SH2ADD_UW: return ((uint64_t)(uint32_t)a << 2) + b;
    case ZB_SH3ADD_UW: return ((uint64_t)(uint32_t)a << 3) + b;
    case ZB_SLLI_UW: return (uint64_t)(uint32_t)a << sh;
    case ZB_ANDN: return a & ~b;
    case ZB_ORN: return a | ~b;
    case ZB_XNOR: return ~(a ^ b);
    case ZB_CLZ: return a ? __builtin_clzll(a) : 64;
    case ZB_CTZ: return a ? __builtin_ctzll(a) : 64;
    case ZB_CPOP: return __builtin_popcountll(a);
    case ZB_CLZW: return (uint32_t)a ? __builtin_clz((uint32_t)a) : 32;
    case ZB_CTZW: return (uint32_t)a ? __builtin_ctz((uint32_t)a) : 32;
    case ZB_CPOPW: return __builtin_popcount((uint32_t)a);
    case ZB_MAX: return (int64_t)a > (int64_t)b ? a : b;
    case ZB_MAXU: return a > b ? a : b;
    case ZB_MIN: return (int64_t)a < (int64_t)b ? a : b;
    case ZB_MINU: return a < b ? a : b;
    case ZB_SEXT_B: return (uint64_t)(int64_t)(int8_t)a;
    case ZB_SEXT_H: return (uint64_t)(int64_t)(int16_t)a;
    case ZB_ZEXT_H: return (uint16_t)a;
    case ZB_ROL: return sh ? (a << sh) | (a >> (64 - sh)) : a;
    case ZB_ROR: return sh ? (a >> sh) | (a << (64 - sh)) : a;
    case ZB_ROLW: {
        uint32_t w = a;
        return zb_sext32(shw ? (w << shw) | (w >> (32 - shw)) : w);
    }
    case ZB_RORW: {
        uint32_t w = a;
        return zb_sext32(shw ? (w >> shw) | (w << (32 - shw)) : w);
    }
    case ZB_ORC_B: {
        uint64_t r = 0;
        for (unsigned i = 0; i < 64; i += 8) {
            r |= ((a >> i) & 0xff) ? 0xffull << i : 0;
        }
        return r;
    }
    case ZB_REV8: return __builtin_bswap64(a);
    case ZB_CLMUL:
        zb_clmul128(a, b, &lo, &hi);
        return lo;
    case ZB_CLMULH:
        zb_clmul128(a, b, &lo, &hi);
        return hi;
    case ZB_CLMULR:
        /* bits 126..63 of the product */
        zb_clmul128(a, b, &lo, &hi);
        return (hi << 1) | (lo >> 63);
    case ZB_BCLR: return a & ~(1ull << sh);
    case ZB_BEXT: return (a >> sh) & 1;
    case ZB_BINV: return a ^ (1ull << sh);
    case ZB_BSET: return a | (1ull << sh);
    case ZB_CZERO_EQZ: return b ? a : 0;
    case ZB_CZERO_NEZ: return b ? 0 : a;
    }
    __builtin_unreachable();
}

#endif
