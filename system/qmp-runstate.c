/*
 * QMP's view of the run state: quit, stop, cont, system_reset,
 * system_powerdown, query-status, and the STOP/RESUME/RESET/SHUTDOWN
 * events, all mapped onto system/runstate.c.
 */

#include "qapi/qapi-commands.h"
#include "qapi/qapi-events.h"
#include "system/runstate.h"

/* The run-state module names states and causes as the QAPI enums do. */
static RunState qapi_run_state(VMRunState state)
{
    return (RunState)RunState_parse(runstate_name(state), RUN_STATE_DEBUG, NULL);
}

static ShutdownCause qapi_cause(VMShutdownCause cause)
{
    return (ShutdownCause)ShutdownCause_parse(shutdown_cause_name(cause),
                                              SHUTDOWN_CAUSE_NONE, NULL);
}

static void emit_runstate_event(void *opaque, const RunStateEvent *ev)
{
    switch (ev->kind) {
    case RUNSTATE_EVENT_STOP:
        qapi_event_send_stop();
        break;
    case RUNSTATE_EVENT_RESUME:
        qapi_event_send_resume();
        break;
    case RUNSTATE_EVENT_RESET:
        qapi_event_send_reset(ev->guest, qapi_cause(ev->cause));
        break;
    case RUNSTATE_EVENT_SHUTDOWN:
        qapi_event_send_shutdown(ev->guest, qapi_cause(ev->cause));
        break;
    }
}

void qmp_runstate_events_init(void)
{
    runstate_add_notifier(emit_runstate_event, NULL);
}

StatusInfo *qmp_query_status(Error **errp)
{
    StatusInfo *info = g_new0(StatusInfo, 1);

    info->running = runstate_is_running();
    info->status = qapi_run_state(runstate_get());
    return info;
}

void qmp_quit(Error **errp)
{
    qemu_system_shutdown_request(VM_SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

void qmp_stop(Error **errp)
{
    if (runstate_is_running()) {
        vm_stop(VM_RUN_STATE_PAUSED);
    }
}

void qmp_cont(Error **errp)
{
    VMRunState state = runstate_get();

    if (state == VM_RUN_STATE_INTERNAL_ERROR || state == VM_RUN_STATE_SHUTDOWN ||
        state == VM_RUN_STATE_GUEST_PANICKED) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return;
    }
    if (!runstate_is_running()) {
        vm_start();
    }
}

void qmp_system_reset(Error **errp)
{
    qemu_system_reset_request(VM_SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
}

/* The virt board has no power button the guest could watch (QEMU's has
 * none either): the event tells clients the request was made. */
void qmp_system_powerdown(Error **errp)
{
    qapi_event_send_powerdown();
}
