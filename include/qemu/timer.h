/*
 * Clocks and timers of the main loop.
 *
 * Three clocks, all in nanoseconds:
 * - QEMU_CLOCK_REALTIME: the host's CLOCK_MONOTONIC; always runs.
 * - QEMU_CLOCK_VIRTUAL: guest time.  Follows the monotonic clock while the
 *   VM runs and stands still while it is stopped (-S, QMP stop), so guest
 *   timers (CLINT mtime, UART timeouts) do not jump across a pause.
 * - QEMU_CLOCK_HOST: the host's wall clock (CLOCK_REALTIME), for RTCs; no
 *   timers on it.
 *
 * Interface rules:
 * - Single-threaded: timers are armed, moved and fired from the main loop
 *   thread only.  A callback runs from main_loop_wait() (or from
 *   qemu_clock_run_all_timers() in tests) and may re-arm or delete any
 *   timer, including its own.
 * - timer_mod_ns() takes an absolute deadline on the timer's clock; a
 *   deadline in the past fires at the next loop iteration.
 * - Timers on the virtual clock do not fire while it is disabled.
 * - Tests may replace the monotonic source with qemu_clock_set_source() to
 *   make time deterministic.
 */
#ifndef QEMU_TIMER_H
#define QEMU_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define NANOSECONDS_PER_SECOND 1000000000LL

typedef enum QEMUClockType {
    QEMU_CLOCK_REALTIME,
    QEMU_CLOCK_VIRTUAL,
    QEMU_CLOCK_HOST,
    QEMU_CLOCK_MAX,
} QEMUClockType;

typedef struct QEMUTimer QEMUTimer;
typedef void QEMUTimerCB(void *opaque);

int64_t qemu_clock_get_ns(QEMUClockType type);
/* Stop or restart a clock (only QEMU_CLOCK_VIRTUAL can stop). */
void qemu_clock_enable(QEMUClockType type, bool enabled);
bool qemu_clock_is_enabled(QEMUClockType type);

/*
 * Nanoseconds until the earliest timer of an enabled clock expires: 0 if
 * one is due, -1 if none is armed.
 */
int64_t qemu_clock_deadline_ns_all(void);
/* Fire every expired timer; true if at least one ran. */
bool qemu_clock_run_all_timers(void);

/* For tests: the monotonic source (ns) behind REALTIME and VIRTUAL. */
typedef int64_t QEMUClockSource(void);
void qemu_clock_set_source(QEMUClockSource *fn);
/*
 * Where real-time clocks start (-rtc base=): guest wall time minus host
 * wall time, in ns.  0 (base=utc) unless set before the board is built.
 */
void qemu_set_rtc_base_offset(int64_t offset_ns);
int64_t qemu_rtc_base_offset(void);

QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb, void *opaque);
/* Deletes the timer if armed, then frees it; NULL is allowed. */
void timer_free(QEMUTimer *t);
void timer_mod_ns(QEMUTimer *t, int64_t expire_time);
void timer_del(QEMUTimer *t);
bool timer_pending(const QEMUTimer *t);
/* Absolute deadline, or -1 when not armed. */
int64_t timer_expire_time_ns(const QEMUTimer *t);

#endif
