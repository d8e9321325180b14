/*
 * Block translator: hot blocks of integer instructions to x86-64 code (see
 * the contract in cpu-internal.h).  The interpreter stays in charge: it
 * decides when a block is hot, checks the slice budget before calling a
 * block, and performs everything a block leaves to it (TLB misses, MMIO,
 * traps, CSRs, FP, AMOs).
 *
 * Host code conventions: rdi = x[], rsi = the data TLB set, rdx = the
 * guest pc of the running block's entry (so every pc is rdx + a constant),
 * r8 = the allowance (instructions the run may complete), r10 = the
 * instructions completed by the blocks before this one in the run, r11 =
 * the exec TLB of the current mode.  rax, rcx and r9 are scratch.  A run
 * starts at a trampoline called from C as a JitEnter (System V arguments
 * rdi, rsi, rdx, rcx = allowance, r8 = code, r9 = exec TLB), goes from
 * block to block through the target's slot (if it is OP_JIT and its block
 * fits in the allowance; a slot of the same page is known when
 * translating, others are found through the exec TLB as the interpreter
 * finds them), and returns {next pc, instructions completed} in rax:rdx.
 *
 * Translations live in one code buffer.  Nothing is freed piecemeal: a
 * block of an invalidated page is just unreachable, and when the buffer
 * is full all decoded code is dropped (riscv_icache_flush_all) and the
 * buffer starts over.
 */
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <glib.h>

#include "target/riscv/bitmanip.h"
#include "target/riscv/jit-x86.h"

#define JIT_MAX_INSNS 64
/* generous bounds on the host code of one instruction and of one exit */
#define JIT_INSN_BYTES 96
#define JIT_EXIT_BYTES 96
#define JIT_TRAMPOLINE_BYTES 64
#define JIT_WORST_BLOCK (sizeof(JitBlock) + 32 + \
                         JIT_MAX_INSNS * (JIT_INSN_BYTES + JIT_EXIT_BYTES))

_Static_assert(RISCV_JIT_MIN_BUFFER >= JIT_TRAMPOLINE_BYTES + JIT_WORST_BLOCK,
               "the smallest buffer must hold a block");

#define XREG(r) ((int32_t)(r) * 8)      /* displacement of x[r] from rdi */
#define TLB_READ offsetof(TLBSet, read)
#define TLB_WRITE offsetof(TLBSet, write)

struct RISCVJit {
    uint8_t *buf;           /* the trampoline, then the blocks */
    size_t size;
    uint8_t *blocks_start;
    uint8_t *next;
    uint64_t blocks;        /* translated since the buffer started over */
    uint64_t restarts;
};

/* A TLB miss in the block: return to the interpreter at that instruction. */
typedef struct SlowExit {
    uint8_t *jump;          /* the jne to patch */
    uint32_t off;           /* byte offset of the instruction from entry */
    uint32_t done;          /* instructions completed before it */
} SlowExit;

typedef struct Block {
    X86Buf e;
    DecodedPage *page;
    unsigned slot;          /* of the entry */
    SlowExit slow[JIT_MAX_INSNS];
    unsigned nslow;
} Block;

#if defined(__x86_64__)

/* JitEnter: the C arguments to the block conventions, then the block */
static void emit_trampoline(X86Buf *e)
{
    x86_mov_rr(e, RAX, R8);                     /* code */
    x86_mov_rr(e, R8, RCX);                     /* allowance */
    x86_mov_rr(e, R11, R9);                     /* exec TLB */
    x86_alu_rr(e, false, ALU_XOR, R10, R10);    /* nothing completed */
    x86_jmp_reg(e, RAX);
}

bool riscv_bus_set_jit(RISCVBus *bus, size_t buffer_size)
{
    void *buf;
    X86Buf e;

    if (bus->jit) {
        riscv_icache_flush_all(bus);    /* no slot may point into it */
        riscv_jit_free(bus);
    }
    if (!buffer_size) {
        return true;
    }
    buffer_size = MAX(buffer_size, RISCV_JIT_MIN_BUFFER);
    buf = mmap(NULL, buffer_size, PROT_READ | PROT_WRITE | PROT_EXEC,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) {
        return false;
    }
    e.p = buf;
    emit_trampoline(&e);
    bus->jit = g_new0(RISCVJit, 1);
    bus->jit->buf = buf;
    bus->jit->size = buffer_size;
    bus->jit->blocks_start = bus->jit->next =
        (uint8_t *)buf + JIT_TRAMPOLINE_BYTES;
    bus->jit_enter = (JitEnter *)buf;
    return true;
}

