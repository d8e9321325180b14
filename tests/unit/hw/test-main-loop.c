/*
 * Main loop: timers (order, re-arming, deletion from callbacks, the
 * virtual clock stopping), bottom halves, fd handlers, and the blocking
 * wait honouring a nanosecond deadline.
 */
#include <unistd.h>

#include "qemu/main-loop.h"
#include "qemu/timer.h"

static GString *trace;

static void note(void *opaque)
{
    g_string_append(trace, opaque);
}

static void test_timer_order(void)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    QEMUTimer *a = timer_new_ns(QEMU_CLOCK_REALTIME, note, "a");
    QEMUTimer *b = timer_new_ns(QEMU_CLOCK_REALTIME, note, "b");
    QEMUTimer *c = timer_new_ns(QEMU_CLOCK_REALTIME, note, "c");

    g_string_truncate(trace, 0);
    timer_mod_ns(c, now - 1);
    timer_mod_ns(a, now - 3);
    timer_mod_ns(b, now - 2);
    g_assert_true(timer_pending(a));
    g_assert_cmpint(qemu_clock_deadline_ns_all(), ==, 0);
    qemu_clock_run_all_timers();
    g_assert_cmpstr(trace->str, ==, "abc");
    g_assert_false(timer_pending(a));
    g_assert_cmpint(qemu_clock_deadline_ns_all(), ==, -1);

    /* deleted and moved timers */
    timer_mod_ns(a, now + 1000 * NANOSECONDS_PER_SECOND);
    timer_mod_ns(b, now - 1);
    timer_del(b);
    g_assert_cmpint(qemu_clock_deadline_ns_all(), >,
                    999 * NANOSECONDS_PER_SECOND);
    g_string_truncate(trace, 0);
    qemu_clock_run_all_timers();
    g_assert_cmpstr(trace->str, ==, "");
    timer_free(a);
    timer_free(b);
    timer_free(c);
}

static QEMUTimer *self_timer;
static int self_count;

static void rearm_self(void *opaque)
{
    self_count++;
    /* in the past: must not spin inside one run */
    timer_mod_ns(self_timer, 0);
}

static void test_timer_rearm_in_callback(void)
{
    self_timer = timer_new_ns(QEMU_CLOCK_REALTIME, rearm_self, NULL);
    self_count = 0;
    timer_mod_ns(self_timer, 0);
    qemu_clock_run_all_timers();
    g_assert_cmpint(self_count, ==, 1);
    qemu_clock_run_all_timers();
    g_assert_cmpint(self_count, ==, 2);
    timer_free(self_timer);
}

static void test_virtual_clock_stops(void)
{
    QEMUTimer *t = timer_new_ns(QEMU_CLOCK_VIRTUAL, note, "v");
    int64_t v0;

    g_string_truncate(trace, 0);
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
    v0 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    timer_mod_ns(t, v0);
    g_usleep(2000);
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), ==, v0);
    g_assert_cmpint(qemu_clock_deadline_ns_all(), ==, -1);
    qemu_clock_run_all_timers();
    g_assert_cmpstr(trace->str, ==, "");
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
    /* resumes where it stopped: no jump over the pause */
    g_assert_cmpint(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) - v0, <,
                    NANOSECONDS_PER_SECOND / 10);
    qemu_clock_run_all_timers();
    g_assert_cmpstr(trace->str, ==, "v");
    timer_free(t);
}

static QEMUBH *bh_a, *bh_b;

static void bh_a_cb(void *opaque)
{
    g_string_append(trace, "A");
    qemu_bh_schedule(bh_b);     /* runs in the same iteration */
    qemu_bh_delete(bh_a);       /* deleting oneself is allowed */
}

static void test_bottom_halves(void)
{
    g_string_truncate(trace, 0);
    bh_a = qemu_bh_new(bh_a_cb, NULL);
    bh_b = qemu_bh_new(note, "B");
    qemu_bh_schedule(bh_a);
    qemu_bh_schedule(bh_a);     /* twice before running: runs once */
    main_loop_wait(false);      /* must not block: work is pending */
    g_assert_cmpstr(trace->str, ==, "AB");
    qemu_bh_schedule(bh_b);
    qemu_bh_cancel(bh_b);
    main_loop_wait(true);
    g_assert_cmpstr(trace->str, ==, "AB");
    qemu_bh_delete(bh_b);
}

static int pipe_fds[2];

static void on_readable(void *opaque)
{
    char buf[16];
    ssize_t n = read(pipe_fds[0], buf, sizeof(buf));

    g_assert_cmpint(n, >, 0);
    g_string_append_len(trace, buf, n);
    qemu_set_fd_handler(pipe_fds[0], NULL, NULL, NULL);
}

static void test_fd_handler(void)
{
    g_assert_cmpint(pipe(pipe_fds), ==, 0);
    g_string_truncate(trace, 0);
    qemu_set_fd_handler(pipe_fds[0], on_readable, NULL, NULL);
    main_loop_wait(true);
    g_assert_cmpstr(trace->str, ==, "");
    g_assert_cmpint(write(pipe_fds[1], "xy", 2), ==, 2);
    main_loop_wait(false);
    g_assert_cmpstr(trace->str, ==, "xy");
    /* the handler removed itself: more data is not read */
    g_assert_cmpint(write(pipe_fds[1], "z", 1), ==, 1);
    main_loop_wait(true);
    g_assert_cmpstr(trace->str, ==, "xy");
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}

static void test_blocking_wait_deadline(void)
{
    QEMUTimer *t = timer_new_ns(QEMU_CLOCK_REALTIME, note, "t");
    int64_t start = qemu_clock_get_ns(QEMU_CLOCK_REALTIME), took;

    g_string_truncate(trace, 0);
    timer_mod_ns(t, start + 3 * 1000 * 1000);     /* 3 ms */
    while (!trace->len) {
        main_loop_wait(false);
    }
    took = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) - start;
    g_assert_cmpint(took, >=, 3 * 1000 * 1000);
    g_assert_cmpint(took, <, 500 * 1000 * 1000);
    timer_free(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop();
    trace = g_string_new(NULL);
    g_test_add_func("/main-loop/timer-order", test_timer_order);
    g_test_add_func("/main-loop/timer-rearm", test_timer_rearm_in_callback);
    g_test_add_func("/main-loop/virtual-clock", test_virtual_clock_stops);
    g_test_add_func("/main-loop/bottom-halves", test_bottom_halves);
    g_test_add_func("/main-loop/fd-handler", test_fd_handler);
    g_test_add_func("/main-loop/blocking-deadline",
                    test_blocking_wait_deadline);
    return g_test_run();
}
