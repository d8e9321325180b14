/*
 * Command marshalling and dispatch, events and query-qmp-schema, with the
 * generated marshallers linked against stub implementations.
 */
#include <string.h>
#include "qapi/qapi-commands.h"
#include "qapi/qapi-events.h"
#include "qapi/qmp-dispatch.h"
#include "qapi/qmp-introspect.h"
#include "test-util.h"

/* What the stubs saw. */
static char *last_call;

static void record(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void record(const char *fmt, ...)
{
    va_list ap;

    g_free(last_call);
    va_start(ap, fmt);
    last_call = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

void qmp_qmp_capabilities(QMPCapabilityList *enable, Error **errp)
{
    record("qmp_capabilities %s", enable ?
           QMPCapability_str(enable->value) : "-");
}

VersionInfo *qmp_query_version(Error **errp)
{
    VersionInfo *info = g_new0(VersionInfo, 1);

    info->qemu = g_new0(VersionTriple, 1);
    info->qemu->major = 9;
    info->qemu->minor = 1;
    info->package = g_strdup("bridge");
    return info;
}

CommandInfoList *qmp_query_commands(Error **errp)
{
    CommandInfoList *list = g_new0(CommandInfoList, 1);

    list->value = g_new0(CommandInfo, 1);
    list->value->name = g_strdup("quit");
    return list;
}

void qmp_quit(Error **errp)
{
    record("quit");
}

StatusInfo *qmp_query_status(Error **errp)
{
    StatusInfo *info = g_new0(StatusInfo, 1);

    info->running = true;
    info->status = RUN_STATE_RUNNING;
    return info;
}

void qmp_stop(Error **errp)
{
    record("stop");
}

void qmp_cont(Error **errp)
{
    record("cont");
}

void qmp_system_reset(Error **errp)
{
    record("system_reset");
}

void qmp_system_powerdown(Error **errp)
{
    record("system_powerdown");
}

void qmp_set_link(const char *name, bool up, Error **errp)
{
    record("set_link %s %d", name, up);
}

/* The reply netdev_add deferred (id "later"). */
static QmpDeferred *pending;

void qmp_netdev_add(Netdev *netdev, Error **errp)
{
    QmpDeferred *reply = qmp_defer_reply();

    if (reply && !strcmp(netdev->id, "later")) {
        pending = reply;
        return;
    }
    if (reply) {
        /* Answered before returning: an ordinary reply. */
        qmp_deferred_return(reply, NULL, NULL);
        record("netdev_add %s answered in place", netdev->id);
        return;
    }
    if (!strcmp(netdev->id, "dup")) {
        error_setg(errp, "Duplicate ID '%s' for netdev", netdev->id);
        return;
    }
    record("netdev_add %s %s br=%s", netdev->id,
           NetClientDriver_str(netdev->type),
           netdev->type == NET_CLIENT_DRIVER_BRIDGE && netdev->u.bridge.br ?
           netdev->u.bridge.br : "-");
}

void qmp_netdev_del(const char *id, Error **errp)
{
    error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
              id);
}

void qmp_device_del(const char *id, Error **errp)
{
    record("device_del %s", id);
}

ObjectPropertyInfoList *qmp_device_list_properties(const char *typename,
                                                   Error **errp)
{
    record("device-list-properties %s", typename);
    return NULL;
}

UuidInfo *qmp_query_uuid(Error **errp)
{
    record("query-uuid");
    return g_new0(UuidInfo, 1);
}

TargetInfo *qmp_query_target(Error **errp)
{
    record("query-target");
    return g_new0(TargetInfo, 1);
}

KvmInfo *qmp_query_kvm(Error **errp)
{
    record("query-kvm");
    return g_new0(KvmInfo, 1);
}

MachineInfoList *qmp_query_machines(Error **errp)
{
    record("query-machines");
    return NULL;
}

ObjectTypeInfoList *qmp_qom_list_types(const char *implements,
                                       bool has_abstract, bool abstract,
                                       Error **errp)
{
    record("qom-list-types %s %d %d", implements ? implements : "-",
           has_abstract, abstract);
    return NULL;
}

ObjectPropertyInfoList *qmp_qom_list_properties(const char *typename,
                                                Error **errp)
{
    record("qom-list-properties %s", typename);
    return NULL;
}

MigrationCapabilityStatusList *qmp_query_migrate_capabilities(Error **errp)
{
    record("query-migrate-capabilities");
    return NULL;
}

void qmp_migrate_set_capabilities(MigrationCapabilityStatusList *caps,
                                  Error **errp)
{
    record("migrate-set-capabilities %s %d",
           caps ? MigrationCapability_str(caps->value->capability) : "-",
           caps ? caps->value->state : -1);
}

TpmModelList *qmp_query_tpm_models(Error **errp)
{
    record("query-tpm-models");
    return NULL;
}

TpmTypeList *qmp_query_tpm_types(Error **errp)
{
    record("query-tpm-types");
    return NULL;
}

CpuInfoFastList *qmp_query_cpus_fast(Error **errp)
{
    record("query-cpus-fast");
    return NULL;
}

ObjectPropertyInfoList *qmp_qom_list(const char *path, Error **errp)
{
    record("qom-list");
    return NULL;
}

ChardevInfoList *qmp_query_chardev(Error **errp)
{
    record("query-chardev");
    return NULL;
}

BlockDeviceInfoList *qmp_query_named_block_nodes(bool has_flat, bool flat,
                                                 Error **errp)
{
    record("query-named-block-nodes");
    return NULL;
}

BlockInfoList *qmp_query_block(Error **errp)
{
    record("query-block");
    return NULL;
}

BalloonInfo *qmp_query_balloon(Error **errp)
{
    record("query-balloon");
    return g_new0(BalloonInfo, 1);
}

void qmp_balloon(int64_t value, Error **errp)
{
    record("balloon");
}

CommandLineOptionInfoList *qmp_query_command_line_options(const char *option,
                                                          Error **errp)
{
    record("query-command-line-options %s", option ? option : "-");
    return NULL;
}

void qmp_getfd(const char *fdname, Error **errp)
{
    record("getfd %s", fdname);
}

void qmp_closefd(const char *fdname, Error **errp)
{
    record("closefd %s", fdname);
}

char *qmp_human_monitor_command(const char *command_line, bool has_cpu_index,
                                int64_t cpu_index, Error **errp)
{
    return g_strdup_printf("ran '%s' on cpu %" G_GINT64_FORMAT,
                           command_line, has_cpu_index ? cpu_index : -1);
}

/* 'gen': false: gets the arguments object as the client sent it. */
void qmp_device_add(JsonObject *args, JsonNode **ret, Error **errp)
{
    record("device_add %s netdev=%s",
           json_object_get_string_member(args, "driver"),
           json_object_get_string_member(args, "netdev"));
}

static QmpCommandList *commands(void)
{
    QmpCommandList *cmds = qmp_command_list_new();

    qmp_init_marshal(cmds);
    qmp_register_command(cmds, "device_add", qmp_device_add,
                         QCO_NO_OPTIONS, 0);
    qmp_register_command(cmds, "query-qmp-schema", qmp_query_qmp_schema,
                         QCO_ALLOW_PRECONFIG, 0);
    return cmds;
}

static char *dispatch(QmpCommandList *cmds, const char *request,
                      bool preconfig)
{
    JsonNode *req = parse_json(request);
    JsonNode *resp = qmp_dispatch(cmds, req, false, preconfig);
    char *s = resp ? json_str(resp) : NULL;

    if (resp) {
        json_node_unref(resp);
    }
    json_node_unref(req);
    return s;
}

#define assert_dispatch(cmds, req, expected) do {             \
        char *s_ = dispatch((cmds), (req), false);            \
        g_assert_cmpstr(s_, ==, (expected));                  \
        g_free(s_);                                           \
    } while (0)

