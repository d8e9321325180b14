/*
 * The system services a board uses (include/hw/boards.h MachineServices):
 * the hart scheduler and the run state's reset registry and requests.
 * system/vl.c hands them to the machine it creates.
 */

#include "system/machine-services.h"

#include "system/cpus.h"
#include "system/runstate.h"

static void request_shutdown(int status)
{
    qemu_system_shutdown_request_status(VM_SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
                                        status);
}

static void request_reset(void)
{
    qemu_system_reset_request(VM_SHUTDOWN_CAUSE_GUEST_RESET);
}

const MachineServices system_machine_services = {
    .add_hart = cpus_add_hart,
    .register_reset = qemu_register_reset,
    .request_shutdown = request_shutdown,
    .request_reset = request_reset,
};
