/*
 * The generated visitors on the real schema, fed JSON as QMP would:
 * every member type, unions, lists, the errors clients see, the output
 * round trip and freeing of partial results.
 */
#include <string.h>
#include "qapi/json-visitor.h"
#include "qapi/qapi-visit.h"
#include "qapi/qmp-introspect.h"
#include "test-util.h"

/* Parse text as a Netdev; returns NULL and sets *errp on failure. */
static Netdev *netdev_from_json(const char *text, Error **errp)
{
    JsonNode *node = parse_json(text);
    Visitor *v = json_input_visitor_new(node);
    Netdev *nd = NULL;
    bool ok;

    ok = visit_type_Netdev(v, NULL, &nd, errp);
    g_assert(ok == (nd != NULL));
    visit_free(v);
    json_node_unref(node);
    return nd;
}

static char *netdev_to_json(Netdev *nd)
{
    JsonNode *out = NULL;
    Visitor *v = json_output_visitor_new(&out);
    char *s;

    g_assert_true(visit_type_Netdev(v, NULL, &nd, &error_abort));
    visit_complete(v, &out);
    visit_free(v);
    s = json_str(out);
    json_node_unref(out);
    return s;
}

static void test_bridge(void)
{
    Netdev *nd = netdev_from_json(
        "{\"id\": \"hn0\", \"type\": \"bridge\", \"br\": \"br0\","
        " \"helper\": \"/usr/libexec/qemu-bridge-helper\"}", &error_abort);

    g_assert_cmpstr(nd->id, ==, "hn0");
    g_assert_cmpint(nd->type, ==, NET_CLIENT_DRIVER_BRIDGE);
    g_assert_cmpstr(nd->u.bridge.br, ==, "br0");
    g_assert_cmpstr(nd->u.bridge.helper, ==,
                    "/usr/libexec/qemu-bridge-helper");
    qapi_free_Netdev(nd);

    /* Both members are optional. */
    nd = netdev_from_json("{\"id\": \"hn1\", \"type\": \"bridge\"}",
                          &error_abort);
    g_assert_null(nd->u.bridge.br);
    g_assert_null(nd->u.bridge.helper);
    qapi_free_Netdev(nd);
}

static void test_tap_all_members(void)
{
    Netdev *nd = netdev_from_json(
        "{\"id\": \"t0\", \"type\": \"tap\", \"ifname\": \"tap0\","
        " \"fd\": \"3\", \"fds\": \"3:4\", \"script\": \"/s\","
        " \"downscript\": \"no\", \"br\": \"br1\", \"helper\": \"h --br=x\","
        " \"sndbuf\": 1048576, \"vnet_hdr\": true, \"vhost\": false,"
        " \"vhostfd\": \"5\", \"vhostfds\": \"5:6\", \"vhostforce\": true,"
        " \"queues\": 4, \"poll-us\": 50}", &error_abort);
    NetdevTapOptions *tap = &nd->u.tap;

    g_assert_cmpint(nd->type, ==, NET_CLIENT_DRIVER_TAP);
    g_assert_cmpstr(tap->ifname, ==, "tap0");
    g_assert_cmpstr(tap->fd, ==, "3");
    g_assert_cmpstr(tap->fds, ==, "3:4");
    g_assert_cmpstr(tap->script, ==, "/s");
    g_assert_cmpstr(tap->downscript, ==, "no");
    g_assert_cmpstr(tap->br, ==, "br1");
    g_assert_cmpstr(tap->helper, ==, "h --br=x");
    g_assert_true(tap->has_sndbuf);
    g_assert_cmpuint(tap->sndbuf, ==, 1048576);
    g_assert_true(tap->has_vnet_hdr && tap->vnet_hdr);
    g_assert_true(tap->has_vhost && !tap->vhost);
    g_assert_cmpstr(tap->vhostfd, ==, "5");
    g_assert_cmpstr(tap->vhostfds, ==, "5:6");
    g_assert_true(tap->has_vhostforce && tap->vhostforce);
    g_assert_true(tap->has_queues);
    g_assert_cmpuint(tap->queues, ==, 4);
    g_assert_true(tap->has_poll_us);
    g_assert_cmpuint(tap->poll_us, ==, 50);
    qapi_free_Netdev(nd);

    /* Absent optional scalars have their has_ flag clear. */
    nd = netdev_from_json("{\"id\": \"t1\", \"type\": \"tap\"}",
                          &error_abort);
    g_assert_false(nd->u.tap.has_sndbuf);
    g_assert_false(nd->u.tap.has_vnet_hdr);
    g_assert_false(nd->u.tap.has_queues);
    g_assert_null(nd->u.tap.ifname);
    qapi_free_Netdev(nd);
}

