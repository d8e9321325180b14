/* The emulator's GError domain (see include/qemu/gerror.h). */
#include "qemu/gerror.h"

G_DEFINE_QUARK(qemu-error-quark, qemu_error)