#else

bool riscv_bus_set_jit(RISCVBus *bus, size_t buffer_size)
{
    return !buffer_size;    /* no translator for this host: interpret */
}

#endif

void riscv_jit_reset(RISCVBus *bus)
{
    if (bus->jit) {
        if (bus->jit->blocks) {
            bus->jit->restarts++;
        }
        bus->jit->next = bus->jit->blocks_start;
        bus->jit->blocks = 0;
    }
}

RISCVJitStats riscv_bus_get_jit_stats(const RISCVBus *bus)
{
    RISCVJitStats s = { 0 };

    if (bus->jit) {
        s.blocks = bus->jit->blocks;
        s.restarts = bus->jit->restarts;
        s.used = bus->jit->next - bus->jit->buf;
        s.size = bus->jit->size;
    }
    return s;
}

void riscv_jit_free(RISCVBus *bus)
{
    if (bus->jit) {
        munmap(bus->jit->buf, bus->jit->size);
        g_free(bus->jit);
        bus->jit = NULL;
        bus->jit_enter = NULL;
    }
}

/* ---- code generation ---- */

/* reg = entry pc + off + imm */
static void emit_pc_plus(X86Buf *e, unsigned reg, uint32_t off, int32_t imm)
{
    int64_t delta = (int64_t)off + imm;

    if (delta == (int32_t)delta) {
        x86_lea(e, reg, RDX, (int32_t)delta);
    } else {
        x86_mov_imm(e, reg, imm);
        x86_alu_rr(e, true, ALU_ADD, reg, RDX);
        x86_alu_imm(e, true, ALU_ADD, reg, (int32_t)off);
    }
}

/* rdx = the instructions completed in this run, counting DONE of this block */
static void emit_total_done(X86Buf *e, uint32_t done)
{
    x86_lea(e, RDX, R10, (int32_t)done);
}

/* return {entry pc + off + imm, done} */
static void emit_exit(X86Buf *e, uint32_t off, int32_t imm, uint32_t done)
{
    emit_pc_plus(e, RAX, off, imm);
    emit_total_done(e, done);
    x86_ret(e);
}

/*
 * rax = the next pc, rcx = its slot, after DONE instructions of this
 * block: if the slot is OP_JIT and its whole block fits in the allowance,
 * go on into it.  Else jump to *FAIL (two jumps to patch).
 */
static void emit_enter_slot(X86Buf *e, uint32_t done, uint8_t **fail)
{
    x86_cmp_byte(e, RCX, offsetof(DecodedInsn, op), OP_JIT);
    fail[0] = x86_jcc(e, CC_NE);
    x86_load_q(e, RCX, RCX, offsetof(DecodedInsn, jit));
    x86_op_mem(e, false, 0x8b, R9, RCX, offsetof(JitBlock, ninsns));
    x86_alu_rr(e, true, ALU_ADD, R9, R10);
    x86_alu_imm(e, true, ALU_ADD, R9, (int32_t)done);
    x86_alu_rr(e, true, ALU_CMP, R9, R8);
    fail[1] = x86_jcc(e, CC_A);
    x86_alu_imm(e, true, ALU_ADD, R10, (int32_t)done);
    x86_mov_rr(e, RDX, RAX);
    x86_jmp_mem(e, RCX, offsetof(JitBlock, code));
}

/*
 * The software TLB probe of the interpreter (TLB_IDX) for an access of
 * SIZE bytes at the address in rax: rcx = the entry's offset in its table,
 * then a jne, returned for patching, taken unless the entry at
 * [BASE + TABLE + rcx] has the tag of the page of the access's last byte,
 * so misaligned accesses within a page hit and page-crossing ones miss.
 */
static uint8_t *emit_tlb_probe(X86Buf *e, unsigned base, size_t table,
                               unsigned size)
{
    x86_mov_rr(e, RCX, RAX);
    x86_shift(e, true, SH_SHR, RCX, PAGE_BITS);
    x86_alu_imm(e, false, ALU_AND, RCX, TLB_SIZE - 1);
    x86_op_rr(e, false, 0x6b, RCX, RCX);            /* imul ecx, ecx, imm8 */
    x86_b(e, sizeof(TLBEntry));
    x86_lea(e, R9, RAX, (int32_t)size - 1);
    x86_alu_imm(e, true, ALU_AND, R9, (int32_t)PAGE_MASK);
    x86_rex(e, true, R9, RCX, base);                /* cmp r9, vtag */
    x86_b(e, ALU_CMP << 3 | 3);
    x86_mem_idx(e, R9, base, RCX, table + offsetof(TLBEntry, vtag));
    return x86_jcc(e, CC_NE);
}

