/*
 * "-M none": no harts, no devices.  The main loop still runs (a QMP
 * monitor can be driven against it); without one, the process waits until
 * it is killed, as QEMU does.
 */
#include "hw/boards.h"

static bool none_init(MachineState *ms, Error **errp)
{
    return true;
}

static const MachineClass none_machine_class = {
    .name = "none",
    .desc = "empty machine",
    .default_ram_size = 0,
    .max_cpus = 0,
    .init = none_init,
};

machine_type_init(none_machine_class)
