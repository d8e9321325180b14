/*
 * Clocks and timers (see include/qemu/timer.h).
 *
 * A guest has a handful of timers (one per hart in the CLINT, one per
 * UART, the RTC alarm), so each clock keeps a plain list sorted by
 * deadline: arming is O(n) with tiny n, finding the next deadline is O(1).
 */
#include <time.h>
#include <glib.h>

#include "qemu/timer.h"

struct QEMUTimer {
    QEMUClockType type;
    QEMUTimerCB *cb;
    void *opaque;
    int64_t expire;             /* -1 when not armed */
    uint64_t armed_gen;         /* run_gen when last armed */
    QEMUTimer *next;
};

typedef struct QEMUClock {
    QEMUTimer *head;            /* armed timers, earliest first */
    bool enabled;
} QEMUClock;

static QEMUClock clocks[QEMU_CLOCK_MAX] = {
    [QEMU_CLOCK_REALTIME] = { .enabled = true },
    [QEMU_CLOCK_VIRTUAL] = { .enabled = true },
    [QEMU_CLOCK_HOST] = { .enabled = true },
};

/*
 * The virtual clock is the monotonic clock minus the time spent stopped:
 * virtual = monotonic - virtual_bias while enabled, frozen at
 * virtual_frozen while disabled.
 */
static int64_t virtual_bias;
/* Bumped by each qemu_clock_run_all_timers(); see there. */
static uint64_t run_gen;
static int64_t virtual_frozen;

static int64_t host_monotonic_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

static QEMUClockSource *monotonic_source = host_monotonic_ns;

void qemu_clock_set_source(QEMUClockSource *fn)
{
    monotonic_source = fn ? fn : host_monotonic_ns;
}

int64_t qemu_clock_get_ns(QEMUClockType type)
{
    struct timespec ts;

    switch (type) {
    case QEMU_CLOCK_REALTIME:
        return monotonic_source();
    case QEMU_CLOCK_VIRTUAL:
        if (!clocks[QEMU_CLOCK_VIRTUAL].enabled) {
            return virtual_frozen;
        }
        return monotonic_source() - virtual_bias;
    case QEMU_CLOCK_HOST:
    default:
        clock_gettime(CLOCK_REALTIME, &ts);
        return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
    }
}

void qemu_clock_enable(QEMUClockType type, bool enabled)
{
    QEMUClock *c = &clocks[type];

    if (type != QEMU_CLOCK_VIRTUAL || c->enabled == enabled) {
        return;
    }
    if (enabled) {
        virtual_bias = monotonic_source() - virtual_frozen;
    } else {
        virtual_frozen = monotonic_source() - virtual_bias;
    }
    c->enabled = enabled;
}

bool qemu_clock_is_enabled(QEMUClockType type)
{
    return clocks[type].enabled;
}

QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *t = g_new0(QEMUTimer, 1);

    g_assert(type != QEMU_CLOCK_HOST && type < QEMU_CLOCK_MAX);
    t->type = type;
    t->cb = cb;
    t->opaque = opaque;
    t->expire = -1;
    return t;
}

void timer_free(QEMUTimer *t)
{
    if (t) {
        timer_del(t);
        g_free(t);
    }
}

void timer_del(QEMUTimer *t)
{
    QEMUTimer **p;

    if (t->expire < 0) {
        return;
    }
    for (p = &clocks[t->type].head; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
    t->expire = -1;
}

void timer_mod_ns(QEMUTimer *t, int64_t expire_time)
{
    QEMUTimer **p;

    timer_del(t);
    if (expire_time < 0) {
        expire_time = 0;
    }
    t->expire = expire_time;
    t->armed_gen = run_gen;
    for (p = &clocks[t->type].head; *p; p = &(*p)->next) {
        if ((*p)->expire > expire_time) {
            break;
        }
    }
    /*
     * No wake-up needed: timers are armed from the loop thread, which
     * computes its poll timeout after this returns.
     */
    t->next = *p;
    *p = t;
}

bool timer_pending(const QEMUTimer *t)
{
    return t->expire >= 0;
}

int64_t timer_expire_time_ns(const QEMUTimer *t)
{
    return t->expire;
}

int64_t qemu_clock_deadline_ns_all(void)
{
    int64_t best = -1;

    for (int i = 0; i < QEMU_CLOCK_MAX; i++) {
        QEMUClock *c = &clocks[i];
        int64_t delta;

        if (!c->enabled || !c->head) {
            continue;
        }
        delta = c->head->expire - qemu_clock_get_ns(i);
        if (delta < 0) {
            delta = 0;
        }
        if (best < 0 || delta < best) {
            best = delta;
        }
    }
    return best;
}

bool qemu_clock_run_all_timers(void)
{
    bool ran = false;

    run_gen++;
    for (int i = 0; i < QEMU_CLOCK_MAX; i++) {
        QEMUClock *c = &clocks[i];
        int64_t now;

        if (!c->enabled || !c->head) {
            continue;
        }
        now = qemu_clock_get_ns(i);
        /*
         * Pop one at a time: a callback may re-arm or delete any timer,
         * so the list is re-read after each one.  A timer armed during
         * this run (even in the past) waits for the next iteration, so a
         * callback that re-arms itself cannot spin here forever.
         */
        for (;;) {
            QEMUTimer *t = c->head;

            if (!t || t->expire > now || t->armed_gen == run_gen ||
                !c->enabled) {
                break;
            }
            c->head = t->next;
            t->next = NULL;
            t->expire = -1;
            t->cb(t->opaque);
            ran = true;
        }
    }
    return ran;
}

static int64_t rtc_base_offset;

void qemu_set_rtc_base_offset(int64_t offset_ns)
{
    rtc_base_offset = offset_ns;
}

int64_t qemu_rtc_base_offset(void)
{
    return rtc_base_offset;
}