static void test_dispatch_commands(void)
{
    QmpCommandList *cmds = commands();

    assert_dispatch(cmds,
        "{\"execute\": \"netdev_add\", \"arguments\": {\"type\": \"bridge\","
        " \"id\": \"hn0\", \"br\": \"br0\"}, \"id\": 7}",
        "{\"return\":{},\"id\":7}");
    g_assert_cmpstr(last_call, ==, "netdev_add hn0 bridge br=br0");

    assert_dispatch(cmds,
        "{\"execute\": \"set_link\", \"arguments\": {\"name\": \"n\","
        " \"up\": false}, \"id\": \"abc\"}",
        "{\"return\":{},\"id\":\"abc\"}");
    g_assert_cmpstr(last_call, ==, "set_link n 0");

    assert_dispatch(cmds, "{\"execute\": \"stop\"}", "{\"return\":{}}");
    g_assert_cmpstr(last_call, ==, "stop");

    assert_dispatch(cmds,
        "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\":"
        " [\"oob\"]}}", "{\"return\":{}}");
    g_assert_cmpstr(last_call, ==, "qmp_capabilities oob");

    assert_dispatch(cmds, "{\"execute\": \"query-version\"}",
        "{\"return\":{\"qemu\":{\"major\":9,\"minor\":1,\"micro\":0},"
        "\"package\":\"bridge\"}}");
    assert_dispatch(cmds, "{\"execute\": \"qom-list-types\", \"arguments\":"
        " {\"abstract\": true}}", "{\"return\":[]}");
    g_assert_cmpstr(last_call, ==, "qom-list-types - 1 1");
    assert_dispatch(cmds, "{\"execute\": \"migrate-set-capabilities\","
        " \"arguments\": {\"capabilities\": [{\"capability\": \"events\","
        " \"state\": true}]}}", "{\"return\":{}}");
    g_assert_cmpstr(last_call, ==, "migrate-set-capabilities events 1");
    assert_dispatch(cmds, "{\"execute\": \"query-status\"}",
        "{\"return\":{\"running\":true,\"status\":\"running\"}}");
    assert_dispatch(cmds, "{\"execute\": \"query-commands\"}",
        "{\"return\":[{\"name\":\"quit\"}]}");
    assert_dispatch(cmds,
        "{\"execute\": \"human-monitor-command\", \"arguments\":"
        " {\"command-line\": \"info network\", \"cpu-index\": 0}}",
        "{\"return\":\"ran 'info network' on cpu 0\"}");
    assert_dispatch(cmds,
        "{\"execute\": \"human-monitor-command\", \"arguments\":"
        " {\"command-line\": \"info network\"}}",
        "{\"return\":\"ran 'info network' on cpu -1\"}");

    /* 'gen': false: extra arguments reach the hand-written command. */
    assert_dispatch(cmds,
        "{\"execute\": \"device_add\", \"arguments\": {\"driver\":"
        " \"virtio-net-pci\", \"netdev\": \"hn0\", \"id\": \"nic0\"}}",
        "{\"return\":{}}");
    g_assert_cmpstr(last_call, ==, "device_add virtio-net-pci netdev=hn0");

    qmp_command_list_free(cmds);
}

