/*
 * PLIC: priorities, enables, thresholds, claim/complete and the level
 * gateway, per context.
 */
#include "hw-test.h"
#include "hw/intc/sifive_plic.h"

int64_t fake_clock_ns;

typedef struct Fixture {
    SiFivePLIC *plic;
    TestLine ctx[4];
    qemu_irq ctx_irq[4];
    const MMIORegionOps *ops;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    test_lines_init(f->ctx_irq, f->ctx, 4);
    f->plic = sifive_plic_new(2, f->ctx_irq);
    f->ops = sifive_plic_ops();
}

static void teardown(Fixture *f, gconstpointer data)
{
    sifive_plic_free(f->plic);
    for (int i = 0; i < 4; i++) {
        qemu_free_irq(f->ctx_irq[i]);
    }
}

static uint32_t rd(Fixture *f, hwaddr off)
{
    return f->ops->read(f->plic, off, 4);
}

static void wr(Fixture *f, hwaddr off, uint32_t val)
{
    f->ops->write(f->plic, off, val, 4);
}

#define PRIO(s)         (4 * (s))
#define ENABLE(c)       (PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * (c))
#define THRESHOLD(c)    (PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (c))
#define CLAIM(c)        (THRESHOLD(c) + 4)

static void line(Fixture *f, unsigned src, int level)
{
    qemu_set_irq(sifive_plic_get_irq(f->plic, src), level);
}

static void test_basic_claim(Fixture *f, gconstpointer data)
{
    wr(f, PRIO(10), 1);
    wr(f, ENABLE(0), 1u << 10);
    line(f, 10, 1);
    g_assert_cmpuint(rd(f, PLIC_PENDING_BASE), ==, 1u << 10);
    g_assert_cmpint(f->ctx[0].level, ==, 1);
    g_assert_cmpint(f->ctx[1].level, ==, 0);        /* S context: not enabled */
    g_assert_cmpuint(rd(f, CLAIM(0)), ==, 10);
    g_assert_cmpint(f->ctx[0].level, ==, 0);
    g_assert_cmpuint(rd(f, PLIC_PENDING_BASE), ==, 0);
    /* nothing more to claim */
    g_assert_cmpuint(rd(f, CLAIM(0)), ==, 0);
    /* still high at completion: pending again */
    wr(f, CLAIM(0), 10);
    g_assert_cmpint(f->ctx[0].level, ==, 1);
    g_assert_cmpuint(rd(f, CLAIM(0)), ==, 10);
    line(f, 10, 0);
    wr(f, CLAIM(0), 10);
    g_assert_cmpint(f->ctx[0].level, ==, 0);
    g_assert_cmpuint(rd(f, PLIC_PENDING_BASE), ==, 0);
}

static void test_gateway_holds_until_complete(Fixture *f, gconstpointer data)
{
    wr(f, PRIO(5), 1);
    wr(f, ENABLE(0), 1u << 5);
    line(f, 5, 1);
    g_assert_cmpuint(rd(f, CLAIM(0)), ==, 5);
    /* the line toggles while in service: no new request yet */
    line(f, 5, 0);
    line(f, 5, 1);
    g_assert_cmpuint(rd(f, PLIC_PENDING_BASE), ==, 0);
    g_assert_cmpint(f->ctx[0].level, ==, 0);
    wr(f, CLAIM(0), 5);
    g_assert_cmpuint(rd(f, PLIC_PENDING_BASE), ==, 1u << 5);
}

