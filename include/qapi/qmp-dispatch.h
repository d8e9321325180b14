/*
 * The QMP command table and dispatcher.
 *
 * The generated qmp_init_marshal() registers one marshaller per schema
 * command; hand-written commands ('gen': false in the schema, such as
 * device_add and query-qmp-schema) are registered by their owner with the
 * same function type, receiving the whole "arguments" object unchecked.
 *
 * qmp_dispatch() takes one parsed request and returns the response to send
 * (a JSON object with "return" or "error", echoing "id"), or NULL when a
 * command without success response succeeded.  It never takes ownership of
 * the request.  Greeting, capability negotiation, framing and OOB queueing
 * are the monitor's business.
 *
 * Deferred replies.  A command that waits on something outside the
 * emulator (netdev_add of a bridge waits for the helper) must not block the
 * main loop.  Such a command is marked 'coroutine': true in the schema
 * (QCO_COROUTINE; QEMU's word for a command that may yield, which is what
 * it does here without coroutines).  When dispatched with
 * qmp_dispatch_deferrable() it may call qmp_defer_reply() and return
 * without a result; it answers later, exactly once, with
 * qmp_deferred_return(), and the response (the request's "id" echoed) goes
 * to the caller's QmpDeferredReply.  The caller - the monitor - stops
 * dispatching that client's later requests until then, so its replies stay
 * in order, while other monitors, timers and the guest run on.  A caller
 * that goes away calls qmp_deferred_abandon(): the command still completes
 * and its response is dropped.  Answering before the command returns is
 * allowed: then the response is returned as if nothing was deferred.
 */
#ifndef QAPI_QMP_DISPATCH_H
#define QAPI_QMP_DISPATCH_H

#include <json-glib/json-glib.h>
#include "qapi/error.h"

/* args is never NULL (an empty object when the client sent none). */
typedef void QmpCommandFunc(JsonObject *args, JsonNode **ret, Error **errp);

typedef enum QmpCommandOptions {
    QCO_NO_OPTIONS = 0,
    QCO_NO_SUCCESS_RESP = 1 << 0,
    QCO_ALLOW_OOB = 1 << 1,
    QCO_ALLOW_PRECONFIG = 1 << 2,
    QCO_COROUTINE = 1 << 3,     /* may defer its reply (see above) */
} QmpCommandOptions;

typedef struct QmpCommand {
    char *name;
    QmpCommandFunc *fn;
    QmpCommandOptions options;
    unsigned special_features;     /* QAPI_DEPRECATED, QAPI_UNSTABLE */
    bool enabled;
    char *disable_reason;
} QmpCommand;

typedef struct QmpCommandList QmpCommandList;

QmpCommandList *qmp_command_list_new(void);
void qmp_command_list_free(QmpCommandList *cmds);

/* Registering a name twice is a bug (asserted). */
void qmp_register_command(QmpCommandList *cmds, const char *name,
                          QmpCommandFunc *fn, QmpCommandOptions options,
                          unsigned special_features);
void qmp_unregister_command(QmpCommandList *cmds, const char *name);
const QmpCommand *qmp_find_command(const QmpCommandList *cmds,
                                   const char *name);
/* A disabled command answers "Command NAME has been disabled: REASON". */
void qmp_disable_command(QmpCommandList *cmds, const char *name,
                         const char *reason);
void qmp_enable_command(QmpCommandList *cmds, const char *name);

bool qmp_command_is_enabled(const QmpCommand *cmd);
bool qmp_command_available(const QmpCommand *cmd, Error **errp);
const char *qmp_command_name(const QmpCommand *cmd);
bool qmp_has_success_response(const QmpCommand *cmd);

typedef void QmpCommandVisitor(const QmpCommand *cmd, void *opaque);
/* In registration order (what query-commands lists). */
void qmp_for_each_command(const QmpCommandList *cmds, QmpCommandVisitor *fn,
                          void *opaque);

/* True for {"exec-oob": ...} requests. */
bool qmp_is_oob(JsonObject *request);

/*
 * Execute request.  allow_oob: the client negotiated the 'oob' capability.
 * preconfig: the machine is not yet built, so only commands marked
 * allow-preconfig may run.
 */
JsonNode *qmp_dispatch(const QmpCommandList *cmds, JsonNode *request,
                       bool allow_oob, bool preconfig);

typedef struct QmpDeferred QmpDeferred;
/* A deferred response is ready: RSP is the whole response, the callee's. */
typedef void QmpDeferredReply(JsonNode *rsp, void *opaque);

/*
 * qmp_dispatch() for a caller that can wait: returns the response, or
 * NULL with *DEFERRED set when the command deferred it; REPLY(rsp, OPAQUE)
 * gets it later, unless abandoned.  (NULL with *DEFERRED NULL: a command
 * without success response succeeded.)
 */
JsonNode *qmp_dispatch_deferrable(const QmpCommandList *cmds,
                                  JsonNode *request, bool allow_oob,
                                  bool preconfig, QmpDeferredReply *reply,
                                  void *opaque, QmpDeferred **deferred);

/*
 * Called by a QCO_COROUTINE command while it runs: it will answer later
 * through the returned handle.  NULL when its caller cannot wait (plain
 * qmp_dispatch()); the command must then finish before returning.  A
 * command that took a handle sets neither *ret nor *errp.
 */
QmpDeferred *qmp_defer_reply(void);
/* The deferred command's result: RET (NULL: {}) or ERR; takes both. */
void qmp_deferred_return(QmpDeferred *d, JsonNode *ret, Error *err);
/* The caller will not take the response (its client went away). */
void qmp_deferred_abandon(QmpDeferred *d);

/* {"error": {"class": ..., "desc": ...}}; does not free err. */
JsonObject *qmp_error_response(const Error *err);

#endif
