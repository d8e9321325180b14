/*
 * Helpers for the CPU unit tests: a tiny machine (1 MiB of RAM at
 * 0x80000000, a scratch MMIO device, an exit device) and instruction
 * encoders, so each test writes its guest program inline as calls like
 * e_addi(5, 0, 42).  Programs end with emit_exit(), which stores to the
 * exit device (clobbering x31) and makes riscv_cpu_run() return.
 */
#ifndef TESTS_UNIT_CPU_TEST_H
#define TESTS_UNIT_CPU_TEST_H

#include <glib.h>
#include <stdint.h>

#include "target/riscv/cpu.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1024 * 1024)
#define ROM_BASE 0x1000ull
#define ROM_SIZE 0x1000
#define MMIO_BASE 0x10000000ull     /* 256 bytes of scratch registers */
#define EXIT_ADDR 0x100000ull       /* any write: request exit */
#define TRAP_VEC (RAM_BASE + 0x400)  /* see tm_exit_on_trap() */

typedef struct TestMachine {
    RISCVBus *bus;
    RISCVCPU *cpu;
    uint8_t *ram;
    uint8_t *rom;
    uint8_t mmio[256];
    unsigned mmio_reads, mmio_writes;
    uint64_t last_mmio_addr;
    unsigned last_mmio_size;
    uint64_t mtime;
    GString *log;
    uint64_t pc;                    /* where emit() writes next */
} TestMachine;

TestMachine *tm_new(void);
void tm_free(TestMachine *tm);
/* run from `entry` until the exit device is written (or budget) */
RISCVRunResult tm_run_from(TestMachine *tm, uint64_t entry, uint64_t budget);
uint64_t tm_x(TestMachine *tm, unsigned reg);
void tm_set_x(TestMachine *tm, unsigned reg, uint64_t v);
uint64_t tm_csr(TestMachine *tm, unsigned csr);
uint64_t tm_read64(TestMachine *tm, uint64_t paddr);
void tm_write64(TestMachine *tm, uint64_t paddr, uint64_t v);
uint32_t tm_read32(TestMachine *tm, uint64_t paddr);
/*
 * The first way A and B differ, as text to g_free(), or NULL when they are
 * in the same state: integer registers, pc, privilege, instruction count,
 * the M-mode trap CSRs, RAM and the scratch device.
 */
char *tm_difference(TestMachine *a, TestMachine *b);

void tm_org(TestMachine *tm, uint64_t addr);
void emit(TestMachine *tm, uint32_t insn);
void emit16(TestMachine *tm, uint16_t insn);
void emit_li(TestMachine *tm, unsigned rd, uint64_t v);
void emit_exit(TestMachine *tm);
/* M-mode traps go to TRAP_VEC, which exits; tm->pc is left at RAM_BASE */
void tm_exit_on_trap(TestMachine *tm);

/* ---- encoders ---- */
static inline uint32_t enc_r(unsigned f7, unsigned rs2, unsigned rs1,
                             unsigned f3, unsigned rd, unsigned opc)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static inline uint32_t enc_i(int32_t imm, unsigned rs1, unsigned f3,
                             unsigned rd, unsigned opc)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 |
           opc;
}

static inline uint32_t enc_s(int32_t imm, unsigned rs2, unsigned rs1,
                             unsigned f3, unsigned opc)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u & 0x1f) << 7 | opc;
}

static inline uint32_t enc_b(int32_t imm, unsigned rs2, unsigned rs1,
                             unsigned f3)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 |
           rs1 << 15 | f3 << 12 | ((u >> 1) & 0xf) << 8 |
           ((u >> 11) & 1) << 7 | 0x63;
}

static inline uint32_t enc_j(int32_t imm, unsigned rd)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 |
           ((u >> 11) & 1) << 20 | ((u >> 12) & 0xff) << 12 | rd << 7 | 0x6f;
}

#define I_OP(name, f3, opc) \
    static inline uint32_t e_##name(unsigned rd, unsigned rs1, int32_t imm) \
    { return enc_i(imm, rs1, f3, rd, opc); }
I_OP(addi, 0, 0x13) I_OP(slti, 2, 0x13) I_OP(sltiu, 3, 0x13)
I_OP(xori, 4, 0x13) I_OP(ori, 6, 0x13) I_OP(andi, 7, 0x13)
I_OP(addiw, 0, 0x1b)
I_OP(lb, 0, 0x03) I_OP(lh, 1, 0x03) I_OP(lw, 2, 0x03) I_OP(ld, 3, 0x03)
I_OP(lbu, 4, 0x03) I_OP(lhu, 5, 0x03) I_OP(lwu, 6, 0x03)
I_OP(jalr, 0, 0x67) I_OP(flw, 2, 0x07) I_OP(fld, 3, 0x07)
#undef I_OP

