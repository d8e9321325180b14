/*
 * The QMP protocol core; see include/monitor/monitor.h.
 *
 * A command may defer its reply (include/qapi/qmp-dispatch.h): until it
 * answers, this monitor queues its client's later requests (exec-oob ones
 * excepted, as OOB means "do not wait") and dispatches them, in order, from
 * an idle callback once the reply went out.  The queue belongs to the
 * session: a disconnect drops it and abandons the deferred reply.
 */

#include "monitor/monitor.h"

#include <stdio.h>
#include <string.h>

#include "config-host.h"
#include "monitor/json-reader.h"
#include "qapi/qapi-events.h"

struct Monitor {
    const MonitorTransport *transport;
    void *opaque;
    JsonStream *stream;
    bool connected;
    bool command_mode;          /* past capabilities negotiation */
    bool oob;                   /* the client enabled the oob capability */
    QmpDeferred *deferred;      /* the reply we wait for, or NULL */
    GQueue queued;              /* requests (JsonNode) received meanwhile */
    guint resume_source;        /* idle callback dispatching them */
};

static QmpCommandList *qmp_commands;        /* after negotiation */
static QmpCommandList *qmp_cap_commands;    /* before: qmp_capabilities only */
static GList *monitors;
static Monitor *current;

void monitor_set_commands(QmpCommandList *commands)
{
    const QmpCommand *caps = qmp_find_command(commands, "qmp_capabilities");

    g_assert(caps);
    qmp_commands = commands;
    if (!qmp_cap_commands) {
        qmp_cap_commands = qmp_command_list_new();
        qmp_register_command(qmp_cap_commands, "qmp_capabilities", caps->fn,
                             QCO_ALLOW_PRECONFIG, 0);
    }
}

Monitor *monitor_cur(void)
{
    return current;
}

int monitor_take_fd(Monitor *mon)
{
    return mon && mon->transport->take_fd
        ? mon->transport->take_fd(mon->opaque) : -1;
}

bool monitor_qmp_enter_command_mode(Monitor *mon, bool oob)
{
    if (mon->command_mode) {
        return false;
    }
    mon->command_mode = true;
    mon->oob = oob;
    return true;
}

/* One JSON value per line, "\r\n" terminated, as QEMU writes them. */
static void monitor_send(Monitor *mon, JsonNode *node)
{
    g_autofree char *text = json_to_string(node, FALSE);
    g_autofree char *line = g_strconcat(text, "\r\n", NULL);

    mon->transport->write(mon->opaque, line, strlen(line));
}

static void monitor_send_object(Monitor *mon, JsonObject *obj)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);

    monitor_send(mon, node);
    json_node_unref(node);
}

static void monitor_send_error(Monitor *mon, const char *desc)
{
    Error *err = NULL;
    JsonObject *rsp;

    error_setg(&err, "%s", desc);
    rsp = qmp_error_response(err);
    monitor_send_object(mon, rsp);
    json_object_unref(rsp);
    error_free(err);
}

static void monitor_greet(Monitor *mon)
{
    g_autofree char *greeting = NULL;
    unsigned major = 0, minor = 0, micro = 0;

    sscanf(QEMU_VERSION, "%u.%u.%u", &major, &minor, &micro);
    greeting = g_strdup_printf(
        "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": %u, \"minor\": %u, "
        "\"major\": %u}, \"package\": \"" QEMU_PKGVERSION "\"}, "
        "\"capabilities\": [\"oob\"]}}\r\n", micro, minor, major);
    mon->transport->write(mon->opaque, greeting, strlen(greeting));
}

/* Before negotiation, an unknown command means "negotiate first". */
static void explain_negotiation(JsonNode *rsp)
{
    JsonObject *error;

    if (!rsp || !JSON_NODE_HOLDS_OBJECT(rsp) ||
        !json_object_has_member(json_node_get_object(rsp), "error")) {
        return;
    }
    error = json_object_get_object_member(json_node_get_object(rsp), "error");
    if (g_strcmp0(json_object_get_string_member(error, "class"),
                  "CommandNotFound") == 0) {
        json_object_set_string_member(error, "desc", "Expecting capabilities "
                                      "negotiation with 'qmp_capabilities'");
    }
}

static void monitor_reply(Monitor *mon, JsonNode *rsp)
{
    if (rsp && mon->connected) {
        monitor_send(mon, rsp);
    }
    if (rsp) {
        json_node_unref(rsp);
    }
}

static void monitor_deferred_reply(JsonNode *rsp, void *opaque);

