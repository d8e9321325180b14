/*
 * Helpers shared by the device tests: a controllable clock and interrupt
 * lines that remember their level.
 */
#ifndef TESTS_UNIT_HW_TEST_H
#define TESTS_UNIT_HW_TEST_H

#include <glib.h>

#include "hw/irq.h"
#include "qemu/timer.h"

/* Fake monotonic time, in ns; tests move it with fake_clock_advance(). */
extern int64_t fake_clock_ns;

static inline int64_t fake_clock(void)
{
    return fake_clock_ns;
}

/* Advance the fake clock and fire whatever timers became due. */
static inline void fake_clock_advance(int64_t ns)
{
    fake_clock_ns += ns;
    qemu_clock_run_all_timers();
}

static inline void fake_clock_install(void)
{
    fake_clock_ns = 1000000000;
    qemu_clock_set_source(fake_clock);
}

/* An interrupt line whose level the test reads back. */
typedef struct TestLine {
    int level;
    int changes;
} TestLine;

static inline void test_line_handler(void *opaque, int n, int level)
{
    TestLine *l = (TestLine *)opaque + n;

    if (l->level != level) {
        l->changes++;
    }
    l->level = level;
}

/* N lines backed by LINES[0..n-1]. */
static inline void test_lines_init(qemu_irq *irqs, TestLine *lines, int n)
{
    for (int i = 0; i < n; i++) {
        lines[i].level = 0;
        lines[i].changes = 0;
        irqs[i] = qemu_allocate_irq(test_line_handler, lines, i);
    }
}

#endif