/*
 * rcx = the slot of the pc in rax, looked up in the exec TLB like the
 * interpreter's new_page; jumps to *MISS when the page is not there.
 */
static void emit_find_slot(X86Buf *e, uint8_t **miss)
{
    *miss = emit_tlb_probe(e, R11, 0, 1);
    x86_rex(e, true, RCX, RCX, R11);                /* mov rcx, page */
    x86_b(e, 0x8b);
    x86_mem_idx(e, RCX, R11, RCX, offsetof(TLBEntry, page));
    x86_op_rr(e, false, 0x8b, R9, RAX);             /* mov r9d, eax */
    x86_alu_imm(e, false, ALU_AND, R9, PAGE_SIZE - 1);
    x86_shift(e, true, SH_SHL, R9, 3);              /* (off / 2) * 16 */
    x86_rex(e, true, RCX, R9, RCX);                 /* lea rcx, slot */
    x86_b(e, 0x8d);
    x86_mem_idx(e, RCX, RCX, R9, offsetof(DecodedPage, insn));
}

/*
 * Leave the block for the pc in rax after DONE instructions: go on into
 * the block translated there if there is one and the allowance has room
 * for all of it, else return to the interpreter.  SLOT: the target's slot
 * when known at translation time (in this block's page), else NULL.
 */
static void emit_leave(X86Buf *e, const DecodedInsn *slot, uint32_t done)
{
    uint8_t *fail[3];
    unsigned nfail = 2;

    if (slot) {
        x86_mov_imm64(e, RCX, (uintptr_t)slot);
    } else {
        emit_find_slot(e, &fail[2]);
        nfail = 3;
    }
    emit_enter_slot(e, done, fail);
    for (unsigned i = 0; i < nfail; i++) {
        x86_patch(fail[i], e->p);
    }
    emit_total_done(e, done);
    x86_ret(e);
}

/* Leave the block for entry pc + off + imm after DONE instructions. */
static void emit_exit_to(Block *b, uint32_t off, int32_t imm, uint32_t done)
{
    int64_t target = (int64_t)b->slot * 2 + off + imm;   /* page offset */
    bool same_page = target >= 0 && target < (int64_t)PAGE_SIZE;

    emit_pc_plus(&b->e, RAX, off, imm);
    emit_leave(&b->e, same_page ? &b->page->insn[target / 2] : NULL, done);
}

/* rax = x[rs1] + imm */
static void emit_address(X86Buf *e, const DecodedInsn *d)
{
    x86_load_q(e, RAX, RDI, XREG(d->rs1));
    if (d->imm) {
        x86_alu_imm(e, true, ALU_ADD, RAX, d->imm);
    }
}

/*
 * The data TLB lookup of the interpreter's LOAD/STORE macros: on a hit rax
 * becomes the host address, on a miss the block exits at this instruction.
 */
static void emit_tlb(Block *b, size_t table, unsigned size, uint32_t off,
                     uint32_t done)
{
    X86Buf *e = &b->e;
    SlowExit *s = &b->slow[b->nslow++];

    s->jump = emit_tlb_probe(e, RSI, table, size);
    s->off = off;
    s->done = done;
    /* add rax, [rsi + rcx + addend] */
    x86_rex(e, true, RAX, RCX, RSI);
    x86_b(e, ALU_ADD << 3 | 3);
    x86_mem_idx(e, RAX, RSI, RCX, table + offsetof(TLBEntry, addend));
}

static void emit_load(Block *b, const DecodedInsn *d, unsigned op,
                      uint32_t off, uint32_t done)
{
    /* the load from [rax] into rcx, sign- or zero-extended */
    static const struct { uint8_t size; bool w; uint16_t opcode; } forms[] = {
        [OP_LB] = { 1, true, 0x0fbe },  [OP_LBU] = { 1, false, 0x0fb6 },
        [OP_LH] = { 2, true, 0x0fbf },  [OP_LHU] = { 2, false, 0x0fb7 },
        [OP_LW] = { 4, true, 0x63 },    [OP_LWU] = { 4, false, 0x8b },
        [OP_LD] = { 8, true, 0x8b },
    };
    X86Buf *e = &b->e;

    emit_address(e, d);
    emit_tlb(b, TLB_READ, forms[op].size, off, done);
    x86_op_mem(e, forms[op].w, forms[op].opcode, RCX, RAX, 0);
    x86_store_q(e, RCX, RDI, XREG(d->rd));
}

