/*
 * A small x86-64 instruction encoder for the block translator (jit.c):
 * just the forms it emits, each named after the instruction.  Operands are
 * host register numbers (RAX..R15) and [base + disp32] or
 * [base + index + disp32] memory operands; "q" forms are 64-bit, "d" forms
 * 32-bit.  Encodings follow the Intel SDM, volume 2.
 */
#ifndef TARGET_RISCV_JIT_X86_H
#define TARGET_RISCV_JIT_X86_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
       R8, R9, R10, R11, R12, R13, R14, R15 };

/* ALU operations: the /digit of opcode 0x81 and (digit << 3) | 3 for r, r/m */
enum { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6,
       ALU_CMP = 7 };
/* shift and rotate operations: the /digit of 0xC1 and 0xD3 */
enum { SH_ROL = 0, SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };
/* condition codes (low nibble of Jcc / SETcc) */
enum { CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5, CC_A = 0x7,
       CC_L = 0xc, CC_GE = 0xd, CC_G = 0xf };

/* where the next instruction goes; callers reserve the room beforehand */
typedef struct X86Buf {
    uint8_t *p;
} X86Buf;

static inline void x86_b(X86Buf *e, uint8_t v)
{
    *e->p++ = v;
}

static inline void x86_d(X86Buf *e, uint32_t v)
{
    memcpy(e->p, &v, 4);
    e->p += 4;
}

static inline void x86_rex(X86Buf *e, bool w, unsigned reg, unsigned index,
                           unsigned base)
{
    uint8_t v = 0x40 | w << 3 | (reg >> 3) << 2 | (index >> 3) << 1 |
                base >> 3;
    if (v != 0x40) {
        x86_b(e, v);
    }
}

/* ModRM (+ SIB) + displacement for [base + disp] */
static inline void x86_mem(X86Buf *e, unsigned reg, unsigned base,
                           int32_t disp)
{
    unsigned mod = disp == 0 && (base & 7) != RBP ? 0
                 : disp >= -128 && disp < 128 ? 1 : 2;

    x86_b(e, mod << 6 | (reg & 7) << 3 | (base & 7));
    if ((base & 7) == RSP) {
        x86_b(e, 0x24);
    }
    if (mod == 1) {
        x86_b(e, (uint8_t)disp);
    } else if (mod == 2) {
        x86_d(e, (uint32_t)disp);
    }
}

/* ModRM + SIB + displacement for [base + index + disp]; index is not RSP */
static inline void x86_mem_idx(X86Buf *e, unsigned reg, unsigned base,
                               unsigned index, int32_t disp)
{
    unsigned mod = disp == 0 && (base & 7) != RBP ? 0
                 : disp >= -128 && disp < 128 ? 1 : 2;

    x86_b(e, mod << 6 | (reg & 7) << 3 | 4);
    x86_b(e, (index & 7) << 3 | (base & 7));
    if (mod == 1) {
        x86_b(e, (uint8_t)disp);
    } else if (mod == 2) {
        x86_d(e, (uint32_t)disp);
    }
}

/* op reg, [base + disp] with a one- or two-byte opcode (0x0f first) */
static inline void x86_op_mem(X86Buf *e, bool w, unsigned op, unsigned reg,
                              unsigned base, int32_t disp)
{
    x86_rex(e, w, reg, 0, base);
    if (op > 0xff) {
        x86_b(e, op >> 8);
    }
    x86_b(e, op & 0xff);
    x86_mem(e, reg, base, disp);
}