static void test_user_lists(void)
{
    Netdev *nd = netdev_from_json(
        "{\"id\": \"u0\", \"type\": \"user\", \"restrict\": true,"
        " \"net\": \"10.0.2.0/24\", \"ipv6-prefixlen\": 64,"
        " \"hostfwd\": [{\"str\": \"tcp::2222-:22\"},"
        "               {\"str\": \"udp::5353-:53\"}],"
        " \"dnssearch\": [], \"tftp-server-name\": \"srv\"}", &error_abort);
    NetdevUserOptions *u = &nd->u.user;

    g_assert_true(u->has_q_restrict && u->q_restrict);
    g_assert_cmpstr(u->net, ==, "10.0.2.0/24");
    g_assert_cmpint(u->ipv6_prefixlen, ==, 64);
    g_assert_nonnull(u->hostfwd);
    g_assert_cmpstr(u->hostfwd->value->str, ==, "tcp::2222-:22");
    g_assert_nonnull(u->hostfwd->next);
    g_assert_cmpstr(u->hostfwd->next->value->str, ==, "udp::5353-:53");
    g_assert_null(u->hostfwd->next->next);
    g_assert_null(u->dnssearch);      /* an empty list is NULL */
    g_assert_null(u->guestfwd);
    g_assert_cmpstr(u->tftp_server_name, ==, "srv");
    qapi_free_Netdev(nd);
}

static void test_hubport_nic(void)
{
    Netdev *nd = netdev_from_json(
        "{\"id\": \"h0\", \"type\": \"hubport\", \"hubid\": -3,"
        " \"netdev\": \"hn0\"}", &error_abort);

    g_assert_cmpint(nd->u.hubport.hubid, ==, -3);
    g_assert_cmpstr(nd->u.hubport.netdev, ==, "hn0");
    qapi_free_Netdev(nd);

    nd = netdev_from_json(
        "{\"id\": \"n0\", \"type\": \"nic\", \"model\": \"virtio\","
        " \"macaddr\": \"52:54:00:12:34:56\", \"vectors\": 0}", &error_abort);
    g_assert_cmpstr(nd->u.nic.model, ==, "virtio");
    g_assert_true(nd->u.nic.has_vectors);
    g_assert_cmpuint(nd->u.nic.vectors, ==, 0);
    qapi_free_Netdev(nd);

    /* A branch the union omits ('none') has no members of its own. */
    nd = netdev_from_json("{\"id\": \"x\", \"type\": \"none\"}",
                          &error_abort);
    g_assert_cmpint(nd->type, ==, NET_CLIENT_DRIVER_NONE);
    qapi_free_Netdev(nd);
}