static void emit_store(Block *b, const DecodedInsn *d, unsigned op,
                       uint32_t off, uint32_t done)
{
    unsigned size = op == OP_SB ? 1 : op == OP_SH ? 2 : op == OP_SW ? 4 : 8;
    X86Buf *e = &b->e;

    emit_address(e, d);
    emit_tlb(b, TLB_WRITE, size, off, done);
    x86_load_q(e, RCX, RDI, XREG(d->rs2));
    if (size == 2) {
        x86_b(e, 0x66);                 /* operand size 16 */
    }
    x86_op_mem(e, size == 8, size == 1 ? 0x88 : 0x89, RCX, RAX, 0);
}

/* rd = rax; W forms: its low 32 bits, sign-extended */
static void emit_set_rd(X86Buf *e, const DecodedInsn *d, bool w32)
{
    if (w32) {
        x86_sext32(e, RAX);
    }
    x86_store_q(e, RAX, RDI, XREG(d->rd));
}

/* rd = rs1 OP imm; W: on the low 32 bits (ADDIW) */
static void emit_alu_imm(X86Buf *e, const DecodedInsn *d, unsigned alu,
                         bool w32)
{
    if (d->rs1 == 0 && alu == ALU_ADD) {
        x86_mov_imm(e, RAX, d->imm);        /* li / lui */
    } else {
        x86_load_q(e, RAX, RDI, XREG(d->rs1));
        if (d->imm || alu == ALU_AND) {
            x86_alu_imm(e, !w32, alu, RAX, d->imm);
        }
    }
    emit_set_rd(e, d, w32);
}

/* rd = rs1 OP rs2; W: on the low 32 bits, the result sign-extended */
static void emit_alu_reg(X86Buf *e, const DecodedInsn *d, unsigned alu,
                         bool w32)
{
    x86_load_q(e, RAX, RDI, XREG(d->rs1));
    x86_alu_mem(e, !w32, alu, RAX, RDI, XREG(d->rs2));
    emit_set_rd(e, d, w32);
}

/* rd = rs1 < (rs2 or imm), signed (CC_L) or unsigned (CC_B) */
static void emit_set_less(X86Buf *e, const DecodedInsn *d, unsigned cc,
                          bool imm)
{
    x86_load_q(e, RAX, RDI, XREG(d->rs1));
    if (imm) {
        x86_alu_imm(e, true, ALU_CMP, RAX, d->imm);
    } else {
        x86_alu_mem(e, true, ALU_CMP, RAX, RDI, XREG(d->rs2));
    }
    x86_setcc_zx(e, cc, RAX);
    emit_set_rd(e, d, false);
}

/* rd = rs1 shifted by imm or by rs2 (count < 0); W forms on 32 bits */
static void emit_shift(X86Buf *e, const DecodedInsn *d, unsigned sh,
                       bool w32, bool by_reg)
{
    if (by_reg) {
        x86_load_q(e, RCX, RDI, XREG(d->rs2));
    }
    x86_load_q(e, RAX, RDI, XREG(d->rs1));
    x86_shift(e, !w32, sh, RAX, by_reg ? -1 : d->imm);
    emit_set_rd(e, d, w32);
}

/* clz, ctz and their W forms with bsr/bsf, whose result for 0 is not
 * defined: ZF picks the width instead */
static void emit_count_zeros(X86Buf *e, const DecodedInsn *d, unsigned zb)
{
    bool w = zb == ZB_CLZ || zb == ZB_CTZ, clz = zb == ZB_CLZ ||
                                                 zb == ZB_CLZW;
    unsigned bits = w ? 64 : 32;

    /* clz = index of the top bit ^ (bits - 1); for 0, (2 bits - 1) ^ ... */
    x86_mov_imm(e, RCX, clz ? 2 * bits - 1 : bits);
    x86_bitscan(e, w, clz, RAX, RDI, XREG(d->rs1));
    x86_cmov(e, CC_E, RAX, RCX);
    if (clz) {
        x86_alu_imm(e, w, ALU_XOR, RAX, bits - 1);
    }
    emit_set_rd(e, d, false);
}

/*
 * Zba, Zbb, Zbs and Zicond operations that map onto a few x86 ones
 * (riscv_zb() is the reference); false for clmul (a loop) and, on hosts
 * without POPCNT, cpop, which the interpreter does.  b is x[rs2] for
 * OP_ZB, the immediate for OP_ZBI.
 */
