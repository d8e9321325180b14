/*
 * VM run state and the requests that change it.
 *
 * The state machine follows QEMU's vocabulary (the names match the QAPI
 * RunState and ShutdownCause enums, see runstate_name() and
 * shutdown_cause_name(), so QMP can map them by name):
 *
 *   prelaunch --vm_start--> running <--vm_start / vm_stop--> paused
 *   running --guest error--> internal-error (only with a monitor)
 *   anything --shutdown request--> exit (or "shutdown" with -no-shutdown)
 *
 * Devices and the monitor never act on the loop directly: they *request*
 * a reset or shutdown (qemu_system_*_request()); the main loop performs
 * it between CPU slices (main_loop_should_exit()), so a device callback
 * never sees the machine reset under its feet.
 *
 * Notifiers (runstate_add_notifier()) hear every STOP, RESUME, RESET and
 * SHUTDOWN, in that vocabulary: the QMP monitor turns them into events.
 * Reset handlers (qemu_register_reset()) put devices back to power-on
 * state, in registration order.
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

#include <stdbool.h>
#include <sys/types.h>

typedef enum VMRunState {
    VM_RUN_STATE_PRELAUNCH,
    VM_RUN_STATE_RUNNING,
    VM_RUN_STATE_PAUSED,
    VM_RUN_STATE_SHUTDOWN,
    VM_RUN_STATE_INTERNAL_ERROR,
    VM_RUN_STATE_GUEST_PANICKED,
} VMRunState;

typedef enum VMShutdownCause {
    VM_SHUTDOWN_CAUSE_NONE,
    VM_SHUTDOWN_CAUSE_HOST_ERROR,
    VM_SHUTDOWN_CAUSE_HOST_QMP_QUIT,
    VM_SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET,
    VM_SHUTDOWN_CAUSE_HOST_SIGNAL,
    VM_SHUTDOWN_CAUSE_HOST_UI,
    VM_SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
    VM_SHUTDOWN_CAUSE_GUEST_RESET,
    VM_SHUTDOWN_CAUSE_GUEST_PANIC,
    VM_SHUTDOWN_CAUSE_SUBSYSTEM_RESET,
} VMShutdownCause;

typedef enum RunStateEventKind {
    RUNSTATE_EVENT_STOP,
    RUNSTATE_EVENT_RESUME,
    RUNSTATE_EVENT_RESET,
    RUNSTATE_EVENT_SHUTDOWN,
} RunStateEventKind;

typedef struct RunStateEvent {
    RunStateEventKind kind;
    VMRunState state;           /* the state after the change */
    VMShutdownCause cause;      /* RESET and SHUTDOWN only */
    bool guest;                 /* RESET and SHUTDOWN: guest-initiated */
} RunStateEvent;

typedef void RunStateNotify(void *opaque, const RunStateEvent *ev);
typedef struct RunStateNotifier RunStateNotifier;
RunStateNotifier *runstate_add_notifier(RunStateNotify *fn, void *opaque);
void runstate_remove_notifier(RunStateNotifier *n);

VMRunState runstate_get(void);
bool runstate_is_running(void);
/* "running", "paused", ... as in QAPI RunState */
const char *runstate_name(VMRunState state);
/* "guest-shutdown", ... as in QAPI ShutdownCause */
const char *shutdown_cause_name(VMShutdownCause cause);

/* Set the initial state: prelaunch (with -S) before the loop starts. */
void runstate_init(bool start_paused);
/* Resume (prelaunch/paused -> running); no-op when already running. */
void vm_start(void);
/* Pause into STATE (paused, internal-error, ...); no-op when stopped. */
void vm_stop(VMRunState state);

/* Guest behaviour switches (-no-reboot, -no-shutdown). */
void runstate_set_no_reboot(bool on);
void runstate_set_no_shutdown(bool on);

/* Requests, performed by the loop at the next opportunity. */
void qemu_system_reset_request(VMShutdownCause cause);
void qemu_system_shutdown_request(VMShutdownCause cause);
/* Shutdown with a given process exit status (sifive_test "fail"). */
void qemu_system_shutdown_request_status(VMShutdownCause cause, int status);
/* From a signal: prints "terminating on signal N" like QEMU. */
void qemu_system_killed(int signal, pid_t pid);

typedef void QEMUResetHandler(void *opaque);
void qemu_register_reset(QEMUResetHandler *fn, void *opaque);
void qemu_unregister_reset(QEMUResetHandler *fn, void *opaque);
/* Run the reset handlers now and emit RESET (the loop calls this). */
void qemu_system_reset(VMShutdownCause cause);

/*
 * Perform pending requests; true when the process should exit, with the
 * exit status in *status.
 */
bool main_loop_should_exit(int *status);
/* True while a request is pending (the loop stops running harts early). */
bool qemu_system_request_pending(void);

#endif
