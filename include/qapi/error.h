/*
 * Error values: how a failure travels from the place that detects it to the
 * place that reports it (the command line prints it, QMP returns it).
 *
 * Rules of the interface:
 * - A function that can fail takes "Error **errp" as its last argument and
 *   also says so in its return value (false, NULL or -1), so callers rarely
 *   need a local Error just to find out whether it failed.
 * - errp may be NULL (the caller does not care), &error_abort (a failure is
 *   a bug: abort with the message and where it was set) or &error_fatal
 *   (print the message and exit(1)).
 * - *errp must be NULL on entry: an error is set at most once.  Use
 *   error_propagate() to pass a local error up.
 * - The message is one sentence without a trailing period or newline; a
 *   hint (error_append_hint) may add further lines for humans.
 * - This is the one error type of the tree.  A GError that glib hands us is
 *   turned into an Error where it arises (error_from_gerror), never passed
 *   on.
 * - Errors are printed once, at the edge: the command line (system/vl.c)
 *   reports them with error_report_err(), QMP returns them.  Below the
 *   edge, code that must tell the user something without failing uses
 *   warn_report()/info_report(), never fprintf(stderr).
 */
#ifndef QAPI_ERROR_H
#define QAPI_ERROR_H

#include <glib.h>
#include <stdbool.h>

/* The "class" member of a QMP error response (QMP specification). */
typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_DEVICE_NOT_FOUND,
    ERROR_CLASS_KVM_MISSING_CAP,
    ERROR_CLASS__MAX
} ErrorClass;

typedef struct Error Error;

/* Pass &error_abort or &error_fatal as errp; never read or write them. */
extern Error *error_abort;
extern Error *error_fatal;

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, ErrorClass cls, int os_errno,
                         const char *fmt, ...) G_GNUC_PRINTF(7, 8);

/* Set a GenericError. */
#define error_setg(errp, ...) \
    error_setg_internal((errp), __FILE__, __LINE__, __func__, \
                        ERROR_CLASS_GENERIC_ERROR, 0, __VA_ARGS__)
/* Set an error of a given class (only where QMP clients rely on it). */
#define error_set(errp, cls, ...) \
    error_setg_internal((errp), __FILE__, __LINE__, __func__, \
                        (cls), 0, __VA_ARGS__)
/* Set a GenericError and append ": strerror(os_errno)". */
#define error_setg_errno(errp, os_errno, ...) \
    error_setg_internal((errp), __FILE__, __LINE__, __func__, \
                        ERROR_CLASS_GENERIC_ERROR, (os_errno), __VA_ARGS__)

/* Sets *errp from a GError glib returned (same message) and frees GERR. */
void error_from_gerror(Error **errp, GError *gerr);

/* Move local_err into *dst_errp (or free it if dst_errp is NULL). */
void error_propagate(Error **dst_errp, Error *local_err);
/* Like error_propagate(), prefixing the message when there is an error. */
void error_propagate_prepend(Error **dst_errp, Error *local_err,
                             const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* Prefix the message of *errp, if any ("-netdev x: " + message). */
void error_prepend(Error *const *errp, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* Add human-oriented lines after the message (not sent over QMP). */
void error_append_hint(Error *const *errp, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

const char *error_get_pretty(const Error *err);
const char *error_get_hint(const Error *err);    /* NULL if none */
ErrorClass error_get_class(const Error *err);
/* "GenericError", "CommandNotFound", ... as QMP spells them. */
const char *error_class_name(ErrorClass cls);

Error *error_copy(const Error *err);
void error_free(Error *err);
/* For tests: assert that *errp is set, free it and clear *errp. */
void error_free_or_abort(Error **errp);
/* Print "PROGRAM: message" (and hint) to stderr, then free err. */
void error_report_err(Error *err);
/* "PROGRAM: message", "PROGRAM: warning: message", "PROGRAM: info: ...". */
void error_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/*
 * -msg: with TIMESTAMP every report starts with the UTC time (QEMU's
 * "2024-01-01T00:00:00.000000Z "); a GUEST_NAME (or NULL) follows the
 * program name.
 */
void error_report_set_format(bool timestamp, const char *guest_name);
void warn_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void info_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Error, error_free)

#endif
