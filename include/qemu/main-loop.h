/*
 * The main loop: one thread, glib's default GMainContext underneath.
 *
 * main_loop_wait() is one iteration: it polls every file descriptor known
 * to the context (ours and any GSource others attach to
 * g_main_context_default(), such as QMP sockets or g_unix_signal_add()),
 * dispatches what is ready, fires expired timers (see qemu/timer.h) and runs
 * scheduled bottom halves.  With nonblocking=false it sleeps in ppoll()
 * until the next timer deadline (nanosecond precision), a ready fd or a
 * qemu_notify_event(); with nonblocking=true it only collects what is
 * already ready.  The system layer alternates CPU slices with nonblocking
 * iterations and blocks when every hart waits (WFI) or the VM is stopped.
 *
 * Interface rules:
 * - Everything here is called from the main loop thread, except
 *   qemu_notify_event(), which any thread or signal handler may call.
 * - Handlers may add, change or remove any handler, including their own,
 *   while they run.
 * - A bottom half scheduled while bottom halves run is run in the same
 *   iteration (after the current one returns); one scheduled several times
 *   before it runs runs once.
 */
#ifndef QEMU_MAIN_LOOP_H
#define QEMU_MAIN_LOOP_H

#include <stdbool.h>
#include <glib.h>

typedef void IOHandler(void *opaque);

/* Idempotent; called by the first user of anything below. */
void qemu_init_main_loop(void);
GMainContext *qemu_get_main_context(void);

/*
 * Watch FD: fd_read runs when it is readable (or hung up / in error, so
 * the handler sees EOF), fd_write when writable.  Passing NULL for both
 * removes the watch; changing one handler keeps the other.
 */
void qemu_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write,
                         void *opaque);

typedef struct QEMUBH QEMUBH;
typedef void QEMUBHFunc(void *opaque);
QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque);
void qemu_bh_schedule(QEMUBH *bh);
void qemu_bh_cancel(QEMUBH *bh);
/* Cancels and frees; safe from inside its own callback. */
void qemu_bh_delete(QEMUBH *bh);

/* One iteration; returns true if anything was dispatched. */
bool main_loop_wait(bool nonblocking);
/* Wake a blocked main_loop_wait() (async-signal-safe). */
void qemu_notify_event(void);

#endif
