/*
 * VM run state, requests and notifiers (see include/system/runstate.h).
 */
#include <stdio.h>
#include <glib.h>

#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/cpus.h"
#include "system/runstate.h"

struct RunStateNotifier {
    RunStateNotify *fn;
    void *opaque;
};

typedef struct ResetEntry {
    QEMUResetHandler *fn;
    void *opaque;
} ResetEntry;

static VMRunState current_state = VM_RUN_STATE_PRELAUNCH;
static GPtrArray *notifiers;
static GArray *reset_handlers;

static VMShutdownCause reset_requested;
static VMShutdownCause shutdown_requested;
static int shutdown_status;
static int killed_signal;
static pid_t killed_pid;
static bool no_reboot, no_shutdown;

static const char *const state_names[] = {
    [VM_RUN_STATE_PRELAUNCH] = "prelaunch",
    [VM_RUN_STATE_RUNNING] = "running",
    [VM_RUN_STATE_PAUSED] = "paused",
    [VM_RUN_STATE_SHUTDOWN] = "shutdown",
    [VM_RUN_STATE_INTERNAL_ERROR] = "internal-error",
    [VM_RUN_STATE_GUEST_PANICKED] = "guest-panicked",
};

static const char *const cause_names[] = {
    [VM_SHUTDOWN_CAUSE_NONE] = "none",
    [VM_SHUTDOWN_CAUSE_HOST_ERROR] = "host-error",
    [VM_SHUTDOWN_CAUSE_HOST_QMP_QUIT] = "host-qmp-quit",
    [VM_SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET] = "host-qmp-system-reset",
    [VM_SHUTDOWN_CAUSE_HOST_SIGNAL] = "host-signal",
    [VM_SHUTDOWN_CAUSE_HOST_UI] = "host-ui",
    [VM_SHUTDOWN_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
    [VM_SHUTDOWN_CAUSE_GUEST_RESET] = "guest-reset",
    [VM_SHUTDOWN_CAUSE_GUEST_PANIC] = "guest-panic",
    [VM_SHUTDOWN_CAUSE_SUBSYSTEM_RESET] = "subsystem-reset",
};

const char *runstate_name(VMRunState state)
{
    return state < G_N_ELEMENTS(state_names) ? state_names[state] : "?";
}

const char *shutdown_cause_name(VMShutdownCause cause)
{
    return cause < G_N_ELEMENTS(cause_names) ? cause_names[cause] : "?";
}

static bool cause_is_guest(VMShutdownCause cause)
{
    return cause >= VM_SHUTDOWN_CAUSE_GUEST_SHUTDOWN &&
           cause <= VM_SHUTDOWN_CAUSE_GUEST_PANIC;
}

RunStateNotifier *runstate_add_notifier(RunStateNotify *fn, void *opaque)
{
    RunStateNotifier *n = g_new(RunStateNotifier, 1);

    if (!notifiers) {
        notifiers = g_ptr_array_new_with_free_func(g_free);
    }
    n->fn = fn;
    n->opaque = opaque;
    g_ptr_array_add(notifiers, n);
    return n;
}

void runstate_remove_notifier(RunStateNotifier *n)
{
    if (notifiers) {
        g_ptr_array_remove(notifiers, n);
    }
}

static void notify(RunStateEventKind kind, VMShutdownCause cause)
{
    RunStateEvent ev = {
        .kind = kind,
        .state = current_state,
        .cause = cause,
        .guest = cause_is_guest(cause),
    };

    if (!notifiers) {
        return;
    }
    /* by index: a notifier may add another (it is called next time) */
    for (guint i = 0; i < notifiers->len; i++) {
        RunStateNotifier *n = g_ptr_array_index(notifiers, i);
        n->fn(n->opaque, &ev);
    }
}

VMRunState runstate_get(void)
{
    return current_state;
}

bool runstate_is_running(void)
{
    return current_state == VM_RUN_STATE_RUNNING;
}

void runstate_init(bool start_paused)
{
    current_state = start_paused ? VM_RUN_STATE_PRELAUNCH
                                 : VM_RUN_STATE_RUNNING;
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, !start_paused);
}

void vm_start(void)
{
    if (current_state == VM_RUN_STATE_RUNNING) {
        return;
    }
    current_state = VM_RUN_STATE_RUNNING;
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
    notify(RUNSTATE_EVENT_RESUME, VM_SHUTDOWN_CAUSE_NONE);
    qemu_notify_event();
}