static void test_errors(void)
{
    static const struct {
        const char *json, *msg;
    } cases[] = {
        { "{\"type\": \"bridge\"}", "Parameter 'id' is missing" },
        { "{\"id\": \"x\"}", "Parameter 'type' is missing" },
        { "{\"id\": \"x\", \"type\": \"bogus\"}",
          "Parameter 'type' does not accept value 'bogus'" },
        { "{\"id\": \"x\", \"type\": 3}",
          "Invalid parameter type for 'type', expected: string" },
        { "{\"id\": 1, \"type\": \"bridge\"}",
          "Invalid parameter type for 'id', expected: string" },
        { "{\"id\": \"x\", \"type\": \"bridge\", \"bad\": 1}",
          "Parameter 'bad' is unexpected" },
        /* A member of another branch is just as unexpected. */
        { "{\"id\": \"x\", \"type\": \"bridge\", \"ifname\": \"t\"}",
          "Parameter 'ifname' is unexpected" },
        { "{\"id\": \"x\", \"type\": \"tap\", \"vnet_hdr\": \"on\"}",
          "Invalid parameter type for 'vnet_hdr', expected: boolean" },
        { "{\"id\": \"x\", \"type\": \"tap\", \"queues\": 4294967296}",
          "Parameter 'queues' expects uint32" },
        { "{\"id\": \"x\", \"type\": \"tap\", \"queues\": -1}",
          "Parameter 'queues' expects uint64" },
        { "{\"id\": \"x\", \"type\": \"tap\", \"sndbuf\": 1.5}",
          "Parameter 'sndbuf' expects uint64" },
        { "{\"id\": \"x\", \"type\": \"hubport\", \"hubid\": 2147483648}",
          "Parameter 'hubid' expects int32" },
        { "{\"id\": \"x\", \"type\": \"hubport\", \"hubid\": \"1\"}",
          "Invalid parameter type for 'hubid', expected: integer" },
        { "{\"id\": \"x\", \"type\": \"user\", \"hostfwd\": \"tcp::1-:2\"}",
          "Invalid parameter type for 'hostfwd', expected: array" },
        { "{\"id\": \"x\", \"type\": \"user\", \"hostfwd\": [{\"str\": 1}]}",
          "Invalid parameter type for 'hostfwd[0].str', expected: string" },
        { "{\"id\": \"x\", \"type\": \"user\","
          " \"hostfwd\": [{\"str\": \"a\"}, {}]}",
          "Parameter 'hostfwd[1].str' is missing" },
        { "{\"id\": \"x\", \"type\": \"user\","
          " \"hostfwd\": [{\"str\": \"a\", \"x\": 1}]}",
          "Parameter 'hostfwd[0].x' is unexpected" },
        { "{\"id\": \"x\", \"type\": \"user\", \"hostfwd\": [\"a\"]}",
          "Invalid parameter type for 'hostfwd[0]', expected: object" },
        { "{\"id\": null, \"type\": \"bridge\"}",
          "Invalid parameter type for 'id', expected: string" },
        { "[1]", "Invalid parameter type for '<anonymous>', expected: "
          "object" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Error *err = NULL;
        Netdev *nd = netdev_from_json(cases[i].json, &err);

        if (g_test_verbose()) {
            g_printerr("%s -> %s\n", cases[i].json,
                       err ? error_get_pretty(err) : "(ok)");
        }
        g_assert_null(nd);
        assert_error(err, cases[i].msg);
    }
}

static void test_output_roundtrip(void)
{
    static const char *const cases[] = {
        "{\"id\":\"hn0\",\"type\":\"bridge\",\"br\":\"br0\","
        "\"helper\":\"/h\"}",
        "{\"id\":\"hn1\",\"type\":\"bridge\"}",
        "{\"id\":\"t0\",\"type\":\"tap\",\"ifname\":\"tap0\","
        "\"sndbuf\":65536,\"vnet_hdr\":false,\"queues\":2,\"poll-us\":0}",
        "{\"id\":\"u0\",\"type\":\"user\",\"restrict\":false,"
        "\"hostfwd\":[{\"str\":\"tcp::1-:2\"},{\"str\":\"udp::3-:4\"}]}",
        "{\"id\":\"p0\",\"type\":\"hubport\",\"hubid\":0}",
        "{\"id\":\"none\",\"type\":\"none\"}",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Netdev *nd = netdev_from_json(cases[i], &error_abort);
        char *out = netdev_to_json(nd);

        g_assert_cmpstr(out, ==, cases[i]);
        g_free(out);
        qapi_free_Netdev(nd);
    }
}

static void test_builtin_lists_and_enums(void)
{
    JsonNode *node = parse_json("[\"a\", \"b,c\", \"\"]");
    Visitor *v = json_input_visitor_new(node);
    strList *list = NULL, *l;
    JsonNode *out = NULL;
    char *s;
    Error *err = NULL;
    int n = 0;

    g_assert_true(visit_type_strList(v, NULL, &list, &error_abort));
    visit_free(v);
    json_node_unref(node);
    for (l = list; l; l = l->next) {
        n++;
    }
    g_assert_cmpint(n, ==, 3);
    g_assert_cmpstr(list->next->value, ==, "b,c");

    v = json_output_visitor_new(&out);
    g_assert_true(visit_type_strList(v, NULL, &list, &error_abort));
    visit_complete(v, &out);
    visit_free(v);
    s = json_str(out);
    g_assert_cmpstr(s, ==, "[\"a\",\"b,c\",\"\"]");
    g_free(s);
    json_node_unref(out);
    qapi_free_strList(list);

    g_assert_cmpstr(NetClientDriver_str(NET_CLIENT_DRIVER_BRIDGE), ==,
                    "bridge");
    g_assert_cmpstr(RunState_str(RUN_STATE_INTERNAL_ERROR), ==,
                    "internal-error");
    g_assert_cmpint(NetClientDriver_parse("hubport", -1, &error_abort), ==,
                    NET_CLIENT_DRIVER_HUBPORT);
    g_assert_cmpint(NetClientDriver_parse("vde", -1, &err), ==, -1);
    assert_error(err, "invalid parameter value: vde");
    g_assert_cmpint(NET_CLIENT_DRIVER__MAX, ==, 6);
    g_assert_cmpint(QAPI_JSON_TYPE_VALUE, ==, 7);
}

static void test_struct_list_partial_free(void)
{
    /* Fails on the third element: the two built ones must be freed. */
    JsonNode *node = parse_json(
        "[{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": 3}]");
    Visitor *v = json_input_visitor_new(node);
    CommandInfoList *list = (CommandInfoList *)0x1;
    Error *err = NULL;

    g_assert_false(visit_type_CommandInfoList(v, NULL, &list, &err));
    g_assert_null(list);
    assert_error(err, "Invalid parameter type for '[2].name', expected: "
                 "string");
    visit_free(v);
    json_node_unref(node);
}

