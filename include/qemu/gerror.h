/*
 * The GError domain of the emulator's own errors (machine start-up,
 * loaders, chardevs).  The message is what matters: one sentence, no
 * trailing period, printed after "qemu-system-riscv64: [-OPTION ARG: ]".
 */
#ifndef QEMU_GERROR_H
#define QEMU_GERROR_H

#include <glib.h>

#define QEMU_ERROR (qemu_error_quark())
GQuark qemu_error_quark(void);

enum {
    QEMU_ERROR_FAILED,
};

#endif
