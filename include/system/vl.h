/*
 * The command line of qemu-system-riscv64, as a table of option
 * descriptors.
 *
 * Each option is a QemuOptionDesc: its name (without the dash), whether
 * it takes an argument, a handler, and its -h text.  Handlers run while
 * the command line is read, in order; they should only record what they
 * were given (and reject malformed values at once).  Work that needs other
 * options or the machine goes into an init hook:
 *
 *   VL_PHASE_BEFORE_MACHINE  after all options, before the board is built
 *                            (create back-ends: -chardev, -netdev)
 *   VL_PHASE_AFTER_MACHINE   after the board is built, before it starts
 *                            (plug devices: -device, monitors: -qmp)
 *
 * An error from a handler or hook is printed as
 *   qemu-system-riscv64: -OPTION ARG: MESSAGE
 * (LOC, the "-OPTION ARG" text, is passed to handlers for their hooks),
 * and the process exits with status 1.
 *
 * Adding options: write a table in your module and list it in
 * option_tables[] in system/vl.c.  Nothing else needs to change.
 */
#ifndef SYSTEM_VL_H
#define SYSTEM_VL_H

#include <stdbool.h>
#include <glib.h>

#include "hw/boards.h"
#include "qapi/error.h"

typedef bool QemuOptionHandler(const char *arg, const char *loc,
                               Error **errp);

typedef struct QemuOptionDesc {
    const char *name;           /* "netdev" for -netdev (also --netdev) */
    bool has_arg;
    QemuOptionHandler *handler;
    const char *help_arg;       /* "SIZE" in "-m SIZE", for -h */
    const char *help;           /* one line (or several, '\n'-separated) */
} QemuOptionDesc;

typedef enum VLPhase {
    VL_PHASE_BEFORE_MACHINE,
    VL_PHASE_AFTER_MACHINE,
    VL_PHASE_MAX,
} VLPhase;

typedef bool VLInitHook(void *opaque, Error **errp);
/* LOC (copied) prefixes the hook's error message; NULL for none. */
void vl_add_init_hook(VLPhase phase, VLInitHook *fn, void *opaque,
                      const char *loc);

/* The machine being configured / running (valid after option parsing). */
extern MachineState *current_machine;

/* Parse the command line, build the machine, run it; returns exit status. */
int qemu_main(int argc, char **argv);

#endif