static void test_priority_and_threshold(Fixture *f, gconstpointer data)
{
    wr(f, PRIO(3), 2);
    wr(f, PRIO(40), 5);
    wr(f, PRIO(41), 5);
    wr(f, ENABLE(1), 1u << 3);
    wr(f, ENABLE(1) + 4, (1u << 8) | (1u << 9));  /* sources 40, 41 */
    line(f, 3, 1);
    line(f, 41, 1);
    line(f, 40, 1);
    g_assert_cmpuint(rd(f, PLIC_PENDING_BASE + 4), ==, 3u << 8);
    g_assert_cmpint(f->ctx[1].level, ==, 1);
    /* highest priority first; ties go to the lower id */
    g_assert_cmpuint(rd(f, CLAIM(1)), ==, 40);
    g_assert_cmpuint(rd(f, CLAIM(1)), ==, 41);
    /* threshold: only priorities strictly above it interrupt */
    wr(f, THRESHOLD(1), 2);
    g_assert_cmpuint(rd(f, THRESHOLD(1)), ==, 2);
    g_assert_cmpint(f->ctx[1].level, ==, 0);
    g_assert_cmpuint(rd(f, CLAIM(1)), ==, 0);
    wr(f, THRESHOLD(1), 1);
    g_assert_cmpint(f->ctx[1].level, ==, 1);
    g_assert_cmpuint(rd(f, CLAIM(1)), ==, 3);
}

static void test_priority_zero_never(Fixture *f, gconstpointer data)
{
    wr(f, ENABLE(2), 1u << 7);
    line(f, 7, 1);
    g_assert_cmpint(f->ctx[2].level, ==, 0);
    g_assert_cmpuint(rd(f, CLAIM(2)), ==, 0);
    /* priorities have 3 bits */
    wr(f, PRIO(7), 0xff);
    g_assert_cmpuint(rd(f, PRIO(7)), ==, 7);
    g_assert_cmpint(f->ctx[2].level, ==, 1);
    /* source 0 cannot be enabled or prioritised */
    wr(f, ENABLE(2), 0xffffffff);
    g_assert_cmpuint(rd(f, ENABLE(2)), ==, 0xfffffffe);
    wr(f, PRIO(0), 7);
    g_assert_cmpuint(rd(f, PRIO(0)), ==, 0);
}

static void test_contexts_independent(Fixture *f, gconstpointer data)
{
    wr(f, PRIO(1), 1);
    wr(f, ENABLE(0), 1u << 1);
    wr(f, ENABLE(3), 1u << 1);
    line(f, 1, 1);
    g_assert_cmpint(f->ctx[0].level, ==, 1);
    g_assert_cmpint(f->ctx[3].level, ==, 1);
    /* the first claimer wins; the other context sees nothing left */
    g_assert_cmpuint(rd(f, CLAIM(3)), ==, 1);
    g_assert_cmpint(f->ctx[0].level, ==, 0);
    g_assert_cmpuint(rd(f, CLAIM(0)), ==, 0);
    /* completion from a context without the source enabled is ignored */
    wr(f, CLAIM(1), 1);
    g_assert_cmpuint(rd(f, PLIC_PENDING_BASE), ==, 0);
    wr(f, CLAIM(3), 1);
    g_assert_cmpuint(rd(f, PLIC_PENDING_BASE), ==, 2);
}

static void test_reset(Fixture *f, gconstpointer data)
{
    wr(f, PRIO(9), 3);
    wr(f, ENABLE(0), 1u << 9);
    line(f, 9, 1);
    g_assert_cmpint(f->ctx[0].level, ==, 1);
    sifive_plic_reset(f->plic);
    g_assert_cmpint(f->ctx[0].level, ==, 0);
    g_assert_cmpuint(rd(f, PRIO(9)), ==, 0);
    g_assert_cmpuint(rd(f, ENABLE(0)), ==, 0);
    g_assert_cmpuint(rd(f, PLIC_PENDING_BASE), ==, 1u << 9);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) \
    g_test_add("/plic/" name, Fixture, NULL, setup, fn, teardown)
    ADD("basic-claim", test_basic_claim);
    ADD("gateway", test_gateway_holds_until_complete);
    ADD("priority-threshold", test_priority_and_threshold);
    ADD("priority-zero", test_priority_zero_never);
    ADD("contexts", test_contexts_independent);
    ADD("reset", test_reset);
    return g_test_run();
}
