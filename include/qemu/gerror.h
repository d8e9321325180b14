/*
 * The GError domain of the emulator's own errors (machine start-up,
 * loaders, chardevs).  The message is what matters: one sentence, no
 * trailing period, printed after "qemu-system-riscv64: [-OPTION ARG: ]".
 */
#ifndef QEMU_GERROR_H
#define QEMU_GERROR_H

#include <glib.h>
#include <stdbool.h>

#define QEMU_ERROR (qemu_error_quark())
GQuark qemu_error_quark(void);

enum {
    QEMU_ERROR_FAILED,
};

/* Sets *ERRP (if ERRP) to a QEMU_ERROR_FAILED error; returns false, so
 * "return qemu_error_fail(errp, ...);" ends a failing function. */
bool qemu_error_fail(GError **errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif
