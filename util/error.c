/*
 * Error values and the one place that prints them (see
 * include/qapi/error.h for the rules).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qapi/error.h"

struct Error {
    char *msg;
    ErrorClass err_class;
    GString *hint;
    const char *src, *func;
    int line;
};

/* Only their addresses matter. */
Error *error_abort;
Error *error_fatal;

static const char *const class_names[ERROR_CLASS__MAX] = {
    [ERROR_CLASS_GENERIC_ERROR] = "GenericError",
    [ERROR_CLASS_COMMAND_NOT_FOUND] = "CommandNotFound",
    [ERROR_CLASS_DEVICE_NOT_ACTIVE] = "DeviceNotActive",
    [ERROR_CLASS_DEVICE_NOT_FOUND] = "DeviceNotFound",
    [ERROR_CLASS_KVM_MISSING_CAP] = "KVMMissingCap",
};

const char *error_class_name(ErrorClass cls)
{
    g_assert(cls >= 0 && cls < ERROR_CLASS__MAX);
    return class_names[cls];
}

static bool report_timestamp;
static char *report_guest_name;

void error_report_set_format(bool timestamp, const char *guest_name)
{
    report_timestamp = timestamp;
    g_free(report_guest_name);
    report_guest_name = g_strdup(guest_name);
}

/*
 * "[TIME ]PROGRAM:[ GUEST:] [KIND: ]MESSAGE" on stderr: every report goes
 * through here.
 */
static void report_vprintf(const char *kind, const char *fmt, va_list ap)
{
    const char *prog = g_get_prgname();

    if (report_timestamp) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *stamp = g_date_time_format(now, "%FT%T");

        fprintf(stderr, "%s.%06dZ ", stamp, g_date_time_get_microsecond(now));
    }
    if (prog) {
        fprintf(stderr, "%s: ", prog);
    }
    if (report_guest_name) {
        fprintf(stderr, "%s: ", report_guest_name);
    }
    fputs(kind, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

#define DEFINE_REPORT(fn, kind)                 \
    void fn(const char *fmt, ...)               \
    {                                           \
        va_list ap;                             \
                                                \
        va_start(ap, fmt);                      \
        report_vprintf(kind, fmt, ap);          \
        va_end(ap);                             \
    }
DEFINE_REPORT(error_report, "")
DEFINE_REPORT(warn_report, "warning: ")
DEFINE_REPORT(info_report, "info: ")

static void error_print(const Error *err)
{
    error_report("%s", err->msg);
    if (err->hint) {
        fputs(err->hint->str, stderr);
    }
}

static void error_handle(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        fprintf(stderr, "Unexpected error in %s() at %s:%d:\n",
                err->func, err->src, err->line);
        error_print(err);
        abort();
    }
    if (errp == &error_fatal) {
        error_print(err);
        exit(1);
    }
    if (!errp) {
        error_free(err);
        return;
    }
    g_assert(*errp == NULL);
    *errp = err;
}

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, ErrorClass cls, int os_errno,
                         const char *fmt, ...)
{
    Error *err;
    va_list ap;

    if (!errp) {
        return;
    }
    err = g_new0(Error, 1);
    va_start(ap, fmt);
    err->msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (os_errno) {
        char *m = g_strdup_printf("%s: %s", err->msg, g_strerror(os_errno));

        g_free(err->msg);
        err->msg = m;
    }
    err->err_class = cls;
    err->src = src;
    err->line = line;
    err->func = func;
    error_handle(errp, err);
}

void error_from_gerror(Error **errp, GError *gerr)
{
    error_setg(errp, "%s", gerr->message);
    g_error_free(gerr);
}

void error_propagate(Error **dst_errp, Error *local_err)
{
    if (!local_err) {
        return;
    }
    if (dst_errp == &error_abort || dst_errp == &error_fatal) {
        error_handle(dst_errp, local_err);
        return;
    }
    if (dst_errp && !*dst_errp) {
        *dst_errp = local_err;
    } else {
        /* Either ignored, or the first error wins. */
        error_free(local_err);
    }
}

static void error_vprepend(Error *const *errp, const char *fmt, va_list ap)
{
    char *prefix, *m;

    if (!errp || !*errp) {
        return;
    }
    prefix = g_strdup_vprintf(fmt, ap);
    m = g_strconcat(prefix, (*errp)->msg, NULL);
    g_free(prefix);
    g_free((*errp)->msg);
    (*errp)->msg = m;
}

void error_prepend(Error *const *errp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vprepend(errp, fmt, ap);
    va_end(ap);
}

void error_propagate_prepend(Error **dst_errp, Error *local_err,
                             const char *fmt, ...)
{
    va_list ap;

    if (local_err && dst_errp && dst_errp != &error_abort &&
        dst_errp != &error_fatal && *dst_errp) {
        error_free(local_err);
        return;
    }
    if (local_err) {
        va_start(ap, fmt);
        error_vprepend(&local_err, fmt, ap);
        va_end(ap);
    }
    error_propagate(dst_errp, local_err);
}

void error_append_hint(Error *const *errp, const char *fmt, ...)
{
    va_list ap;

    if (!errp || !*errp || errp == &error_abort || errp == &error_fatal) {
        return;
    }
    if (!(*errp)->hint) {
        (*errp)->hint = g_string_new(NULL);
    }
    va_start(ap, fmt);
    g_string_append_vprintf((*errp)->hint, fmt, ap);
    va_end(ap);
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

const char *error_get_hint(const Error *err)
{
    return err->hint ? err->hint->str : NULL;
}

ErrorClass error_get_class(const Error *err)
{
    return err->err_class;
}

Error *error_copy(const Error *err)
{
    Error *copy = g_new0(Error, 1);

    copy->msg = g_strdup(err->msg);
    copy->err_class = err->err_class;
    copy->src = err->src;
    copy->func = err->func;
    copy->line = err->line;
    if (err->hint) {
        copy->hint = g_string_new(err->hint->str);
    }
    return copy;
}

void error_free(Error *err)
{
    if (err) {
        g_free(err->msg);
        if (err->hint) {
            g_string_free(err->hint, TRUE);
        }
        g_free(err);
    }
}

void error_free_or_abort(Error **errp)
{
    g_assert(errp && *errp);
    error_free(*errp);
    *errp = NULL;
}

void error_report_err(Error *err)
{
    error_print(err);
    error_free(err);
}
