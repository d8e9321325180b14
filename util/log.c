/*
 * -d / -D logging (see include/qemu/log.h).
 */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <glib.h>

#include "qemu/log.h"

unsigned qemu_loglevel;
static FILE *logfile;

static const struct {
    const char *name;
    unsigned mask;
    const char *help;
} log_items[] = {
    { "int", CPU_LOG_INT, "show interrupts/exceptions in short format" },
    { "guest_errors", LOG_GUEST_ERROR,
      "log when the guest OS does something invalid (eg accessing a\n"
      "non-existent register)" },
    { "unimp", LOG_UNIMP, "log unimplemented functionality" },
};

int qemu_str_to_log_mask(const char *str)
{
    g_auto(GStrv) items = g_strsplit(str, ",", -1);
    unsigned mask = 0;

    for (int i = 0; items[i]; i++) {
        bool found = false;

        if (!strcmp(items[i], "all")) {
            for (size_t j = 0; j < G_N_ELEMENTS(log_items); j++) {
                mask |= log_items[j].mask;
            }
            continue;
        }
        for (size_t j = 0; j < G_N_ELEMENTS(log_items); j++) {
            if (!strcmp(items[i], log_items[j].name)) {
                mask |= log_items[j].mask;
                found = true;
            }
        }
        if (!found) {
            return -1;
        }
    }
    return (int)mask;
}

void qemu_print_log_usage(void)
{
    printf("Log items (comma separated):\n");
    for (size_t j = 0; j < G_N_ELEMENTS(log_items); j++) {
        printf("%-15s %s\n", log_items[j].name, log_items[j].help);
    }
}

void qemu_set_log(unsigned mask)
{
    qemu_loglevel = mask;
}

bool qemu_set_log_filename(const char *filename, Error **errp)
{
    FILE *f = NULL;

    if (filename) {
        f = fopen(filename, "w");
        if (!f) {
            error_setg(errp, "Error opening logfile %s: %s", filename,
                        g_strerror(errno));
            return false;
        }
        /* line buffered: a crash or kill must not lose the last lines */
        setvbuf(f, NULL, _IOLBF, 0);
    }
    if (logfile) {
        fclose(logfile);
    }
    logfile = f;
    return true;
}

void qemu_log(const char *fmt, ...)
{
    FILE *f = logfile ? logfile : stderr;
    size_t len = strlen(fmt);
    va_list ap;

    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    if (len == 0 || fmt[len - 1] != '\n') {
        fputc('\n', f);
    }
}
