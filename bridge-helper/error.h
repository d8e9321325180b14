/*
 * Errors inside qemu-bridge-helper.
 *
 * The helper is a small setuid program, so it carries no error objects and
 * allocates nothing to report a failure: every function that can fail
 * takes a caller-owned buffer (ERR, ERRLEN), writes one line naming the
 * problem into it and returns -1.  Only main() prints, once, prefixed with
 * the program name.
 *
 * Rules: libc only; nothing in bridge-helper/ includes emulator headers
 * (scripts/check-layers enforces it).
 */
#ifndef BRIDGE_HELPER_ERROR_H
#define BRIDGE_HELPER_ERROR_H

#include <stddef.h>

/* Big enough for an error plus its chain of "(included from F:L)". */
#define HELPER_ERR_LEN 1024

/* Formats the message into ERR and returns -1, so that callers can
 * "return helper_fail(...)". */
int helper_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