static inline uint32_t e_slli(unsigned rd, unsigned rs1, unsigned sh)
{ return enc_i(sh, rs1, 1, rd, 0x13); }
static inline uint32_t e_srli(unsigned rd, unsigned rs1, unsigned sh)
{ return enc_i(sh, rs1, 5, rd, 0x13); }
static inline uint32_t e_srai(unsigned rd, unsigned rs1, unsigned sh)
{ return enc_i(0x400 | sh, rs1, 5, rd, 0x13); }
static inline uint32_t e_slliw(unsigned rd, unsigned rs1, unsigned sh)
{ return enc_i(sh, rs1, 1, rd, 0x1b); }
static inline uint32_t e_srliw(unsigned rd, unsigned rs1, unsigned sh)
{ return enc_i(sh, rs1, 5, rd, 0x1b); }
static inline uint32_t e_sraiw(unsigned rd, unsigned rs1, unsigned sh)
{ return enc_i(0x400 | sh, rs1, 5, rd, 0x1b); }

#define R_OP(name, f7, f3, opc) \
    static inline uint32_t e_##name(unsigned rd, unsigned rs1, unsigned rs2) \
    { return enc_r(f7, rs2, rs1, f3, rd, opc); }
R_OP(add, 0, 0, 0x33) R_OP(sub, 0x20, 0, 0x33) R_OP(sll, 0, 1, 0x33)
R_OP(slt, 0, 2, 0x33) R_OP(sltu, 0, 3, 0x33) R_OP(xor, 0, 4, 0x33)
R_OP(srl, 0, 5, 0x33) R_OP(sra, 0x20, 5, 0x33) R_OP(or, 0, 6, 0x33)
R_OP(and, 0, 7, 0x33)
R_OP(addw, 0, 0, 0x3b) R_OP(subw, 0x20, 0, 0x3b) R_OP(sllw, 0, 1, 0x3b)
R_OP(srlw, 0, 5, 0x3b) R_OP(sraw, 0x20, 5, 0x3b)
R_OP(mul, 1, 0, 0x33) R_OP(mulh, 1, 1, 0x33) R_OP(mulhsu, 1, 2, 0x33)
R_OP(mulhu, 1, 3, 0x33) R_OP(div, 1, 4, 0x33) R_OP(divu, 1, 5, 0x33)
R_OP(rem, 1, 6, 0x33) R_OP(remu, 1, 7, 0x33)
R_OP(mulw, 1, 0, 0x3b) R_OP(divw, 1, 4, 0x3b) R_OP(divuw, 1, 5, 0x3b)
R_OP(remw, 1, 6, 0x3b) R_OP(remuw, 1, 7, 0x3b)
#undef R_OP

#define S_OP(name, f3, opc) \
    static inline uint32_t e_##name(unsigned rs2, unsigned rs1, int32_t imm) \
    { return enc_s(imm, rs2, rs1, f3, opc); }
S_OP(sb, 0, 0x23) S_OP(sh, 1, 0x23) S_OP(sw, 2, 0x23) S_OP(sd, 3, 0x23)
S_OP(fsw, 2, 0x27) S_OP(fsd, 3, 0x27)
#undef S_OP

#define B_OP(name, f3) \
    static inline uint32_t e_##name(unsigned rs1, unsigned rs2, int32_t off) \
    { return enc_b(off, rs2, rs1, f3); }
B_OP(beq, 0) B_OP(bne, 1) B_OP(blt, 4) B_OP(bge, 5) B_OP(bltu, 6)
B_OP(bgeu, 7)
#undef B_OP

static inline uint32_t e_lui(unsigned rd, uint32_t imm20)
{ return imm20 << 12 | rd << 7 | 0x37; }
static inline uint32_t e_auipc(unsigned rd, uint32_t imm20)
{ return imm20 << 12 | rd << 7 | 0x17; }
static inline uint32_t e_jal(unsigned rd, int32_t off) { return enc_j(off, rd); }

/* system */
#define E_ECALL 0x00000073u
#define E_EBREAK 0x00100073u
#define E_MRET 0x30200073u
#define E_SRET 0x10200073u
#define E_WFI 0x10500073u
#define E_FENCE 0x0ff0000fu
#define E_FENCE_I 0x0000100fu
#define E_SFENCE_VMA 0x12000073u
static inline uint32_t e_csrrw(unsigned rd, unsigned csr, unsigned rs1)
{ return enc_i(csr, rs1, 1, rd, 0x73); }
static inline uint32_t e_csrrs(unsigned rd, unsigned csr, unsigned rs1)
{ return enc_i(csr, rs1, 2, rd, 0x73); }
static inline uint32_t e_csrrc(unsigned rd, unsigned csr, unsigned rs1)
{ return enc_i(csr, rs1, 3, rd, 0x73); }
static inline uint32_t e_csrrwi(unsigned rd, unsigned csr, unsigned uimm)
{ return enc_i(csr, uimm, 5, rd, 0x73); }
static inline uint32_t e_csrrsi(unsigned rd, unsigned csr, unsigned uimm)
{ return enc_i(csr, uimm, 6, rd, 0x73); }
static inline uint32_t e_csrrci(unsigned rd, unsigned csr, unsigned uimm)
{ return enc_i(csr, uimm, 7, rd, 0x73); }