static void test_dispatch_errors(void)
{
    QmpCommandList *cmds = commands();

    assert_dispatch(cmds, "[1]",
        "{\"error\":{\"class\":\"GenericError\","
        "\"desc\":\"QMP input must be a JSON object\"}}");
    assert_dispatch(cmds, "{\"id\": 1}",
        "{\"error\":{\"class\":\"GenericError\","
        "\"desc\":\"Expected either 'execute' or 'exec-oob'\"},\"id\":1}");
    assert_dispatch(cmds, "{\"execute\": 1}",
        "{\"error\":{\"class\":\"GenericError\","
        "\"desc\":\"QMP input member 'execute' must be a string\"}}");
    assert_dispatch(cmds, "{\"execute\": \"stop\", \"arguments\": []}",
        "{\"error\":{\"class\":\"GenericError\","
        "\"desc\":\"QMP input member 'arguments' must be an object\"}}");
    assert_dispatch(cmds, "{\"execute\": \"stop\", \"extra\": 1}",
        "{\"error\":{\"class\":\"GenericError\","
        "\"desc\":\"QMP input member 'extra' is unexpected\"}}");
    /* Without the oob capability, exec-oob is just an unknown member. */
    assert_dispatch(cmds, "{\"exec-oob\": \"stop\"}",
        "{\"error\":{\"class\":\"GenericError\","
        "\"desc\":\"QMP input member 'exec-oob' is unexpected\"}}");
    assert_dispatch(cmds, "{\"execute\": \"frobnicate\", \"id\": [1]}",
        "{\"error\":{\"class\":\"CommandNotFound\","
        "\"desc\":\"The command frobnicate has not been found\"},"
        "\"id\":[1]}");
    assert_dispatch(cmds,
        "{\"execute\": \"netdev_add\", \"arguments\": {\"type\": \"bridge\","
        " \"id\": \"x\", \"bad\": 1}}",
        "{\"error\":{\"class\":\"GenericError\","
        "\"desc\":\"Parameter 'bad' is unexpected\"}}");
    assert_dispatch(cmds,
        "{\"execute\": \"netdev_add\", \"arguments\": {\"type\": \"bridge\","
        " \"id\": \"dup\"}}",
        "{\"error\":{\"class\":\"GenericError\","
        "\"desc\":\"Duplicate ID 'dup' for netdev\"}}");
    assert_dispatch(cmds,
        "{\"execute\": \"netdev_del\", \"arguments\": {\"id\": \"nope\"}}",
        "{\"error\":{\"class\":\"DeviceNotFound\","
        "\"desc\":\"Device 'nope' not found\"}}");
    assert_dispatch(cmds, "{\"execute\": \"netdev_del\"}",
        "{\"error\":{\"class\":\"GenericError\","
        "\"desc\":\"Parameter 'id' is missing\"}}");
    assert_dispatch(cmds, "{\"execute\": \"quit\", \"arguments\": {\"x\": 1}}",
        "{\"error\":{\"class\":\"GenericError\","
        "\"desc\":\"Parameter 'x' is unexpected\"}}");
    assert_dispatch(cmds,
        "{\"execute\": \"set_link\", \"arguments\": {\"name\": \"n\","
        " \"up\": \"yes\"}}",
        "{\"error\":{\"class\":\"GenericError\","
        "\"desc\":\"Invalid parameter type for 'up', expected: boolean\"}}");

    qmp_disable_command(cmds, "stop", "not today");
    assert_dispatch(cmds, "{\"execute\": \"stop\"}",
        "{\"error\":{\"class\":\"GenericError\","
        "\"desc\":\"Command stop has been disabled: not today\"}}");
    qmp_enable_command(cmds, "stop");

    {
        char *s = dispatch(cmds, "{\"execute\": \"stop\"}", true);

        g_assert_cmpstr(s, ==, "{\"error\":{\"class\":\"GenericError\","
            "\"desc\":\"The command 'stop' is permitted only after machine "
            "initialization has completed\"}}");
        g_free(s);
        s = dispatch(cmds, "{\"execute\": \"netdev_add\", \"arguments\": "
                     "{\"type\": \"bridge\", \"id\": \"p\"}}", true);
        g_assert_cmpstr(s, ==, "{\"return\":{}}");
        g_free(s);
    }
    qmp_command_list_free(cmds);
}