static bool emit_zb(X86Buf *e, const DecodedInsn *d, bool imm)
{
    static const uint8_t shadd[] = {
        [ZB_SH1ADD] = 1, [ZB_SH2ADD] = 2, [ZB_SH3ADD] = 3, [ZB_ADD_UW] = 0,
        [ZB_SH1ADD_UW] = 1, [ZB_SH2ADD_UW] = 2, [ZB_SH3ADD_UW] = 3,
    };
    unsigned zb = d->rm;

    switch (zb) {
    case ZB_CLMUL: case ZB_CLMULH: case ZB_CLMULR:
        return false;
    case ZB_CPOP: case ZB_CPOPW:
        if (!__builtin_cpu_supports("popcnt")) {
            return false;
        }
        x86_popcnt(e, zb == ZB_CPOP, RAX, RDI, XREG(d->rs1));
        emit_set_rd(e, d, false);
        return true;
    case ZB_CLZ: case ZB_CTZ: case ZB_CLZW: case ZB_CTZW:
        emit_count_zeros(e, d, zb);
        return true;
    case ZB_ORC_B:
        x86_orc_b(e, RDI, XREG(d->rs1));
        emit_set_rd(e, d, false);
        return true;
    }
    /* rcx = b */
    if (imm) {
        x86_mov_imm(e, RCX, d->imm);
    } else {
        x86_load_q(e, RCX, RDI, XREG(d->rs2));
    }
    switch (zb) {
    case ZB_SH1ADD: case ZB_SH2ADD: case ZB_SH3ADD:
    case ZB_ADD_UW: case ZB_SH1ADD_UW: case ZB_SH2ADD_UW: case ZB_SH3ADD_UW:
    case ZB_SLLI_UW:
        /* a 32-bit load zero-extends the .uw operand */
        x86_op_mem(e, zb < ZB_ADD_UW, 0x8b, RAX, RDI, XREG(d->rs1));
        if (zb == ZB_SLLI_UW) {
            x86_shift(e, true, SH_SHL, RAX, -1);
            break;
        }
        if (shadd[zb]) {
            x86_shift(e, true, SH_SHL, RAX, shadd[zb]);
        }
        x86_alu_rr(e, true, ALU_ADD, RAX, RCX);
        break;
    case ZB_ANDN: case ZB_ORN:
        x86_f7_reg(e, true, F7_NOT, RCX);
        x86_load_q(e, RAX, RDI, XREG(d->rs1));
        x86_alu_rr(e, true, zb == ZB_ANDN ? ALU_AND : ALU_OR, RAX, RCX);
        break;
    case ZB_XNOR:
        x86_load_q(e, RAX, RDI, XREG(d->rs1));
        x86_alu_rr(e, true, ALU_XOR, RAX, RCX);
        x86_f7_reg(e, true, F7_NOT, RAX);
        break;
    case ZB_MAX: case ZB_MAXU: case ZB_MIN: case ZB_MINU: {
        /* take b when a is on the wrong side of it */
        static const uint8_t cc[] = {
            [ZB_MAX - ZB_MAX] = CC_L, [ZB_MAXU - ZB_MAX] = CC_B,
            [ZB_MIN - ZB_MAX] = CC_G, [ZB_MINU - ZB_MAX] = CC_A,
        };
        x86_load_q(e, RAX, RDI, XREG(d->rs1));
        x86_alu_rr(e, true, ALU_CMP, RAX, RCX);
        x86_cmov(e, cc[zb - ZB_MAX], RAX, RCX);
        break;
    }
    case ZB_ROL: case ZB_ROR: case ZB_ROLW: case ZB_RORW:
        /* x86 masks the count to 63 (31 for 32 bits) as RISC-V does */
        x86_load_q(e, RAX, RDI, XREG(d->rs1));
        x86_shift(e, zb == ZB_ROL || zb == ZB_ROR,
                  zb == ZB_ROL || zb == ZB_ROLW ? SH_ROL : SH_ROR, RAX, -1);
        if (zb == ZB_ROLW || zb == ZB_RORW) {
            x86_sext32(e, RAX);
        }
        break;
    case ZB_SEXT_B: case ZB_SEXT_H: case ZB_ZEXT_H:
        x86_op_mem(e, zb != ZB_ZEXT_H,
                   zb == ZB_SEXT_B ? 0x0fbe : zb == ZB_SEXT_H ? 0x0fbf
                                                              : 0x0fb7,
                   RAX, RDI, XREG(d->rs1));
        break;
    case ZB_REV8:
        x86_load_q(e, RAX, RDI, XREG(d->rs1));
        x86_bswap(e, RAX);
        break;
    case ZB_BSET: case ZB_BCLR: case ZB_BINV:
        /* bts/btr/btc rax, rcx: the bit index is taken modulo 64 */
        x86_load_q(e, RAX, RDI, XREG(d->rs1));
        x86_op_rr(e, true, zb == ZB_BSET ? 0x0fab : zb == ZB_BCLR ? 0x0fb3
                                                                  : 0x0fbb,
                  RCX, RAX);
        break;
    case ZB_BEXT:
        x86_load_q(e, RAX, RDI, XREG(d->rs1));
        x86_op_rr(e, true, 0x0fa3, RCX, RAX);      /* bt: CF = the bit */
        x86_setcc_zx(e, CC_B, RAX);
        break;
    case ZB_CZERO_EQZ: case ZB_CZERO_NEZ:
        x86_load_q(e, RAX, RDI, XREG(d->rs1));
        x86_test(e, true, RCX);
        x86_mov_imm(e, RCX, 0);                   /* mov keeps the flags */
        x86_cmov(e, zb == ZB_CZERO_EQZ ? CC_E : CC_NE, RAX, RCX);
        break;
    }
    emit_set_rd(e, d, false);
    return true;
}