/*
 * Zba, Zbb, Zbc, Zbs, Zicond with all register fields zero: OR in rd << 7,
 * rs1 << 15 and (two-operand forms) rs2 << 20 or (shifts) shamt << 20.
 * ZB_TWO lists the two-operand forms, ZB_ONE the one-operand ones and
 * ZB_SHIFT the shifts by immediate with their largest shamt.
 */
#define ZB_R(f7, f3, opc) ((f7) << 25 | (f3) << 12 | (opc))
#define ZB_U(f7, fn, f3, opc) ((f7) << 25 | (fn) << 20 | (f3) << 12 | (opc))
#define ZB_SH1ADD ZB_R(0x10, 2, 0x33)
#define ZB_SH2ADD ZB_R(0x10, 4, 0x33)
#define ZB_SH3ADD ZB_R(0x10, 6, 0x33)
#define ZB_ADD_UW ZB_R(0x04, 0, 0x3b)
#define ZB_SH1ADD_UW ZB_R(0x10, 2, 0x3b)
#define ZB_SH2ADD_UW ZB_R(0x10, 4, 0x3b)
#define ZB_SH3ADD_UW ZB_R(0x10, 6, 0x3b)
#define ZB_ANDN ZB_R(0x20, 7, 0x33)
#define ZB_ORN ZB_R(0x20, 6, 0x33)
#define ZB_XNOR ZB_R(0x20, 4, 0x33)
#define ZB_MAX ZB_R(0x05, 6, 0x33)
#define ZB_MAXU ZB_R(0x05, 7, 0x33)
#define ZB_MIN ZB_R(0x05, 4, 0x33)
#define ZB_MINU ZB_R(0x05, 5, 0x33)
#define ZB_ROL ZB_R(0x30, 1, 0x33)
#define ZB_ROR ZB_R(0x30, 5, 0x33)
#define ZB_ROLW ZB_R(0x30, 1, 0x3b)
#define ZB_RORW ZB_R(0x30, 5, 0x3b)
#define ZB_CLMUL ZB_R(0x05, 1, 0x33)
#define ZB_CLMULH ZB_R(0x05, 3, 0x33)
#define ZB_CLMULR ZB_R(0x05, 2, 0x33)
#define ZB_BCLR ZB_R(0x24, 1, 0x33)
#define ZB_BEXT ZB_R(0x24, 5, 0x33)
#define ZB_BINV ZB_R(0x34, 1, 0x33)
#define ZB_BSET ZB_R(0x14, 1, 0x33)
#define ZB_CZERO_EQZ ZB_R(0x07, 5, 0x33)
#define ZB_CZERO_NEZ ZB_R(0x07, 7, 0x33)
#define ZB_CLZ ZB_U(0x30, 0, 1, 0x13)
#define ZB_CTZ ZB_U(0x30, 1, 1, 0x13)
#define ZB_CPOP ZB_U(0x30, 2, 1, 0x13)
#define ZB_CLZW ZB_U(0x30, 0, 1, 0x1b)
#define ZB_CTZW ZB_U(0x30, 1, 1, 0x1b)
#define ZB_CPOPW ZB_U(0x30, 2, 1, 0x1b)
#define ZB_SEXT_B ZB_U(0x30, 4, 1, 0x13)
#define ZB_SEXT_H ZB_U(0x30, 5, 1, 0x13)
#define ZB_ZEXT_H ZB_U(0x04, 0, 4, 0x3b)
#define ZB_ORC_B ZB_U(0x14, 7, 5, 0x13)
#define ZB_REV8 ZB_U(0x35, 0x18, 5, 0x13)
#define ZB_RORI ZB_U(0x30, 0, 5, 0x13)
#define ZB_RORIW ZB_U(0x30, 0, 5, 0x1b)
#define ZB_SLLI_UW ZB_U(0x04, 0, 1, 0x1b)
#define ZB_BCLRI ZB_U(0x24, 0, 1, 0x13)
#define ZB_BEXTI ZB_U(0x24, 0, 5, 0x13)
#define ZB_BINVI ZB_U(0x34, 0, 1, 0x13)
#define ZB_BSETI ZB_U(0x14, 0, 1, 0x13)
#define ZB_TWO ZB_SH1ADD, ZB_SH2ADD, ZB_SH3ADD, ZB_ADD_UW, ZB_SH1ADD_UW, \
    ZB_SH2ADD_UW, ZB_SH3ADD_UW, ZB_ANDN, ZB_ORN, ZB_XNOR, ZB_MAX, ZB_MAXU, \
    ZB_MIN, ZB_MINU, ZB_ROL, ZB_ROR, ZB_ROLW, ZB_RORW, ZB_CLMUL, \
    ZB_CLMULH, ZB_CLMULR, ZB_BCLR, ZB_BEXT, ZB_BINV, ZB_BSET, \
    ZB_CZERO_EQZ, ZB_CZERO_NEZ