static inline void x86_op_rr(X86Buf *e, bool w, unsigned op, unsigned reg,
                             unsigned rm)
{
    x86_rex(e, w, reg, 0, rm);
    if (op > 0xff) {
        x86_b(e, op >> 8);
    }
    x86_b(e, op & 0xff);
    x86_b(e, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/* mov reg, [base + disp] (64-bit) */
static inline void x86_load_q(X86Buf *e, unsigned reg, unsigned base,
                              int32_t disp)
{
    x86_op_mem(e, true, 0x8b, reg, base, disp);
}

/* mov [base + disp], reg (64-bit) */
static inline void x86_store_q(X86Buf *e, unsigned reg, unsigned base,
                               int32_t disp)
{
    x86_op_mem(e, true, 0x89, reg, base, disp);
}

/* ALU reg, [base + disp] */
static inline void x86_alu_mem(X86Buf *e, bool w, unsigned alu, unsigned reg,
                               unsigned base, int32_t disp)
{
    x86_op_mem(e, w, alu << 3 | 3, reg, base, disp);
}

/* ALU reg, reg2 */
static inline void x86_alu_rr(X86Buf *e, bool w, unsigned alu, unsigned reg,
                              unsigned reg2)
{
    x86_op_rr(e, w, alu << 3 | 3, reg, reg2);
}

/* ALU reg, imm32 (sign-extended in the 64-bit form) */
static inline void x86_alu_imm(X86Buf *e, bool w, unsigned alu, unsigned reg,
                               int32_t imm)
{
    x86_rex(e, w, 0, 0, reg);
    if (imm >= -128 && imm < 128) {
        x86_b(e, 0x83);
        x86_b(e, 0xc0 | alu << 3 | (reg & 7));
        x86_b(e, (uint8_t)imm);
    } else {
        x86_b(e, 0x81);
        x86_b(e, 0xc0 | alu << 3 | (reg & 7));
        x86_d(e, (uint32_t)imm);
    }
}

/* mov reg, sign-extended imm32 */
static inline void x86_mov_imm(X86Buf *e, unsigned reg, int32_t imm)
{
    if (imm >= 0) {
        x86_rex(e, false, 0, 0, reg);       /* mov r32, imm32 zero-extends */
        x86_b(e, 0xb8 | (reg & 7));
    } else {
        x86_rex(e, true, 0, 0, reg);
        x86_b(e, 0xc7);
        x86_b(e, 0xc0 | (reg & 7));
    }
    x86_d(e, (uint32_t)imm);
}

static inline void x86_mov_rr(X86Buf *e, unsigned dst, unsigned src)
{
    x86_op_rr(e, true, 0x8b, dst, src);
}

/* lea reg, [base + disp] */
static inline void x86_lea(X86Buf *e, unsigned reg, unsigned base,
                           int32_t disp)
{
    x86_op_mem(e, true, 0x8d, reg, base, disp);
}

/* shift reg by imm8, or by cl when count < 0 */
static inline void x86_shift(X86Buf *e, bool w, unsigned sh, unsigned reg,
                             int count)
{
    x86_rex(e, w, 0, 0, reg);
    if (count < 0) {
        x86_b(e, 0xd3);
        x86_b(e, 0xc0 | sh << 3 | (reg & 7));
    } else {
        x86_b(e, 0xc1);
        x86_b(e, 0xc0 | sh << 3 | (reg & 7));
        x86_b(e, (uint8_t)count);
    }
}

/* movsxd reg, reg32 (sign-extend the low 32 bits) */
static inline void x86_sext32(X86Buf *e, unsigned reg)
{
    x86_op_rr(e, true, 0x63, reg, reg);
}

/* setcc al-style byte register (reg < 4), then movzx reg32, reg8 */
static inline void x86_setcc_zx(X86Buf *e, unsigned cc, unsigned reg)
{
    x86_b(e, 0x0f);
    x86_b(e, 0x90 | cc);
    x86_b(e, 0xc0 | (reg & 7));
    x86_op_rr(e, false, 0x0fb6, reg, reg);
}

/* jcc rel32 / jmp rel32 with the displacement left for x86_patch() */
static inline uint8_t *x86_jcc(X86Buf *e, unsigned cc)
{
    x86_b(e, 0x0f);
    x86_b(e, 0x80 | cc);
    x86_d(e, 0);
    return e->p;
}

static inline void x86_patch(uint8_t *after_jump, const uint8_t *target)
{
    int32_t rel = (int32_t)(target - after_jump);
    memcpy(after_jump - 4, &rel, 4);
}

/* mov reg, imm64 */
static inline void x86_mov_imm64(X86Buf *e, unsigned reg, uint64_t imm)
{
    x86_rex(e, true, 0, 0, reg);
    x86_b(e, 0xb8 | (reg & 7));
    memcpy(e->p, &imm, 8);
    e->p += 8;
}

/* cmp byte [base + disp], imm8 */
static inline void x86_cmp_byte(X86Buf *e, unsigned base, int32_t disp,
                                uint8_t imm)
{
    x86_rex(e, false, 0, 0, base);
    x86_b(e, 0x80);
    x86_mem(e, ALU_CMP, base, disp);
    x86_b(e, imm);
}

/* jmp reg */
static inline void x86_jmp_reg(X86Buf *e, unsigned reg)
{
    x86_rex(e, false, 0, 0, reg);
    x86_b(e, 0xff);
    x86_b(e, 0xc0 | 4 << 3 | (reg & 7));
}

/* jmp qword [base + disp] */
static inline void x86_jmp_mem(X86Buf *e, unsigned base, int32_t disp)
{
    x86_rex(e, false, 0, 0, base);
    x86_b(e, 0xff);
    x86_mem(e, 4, base, disp);
}

/* the 0xF7 group on a register or [base + disp]: NOT 2, NEG 3, MUL 4
 * (rdx:rax = rax * src), IMUL 5, DIV 6, IDIV 7 (rdx:rax / src) */
enum { F7_NOT = 2, F7_NEG = 3, F7_MUL = 4, F7_IMUL = 5, F7_DIV = 6, F7_IDIV = 7 };

static inline void x86_f7_reg(X86Buf *e, bool w, unsigned op, unsigned reg)
{
    x86_rex(e, w, 0, 0, reg);
    x86_b(e, 0xf7);
    x86_b(e, 0xc0 | op << 3 | (reg & 7));
}

static inline void x86_f7_mem(X86Buf *e, bool w, unsigned op, unsigned base,
                              int32_t disp)
{
    x86_op_mem(e, w, 0xf7, op, base, disp);
}

/* sign-extend rax into rdx (cqo), or eax into edx (cdq) */
static inline void x86_sign_extend_ax(X86Buf *e, bool w)
{
    if (w) {
        x86_b(e, 0x48);
    }
    x86_b(e, 0x99);
}

/* cmovcc reg, reg2 */
static inline void x86_cmov(X86Buf *e, unsigned cc, unsigned reg,
                            unsigned reg2)
{
    x86_op_rr(e, true, 0x0f40 | cc, reg, reg2);
}

/* bswap reg (64-bit) */
static inline void x86_bswap(X86Buf *e, unsigned reg)
{
    x86_rex(e, true, 0, 0, reg);
    x86_b(e, 0x0f);
    x86_b(e, 0xc8 | (reg & 7));
}

/* bsf (forward) or bsr reg, [base + disp]: ZF set when the source is 0 */
static inline void x86_bitscan(X86Buf *e, bool w, bool reverse, unsigned reg,
                               unsigned base, int32_t disp)
{
    x86_op_mem(e, w, reverse ? 0x0fbd : 0x0fbc, reg, base, disp);
}

/* popcnt reg, [base + disp] (the host must have POPCNT) */
static inline void x86_popcnt(X86Buf *e, bool w, unsigned reg, unsigned base,
                              int32_t disp)
{
    x86_b(e, 0xf3);                 /* the mandatory prefix goes before REX */
    x86_op_mem(e, w, 0x0fb8, reg, base, disp);
}

/*
 * rax = the bytes of [base + disp] that are zero as 0x00, the others as
 * 0xff (RISC-V orc.b), with SSE2: movq xmm0, m64; pxor xmm1, xmm1;
 * pcmpeqb xmm0, xmm1; movq rax, xmm0; not rax.  xmm0 and xmm1 are
 * caller-saved, so translated code may use them.
 */
static inline void x86_orc_b(X86Buf *e, unsigned base, int32_t disp)
{
    x86_b(e, 0xf3);
    x86_op_mem(e, false, 0x0f7e, 0, base, disp);
    x86_b(e, 0x66); x86_b(e, 0x0f); x86_b(e, 0xef); x86_b(e, 0xc9);
    x86_b(e, 0x66); x86_b(e, 0x0f); x86_b(e, 0x74); x86_b(e, 0xc1);
    x86_b(e, 0x66); x86_b(e, 0x48); x86_b(e, 0x0f); x86_b(e, 0x7e);
    x86_b(e, 0xc0);
    x86_f7_reg(e, true, 2, RAX);    /* not */
}

/* test reg, reg */
static inline void x86_test(X86Buf *e, bool w, unsigned reg)
{
    x86_op_rr(e, w, 0x85, reg, reg);
}

static inline void x86_push_rdx(X86Buf *e)
{
    x86_b(e, 0x52);
}

static inline void x86_pop_rdx(X86Buf *e)
{
    x86_b(e, 0x5a);
}

/* jmp rel32 with the displacement left for x86_patch() */
static inline uint8_t *x86_jmp(X86Buf *e)
{
    x86_b(e, 0xe9);
    x86_d(e, 0);
    return e->p;
}

static inline void x86_ret(X86Buf *e)
{
    x86_b(e, 0xc3);
}

#endif
