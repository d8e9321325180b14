/*
 * The tiny test machine behind cpu-test.h.
 */
#include <string.h>

#include "cpu-test.h"

static bool mmio_read(void *opaque, uint64_t paddr, unsigned size,
                      uint64_t *val)
{
    TestMachine *tm = opaque;

    tm->last_mmio_addr = paddr;
    tm->last_mmio_size = size;
    if (paddr >= MMIO_BASE && paddr - MMIO_BASE + size <= sizeof(tm->mmio)) {
        uint64_t v = 0;
        memcpy(&v, tm->mmio + (paddr - MMIO_BASE), size);
        *val = v;
        tm->mmio_reads++;
        return true;
    }
    return false;
}

static bool mmio_write(void *opaque, uint64_t paddr, unsigned size,
                       uint64_t val)
{
    TestMachine *tm = opaque;

    tm->last_mmio_addr = paddr;
    tm->last_mmio_size = size;
    if (paddr == EXIT_ADDR) {
        riscv_cpu_request_exit(tm->cpu);
        return true;
    }
    if (paddr >= MMIO_BASE && paddr - MMIO_BASE + size <= sizeof(tm->mmio)) {
        memcpy(tm->mmio + (paddr - MMIO_BASE), &val, size);
        tm->mmio_writes++;
        return true;
    }
    return false;
}

static const RISCVMemOps test_ops = { mmio_read, mmio_write };

static uint64_t read_time(void *opaque)
{
    TestMachine *tm = opaque;
    return tm->mtime;
}

static void log_cb(void *opaque, const char *msg)
{
    TestMachine *tm = opaque;
    g_string_append_printf(tm->log, "%s\n", msg);
}

TestMachine *tm_new(void)
{
    TestMachine *tm = g_new0(TestMachine, 1);

    tm->ram = g_malloc0(RAM_SIZE);
    tm->rom = g_malloc0(ROM_SIZE);
    tm->bus = riscv_bus_new(&test_ops, tm);
    /* as the machine runs: hot loops in the tests get translated */
    if (g_strcmp0(g_getenv("QEMU_RISCV_JIT"), "0") != 0) {
        riscv_bus_set_jit(tm->bus, RISCV_JIT_DEFAULT_BUFFER);
    }
    g_assert_true(riscv_bus_add_region(tm->bus, RAM_BASE, RAM_SIZE, tm->ram,
                                       false));
    g_assert_true(riscv_bus_add_region(tm->bus, ROM_BASE, ROM_SIZE, tm->rom,
                                       true));
    tm->cpu = riscv_cpu_new(tm->bus, 0);
    riscv_cpu_set_time_source(tm->cpu, read_time, tm);
    tm->log = g_string_new(NULL);
    riscv_cpu_set_log(tm->cpu, RISCV_LOG_INT, log_cb, tm);
    tm->pc = RAM_BASE;
    return tm;
}

void tm_free(TestMachine *tm)
{
    riscv_bus_free(tm->bus);
    g_free(tm->ram);
    g_free(tm->rom);
    g_string_free(tm->log, TRUE);
    g_free(tm);
}

RISCVRunResult tm_run_from(TestMachine *tm, uint64_t entry, uint64_t budget)
{
    riscv_cpu_set_pc(tm->cpu, entry);
    return riscv_cpu_run(tm->cpu, budget);
}

uint64_t tm_x(TestMachine *tm, unsigned reg)
{
    return riscv_cpu_get_xreg(tm->cpu, reg);
}

void tm_set_x(TestMachine *tm, unsigned reg, uint64_t v)
{
    riscv_cpu_set_xreg(tm->cpu, reg, v);
}

uint64_t tm_csr(TestMachine *tm, unsigned csr)
{
    uint64_t v = 0;
    g_assert_true(riscv_cpu_csr_read(tm->cpu, csr, &v));
    return v;
}

uint64_t tm_read64(TestMachine *tm, uint64_t paddr)
{
    uint64_t v;
    g_assert_true(paddr >= RAM_BASE && paddr + 8 <= RAM_BASE + RAM_SIZE);
    memcpy(&v, tm->ram + (paddr - RAM_BASE), 8);
    return v;
}

uint32_t tm_read32(TestMachine *tm, uint64_t paddr)
{
    uint32_t v;
    g_assert_true(paddr >= RAM_BASE && paddr + 4 <= RAM_BASE + RAM_SIZE);
    memcpy(&v, tm->ram + (paddr - RAM_BASE), 4);
    return v;
}

void tm_write64(TestMachine *tm, uint64_t paddr, uint64_t v)
{
    g_assert_true(paddr >= RAM_BASE && paddr + 8 <= RAM_BASE + RAM_SIZE);
    memcpy(tm->ram + (paddr - RAM_BASE), &v, 8);
}

