/*
 * CLINT: mtime at 10 MHz from the (virtual) clock, mtimecmp raising MTIP
 * through a timer, msip, 32-bit halves, mtime writes.
 */
#include "hw-test.h"
#include "hw/intc/riscv_clint.h"

int64_t fake_clock_ns;

typedef struct Fixture {
    RISCVClint *clint;
    TestLine msip[2], mtip[2];
    qemu_irq msip_irq[2], mtip_irq[2];
    const MMIORegionOps *ops;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    fake_clock_install();
    test_lines_init(f->msip_irq, f->msip, 2);
    test_lines_init(f->mtip_irq, f->mtip, 2);
    f->clint = riscv_clint_new(2, f->msip_irq, f->mtip_irq);
    f->ops = riscv_clint_ops();
}

static void teardown(Fixture *f, gconstpointer data)
{
    riscv_clint_free(f->clint);
    for (int i = 0; i < 2; i++) {
        qemu_free_irq(f->msip_irq[i]);
        qemu_free_irq(f->mtip_irq[i]);
    }
}

static uint64_t rd(Fixture *f, hwaddr off, unsigned size)
{
    return f->ops->read(f->clint, off, size);
}

static void wr(Fixture *f, hwaddr off, uint64_t val, unsigned size)
{
    f->ops->write(f->clint, off, val, size);
}

static void test_mtime_counts(Fixture *f, gconstpointer data)
{
    uint64_t t0 = rd(f, CLINT_MTIME, 8);

    g_assert_cmpuint(t0, ==, 0);
    fake_clock_advance(1000);           /* 1 us = 10 ticks */
    g_assert_cmpuint(rd(f, CLINT_MTIME, 8), ==, 10);
    g_assert_cmpuint(riscv_clint_get_mtime(f->clint), ==, 10);
    fake_clock_advance(NANOSECONDS_PER_SECOND);
    g_assert_cmpuint(rd(f, CLINT_MTIME, 8), ==, 10000010);
    g_assert_cmpuint(rd(f, CLINT_MTIME, 4), ==, 10000010);
    g_assert_cmpuint(rd(f, CLINT_MTIME + 4, 4), ==, 0);
}

static void test_mtimecmp_timer(Fixture *f, gconstpointer data)
{
    /* reset: mtimecmp all ones, MTIP low */
    g_assert_cmpuint(rd(f, CLINT_MTIMECMP_BASE, 8), ==, UINT64_MAX);
    g_assert_cmpint(f->mtip[0].level, ==, 0);

    wr(f, CLINT_MTIMECMP_BASE + 8, 100, 8);     /* hart 1, 10 us */
    g_assert_cmpint(f->mtip[1].level, ==, 0);
    fake_clock_advance(9900);
    g_assert_cmpint(f->mtip[1].level, ==, 0);
    fake_clock_advance(100);
    g_assert_cmpint(f->mtip[1].level, ==, 1);
    g_assert_cmpint(f->mtip[0].level, ==, 0);

    /* moving mtimecmp into the future lowers MTIP at once */
    wr(f, CLINT_MTIMECMP_BASE + 8, 1000000, 8);
    g_assert_cmpint(f->mtip[1].level, ==, 0);
    /* into the past raises it at once */
    wr(f, CLINT_MTIMECMP_BASE + 8, 5, 8);
    g_assert_cmpint(f->mtip[1].level, ==, 1);
}

static void test_mtimecmp_halves(Fixture *f, gconstpointer data)
{
    /* the classic 32-bit sequence: high to all ones, low, then high */
    wr(f, CLINT_MTIMECMP_BASE + 4, 0xffffffff, 4);
    wr(f, CLINT_MTIMECMP_BASE, 50, 4);
    g_assert_cmpint(f->mtip[0].level, ==, 0);
    wr(f, CLINT_MTIMECMP_BASE + 4, 0, 4);
    g_assert_cmpuint(rd(f, CLINT_MTIMECMP_BASE, 8), ==, 50);
    g_assert_cmpuint(rd(f, CLINT_MTIMECMP_BASE + 4, 4), ==, 0);
    g_assert_cmpint(f->mtip[0].level, ==, 0);
    fake_clock_advance(5000);
    g_assert_cmpint(f->mtip[0].level, ==, 1);
}

static void test_msip(Fixture *f, gconstpointer data)
{
    wr(f, CLINT_MSIP_BASE + 4, 1, 4);
    g_assert_cmpint(f->msip[1].level, ==, 1);
    g_assert_cmpint(f->msip[0].level, ==, 0);
    g_assert_cmpuint(rd(f, CLINT_MSIP_BASE + 4, 4), ==, 1);
    /* only bit 0 exists */
    wr(f, CLINT_MSIP_BASE + 4, 0xfffffffe, 4);
    g_assert_cmpint(f->msip[1].level, ==, 0);
    g_assert_cmpuint(rd(f, CLINT_MSIP_BASE + 4, 4), ==, 0);
    /* a hart that does not exist reads as zero */
    g_assert_cmpuint(rd(f, CLINT_MSIP_BASE + 8, 4), ==, 0);
}

static void test_mtime_write(Fixture *f, gconstpointer data)
{
    wr(f, CLINT_MTIMECMP_BASE, 1000, 8);
    wr(f, CLINT_MTIME, 5000, 8);
    g_assert_cmpuint(rd(f, CLINT_MTIME, 8), ==, 5000);
    g_assert_cmpint(f->mtip[0].level, ==, 1);
    fake_clock_advance(100);
    g_assert_cmpuint(rd(f, CLINT_MTIME, 8), ==, 5001);
}

static void test_paused_clock(Fixture *f, gconstpointer data)
{
    wr(f, CLINT_MTIMECMP_BASE, 100, 8);
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
    fake_clock_advance(1000000);
    /* a paused VM sees no time pass and no timer fire */
    g_assert_cmpuint(rd(f, CLINT_MTIME, 8), ==, 0);
    g_assert_cmpint(f->mtip[0].level, ==, 0);
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
    fake_clock_advance(10000);
    g_assert_cmpuint(rd(f, CLINT_MTIME, 8), ==, 100);
    g_assert_cmpint(f->mtip[0].level, ==, 1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) \
    g_test_add("/clint/" name, Fixture, NULL, setup, fn, teardown)
    ADD("mtime-counts", test_mtime_counts);
    ADD("mtimecmp-timer", test_mtimecmp_timer);
    ADD("mtimecmp-halves", test_mtimecmp_halves);
    ADD("msip", test_msip);
    ADD("mtime-write", test_mtime_write);
    ADD("paused-clock", test_paused_clock);
    return g_test_run();
}
