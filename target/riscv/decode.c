/*
 * Instruction decoder: raw bits (16- or 32-bit) to a DecodedInsn.
 *
 * Compressed instructions are expanded to the operation of their 32-bit
 * equivalent with len = 2, so the executor knows one set of operations.
 * Integer destinations x0 become the sink register so executors never test
 * rd.  FP arithmetic, AMOs and CSR accesses keep their raw fields and are
 * checked in full by their own modules; everything else that is not a valid
 * encoding becomes OP_ILLEGAL here.  Optional extensions decode only when
 * the bus enables them (Zb* and Zicond in bitmanip.c); hints of Zicbop
 * (ORI to x0) and Zihintpause (a FENCE) are base instructions already and
 * need nothing.
 */
#include "target/riscv/bitmanip.h"

static inline uint32_t bits(uint32_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline int32_t sext(uint32_t v, unsigned width)
{
    return (int32_t)(v << (32 - width)) >> (32 - width);
}

static inline uint8_t int_rd(unsigned r)
{
    return r ? r : XREG_SINK;
}

static void set(DecodedInsn *d, unsigned op, unsigned rd, unsigned rs1,
                unsigned rs2, int32_t imm)
{
    d->op = op;
    d->rd = rd;
    d->rs1 = rs1;
    d->rs2 = rs2;
    d->imm = imm;
}

static void decode32(uint32_t i, uint32_t ext, DecodedInsn *d)
{
    unsigned rd = bits(i, 11, 7), rs1 = bits(i, 19, 15), rs2 = bits(i, 24, 20);
    unsigned f3 = bits(i, 14, 12), f7 = bits(i, 31, 25);
    int32_t imm_i = (int32_t)i >> 20;
    int32_t imm_s = sext(bits(i, 31, 25) << 5 | bits(i, 11, 7), 12);
    int32_t imm_b = sext((bits(i, 31, 31) << 12) | (bits(i, 7, 7) << 11) |
                         (bits(i, 30, 25) << 5) | (bits(i, 11, 8) << 1), 13);
    int32_t imm_u = (int32_t)(i & 0xfffff000u);
    int32_t imm_j = sext((bits(i, 31, 31) << 20) | (bits(i, 19, 12) << 12) |
                         (bits(i, 20, 20) << 11) | (bits(i, 30, 21) << 1), 21);
    static const uint8_t loads[8] = {
        OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU, OP_ILLEGAL };
    static const uint8_t branches[8] = {
        OP_BEQ, OP_BNE, OP_ILLEGAL, OP_ILLEGAL,
        OP_BLT, OP_BGE, OP_BLTU, OP_BGEU };
    static const uint8_t opimm[8] = {
        OP_ADDI, OP_SLLI, OP_SLTI, OP_SLTIU, OP_XORI, OP_SRLI, OP_ORI, OP_ANDI };
    static const uint8_t op_base[8] = {
        OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND };
    static const uint8_t op_mul[8] = {
        OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU,
        OP_DIV, OP_DIVU, OP_REM, OP_REMU };
    static const uint8_t op_mulw[8] = {
        OP_MULW, OP_ILLEGAL, OP_ILLEGAL, OP_ILLEGAL,
        OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW };

    d->rm = f3;
    d->rs3 = bits(i, 31, 27);
    switch (i & 0x7f) {
    case 0x37: /* LUI: an ADDI from x0 with the upper immediate */
        set(d, OP_ADDI, int_rd(rd), 0, 0, imm_u);
        return;
    case 0x17:
        set(d, OP_AUIPC, int_rd(rd), 0, 0, imm_u);
        return;
    case 0x6f:
        set(d, OP_JAL, int_rd(rd), 0, 0, imm_j);
        return;
    case 0x67:
        if (f3 == 0) {
            set(d, OP_JALR, int_rd(rd), rs1, 0, imm_i);
            return;
        }
        break;
    case 0x63:
        set(d, branches[f3], 0, rs1, rs2, imm_b);
        return;
    case 0x03:
        set(d, loads[f3], int_rd(rd), rs1, 0, imm_i);
        return;
    case 0x23:
        if (f3 <= 3) {
            set(d, OP_SB + f3, 0, rs1, rs2, imm_s);
            return;
        }
        break;
    case 0x13:
        if (f3 == 1) {
            if (bits(i, 31, 26) != 0) {
                break;
            }
            imm_i &= 63;
        } else if (f3 == 5) {
            unsigned f6 = bits(i, 31, 26);
            if (f6 != 0 && f6 != 0x10) {
                break;
            }
            set(d, f6 ? OP_SRAI : OP_SRLI, int_rd(rd), rs1, 0, imm_i & 63);
            return;
        }
        set(d, opimm[f3], int_rd(rd), rs1, 0, imm_i);
        return;
    case 0x1b:
        if (f3 == 0) {
            set(d, OP_ADDIW, int_rd(rd), rs1, 0, imm_i);
            return;
        }
        if (f3 == 1 && f7 == 0) {
            set(d, OP_SLLIW, int_rd(rd), rs1, 0, rs2);
            return;
        }
        if (f3 == 5 && (f7 == 0 || f7 == 0x20)) {
            set(d, f7 ? OP_SRAIW : OP_SRLIW, int_rd(rd), rs1, 0, rs2);
            return;
        }
        break;
    case 0x33:
        if (f7 == 0) {
            set(d, op_base[f3], int_rd(rd), rs1, rs2, 0);
            return;
        }
        if (f7 == 1) {
            set(d, op_mul[f3], int_rd(rd), rs1, rs2, 0);
            return;
        }
        if (f7 == 0x20 && (f3 == 0 || f3 == 5)) {
            set(d, f3 ? OP_SRA : OP_SUB, int_rd(rd), rs1, rs2, 0);
            return;
        }
        break;
    case 0x3b:
        if (f7 == 0 && (f3 == 0 || f3 == 1 || f3 == 5)) {
            set(d, f3 == 0 ? OP_ADDW : f3 == 1 ? OP_SLLW : OP_SRLW,
                int_rd(rd), rs1, rs2, 0);
            return;
        }
        if (f7 == 0x20 && (f3 == 0 || f3 == 5)) {
            set(d, f3 ? OP_SRAW : OP_SUBW, int_rd(rd), rs1, rs2, 0);
            return;
        }
        if (f7 == 1 && op_mulw[f3] != OP_ILLEGAL) {
            set(d, op_mulw[f3], int_rd(rd), rs1, rs2, 0);
            return;
        }
        break;
    case 0x0f:
        if (f3 == 0) {
            set(d, OP_FENCE, 0, 0, 0, 0);
            return;
        }
        if (f3 == 1) {
            set(d, OP_FENCE_I, 0, 0, 0, 0);
            return;
        }
        /* cbo.inval (0), .clean (1), .flush (2), .zero (4) */
        if (f3 == 2 && rd == 0) {
            unsigned which = bits(i, 31, 20);
            uint32_t need = which == 4 ? RISCV_EXT(ZICBOZ)
                          : which <= 2 ? RISCV_EXT(ZICBOM) : 0;
            if (ext & need) {
                set(d, OP_CBO, 0, rs1, 0, which);
                return;
            }
        }
        break;
    case 0x73:
        if (f3 == 0) {
            switch (i) {
            case 0x00000073: set(d, OP_ECALL, 0, 0, 0, 0); return;
            case 0x00100073: set(d, OP_EBREAK, 0, 0, 0, 0); return;
            case 0x30200073: set(d, OP_MRET, 0, 0, 0, 0); return;
            case 0x10200073: set(d, OP_SRET, 0, 0, 0, 0); return;
            case 0x10500073: set(d, OP_WFI, 0, 0, 0, 0); return;
            }
            if (f7 == 0x09 && rd == 0) {
                set(d, OP_SFENCE_VMA, 0, rs1, rs2, 0);
                return;
            }
            if (ext & RISCV_EXT(SVINVAL)) {
                /* sinval.vma: our sfence.vma flushes all, so the same */
                if (f7 == 0x0b && rd == 0) {
                    set(d, OP_SFENCE_VMA, 0, rs1, rs2, 0);
                    return;
                }
                /* sfence.w.inval, sfence.inval.ir: ordering only */
                if (i == 0x18000073 || i == 0x18100073) {
                    set(d, OP_SFENCE_INVAL, 0, 0, 0, 0);
                    return;
                }
            }
            break;
        }
        if (f3 != 4) {
            /* rd stays architectural: CSRRW with rd=x0 must not read */
            set(d, OP_CSR, rd, rs1, 0, (int32_t)bits(i, 31, 20));
            return;
        }
        break;
    case 0x2f:
        if (f3 == 2 || f3 == 3) {
            set(d, OP_AMO, rd, rs1, rs2, 0);
            return;
        }
        break;
    case 0x07:
        if (f3 == 2 || f3 == 3) {
            set(d, f3 == 2 ? OP_FLW : OP_FLD, rd, rs1, 0, imm_i);
            return;
        }
        break;
    case 0x27:
        if (f3 == 2 || f3 == 3) {
            set(d, f3 == 2 ? OP_FSW : OP_FSD, 0, rs1, rs2, imm_s);
            return;
        }
        break;
    case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53:
        set(d, OP_FP, rd, rs1, rs2, 0);
        return;
    }
    if (ext && riscv_decode_zb(i, ext, d)) {
        return;
    }
    set(d, OP_ILLEGAL, 0, 0, 0, 0);
}

static void decode16(uint32_t i, DecodedInsn *d)
{
    unsigned f3 = bits(i, 15, 13);
    unsigned rd = bits(i, 11, 7), rs2 = bits(i, 6, 2);
    unsigned rdp = bits(i, 4, 2) + 8, rs1p = bits(i, 9, 7) + 8;
    int32_t imm6 = sext((bits(i, 12, 12) << 5) | bits(i, 6, 2), 6);
    uint32_t uimm;

    d->rs3 = 0;
    d->rm = 0;
    switch ((i & 3) << 3 | f3) {
    /* quadrant 0 */
    case 0x00: /* C.ADDI4SPN */
        uimm = (bits(i, 12, 11) << 4) | (bits(i, 10, 7) << 6) |
               (bits(i, 6, 6) << 2) | (bits(i, 5, 5) << 3);
        if (uimm) {
            set(d, OP_ADDI, rdp, 2, 0, uimm);
            return;
        }
        break;
    case 0x01: /* C.FLD */
        uimm = (bits(i, 12, 10) << 3) | (bits(i, 6, 5) << 6);
        set(d, OP_FLD, rdp, rs1p, 0, uimm);
        d->rm = 3;
        return;
    case 0x02: /* C.LW */
        uimm = (bits(i, 12, 10) << 3) | (bits(i, 6, 6) << 2) |
               (bits(i, 5, 5) << 6);
        set(d, OP_LW, rdp, rs1p, 0, uimm);
        return;
    case 0x03: /* C.LD */
        uimm = (bits(i, 12, 10) << 3) | (bits(i, 6, 5) << 6);
        set(d, OP_LD, rdp, rs1p, 0, uimm);
        return;
    case 0x05: /* C.FSD */
        uimm = (bits(i, 12, 10) << 3) | (bits(i, 6, 5) << 6);
        set(d, OP_FSD, 0, rs1p, rdp, uimm);
        return;
    case 0x06: /* C.SW */
        uimm = (bits(i, 12, 10) << 3) | (bits(i, 6, 6) << 2) |
               (bits(i, 5, 5) << 6);
        set(d, OP_SW, 0, rs1p, rdp, uimm);
        return;
    case 0x07: /* C.SD */
        uimm = (bits(i, 12, 10) << 3) | (bits(i, 6, 5) << 6);
        set(d, OP_SD, 0, rs1p, rdp, uimm);
        return;

    /* quadrant 1 */
    case 0x08: /* C.ADDI, C.NOP */
        set(d, OP_ADDI, int_rd(rd), rd, 0, imm6);
        return;
    case 0x09: /* C.ADDIW */
        if (rd) {
            set(d, OP_ADDIW, rd, rd, 0, imm6);
            return;
        }
        break;
    case 0x0a: /* C.LI */
        set(d, OP_ADDI, int_rd(rd), 0, 0, imm6);
        return;
    case 0x0b:
        if (rd == 2) { /* C.ADDI16SP */
            int32_t imm = sext((bits(i, 12, 12) << 9) | (bits(i, 6, 6) << 4) |
                               (bits(i, 5, 5) << 6) | (bits(i, 4, 3) << 7) |
                               (bits(i, 2, 2) << 5), 10);
            if (imm) {
                set(d, OP_ADDI, 2, 2, 0, imm);
                return;
            }
        } else if (imm6) { /* C.LUI */
            set(d, OP_ADDI, int_rd(rd), 0, 0, imm6 * 4096);
            return;
        }
        break;
    case 0x0c: {
        unsigned f2 = bits(i, 11, 10);
        unsigned shamt = (bits(i, 12, 12) << 5) | bits(i, 6, 2);
        static const uint8_t ops[8] = {
            OP_SUB, OP_XOR, OP_OR, OP_AND,
            OP_SUBW, OP_ADDW, OP_ILLEGAL, OP_ILLEGAL };
        unsigned op;
        switch (f2) {
        case 0:
            set(d, OP_SRLI, rs1p, rs1p, 0, shamt);
            return;
        case 1:
            set(d, OP_SRAI, rs1p, rs1p, 0, shamt);
            return;
        case 2:
            set(d, OP_ANDI, rs1p, rs1p, 0, imm6);
            return;
        }
        op = ops[(bits(i, 12, 12) << 2) | bits(i, 6, 5)];
        if (op != OP_ILLEGAL) {
            set(d, op, rs1p, rs1p, rdp, 0);
            return;
        }
        break;
    }
    case 0x0d: /* C.J */
        set(d, OP_JAL, XREG_SINK, 0, 0,
            sext((bits(i, 12, 12) << 11) | (bits(i, 11, 11) << 4) |
                 (bits(i, 10, 9) << 8) | (bits(i, 8, 8) << 10) |
                 (bits(i, 7, 7) << 6) | (bits(i, 6, 6) << 7) |
                 (bits(i, 5, 3) << 1) | (bits(i, 2, 2) << 5), 12));
        return;
    case 0x0e: case 0x0f: /* C.BEQZ, C.BNEZ */
        set(d, f3 == 6 ? OP_BEQ : OP_BNE, 0, rs1p, 0,
            sext((bits(i, 12, 12) << 8) | (bits(i, 11, 10) << 3) |
                 (bits(i, 6, 5) << 6) | (bits(i, 4, 3) << 1) |
                 (bits(i, 2, 2) << 5), 9));
        return;

    /* quadrant 2 */
    case 0x10: /* C.SLLI */
        set(d, OP_SLLI, int_rd(rd), rd, 0,
            (bits(i, 12, 12) << 5) | bits(i, 6, 2));
        return;
    case 0x11: /* C.FLDSP */
        uimm = (bits(i, 12, 12) << 5) | (bits(i, 6, 5) << 3) |
               (bits(i, 4, 2) << 6);
        set(d, OP_FLD, rd, 2, 0, uimm);
        return;
    case 0x12: /* C.LWSP */
        if (rd) {
            uimm = (bits(i, 12, 12) << 5) | (bits(i, 6, 4) << 2) |
                   (bits(i, 3, 2) << 6);
            set(d, OP_LW, rd, 2, 0, uimm);
            return;
        }
        break;
    case 0x13: /* C.LDSP */
        if (rd) {
            uimm = (bits(i, 12, 12) << 5) | (bits(i, 6, 5) << 3) |
                   (bits(i, 4, 2) << 6);
            set(d, OP_LD, rd, 2, 0, uimm);
            return;
        }
        break;
    case 0x14:
        if (!bits(i, 12, 12)) {
            if (rs2 == 0) { /* C.JR */
                if (rd) {
                    set(d, OP_JALR, XREG_SINK, rd, 0, 0);
                    return;
                }
                break;
            }
            set(d, OP_ADD, int_rd(rd), 0, rs2, 0); /* C.MV */
            return;
        }
        if (rs2 == 0) {
            if (rd == 0) {
                set(d, OP_EBREAK, 0, 0, 0, 0);
            } else {
                set(d, OP_JALR, 1, rd, 0, 0); /* C.JALR */
            }
            return;
        }
        set(d, OP_ADD, int_rd(rd), rd, rs2, 0); /* C.ADD */
        return;
    case 0x15: /* C.FSDSP */
        uimm = (bits(i, 12, 10) << 3) | (bits(i, 9, 7) << 6);
        set(d, OP_FSD, 0, 2, rs2, uimm);
        return;
    case 0x16: /* C.SWSP */
        uimm = (bits(i, 12, 9) << 2) | (bits(i, 8, 7) << 6);
        set(d, OP_SW, 0, 2, rs2, uimm);
        return;
    case 0x17: /* C.SDSP */
        uimm = (bits(i, 12, 10) << 3) | (bits(i, 9, 7) << 6);
        set(d, OP_SD, 0, 2, rs2, uimm);
        return;
    }
    set(d, OP_ILLEGAL, 0, 0, 0, 0);
}

void riscv_decode(uint32_t insn, uint32_t ext, DecodedInsn *d)
{
    if ((insn & 3) != 3) {
        insn &= 0xffff;
        d->len = 2;
        d->raw = insn;
        decode16(insn, d);
    } else {
        d->len = 4;
        d->raw = insn;
        if ((insn & 0x1c) == 0x1c) {
            /* 48-bit and longer encodings: none are implemented */
            set(d, OP_ILLEGAL, 0, 0, 0, 0);
            d->rs3 = d->rm = 0;
            return;
        }
        decode32(insn, ext, d);
    }
}