static void count_cmd(const QmpCommand *cmd, void *opaque)
{
    (*(int *)opaque)++;
    g_assert_nonnull(qmp_command_name(cmd));
}

static void test_command_table(void)
{
    QmpCommandList *cmds = commands();
    const QmpCommand *cmd;
    int n = 0;

    cmd = qmp_find_command(cmds, "netdev_add");
    g_assert_nonnull(cmd);
    g_assert_true(cmd->options & QCO_ALLOW_PRECONFIG);
    g_assert_true(qmp_has_success_response(cmd));
    g_assert_null(qmp_find_command(cmds, "netdev-add"));
    qmp_for_each_command(cmds, count_cmd, &n);
    /* Every command of the schema, generated or hand-written. */
    g_assert_cmpint(n, ==, 37);
    qmp_command_list_free(cmds);
}

static void test_query_qmp_schema(void)
{
    QmpCommandList *cmds = commands();
    JsonNode *req = parse_json("{\"execute\": \"query-qmp-schema\"}");
    JsonNode *resp = qmp_dispatch(cmds, req, false, false);
    JsonArray *schema;
    JsonObject *bridge = NULL;
    JsonArray *members;

    schema = json_object_get_array_member(json_node_get_object(resp),
                                          "return");
    for (guint i = 0; i < json_array_get_length(schema); i++) {
        JsonObject *si = json_array_get_object_element(schema, i);

        if (!strcmp(json_object_get_string_member(si, "name"),
                    "NetdevBridgeOptions")) {
            bridge = si;
        }
    }
    g_assert_nonnull(bridge);
    g_assert_cmpstr(json_object_get_string_member(bridge, "meta-type"), ==,
                    "object");
    members = json_object_get_array_member(bridge, "members");
    g_assert_cmpuint(json_array_get_length(members), ==, 2);
    g_assert_cmpstr(json_object_get_string_member(
        json_array_get_object_element(members, 0), "name"), ==, "br");
    g_assert_cmpstr(json_object_get_string_member(
        json_array_get_object_element(members, 1), "name"), ==, "helper");
    json_node_unref(resp);

    /* The data is shared between calls and must survive them. */
    resp = qmp_dispatch(cmds, req, false, false);
    g_assert_nonnull(json_object_get_array_member(json_node_get_object(resp),
                                                  "return"));
    json_node_unref(resp);
    json_node_unref(req);
    qmp_command_list_free(cmds);
}

