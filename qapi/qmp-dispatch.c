/*
 * The QMP command table and the dispatcher (see qapi/qmp-dispatch.h).
 *
 * Request checking follows the QMP specification and QEMU's wording, which
 * clients match: a request is an object with "execute" (or "exec-oob"), an
 * optional "arguments" object and an optional "id" of any type, echoed in
 * the response.
 */
#include <string.h>
#include "qapi/qmp-dispatch.h"
#include "qapi/util.h"

struct QmpCommandList {
    GHashTable *by_name;       /* name -> QmpCommand * (owned) */
    GPtrArray *order;          /* registration order (borrowed) */
};

static void command_free(gpointer p)
{
    QmpCommand *cmd = p;

    g_free(cmd->name);
    g_free(cmd->disable_reason);
    g_free(cmd);
}

QmpCommandList *qmp_command_list_new(void)
{
    QmpCommandList *cmds = g_new0(QmpCommandList, 1);

    cmds->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                          command_free);
    cmds->order = g_ptr_array_new();
    return cmds;
}

void qmp_command_list_free(QmpCommandList *cmds)
{
    if (cmds) {
        g_ptr_array_free(cmds->order, TRUE);
        g_hash_table_destroy(cmds->by_name);
        g_free(cmds);
    }
}

void qmp_register_command(QmpCommandList *cmds, const char *name,
                          QmpCommandFunc *fn, QmpCommandOptions options,
                          unsigned special_features)
{
    QmpCommand *cmd = g_new0(QmpCommand, 1);

    g_assert(!g_hash_table_contains(cmds->by_name, name));
    /* A command without success response cannot run out of band, nor
     * defer a reply it does not send. */
    g_assert(!((options & QCO_NO_SUCCESS_RESP) && (options & QCO_ALLOW_OOB)));
    g_assert(!((options & QCO_NO_SUCCESS_RESP) && (options & QCO_COROUTINE)));
    cmd->name = g_strdup(name);
    cmd->fn = fn;
    cmd->options = options;
    cmd->special_features = special_features;
    cmd->enabled = true;
    g_hash_table_insert(cmds->by_name, cmd->name, cmd);
    g_ptr_array_add(cmds->order, cmd);
}

void qmp_unregister_command(QmpCommandList *cmds, const char *name)
{
    QmpCommand *cmd = g_hash_table_lookup(cmds->by_name, name);

    if (cmd) {
        g_ptr_array_remove(cmds->order, cmd);
        g_hash_table_remove(cmds->by_name, name);
    }
}

const QmpCommand *qmp_find_command(const QmpCommandList *cmds,
                                   const char *name)
{
    return g_hash_table_lookup(cmds->by_name, name);
}

static void set_enabled(QmpCommandList *cmds, const char *name, bool enabled,
                        const char *reason)
{
    QmpCommand *cmd = g_hash_table_lookup(cmds->by_name, name);

    if (cmd) {
        cmd->enabled = enabled;
        g_free(cmd->disable_reason);
        cmd->disable_reason = g_strdup(reason);
    }
}

void qmp_disable_command(QmpCommandList *cmds, const char *name,
                         const char *reason)
{
    set_enabled(cmds, name, false, reason);
}

void qmp_enable_command(QmpCommandList *cmds, const char *name)
{
    set_enabled(cmds, name, true, NULL);
}

bool qmp_command_is_enabled(const QmpCommand *cmd)
{
    return cmd->enabled;
}

bool qmp_command_available(const QmpCommand *cmd, Error **errp)
{
    if (!cmd->enabled) {
        error_setg(errp, "Command %s has been disabled%s%s", cmd->name,
                   cmd->disable_reason ? ": " : "",
                   cmd->disable_reason ? cmd->disable_reason : "");
        return false;
    }
    return true;
}

const char *qmp_command_name(const QmpCommand *cmd)
{
    return cmd->name;
}

