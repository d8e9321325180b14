/*
 * Diagnostic logging for -d ITEMS and -D FILE.
 *
 * qemu_log_mask(LOG_X, ...) writes one message when item X was enabled on
 * the command line; messages go to the -D file, or stderr without one.
 * Messages are complete lines: a trailing newline is added when missing.
 */
#ifndef QEMU_LOG_H
#define QEMU_LOG_H

#include <stdbool.h>
#include <glib.h>
#include "qapi/error.h"

#define CPU_LOG_INT     (1u << 0)   /* -d int: every trap and interrupt */
#define LOG_GUEST_ERROR (1u << 1)   /* -d guest_errors: guest misuse of hw */
#define LOG_UNIMP       (1u << 2)   /* -d unimp: unimplemented features */

extern unsigned qemu_loglevel;

static inline bool qemu_loglevel_mask(unsigned mask)
{
    return (qemu_loglevel & mask) != 0;
}

/* Parse "int,guest_errors" (or "help"); returns the mask or -1 on error. */
int qemu_str_to_log_mask(const char *str);
/* Print the items -d understands on stdout (for -d help). */
void qemu_print_log_usage(void);
void qemu_set_log(unsigned mask);
/* NULL means stderr. */
bool qemu_set_log_filename(const char *filename, Error **errp);

void qemu_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
#define qemu_log_mask(mask, ...) do { \
        if (qemu_loglevel_mask(mask)) { \
            qemu_log(__VA_ARGS__); \
        } \
    } while (0)

#endif
