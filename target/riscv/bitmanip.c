/*
 * Decoding of Zba, Zbb, Zbc, Zbs and Zicond (see bitmanip.h).  decode.c
 * asks here only for encodings the base ISA leaves illegal, and each
 * extension's encodings decode only while it is enabled on the bus.
 */
#include "target/riscv/bitmanip.h"

#define BA RISCV_EXT(ZBA)
#define BB RISCV_EXT(ZBB)
#define BC RISCV_EXT(ZBC)
#define BS RISCV_EXT(ZBS)
#define COND RISCV_EXT(ZICOND)

typedef struct ZbEncoding {
    uint32_t mask, match;
    uint32_t ext;
    uint8_t op;
    bool imm;               /* OP_ZBI: b is the shift amount */
} ZbEncoding;

#define R(f7, f3, opc) (0xfe00707fu), ((f7) << 25 | (f3) << 12 | (opc))
/* R-type with a fixed rs2 field: the unary operations */
#define U(f7, rs2, f3, opc) (0xfff0707fu), \
    ((f7) << 25 | (rs2) << 20 | (f3) << 12 | (opc))
/* shifts by immediate: funct6 and a 6-bit shamt, or funct7 and 5 bits */
#define SH6(f6, f3, opc) (0xfc00707fu), ((f6) << 26 | (f3) << 12 | (opc))
#define SH5(f7, f3, opc) R(f7, f3, opc)

static const ZbEncoding encodings[] = {
    { R(0x10, 2, 0x33), BA, ZB_SH1ADD, false },
    { R(0x10, 4, 0x33), BA, ZB_SH2ADD, false },
    { R(0x10, 6, 0x33), BA, ZB_SH3ADD, false },
    { R(0x04, 0, 0x3b), BA, ZB_ADD_UW, false },
    { R(0x10, 2, 0x3b), BA, ZB_SH1ADD_UW, false },
    { R(0x10, 4, 0x3b), BA, ZB_SH2ADD_UW, false },
    { R(0x10, 6, 0x3b), BA, ZB_SH3ADD_UW, false },
    { SH6(0x02, 1, 0x1b), BA, ZB_SLLI_UW, true },

    { R(0x20, 7, 0x33), BB, ZB_ANDN, false },
    { R(0x20, 6, 0x33), BB, ZB_ORN, false },
    { R(0x20, 4, 0x33), BB, ZB_XNOR, false },
    { U(0x30, 0, 1, 0x13), BB, ZB_CLZ, true },
    { U(0x30, 1, 1, 0x13), BB, ZB_CTZ, true },
    { U(0x30, 2, 1, 0x13), BB, ZB_CPOP, true },
    { U(0x30, 0, 1, 0x1b), BB, ZB_CLZW, true },
    { U(0x30, 1, 1, 0x1b), BB, ZB_CTZW, true },
    { U(0x30, 2, 1, 0x1b), BB, ZB_CPOPW, true },
    { R(0x05, 6, 0x33), BB, ZB_MAX, false },
    { R(0x05, 7, 0x33), BB, ZB_MAXU, false },
    { R(0x05, 4, 0x33), BB, ZB_MIN, false },
    { R(0x05, 5, 0x33), BB, ZB_MINU, false },
    { U(0x30, 4, 1, 0x13), BB, ZB_SEXT_B, true },
    { U(0x30, 5, 1, 0x13), BB, ZB_SEXT_H, true },
    { U(0x04, 0, 4, 0x3b), BB, ZB_ZEXT_H, true },
    { R(0x30, 1, 0x33), BB, ZB_ROL, false },
    { R(0x30, 5, 0x33), BB, ZB_ROR, false },
    { SH6(0x18, 5, 0x13), BB, ZB_ROR, true },
    { R(0x30, 1, 0x3b), BB, ZB_ROLW, false },
    { R(0x30, 5, 0x3b), BB, ZB_RORW, false },
    { SH5(0x30, 5, 0x1b), BB, ZB_RORW, true },
    { U(0x14, 7, 5, 0x13), BB, ZB_ORC_B, true },
    { U(0x35, 0x18, 5, 0x13), BB, ZB_REV8, true },

    { R(0x05, 1, 0x33), BC, ZB_CLMUL, false },
    { R(0x05, 3, 0x33), BC, ZB_CLMULH, false },
    { R(0x05, 2, 0x33), BC, ZB_CLMULR, false },

    { R(0x24, 1, 0x33), BS, ZB_BCLR, false },
    { R(0x24, 5, 0x33), BS, ZB_BEXT, false },
    { R(0x34, 1, 0x33), BS, ZB_BINV, false },
    { R(0x14, 1, 0x33), BS, ZB_BSET, false },
    { SH6(0x12, 1, 0x13), BS, ZB_BCLR, true },
    { SH6(0x12, 5, 0x13), BS, ZB_BEXT, true },
    { SH6(0x1a, 1, 0x13), BS, ZB_BINV, true },
    { SH6(0x0a, 1, 0x13), BS, ZB_BSET, true },

    { R(0x07, 5, 0x33), COND, ZB_CZERO_EQZ, false },
    { R(0x07, 7, 0x33), COND, ZB_CZERO_NEZ, false },
};

bool riscv_decode_zb(uint32_t insn, uint32_t ext, DecodedInsn *d)
{
    unsigned rd = (insn >> 7) & 31;

    for (unsigned i = 0; i < sizeof(encodings) / sizeof(encodings[0]); i++) {
        const ZbEncoding *z = &encodings[i];

        if ((insn & z->mask) == z->match && (ext & z->ext)) {
            d->op = z->imm ? OP_ZBI : OP_ZB;
            d->rm = z->op;
            d->rd = rd ? rd : XREG_SINK;
            d->rs1 = (insn >> 15) & 31;
            d->rs2 = z->imm ? 0 : (insn >> 20) & 31;
            /* shamt: 6 bits, or 5 for the W forms (bit 25 is funct7) */
            d->imm = (insn >> 20) & ((insn & 0x7f) == 0x1b &&
                                     z->op != ZB_SLLI_UW ? 31 : 63);
            return true;
        }
    }
    return false;
}