#define ZB_ONE ZB_CLZ, ZB_CTZ, ZB_CPOP, ZB_CLZW, ZB_CTZW, ZB_CPOPW, \
    ZB_SEXT_B, ZB_SEXT_H, ZB_ZEXT_H, ZB_ORC_B, ZB_REV8
#define ZB_SHIFT ZB_RORI, ZB_RORIW, ZB_SLLI_UW, ZB_BCLRI, ZB_BEXTI, \
    ZB_BINVI, ZB_BSETI

/* Zicbom/Zicboz: cbo.inval 0, clean 1, flush 2, zero 4 */
static inline uint32_t e_cbo(unsigned which, unsigned rs1)
{ return enc_i(which, rs1, 2, 0, 0x0f); }
#define E_PAUSE 0x0100000fu
#define E_SFENCE_W_INVAL 0x18000073u
#define E_SFENCE_INVAL_IR 0x18100073u
static inline uint32_t e_sinval_vma(unsigned rs1, unsigned rs2)
{ return enc_r(0x0b, rs2, rs1, 0, 0, 0x73); }

/* A: f5 with width 2 (W) or 3 (D) */
static inline uint32_t e_amo(unsigned f5, unsigned width, unsigned rd,
                             unsigned rs1, unsigned rs2)
{ return enc_r(f5 << 2, rs2, rs1, width, rd, 0x2f); }
#define AMO_LR 0x02
#define AMO_SC 0x03
#define AMO_SWAP 0x01
#define AMO_ADD 0x00
#define AMO_XOR 0x04
#define AMO_AND 0x0c
#define AMO_OR 0x08
#define AMO_MIN 0x10
#define AMO_MAX 0x14
#define AMO_MINU 0x18
#define AMO_MAXU 0x1c

/* F/D: OP-FP with funct7, rs2 field, rm */
static inline uint32_t e_fp(unsigned f7, unsigned rd, unsigned rs1,
                            unsigned rs2, unsigned rm)
{ return enc_r(f7, rs2, rs1, rm, rd, 0x53); }
static inline uint32_t e_fma(unsigned opc, unsigned dbl, unsigned rd,
                             unsigned rs1, unsigned rs2, unsigned rs3,
                             unsigned rm)
{ return rs3 << 27 | dbl << 25 | rs2 << 20 | rs1 << 15 | rm << 12 |
         rd << 7 | opc; }
#define RM_RNE 0
#define RM_RTZ 1
#define RM_RDN 2
#define RM_RUP 3
#define RM_RMM 4
#define RM_DYN 7

/* CSR numbers used by tests */
#define CSR_FFLAGS 0x001
#define CSR_FRM 0x002
#define CSR_FCSR 0x003
#define CSR_CYCLE 0xc00
#define CSR_TIME 0xc01
#define CSR_INSTRET 0xc02
#define CSR_SSTATUS 0x100
#define CSR_SIE 0x104
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SSCRATCH 0x140
#define CSR_SEPC 0x141
#define CSR_SCAUSE 0x142
#define CSR_STVAL 0x143
#define CSR_SIP 0x144
#define CSR_SENVCFG 0x10a
#define CSR_STIMECMP 0x14d
#define CSR_SATP 0x180
#define CSR_MENVCFG 0x30a
#define CSR_MSTATUS 0x300
#define CSR_MISA 0x301
#define CSR_MEDELEG 0x302
#define CSR_MIDELEG 0x303
#define CSR_MIE 0x304
#define CSR_MTVEC 0x305
#define CSR_MCOUNTEREN 0x306
#define CSR_MSCRATCH 0x340
#define CSR_MEPC 0x341
#define CSR_MCAUSE 0x342
#define CSR_MTVAL 0x343
#define CSR_MIP 0x344
#define CSR_PMPCFG0 0x3a0
#define CSR_PMPADDR0 0x3b0
#define CSR_MHARTID 0xf14
#define CSR_MVENDORID 0xf11

#define MSTATUS_SIE (1ull << 1)
#define MSTATUS_MIE (1ull << 3)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_SPP (1ull << 8)
#define MSTATUS_MPP (3ull << 11)
#define MSTATUS_FS (3ull << 13)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM (1ull << 18)
#define MSTATUS_MXR (1ull << 19)
#define MSTATUS_SD (1ull << 63)

#endif