/* Deferred replies */

static JsonNode *late_reply;

static void take_late_reply(JsonNode *rsp, void *opaque)
{
    g_assert_null(late_reply);
    late_reply = rsp;
}

static JsonNode *dispatch_deferrable(QmpCommandList *cmds, const char *id,
                                     QmpDeferred **deferred)
{
    g_autofree char *text = g_strdup_printf(
        "{\"execute\": \"netdev_add\", \"id\": 7, \"arguments\": "
        "{\"type\": \"user\", \"id\": \"%s\"}}", id);
    JsonNode *req = parse_json(text);
    JsonNode *rsp = qmp_dispatch_deferrable(cmds, req, false, false,
                                            take_late_reply, NULL, deferred);

    json_node_unref(req);
    return rsp;
}

static void assert_response(JsonNode *rsp, const char *want)
{
    g_autofree char *text = json_to_string(rsp, FALSE);

    g_assert_cmpstr(text, ==, want);
    json_node_unref(rsp);
}

static void test_deferred_reply(void)
{
    QmpCommandList *cmds = commands();
    QmpDeferred *deferred = NULL;
    JsonNode *rsp, *req;
    Error *err = NULL;

    g_assert_true(qmp_find_command(cmds, "netdev_add")->options &
                  QCO_COROUTINE);

    /* Deferred, answered later through the caller's callback. */
    rsp = dispatch_deferrable(cmds, "later", &deferred);
    g_assert_null(rsp);
    g_assert_nonnull(deferred);
    g_assert_true(deferred == pending);
    g_assert_null(late_reply);
    qmp_deferred_return(pending, NULL, NULL);
    assert_response(g_steal_pointer(&late_reply), "{\"return\":{},\"id\":7}");

    /* Answered before the command returned: an ordinary response. */
    rsp = dispatch_deferrable(cmds, "now", &deferred);
    g_assert_null(deferred);
    g_assert_cmpstr(last_call, ==, "netdev_add now answered in place");
    assert_response(rsp, "{\"return\":{},\"id\":7}");

    /* Abandoned: the command completes, nobody hears of it. */
    rsp = dispatch_deferrable(cmds, "later", &deferred);
    g_assert_null(rsp);
    qmp_deferred_abandon(deferred);
    error_setg(&err, "too late");
    qmp_deferred_return(pending, NULL, err);
    g_assert_null(late_reply);

    /* A caller that cannot wait: the command finishes in place. */
    req = parse_json("{\"execute\": \"netdev_add\", \"arguments\": "
                     "{\"type\": \"user\", \"id\": \"later\"}}");
    rsp = qmp_dispatch(cmds, req, false, false);
    json_node_unref(req);
    assert_response(rsp, "{\"return\":{}}");
    qmp_command_list_free(cmds);
}