bool qmp_has_success_response(const QmpCommand *cmd)
{
    return !(cmd->options & QCO_NO_SUCCESS_RESP);
}

void qmp_for_each_command(const QmpCommandList *cmds, QmpCommandVisitor *fn,
                          void *opaque)
{
    for (guint i = 0; i < cmds->order->len; i++) {
        fn(g_ptr_array_index(cmds->order, i), opaque);
    }
}

bool qmp_is_oob(JsonObject *request)
{
    return json_object_has_member(request, "exec-oob") &&
        !json_object_has_member(request, "execute");
}

static bool is_string(JsonNode *node)
{
    return JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == G_TYPE_STRING;
}

/* The request's command name, after checking its shape. */
static const char *check_request(JsonObject *req, bool allow_oob,
                                 bool *oob, Error **errp)
{
    const char *exec_key = NULL;
    GList *members = json_object_get_members(req);
    const char *name = NULL;

    for (GList *l = members; l; l = l->next) {
        const char *key = l->data;
        JsonNode *val = json_object_get_member(req, key);

        if (!strcmp(key, "execute") ||
            (allow_oob && !strcmp(key, "exec-oob"))) {
            if (!is_string(val)) {
                error_setg(errp, "QMP input member '%s' must be a string",
                           key);
                goto out;
            }
            if (exec_key) {
                error_setg(errp, "QMP input member '%s' clashes with '%s'",
                           key, exec_key);
                goto out;
            }
            exec_key = key;
        } else if (!strcmp(key, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(val)) {
                error_setg(errp, "QMP input member 'arguments' must be an "
                           "object");
                goto out;
            }
        } else if (!strcmp(key, "id")) {
            continue;
        } else {
            error_setg(errp, "QMP input member '%s' is unexpected", key);
            goto out;
        }
    }
    if (!exec_key) {
        error_setg(errp, "Expected either 'execute' or 'exec-oob'");
        goto out;
    }
    *oob = !strcmp(exec_key, "exec-oob");
    name = json_object_get_string_member(req, exec_key);
out:
    g_list_free(members);
    return name;
}

JsonObject *qmp_error_response(const Error *err)
{
    JsonObject *resp = json_object_new();
    JsonObject *error = json_object_new();

    json_object_set_string_member(error, "class",
                                  error_class_name(error_get_class(err)));
    json_object_set_string_member(error, "desc", error_get_pretty(err));
    json_object_set_object_member(resp, "error", error);
    return resp;
}

static JsonNode *wrap(JsonObject *obj)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(node, obj);
    return node;
}

/* {"return": RET} or {"error": ...}, with ID echoed.  Takes RET and ERR. */
static JsonNode *response(JsonNode *ret, Error *err, JsonNode *id)
{
    JsonObject *resp;

    if (err) {
        resp = qmp_error_response(err);
        error_free(err);
        if (ret) {
            json_node_unref(ret);
        }
    } else {
        resp = json_object_new();
        json_object_set_member(resp, "return",
                               ret ? ret : wrap(json_object_new()));
    }
    if (id) {
        json_object_set_member(resp, "id", json_node_copy(id));
    }
    return wrap(resp);
}

struct QmpDeferred {
    JsonNode *id;               /* the request's, or NULL */
    QmpDeferredReply *reply;    /* NULL once abandoned */
    void *opaque;
    bool taken;                 /* the command called qmp_defer_reply() */
    bool dispatching;           /* its command has not returned yet */
    JsonNode *early;            /* completed before that: the response */
};

/* The deferrable command running now, if its caller can wait. */
static QmpDeferred *deferrable;

static void deferred_free(QmpDeferred *d)
{
    if (d->id) {
        json_node_unref(d->id);
    }
    g_free(d);
}

QmpDeferred *qmp_defer_reply(void)
{
    if (deferrable) {
        deferrable->taken = true;
    }
    return deferrable;
}