char *tm_difference(TestMachine *a, TestMachine *b)
{
    static const unsigned csrs[] = {
        CSR_MSTATUS, CSR_MSCRATCH, CSR_MEPC, CSR_MCAUSE, CSR_MTVAL };

    for (unsigned i = 1; i < 32; i++) {
        if (tm_x(a, i) != tm_x(b, i)) {
            return g_strdup_printf("x%u: %#" G_GINT64_MODIFIER "x vs %#"
                                   G_GINT64_MODIFIER "x", i, tm_x(a, i),
                                   tm_x(b, i));
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(csrs); i++) {
        if (tm_csr(a, csrs[i]) != tm_csr(b, csrs[i])) {
            return g_strdup_printf("csr %#x: %#" G_GINT64_MODIFIER "x vs %#"
                                   G_GINT64_MODIFIER "x", csrs[i],
                                   tm_csr(a, csrs[i]), tm_csr(b, csrs[i]));
        }
    }
    if (riscv_cpu_get_pc(a->cpu) != riscv_cpu_get_pc(b->cpu)) {
        return g_strdup_printf("pc: %#" G_GINT64_MODIFIER "x vs %#"
                               G_GINT64_MODIFIER "x", riscv_cpu_get_pc(a->cpu),
                               riscv_cpu_get_pc(b->cpu));
    }
    if (riscv_cpu_get_priv(a->cpu) != riscv_cpu_get_priv(b->cpu)) {
        return g_strdup("privilege level");
    }
    if (riscv_cpu_get_icount(a->cpu) != riscv_cpu_get_icount(b->cpu)) {
        return g_strdup_printf("instruction count: %" G_GUINT64_FORMAT " vs %"
                               G_GUINT64_FORMAT, riscv_cpu_get_icount(a->cpu),
                               riscv_cpu_get_icount(b->cpu));
    }
    if (memcmp(a->ram, b->ram, RAM_SIZE) != 0) {
        return g_strdup("RAM");
    }
    if (memcmp(a->mmio, b->mmio, sizeof(a->mmio)) != 0) {
        return g_strdup("device registers");
    }
    return NULL;
}

void tm_org(TestMachine *tm, uint64_t addr)
{
    tm->pc = addr;
}

static uint8_t *code_ptr(TestMachine *tm, unsigned len)
{
    if (tm->pc >= RAM_BASE && tm->pc + len <= RAM_BASE + RAM_SIZE) {
        return tm->ram + (tm->pc - RAM_BASE);
    }
    g_assert_true(tm->pc >= ROM_BASE && tm->pc + len <= ROM_BASE + ROM_SIZE);
    return tm->rom + (tm->pc - ROM_BASE);
}

/* like any writer other than a hart, keep the decoded code coherent */
void emit(TestMachine *tm, uint32_t insn)
{
    memcpy(code_ptr(tm, 4), &insn, 4);
    riscv_bus_invalidate_range(tm->bus, tm->pc, 4);
    tm->pc += 4;
}

void emit16(TestMachine *tm, uint16_t insn)
{
    memcpy(code_ptr(tm, 2), &insn, 2);
    riscv_bus_invalidate_range(tm->bus, tm->pc, 2);
    tm->pc += 2;
}

void emit_li(TestMachine *tm, unsigned rd, uint64_t v)
{
    int64_t s = (int64_t)v;
    int64_t lo = ((s & 0xfff) ^ 0x800) - 0x800;

    if (s == (int32_t)s) {
        int64_t hi = s - lo;
        if (hi) {
            emit(tm, e_lui(rd, (uint32_t)(hi >> 12) & 0xfffff));
            if (lo) {
                emit(tm, e_addiw(rd, rd, (int32_t)lo));
            }
        } else {
            emit(tm, e_addi(rd, 0, (int32_t)lo));
        }
        return;
    }
    emit_li(tm, rd, (uint64_t)((s - lo) >> 12));
    emit(tm, e_slli(rd, rd, 12));
    if (lo) {
        emit(tm, e_addi(rd, rd, (int32_t)lo));
    }
}

void emit_exit(TestMachine *tm)
{
    emit(tm, e_lui(31, EXIT_ADDR >> 12));
    emit(tm, e_sw(0, 31, 0));
}

void tm_exit_on_trap(TestMachine *tm)
{
    tm_org(tm, TRAP_VEC);
    emit_exit(tm);
    riscv_cpu_csr_write(tm->cpu, CSR_MTVEC, TRAP_VEC);
    tm_org(tm, RAM_BASE);
}