static void emit_mul(X86Buf *e, const DecodedInsn *d, bool w32)
{
    x86_load_q(e, RAX, RDI, XREG(d->rs1));
    x86_op_mem(e, true, 0x0faf, RAX, RDI, XREG(d->rs2));    /* imul */
    emit_set_rd(e, d, w32);
}

/*
 * The high half of a 64x64-bit product.  mul/imul write rdx, which holds
 * the entry pc, so it is kept on the stack meanwhile.
 */
static void emit_mul_high(X86Buf *e, const DecodedInsn *d, unsigned op)
{
    x86_push_rdx(e);
    x86_load_q(e, RAX, RDI, XREG(d->rs1));
    x86_f7_mem(e, true, op == OP_MULH ? F7_IMUL : F7_MUL, RDI, XREG(d->rs2));
    if (op == OP_MULHSU) {
        /* signed rs1: the unsigned product counted rs1 + 2^64 */
        x86_load_q(e, RCX, RDI, XREG(d->rs1));
        x86_shift(e, true, SH_SAR, RCX, 63);
        x86_alu_mem(e, true, ALU_AND, RCX, RDI, XREG(d->rs2));
        x86_alu_rr(e, true, ALU_SUB, RDX, RCX);
    }
    x86_mov_rr(e, RAX, RDX);
    x86_pop_rdx(e);
    emit_set_rd(e, d, false);
}

/*
 * Division and remainder with RISC-V's results where x86 would fault:
 * by zero, the quotient is all ones and the remainder the dividend; for
 * the most negative dividend over -1 (signed), the quotient is the
 * dividend and the remainder 0.  W forms work on 32 bits and sign-extend.
 */
static void emit_div(X86Buf *e, const DecodedInsn *d, bool is_signed,
                     bool remainder, bool w32)
{
    bool w = !w32;
    uint8_t *by_zero, *by_minus_one = NULL, *done, *minus_one_done = NULL;

    x86_op_mem(e, w, 0x8b, RCX, RDI, XREG(d->rs2));
    x86_op_mem(e, w, 0x8b, RAX, RDI, XREG(d->rs1));
    x86_test(e, w, RCX);
    by_zero = x86_jcc(e, CC_E);
    if (is_signed) {
        x86_alu_imm(e, w, ALU_CMP, RCX, -1);
        by_minus_one = x86_jcc(e, CC_E);
    }
    x86_push_rdx(e);
    if (is_signed) {
        x86_sign_extend_ax(e, w);
    } else {
        x86_alu_rr(e, false, ALU_XOR, RDX, RDX);
    }
    x86_f7_reg(e, w, is_signed ? F7_IDIV : F7_DIV, RCX);
    if (remainder) {
        x86_mov_rr(e, RAX, RDX);
    }
    x86_pop_rdx(e);
    done = x86_jmp(e);
    if (is_signed) {
        /* x / -1 = -x (wrapping), x % -1 = 0 */
        x86_patch(by_minus_one, e->p);
        if (remainder) {
            x86_alu_rr(e, false, ALU_XOR, RAX, RAX);
        } else {
            x86_f7_reg(e, w, F7_NEG, RAX);
        }
        minus_one_done = x86_jmp(e);
    }
    x86_patch(by_zero, e->p);
    if (!remainder) {
        x86_mov_imm(e, RAX, -1);
    }
    x86_patch(done, e->p);
    if (minus_one_done) {
        x86_patch(minus_one_done, e->p);
    }
    emit_set_rd(e, d, w32);
}

