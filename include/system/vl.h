/*
 * The command line of qemu-system-riscv64, as a table of option
 * descriptors.
 *
 * Each option is a QemuOptionDesc: its name (without the dash), whether
 * it takes an argument, a handler, and its -h text.  Handlers run while
 * the command line is read, in order.  A handler parses its argument
 * once, with util/keyval.c (and the QAPI visitor where the schema has a
 * type for it), rejects malformed values at once, and records the typed
 * value it got; nothing parses the text again later.  "help" lists come
 * from the tables the handler checks against.  Work that needs other
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
 * The options live by subject: system/vl.c (files, logging, -serial,
 * -display, -name, process), system/vl-machine.c (-M, -m, -smp, -accel,
 * -cpu), system/vl-devices.c (-netdev, -net, -nic, -device, -chardev,
 * -mon, -qmp), system/vl-objects.c (-object, -add-fd), system/vl-host.c
 * (-overcommit, -msg, -rtc, -boot, -uuid, -audiodev),
 * system/vl-privileges.c (-runas, -chroot, -run-with).  Adding options:
 * write a table in your module and list it
 * in option_tables[] in system/vl.c.  Nothing else needs to change.
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

/* A "help" list: TITLE (unless NULL), then each of the NULL-terminated
 * NAMES on a line of its own (the table the option checks against). */
void vl_print_names(const char *title, const char *const *names);

/* A handler answered "help": exit with status 0 after the command line. */
void vl_request_exit(void);

/* The machine being configured / running (valid after option parsing). */
extern MachineState *current_machine;

/* Parse the command line, build the machine, run it; returns exit status. */
int qemu_main(int argc, char **argv);

#endif