void vm_stop(VMRunState state)
{
    if (current_state != VM_RUN_STATE_RUNNING) {
        /* already stopped: only the reason changes (QEMU does the same) */
        if (state != VM_RUN_STATE_RUNNING) {
            current_state = state;
        }
        return;
    }
    current_state = state;
    qemu_clock_enable(QEMU_CLOCK_VIRTUAL, false);
    cpus_kick_all();
    notify(RUNSTATE_EVENT_STOP, VM_SHUTDOWN_CAUSE_NONE);
    qemu_notify_event();
}

void runstate_set_no_reboot(bool on)
{
    no_reboot = on;
}

void runstate_set_no_shutdown(bool on)
{
    no_shutdown = on;
}

void qemu_system_reset_request(VMShutdownCause cause)
{
    if (no_reboot && cause != VM_SHUTDOWN_CAUSE_SUBSYSTEM_RESET) {
        qemu_system_shutdown_request(cause);
        return;
    }
    reset_requested = cause;
    cpus_kick_all();
    qemu_notify_event();
}

void qemu_system_shutdown_request_status(VMShutdownCause cause, int status)
{
    shutdown_requested = cause;
    shutdown_status = status;
    cpus_kick_all();
    qemu_notify_event();
}

void qemu_system_shutdown_request(VMShutdownCause cause)
{
    qemu_system_shutdown_request_status(cause, 0);
}

void qemu_system_killed(int signal, pid_t pid)
{
    killed_signal = signal;
    killed_pid = pid;
    /* -no-shutdown does not apply to signals: the host asked us to go */
    no_shutdown = false;
    qemu_system_shutdown_request(VM_SHUTDOWN_CAUSE_HOST_SIGNAL);
}

void qemu_register_reset(QEMUResetHandler *fn, void *opaque)
{
    ResetEntry e = { fn, opaque };

    if (!reset_handlers) {
        reset_handlers = g_array_new(FALSE, FALSE, sizeof(ResetEntry));
    }
    g_array_append_val(reset_handlers, e);
}

void qemu_unregister_reset(QEMUResetHandler *fn, void *opaque)
{
    if (!reset_handlers) {
        return;
    }
    for (guint i = 0; i < reset_handlers->len; i++) {
        ResetEntry *e = &g_array_index(reset_handlers, ResetEntry, i);
        if (e->fn == fn && e->opaque == opaque) {
            g_array_remove_index(reset_handlers, i);
            return;
        }
    }
}

void qemu_system_reset(VMShutdownCause cause)
{
    if (reset_handlers) {
        for (guint i = 0; i < reset_handlers->len; i++) {
            ResetEntry *e = &g_array_index(reset_handlers, ResetEntry, i);
            e->fn(e->opaque);
        }
    }
    if (cause != VM_SHUTDOWN_CAUSE_SUBSYSTEM_RESET &&
        cause != VM_SHUTDOWN_CAUSE_NONE) {
        notify(RUNSTATE_EVENT_RESET, cause);
    }
}

bool qemu_system_request_pending(void)
{
    return shutdown_requested != VM_SHUTDOWN_CAUSE_NONE ||
           reset_requested != VM_SHUTDOWN_CAUSE_NONE;
}

bool main_loop_should_exit(int *status)
{
    if (shutdown_requested != VM_SHUTDOWN_CAUSE_NONE) {
        VMShutdownCause cause = shutdown_requested;

        shutdown_requested = VM_SHUTDOWN_CAUSE_NONE;
        if (killed_signal) {
            if (killed_pid) {
                error_report("terminating on signal %d from pid %ld",
                             killed_signal, (long)killed_pid);
            } else {
                error_report("terminating on signal %d", killed_signal);
            }
        }
        if (no_shutdown && cause_is_guest(cause)) {
            /* -no-shutdown: keep the process (and the monitor) alive */
            vm_stop(VM_RUN_STATE_SHUTDOWN);
            notify(RUNSTATE_EVENT_SHUTDOWN, cause);
            return false;
        }
        notify(RUNSTATE_EVENT_SHUTDOWN, cause);
        *status = shutdown_status;
        return true;
    }
    if (reset_requested != VM_SHUTDOWN_CAUSE_NONE) {
        VMShutdownCause cause = reset_requested;

        reset_requested = VM_SHUTDOWN_CAUSE_NONE;
        qemu_system_reset(cause);
        /* like QEMU: a stopped VM comes back in prelaunch, awaiting cont */
        if (current_state != VM_RUN_STATE_RUNNING) {
            current_state = VM_RUN_STATE_PRELAUNCH;
        }
    }
    return false;
}