static void emit_branch(Block *b, const DecodedInsn *d, unsigned cc,
                        uint32_t off, uint32_t done)
{
    X86Buf *e = &b->e;
    uint8_t *taken;

    x86_load_q(e, RAX, RDI, XREG(d->rs1));
    x86_alu_mem(e, true, ALU_CMP, RAX, RDI, XREG(d->rs2));
    taken = x86_jcc(e, cc);
    emit_exit_to(b, off + d->len, 0, done);
    x86_patch(taken, e->p);
    emit_exit_to(b, off, d->imm, done);
}

static void emit_jal(Block *b, const DecodedInsn *d, uint32_t off,
                     uint32_t done)
{
    emit_pc_plus(&b->e, RAX, off + d->len, 0);
    emit_set_rd(&b->e, d, false);
    emit_exit_to(b, off, d->imm, done);
}

static void emit_jalr(X86Buf *e, const DecodedInsn *d, uint32_t off,
                      uint32_t done)
{
    emit_address(e, d);                         /* before rd changes */
    x86_alu_imm(e, true, ALU_AND, RAX, -2);
    emit_pc_plus(e, RCX, off + d->len, 0);
    x86_store_q(e, RCX, RDI, XREG(d->rd));
    emit_leave(e, NULL, done);
}

typedef enum { EMITTED, EMITTED_END, NOT_HANDLED } EmitResult;

/*
 * Emits one instruction at byte offset OFF from the entry, after DONE
 * instructions of the block.  EMITTED_END: it was a jump or branch and
 * the block is closed.
 */
static EmitResult emit_insn(Block *b, const DecodedInsn *d, uint32_t off,
                            uint32_t done)
{
    X86Buf *e = &b->e;
    unsigned op = d->op >= OP_COUNT ? d->op - OP_COUNT : d->op;

    switch (op) {
    case OP_ADDI: emit_alu_imm(e, d, ALU_ADD, false); break;
    case OP_XORI: emit_alu_imm(e, d, ALU_XOR, false); break;
    case OP_ORI: emit_alu_imm(e, d, ALU_OR, false); break;
    case OP_ANDI: emit_alu_imm(e, d, ALU_AND, false); break;
    case OP_SLTI: emit_set_less(e, d, CC_L, true); break;
    case OP_SLTIU: emit_set_less(e, d, CC_B, true); break;
    case OP_SLLI: emit_shift(e, d, SH_SHL, false, false); break;
    case OP_SRLI: emit_shift(e, d, SH_SHR, false, false); break;
    case OP_SRAI: emit_shift(e, d, SH_SAR, false, false); break;
    case OP_ADDIW: emit_alu_imm(e, d, ALU_ADD, true); break;
    case OP_SLLIW: emit_shift(e, d, SH_SHL, true, false); break;
    case OP_SRLIW: emit_shift(e, d, SH_SHR, true, false); break;
    case OP_SRAIW: emit_shift(e, d, SH_SAR, true, false); break;
    case OP_ADD: emit_alu_reg(e, d, ALU_ADD, false); break;
    case OP_SUB: emit_alu_reg(e, d, ALU_SUB, false); break;
    case OP_XOR: emit_alu_reg(e, d, ALU_XOR, false); break;
    case OP_OR: emit_alu_reg(e, d, ALU_OR, false); break;
    case OP_AND: emit_alu_reg(e, d, ALU_AND, false); break;
    case OP_SLT: emit_set_less(e, d, CC_L, false); break;
    case OP_SLTU: emit_set_less(e, d, CC_B, false); break;
    case OP_SLL: emit_shift(e, d, SH_SHL, false, true); break;
    case OP_SRL: emit_shift(e, d, SH_SHR, false, true); break;
    case OP_SRA: emit_shift(e, d, SH_SAR, false, true); break;
    case OP_ADDW: emit_alu_reg(e, d, ALU_ADD, true); break;
    case OP_SUBW: emit_alu_reg(e, d, ALU_SUB, true); break;
    case OP_SLLW: emit_shift(e, d, SH_SHL, true, true); break;
    case OP_SRLW: emit_shift(e, d, SH_SHR, true, true); break;
    case OP_SRAW: emit_shift(e, d, SH_SAR, true, true); break;
    case OP_MUL: emit_mul(e, d, false); break;
    case OP_MULW: emit_mul(e, d, true); break;
    case OP_MULH: case OP_MULHSU: case OP_MULHU: emit_mul_high(e, d, op); break;
    case OP_DIV: emit_div(e, d, true, false, false); break;
    case OP_DIVU: emit_div(e, d, false, false, false); break;
    case OP_REM: emit_div(e, d, true, true, false); break;
    case OP_REMU: emit_div(e, d, false, true, false); break;
    case OP_DIVW: emit_div(e, d, true, false, true); break;
    case OP_DIVUW: emit_div(e, d, false, false, true); break;
    case OP_REMW: emit_div(e, d, true, true, true); break;
    case OP_REMUW: emit_div(e, d, false, true, true); break;
    case OP_ZB: case OP_ZBI:
        if (!emit_zb(e, d, op == OP_ZBI)) {
            return NOT_HANDLED;
        }
        break;
    case OP_AUIPC:
        emit_pc_plus(e, RAX, off, d->imm);
        emit_set_rd(e, d, false);
        break;
    case OP_LB: case OP_LH: case OP_LW: case OP_LD:
    case OP_LBU: case OP_LHU: case OP_LWU:
        emit_load(b, d, op, off, done);
        break;
    case OP_SB: case OP_SH: case OP_SW: case OP_SD:
        emit_store(b, d, op, off, done);
        break;
    case OP_FENCE:
        break;      /* one hart at a time: nothing to order */
    case OP_JAL: emit_jal(b, d, off, done + 1); return EMITTED_END;
    case OP_JALR: emit_jalr(e, d, off, done + 1); return EMITTED_END;
    case OP_BEQ: emit_branch(b, d, CC_E, off, done + 1); return EMITTED_END;
    case OP_BNE: emit_branch(b, d, CC_NE, off, done + 1); return EMITTED_END;
    case OP_BLT: emit_branch(b, d, CC_L, off, done + 1); return EMITTED_END;
    case OP_BGE: emit_branch(b, d, CC_GE, off, done + 1); return EMITTED_END;
    case OP_BLTU: emit_branch(b, d, CC_B, off, done + 1); return EMITTED_END;
    case OP_BGEU: emit_branch(b, d, CC_AE, off, done + 1); return EMITTED_END;
    default:
        return NOT_HANDLED;
    }
    return EMITTED;
}