void qmp_deferred_return(QmpDeferred *d, JsonNode *ret, Error *err)
{
    JsonNode *rsp = response(ret, err, d->id);

    if (d->dispatching) {
        d->early = rsp;         /* qmp_dispatch_deferrable() returns it */
        return;
    }
    if (d->reply) {
        d->reply(rsp, d->opaque);
    } else {
        json_node_unref(rsp);
    }
    deferred_free(d);
}

void qmp_deferred_abandon(QmpDeferred *d)
{
    d->reply = NULL;
}

/* Runs CMD; a deferrable one gets a QmpDeferred when REPLY is given. */
static JsonNode *run_command(const QmpCommand *cmd, JsonObject *args,
                             JsonNode *id, QmpDeferredReply *reply,
                             void *opaque, QmpDeferred **deferred)
{
    QmpDeferred *saved = deferrable, *d = NULL;
    JsonNode *ret = NULL;
    Error *err = NULL;

    if (reply && (cmd->options & QCO_COROUTINE)) {
        d = g_new0(QmpDeferred, 1);
        d->id = id ? json_node_copy(id) : NULL;
        d->reply = reply;
        d->opaque = opaque;
        d->dispatching = true;
    }
    deferrable = d;
    cmd->fn(args, &ret, &err);
    deferrable = saved;
    if (d && d->taken) {
        JsonNode *early = d->early;

        /* A command that deferred answers through the handle only. */
        g_assert(!err && !ret);
        d->dispatching = false;
        if (!early) {
            *deferred = d;
            return NULL;
        }
        deferred_free(d);
        return early;
    }
    if (d) {
        deferred_free(d);
    }
    if (err) {
        g_assert(!ret);
        return response(NULL, err, id);
    }
    if (!qmp_has_success_response(cmd)) {
        g_assert(!ret);
        return NULL;
    }
    return response(ret, NULL, id);
}

JsonNode *qmp_dispatch_deferrable(const QmpCommandList *cmds,
                                  JsonNode *request, bool allow_oob,
                                  bool preconfig, QmpDeferredReply *reply,
                                  void *opaque, QmpDeferred **deferred)
{
    Error *err = NULL;
    JsonObject *req = NULL, *args;
    JsonNode *id = NULL, *rsp;
    const QmpCommand *cmd;
    const char *name;
    bool oob = false;

    if (deferred) {
        *deferred = NULL;
    }
    if (!request || !JSON_NODE_HOLDS_OBJECT(request)) {
        error_setg(&err, "QMP input must be a JSON object");
        goto fail;
    }
    req = json_node_get_object(request);
    id = json_object_get_member(req, "id");
    name = check_request(req, allow_oob, &oob, &err);
    if (!name) {
        goto fail;
    }
    cmd = qmp_find_command(cmds, name);
    if (!cmd) {
        error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "The command %s has not been found", name);
        goto fail;
    }
    if (!qmp_command_available(cmd, &err)) {
        goto fail;
    }
    if (oob && !(cmd->options & QCO_ALLOW_OOB)) {
        error_setg(&err, "The command %s does not support OOB", name);
        goto fail;
    }
    if (preconfig && !(cmd->options & QCO_ALLOW_PRECONFIG)) {
        error_setg(&err, "The command '%s' is permitted only after machine "
                   "initialization has completed", name);
        goto fail;
    }
    if (json_object_has_member(req, "arguments")) {
        args = json_object_ref(json_object_get_object_member(req,
                                                             "arguments"));
    } else {
        args = json_object_new();
    }
    rsp = run_command(cmd, args, id, deferred ? reply : NULL, opaque,
                      deferred);
    json_object_unref(args);
    return rsp;

fail:
    return response(NULL, err, id);
}

JsonNode *qmp_dispatch(const QmpCommandList *cmds, JsonNode *request,
                       bool allow_oob, bool preconfig)
{
    return qmp_dispatch_deferrable(cmds, request, allow_oob, preconfig,
                                   NULL, NULL, NULL);
}
