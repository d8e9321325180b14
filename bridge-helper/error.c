/*
 * Errors inside qemu-bridge-helper: see error.h for the convention.
 */

#include "bridge-helper/error.h"

#include <stdarg.h>
#include <stdio.h>

int helper_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}