bool riscv_jit_translate(RISCVBus *bus, DecodedPage *page,
                         DecodedInsn *entry)
{
    RISCVJit *jit = bus->jit;
    JitBlock *jb;
    uint8_t *code;
    Block *b;
    unsigned slot = entry - page->insn, n = 0;
    uint32_t off = 0;
    bool closed = false;

    if (!jit) {
        return false;
    }
    if ((size_t)(jit->buf + jit->size - jit->next) < JIT_WORST_BLOCK) {
        riscv_icache_flush_all(bus);            /* resets the buffer too */
        return false;
    }
    b = g_new(Block, 1);
    b->nslow = 0;
    b->page = page;
    b->slot = slot;
    jb = (JitBlock *)(((uintptr_t)jit->next + 15) & ~(uintptr_t)15);
    code = (uint8_t *)(((uintptr_t)(jb + 1) + 15) & ~(uintptr_t)15);
    b->e.p = code;

    while (n < JIT_MAX_INSNS && slot + off / 2 < INSNS_PER_PAGE) {
        DecodedInsn *d = &page->insn[slot + off / 2];
        const DecodedInsn *insn;
        EmitResult r;

        if (d->op == OP_UNDECODED) {
            riscv_decode_slot(page, bus->ext, d);
        }
        /* the entry of another block keeps its own instruction in orig */
        insn = d->op == OP_JIT ? &d->jit->orig : d;
        r = emit_insn(b, insn, off, n);
        if (r == NOT_HANDLED) {
            break;
        }
        off += insn->len;
        n++;
        if (r == EMITTED_END) {
            closed = true;
            break;
        }
    }
    if (n == 0) {
        g_free(b);
        return false;
    }
    if (!closed) {
        emit_exit_to(b, off, 0, n);     /* fall through to what follows */
    }
    for (unsigned i = 0; i < b->nslow; i++) {
        x86_patch(b->slow[i].jump, b->e.p);
        emit_exit(&b->e, b->slow[i].off, 0, b->slow[i].done);
    }
    /* the room checked before translating must have been enough */
    g_assert(b->e.p <= jit->next + JIT_WORST_BLOCK);
    jb->code = code;
    jb->ninsns = n;
    jb->orig = *entry;
    jb->orig.hits = 0;
    jit->next = b->e.p;
    jit->blocks++;
    entry->op = OP_JIT;
    entry->jit = jb;
    g_free(b);
    return true;
}
