/*
 * The options that choose and size the machine (system/vl-machine.c):
 * -machine/-M, -m, -smp, -accel, -enable-kvm, -cpu.
 *
 * Each is parsed once, by util/keyval.c, when the command line is read;
 * -m and -smp go through the QAPI visitor into their schema types
 * (qapi/machine.json), the properties of -M and -accel are checked
 * against the chosen machine's and accelerator's tables.  What they
 * give is applied to the MachineState by vl_machine_configure(), once
 * all options are known.
 */
#ifndef SYSTEM_VL_MACHINE_H
#define SYSTEM_VL_MACHINE_H

#include <stdbool.h>

#include "hw/boards.h"
#include "system/vl.h"

extern const QemuOptionDesc vl_machine_options[];

/* A "help" argument was answered: exit 0 after parsing. */
bool vl_machine_exit_requested(void);

/*
 * Sets MS's class, properties, RAM size, harts and accelerator settings.
 * False with *ERRP set on bad input; false without an error when it
 * printed a help text ("-M virt,help") and the process should exit.
 */
bool vl_machine_configure(MachineState *ms, Error **errp);

/* Calls FN for each accelerator this binary has ("tcg"), for QOM's view
 * (they are the types "NAME-accel"), with its -accel property names. */
void vl_foreach_accel(void (*fn)(const char *name,
                                 const char *const *props, void *opaque),
                      void *opaque);

#endif