/* Dispatches one request; takes it. */
static void monitor_handle(Monitor *mon, JsonNode *request)
{
    bool negotiating = !mon->command_mode;
    QmpDeferred *deferred;
    JsonNode *rsp;

    current = mon;
    rsp = qmp_dispatch_deferrable(negotiating ? qmp_cap_commands
                                              : qmp_commands,
                                  request, mon->oob, false,
                                  monitor_deferred_reply, mon, &deferred);
    current = NULL;
    if (deferred) {
        mon->deferred = deferred;
    }
    if (negotiating) {
        explain_negotiation(rsp);
    }
    monitor_reply(mon, rsp);
    json_node_unref(request);
}

/*
 * Requests a monitor keeps while a deferred reply is pending.  Past this
 * the transport stops reading (monitor_qmp_can_read), so a client that
 * streams requests at a waiting monitor fills its own socket, not our
 * memory.
 */
#define MONITOR_QUEUE_MAX 8

bool monitor_qmp_can_read(Monitor *mon)
{
    return g_queue_get_length(&mon->queued) < MONITOR_QUEUE_MAX;
}

/* The queued requests, until one defers again. */
static gboolean monitor_resume(gpointer opaque)
{
    Monitor *mon = opaque;

    mon->resume_source = 0;
    while (!mon->deferred && !g_queue_is_empty(&mon->queued)) {
        monitor_handle(mon, g_queue_pop_head(&mon->queued));
    }
    if (mon->connected && mon->transport->accept_input) {
        mon->transport->accept_input(mon->opaque);
    }
    return G_SOURCE_REMOVE;
}

static void monitor_deferred_reply(JsonNode *rsp, void *opaque)
{
    Monitor *mon = opaque;

    mon->deferred = NULL;
    monitor_reply(mon, rsp);
    /* Not from here: we are deep inside whatever completed the command. */
    if (!g_queue_is_empty(&mon->queued) && !mon->resume_source) {
        mon->resume_source = g_idle_add(monitor_resume, mon);
    }
}

static void monitor_on_value(void *opaque, JsonNode *request)
{
    Monitor *mon = opaque;
    bool oob = mon->oob && JSON_NODE_HOLDS_OBJECT(request) &&
               qmp_is_oob(json_node_get_object(request));

    if ((mon->deferred || mon->resume_source) && !oob) {
        g_queue_push_tail(&mon->queued, request);
        return;
    }
    monitor_handle(mon, request);
}

/* The session ends: what it asked for and has not been answered is
 * dropped (a deferred command still completes). */
static void monitor_end_session(Monitor *mon)
{
    if (mon->deferred) {
        qmp_deferred_abandon(mon->deferred);
        mon->deferred = NULL;
    }
    g_queue_clear_full(&mon->queued, (GDestroyNotify)json_node_unref);
    if (mon->resume_source) {
        g_source_remove(mon->resume_source);
        mon->resume_source = 0;
    }
}

static void monitor_on_error(void *opaque, JsonStreamErrorCode code,
                             const char *message)
{
    Monitor *mon = opaque;

    if (mon->connected) {
        monitor_send_error(mon, message);
    }
}

static const JsonStreamCallbacks monitor_stream_callbacks = {
    .value = monitor_on_value,
    .error = monitor_on_error,
};

Monitor *monitor_qmp_new(const MonitorTransport *transport, void *opaque)
{
    Monitor *mon = g_new0(Monitor, 1);

    g_assert(qmp_commands);
    mon->transport = transport;
    mon->opaque = opaque;
    mon->stream = json_stream_new(&monitor_stream_callbacks, mon, NULL);
    g_queue_init(&mon->queued);
    monitors = g_list_append(monitors, mon);
    return mon;
}

void monitor_qmp_free(Monitor *mon)
{
    if (!mon) {
        return;
    }
    monitors = g_list_remove(monitors, mon);
    monitor_end_session(mon);
    json_stream_free(mon->stream);
    g_free(mon);
}

void monitor_qmp_connected(Monitor *mon)
{
    json_stream_reset(mon->stream);
    mon->connected = true;
    mon->command_mode = false;
    mon->oob = false;
    monitor_greet(mon);
}

void monitor_qmp_disconnected(Monitor *mon)
{
    mon->connected = false;
    mon->command_mode = false;
    monitor_end_session(mon);
    json_stream_reset(mon->stream);
}

void monitor_qmp_input(Monitor *mon, const void *buf, size_t len)
{
    json_stream_feed(mon->stream, buf, len);
}

static void monitor_emit_event(QAPIEvent event, JsonObject *msg, void *opaque)
{
    for (GList *l = monitors; l; l = l->next) {
        Monitor *mon = l->data;
        if (mon->connected && mon->command_mode) {
            monitor_send_object(mon, msg);
        }
    }
}

void monitor_install_event_emitter(void)
{
    qapi_event_set_emitter(monitor_emit_event, NULL);
}
