/* The emulator's GError domain (see include/qemu/gerror.h). */
#include <stdarg.h>

#include "qemu/gerror.h"

G_DEFINE_QUARK(qemu-error-quark, qemu_error)

bool qemu_error_fail(GError **errp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (errp) {
        *errp = g_error_new_valist(QEMU_ERROR, QEMU_ERROR_FAILED, fmt, ap);
    }
    va_end(ap);
    return false;
}