/* Events */

static GPtrArray *events;

static void emitter(QAPIEvent event, JsonObject *msg, void *opaque)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);
    JsonObject *ts;

    g_assert_true(opaque == &events);
    g_assert_cmpstr(json_object_get_string_member(msg, "event"), ==,
                    QAPIEvent_str(event));
    ts = json_object_get_object_member(msg, "timestamp");
    g_assert_cmpint(json_object_get_int_member(ts, "seconds"), >, 0);
    g_assert_true(json_object_has_member(ts, "microseconds"));
    /* Keep only the stable part for comparison. */
    json_object_remove_member(msg, "timestamp");
    json_node_set_object(node, msg);
    g_ptr_array_add(events, json_str(node));
    json_node_unref(node);
}

static void test_events(void)
{
    events = g_ptr_array_new_with_free_func(g_free);
    qapi_event_send_stop();           /* no emitter yet: dropped */
    g_assert_cmpuint(events->len, ==, 0);

    qapi_event_set_emitter(emitter, &events);
    qapi_event_send_stop();
    qapi_event_send_shutdown(true, SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    qapi_event_send_reset(false, SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    qapi_event_send_device_deleted("nic0", "/machine/peripheral/nic0");
    qapi_event_send_device_deleted(NULL, "/machine/peripheral-anon/d1");
    qapi_event_set_emitter(NULL, NULL);

    g_assert_cmpuint(events->len, ==, 5);
    g_assert_cmpstr(events->pdata[0], ==, "{\"event\":\"STOP\"}");
    g_assert_cmpstr(events->pdata[1], ==, "{\"event\":\"SHUTDOWN\",\"data\":"
                    "{\"guest\":true,\"reason\":\"guest-shutdown\"}}");
    g_assert_cmpstr(events->pdata[2], ==, "{\"event\":\"RESET\",\"data\":"
                    "{\"guest\":false,\"reason\":\"host-qmp-system-reset\"}}");
    g_assert_cmpstr(events->pdata[3], ==, "{\"event\":\"DEVICE_DELETED\","
                    "\"data\":{\"device\":\"nic0\","
                    "\"path\":\"/machine/peripheral/nic0\"}}");
    g_assert_cmpstr(events->pdata[4], ==, "{\"event\":\"DEVICE_DELETED\","
                    "\"data\":{\"path\":\"/machine/peripheral-anon/d1\"}}");
    g_ptr_array_free(events, TRUE);
}

static void test_error_api(void)
{
    Error *err = NULL, *local = NULL;

    error_setg(&local, "bridge helper failed");
    error_prepend(&local, "-netdev %s: ", "bridge,id=hn0");
    error_append_hint(&local, "see %s\n", "bridge.conf");
    g_assert_cmpstr(error_get_hint(local), ==, "see bridge.conf\n");
    error_propagate(&err, local);
    assert_error(err, "-netdev bridge,id=hn0: bridge helper failed");

    error_setg_errno(&err, 2, "can't open %s", "/dev/net/tun");
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_GENERIC_ERROR);
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                   "can't open /dev/net/tun: "));
    local = error_copy(err);
    error_free_or_abort(&err);
    g_assert_null(err);
    /* A second error does not replace the first. */
    error_setg(&err, "first");
    error_propagate(&err, local);
    assert_error(err, "first");

    error_setg(NULL, "ignored");
    error_propagate(NULL, NULL);
    g_assert_cmpstr(error_class_name(ERROR_CLASS_DEVICE_NOT_FOUND), ==,
                    "DeviceNotFound");
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp/dispatch/commands", test_dispatch_commands);
    g_test_add_func("/qmp/dispatch/errors", test_dispatch_errors);
    g_test_add_func("/qmp/dispatch/table", test_command_table);
    g_test_add_func("/qmp/query-qmp-schema", test_query_qmp_schema);
    g_test_add_func("/qmp/deferred-reply", test_deferred_reply);
    g_test_add_func("/qmp/events", test_events);
    g_test_add_func("/qapi/error", test_error_api);
    ret = g_test_run();
    g_free(last_call);
    return ret;
}