static void test_nested_struct(void)
{
    JsonNode *node = parse_json(
        "{\"qemu\": {\"major\": 9, \"minor\": 1, \"micro\": 2},"
        " \"package\": \"\"}");
    Visitor *v = json_input_visitor_new(node);
    VersionInfo *info = NULL;
    Error *err = NULL;

    g_assert_true(visit_type_VersionInfo(v, NULL, &info, &error_abort));
    g_assert_cmpint(info->qemu->major, ==, 9);
    g_assert_cmpint(info->qemu->micro, ==, 2);
    g_assert_cmpstr(info->package, ==, "");
    qapi_free_VersionInfo(info);
    visit_free(v);
    json_node_unref(node);

    node = parse_json("{\"qemu\": {\"major\": 9, \"minor\": 1},"
                      " \"package\": \"\"}");
    v = json_input_visitor_new(node);
    g_assert_false(visit_type_VersionInfo(v, NULL, &info, &err));
    assert_error(err, "Parameter 'qemu.micro' is missing");
    g_assert_null(info);
    visit_free(v);
    json_node_unref(node);
}

static void test_introspection_format(void)
{
    /*
     * The introspection data must parse as the schema's own SchemaInfo
     * list: that is what QEMU's clients (and qapi tools) rely on.
     */
    JsonNode *schema = qapi_introspection();
    Visitor *v = json_input_visitor_new(schema);
    SchemaInfoList *list = NULL, *l;
    bool found_bridge = false, found_netdev_add = false;
    bool found_netdev = false;

    g_assert_true(visit_type_SchemaInfoList(v, NULL, &list, &error_abort));
    visit_free(v);
    json_node_unref(schema);

    for (l = list; l; l = l->next) {
        SchemaInfo *si = l->value;

        if (!strcmp(si->name, "NetdevBridgeOptions")) {
            SchemaInfoObjectMemberList *m = si->u.object.members;

            found_bridge = true;
            g_assert_cmpint(si->meta_type, ==, SCHEMA_META_TYPE_OBJECT);
            g_assert_cmpstr(m->value->name, ==, "br");
            g_assert_cmpstr(m->value->type, ==, "str");
            g_assert_nonnull(m->value->q_default);   /* optional: null */
            g_assert_true(JSON_NODE_HOLDS_NULL(m->value->q_default));
            g_assert_cmpstr(m->next->value->name, ==, "helper");
            g_assert_null(m->next->next);
        } else if (!strcmp(si->name, "netdev_add")) {
            found_netdev_add = true;
            g_assert_cmpint(si->meta_type, ==, SCHEMA_META_TYPE_COMMAND);
            g_assert_cmpstr(si->u.command.arg_type, ==, "Netdev");
            g_assert_cmpstr(si->u.command.ret_type, ==, "q_empty");
        } else if (!strcmp(si->name, "Netdev")) {
            found_netdev = true;
            g_assert_cmpstr(si->u.object.tag, ==, "type");
            g_assert_nonnull(si->u.object.variants);
        } else if (!strcmp(si->name, "hubid")) {
            g_assert_not_reached();
        }
        /* Every integer type is shown as 'int'. */
        g_assert_cmpstr(si->name, !=, "uint32");
        g_assert_cmpstr(si->name, !=, "size");
    }
    g_assert_true(found_bridge && found_netdev_add && found_netdev);
    qapi_free_SchemaInfoList(list);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi/visit/netdev-bridge", test_bridge);
    g_test_add_func("/qapi/visit/netdev-tap-all-members",
                    test_tap_all_members);
    g_test_add_func("/qapi/visit/netdev-user-lists", test_user_lists);
    g_test_add_func("/qapi/visit/netdev-hubport-nic", test_hubport_nic);
    g_test_add_func("/qapi/visit/errors", test_errors);
    g_test_add_func("/qapi/visit/output-roundtrip", test_output_roundtrip);
    g_test_add_func("/qapi/visit/builtin-lists-enums",
                    test_builtin_lists_and_enums);
    g_test_add_func("/qapi/visit/partial-list-free",
                    test_struct_list_partial_free);
    g_test_add_func("/qapi/visit/nested-struct", test_nested_struct);
    g_test_add_func("/qapi/visit/introspection-format",
                    test_introspection_format);
    return g_test_run();
}
