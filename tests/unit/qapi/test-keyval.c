/*
 * key=value parsing (util/keyval.c) and the keyval input visitor: how the
 * command line turns "-netdev bridge,id=hn0,br=br0" into a Netdev.
 */
#include <string.h>
#include "qapi/json-visitor.h"
#include "qapi/qapi-visit.h"
#include "qapi/util.h"
#include "util/keyval.h"
#include "test-util.h"

/* Parse and render as compact JSON, or return NULL with *errp set. */
static char *kv(const char *params, const char *implied, bool *help,
                Error **errp)
{
    JsonNode *node = keyval_parse(params, implied, help, errp);
    char *s;

    if (!node) {
        return NULL;
    }
    s = json_str(node);
    json_node_unref(node);
    return s;
}

#define assert_kv(params, implied, expected) do {                 \
        char *s_ = kv((params), (implied), NULL, &error_abort);  \
        g_assert_cmpstr(s_, ==, (expected));                     \
        g_free(s_);                                               \
    } while (0)

#define assert_kv_error(params, implied, msg) do {                \
        Error *err_ = NULL;                                       \
        char *s_ = kv((params), (implied), NULL, &err_);          \
        g_assert_null(s_);                                        \
        assert_error(err_, (msg));                                \
    } while (0)

static void test_parse_basic(void)
{
    assert_kv("", NULL, "{}");
    assert_kv("a=1", NULL, "{\"a\":\"1\"}");
    assert_kv("a=1,b=two", NULL, "{\"a\":\"1\",\"b\":\"two\"}");
    assert_kv("a=1,", NULL, "{\"a\":\"1\"}");   /* trailing comma */
    assert_kv("a=", NULL, "{\"a\":\"\"}");
    assert_kv("a==b", NULL, "{\"a\":\"=b\"}");
    assert_kv("bridge,id=hn0,br=br0", "type",
              "{\"type\":\"bridge\",\"id\":\"hn0\",\"br\":\"br0\"}");
    /* The implied key only applies to the first parameter. */
    assert_kv("id=hn0", "type", "{\"id\":\"hn0\"}");
}

static void test_parse_escaping(void)
{
    assert_kv("script=/a,,b,id=x", NULL,
              "{\"script\":\"/a,b\",\"id\":\"x\"}");
    assert_kv("a=,,,,", NULL, "{\"a\":\",,\"}");
    assert_kv("a=x,,", NULL, "{\"a\":\"x,\"}");
    assert_kv("tap,,x,id=t", "type", "{\"type\":\"tap,x\",\"id\":\"t\"}");
    assert_kv("helper=/usr/lib/qemu-bridge-helper --br=br0,,x", NULL,
              "{\"helper\":\"/usr/lib/qemu-bridge-helper --br=br0,x\"}");
}

static void test_parse_nesting_and_lists(void)
{
    assert_kv("a.b.c=1,a.d=2", NULL,
              "{\"a\":{\"b\":{\"c\":\"1\"},\"d\":\"2\"}}");
    assert_kv("a.0=x,a.1=y", NULL, "{\"a\":[\"x\",\"y\"]}");
    assert_kv("a.1=y,a.0=x", NULL, "{\"a\":[\"x\",\"y\"]}");
    assert_kv("h.0.str=p,h.1.str=q", NULL,
              "{\"h\":[{\"str\":\"p\"},{\"str\":\"q\"}]}");
    /* A repeated key collects its values. */
    assert_kv("f=1,f=2,f=3", NULL, "{\"f\":[\"1\",\"2\",\"3\"]}");
}

static void test_parse_errors(void)
{
    assert_kv_error("bridge,id", "type", "Expected '=' after parameter 'id'");
    assert_kv_error("id", NULL, "Expected '=' after parameter 'id'");
    assert_kv_error("b@d=1", NULL, "Invalid parameter 'b@d'");
    assert_kv_error("a=1,,,=2", NULL, "Invalid parameter ''");
    assert_kv_error(",a=1", NULL, "Invalid parameter ''");
    assert_kv_error("=1", NULL, "Invalid parameter ''");
    assert_kv_error("a..b=1", NULL, "Invalid parameter 'a..b'");
    assert_kv_error("a.=1", NULL, "Invalid parameter 'a.'");
    assert_kv_error("a=1,a.b=2", NULL, "Parameters 'a.*' used inconsistently");
    assert_kv_error("a.b=1,a=2", NULL, "Parameters 'a.*' used inconsistently");
    assert_kv_error("a.0=x,a.b=y", NULL,
                    "Parameters 'a.*' used inconsistently");
    assert_kv_error("a.0=x,a.2=y", NULL, "Parameter 'a.1' is missing");
    assert_kv_error("help", NULL, "Expected '=' after parameter 'help'");
}

static void test_parse_help(void)
{
    bool help = true;
    char *s;

    s = kv("id=x", "type", &help, &error_abort);
    g_assert_false(help);
    g_free(s);

    s = kv("help", "type", &help, &error_abort);
    g_assert_true(help);
    g_assert_cmpstr(s, ==, "{}");
    g_free(s);

    s = kv("bridge,help", "type", &help, &error_abort);
    g_assert_true(help);
    g_assert_cmpstr(s, ==, "{\"type\":\"bridge\"}");
    g_free(s);

    s = kv("tap,?", "type", &help, &error_abort);
    g_assert_true(help);
    g_assert_cmpstr(s, ==, "{\"type\":\"tap\"}");
    g_free(s);
}

/* What the CLI code does with "-netdev ARG". */
static Netdev *netdev_from_cli(const char *arg, Error **errp)
{
    JsonNode *args = keyval_parse(arg, "type", NULL, errp);
    Netdev *nd = NULL;
    Visitor *v;

    if (!args) {
        return NULL;
    }
    v = json_input_visitor_new_keyval(args);
    visit_type_Netdev(v, NULL, &nd, errp);
    visit_free(v);
    json_node_unref(args);
    return nd;
}

static void test_netdev_bridge(void)
{
    Netdev *nd = netdev_from_cli("bridge,id=hn0,br=br0", &error_abort);

    g_assert_cmpint(nd->type, ==, NET_CLIENT_DRIVER_BRIDGE);
    g_assert_cmpstr(nd->id, ==, "hn0");
    g_assert_cmpstr(nd->u.bridge.br, ==, "br0");
    g_assert_null(nd->u.bridge.helper);
    qapi_free_Netdev(nd);

    nd = netdev_from_cli("type=bridge,id=hn1,helper=/h --x,,y",
                         &error_abort);
    g_assert_cmpstr(nd->u.bridge.helper, ==, "/h --x,y");
    qapi_free_Netdev(nd);
}

static void test_netdev_conversions(void)
{
    Netdev *nd = netdev_from_cli(
        "tap,id=t0,sndbuf=1M,vnet_hdr=on,vhost=off,vhostforce=yes,"
        "queues=0x10,poll-us=7,ifname=tap0", &error_abort);
    NetdevTapOptions *tap = &nd->u.tap;

    g_assert_cmpuint(tap->sndbuf, ==, 1024 * 1024);
    g_assert_true(tap->has_vnet_hdr && tap->vnet_hdr);
    g_assert_true(tap->has_vhost && !tap->vhost);
    g_assert_true(tap->vhostforce);
    g_assert_cmpuint(tap->queues, ==, 16);
    g_assert_cmpuint(tap->poll_us, ==, 7);
    g_assert_cmpstr(tap->ifname, ==, "tap0");
    qapi_free_Netdev(nd);

    static const struct {
        const char *in;
        uint64_t size;
    } sizes[] = {
        { "0", 0 }, { "4096", 4096 }, { "1k", 1024 }, { "1K", 1024 },
        { "2G", 2ULL << 30 }, { "1.5k", 1536 }, { "8b", 8 },
        { "1T", 1ULL << 40 },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
        char *arg = g_strdup_printf("tap,id=t,sndbuf=%s", sizes[i].in);

        nd = netdev_from_cli(arg, &error_abort);
        g_assert_cmpuint(nd->u.tap.sndbuf, ==, sizes[i].size);
        qapi_free_Netdev(nd);
        g_free(arg);
    }

    static const struct {
        const char *in;
        bool val;
    } bools[] = {
        { "on", true }, { "yes", true }, { "true", true },
        { "off", false }, { "no", false }, { "false", false },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bools); i++) {
        char *arg = g_strdup_printf("user,id=u,restrict=%s", bools[i].in);

        nd = netdev_from_cli(arg, &error_abort);
        g_assert_true(nd->u.user.has_q_restrict);
        g_assert_cmpint(nd->u.user.q_restrict, ==, bools[i].val);
        qapi_free_Netdev(nd);
        g_free(arg);
    }

    nd = netdev_from_cli("hubport,id=h,hubid=-2", &error_abort);
    g_assert_cmpint(nd->u.hubport.hubid, ==, -2);
    qapi_free_Netdev(nd);

    /* A repeated scalar: the last one wins, as it always has. */
    nd = netdev_from_cli("bridge,id=b,br=x,br=y", &error_abort);
    g_assert_cmpstr(nd->u.bridge.br, ==, "y");
    qapi_free_Netdev(nd);
}

static void test_netdev_hostfwd(void)
{
    Netdev *nd = netdev_from_cli(
        "user,id=u0,hostfwd=tcp::2222-:22,hostfwd=udp::5353-:53",
        &error_abort);
    StringList *l = nd->u.user.hostfwd;

    g_assert_cmpstr(l->value->str, ==, "tcp::2222-:22");
    g_assert_cmpstr(l->next->value->str, ==, "udp::5353-:53");
    g_assert_null(l->next->next);
    qapi_free_Netdev(nd);

    nd = netdev_from_cli("user,id=u0,hostfwd=tcp::2222-:22", &error_abort);
    l = nd->u.user.hostfwd;
    g_assert_cmpstr(l->value->str, ==, "tcp::2222-:22");
    g_assert_null(l->next);
    qapi_free_Netdev(nd);

    nd = netdev_from_cli("user,id=u0,hostfwd.0.str=a,hostfwd.1.str=b",
                         &error_abort);
    l = nd->u.user.hostfwd;
    g_assert_cmpstr(l->value->str, ==, "a");
    g_assert_cmpstr(l->next->value->str, ==, "b");
    qapi_free_Netdev(nd);
}

static void test_netdev_errors(void)
{
    static const struct {
        const char *arg, *msg;
    } cases[] = {
        { "bridge,br=br0", "Parameter 'id' is missing" },
        { "bridge,id=x,bad=1", "Invalid parameter 'bad'" },
        { "bridge,id=x,ifname=t", "Invalid parameter 'ifname'" },
        { "bogus,id=x", "Parameter 'type' does not accept value 'bogus'" },
        { "id=x", "Parameter 'type' is missing" },
        { "tap,id=x,sndbuf=abc",
          "Parameter 'sndbuf' expects a non-negative size (with optional "
          "suffix B, K, M, G, T, P or E)" },
        { "tap,id=x,sndbuf=-1",
          "Parameter 'sndbuf' expects a non-negative size (with optional "
          "suffix B, K, M, G, T, P or E)" },
        { "tap,id=x,sndbuf=1.5",
          "Parameter 'sndbuf' expects a non-negative size (with optional "
          "suffix B, K, M, G, T, P or E)" },
        { "tap,id=x,sndbuf=99999999999E",
          "Parameter 'sndbuf' expects a non-negative size (with optional "
          "suffix B, K, M, G, T, P or E)" },
        { "tap,id=x,vnet_hdr=maybe",
          "Parameter 'vnet_hdr' expects 'on' or 'off'" },
        { "tap,id=x,queues=-1", "Parameter 'queues' expects integer" },
        { "tap,id=x,queues=4294967296", "Parameter 'queues' expects uint32" },
        { "tap,id=x,queues=", "Parameter 'queues' expects integer" },
        { "hubport,id=x,hubid=1x", "Parameter 'hubid' expects integer" },
        { "bridge,id.a=x", "Invalid parameter type for 'id', expected: "
          "string" },
        { "bridge,id", "Expected '=' after parameter 'id'" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Error *err = NULL;
        Netdev *nd = netdev_from_cli(cases[i].arg, &err);

        if (g_test_verbose()) {
            g_printerr("%s -> %s\n", cases[i].arg,
                       err ? error_get_pretty(err) : "(ok)");
        }
        g_assert_null(nd);
        assert_error(err, cases[i].msg);
    }
}

/* QEMU 7.2's size rule, the one all size parameters (and -m) use. */
static void test_size_rule(void)
{
    static const struct {
        const char *in;
        uint64_t size;
    } good[] = {
        { "0", 0 }, { "12345", 12345 }, { "8b", 8 }, { "8B", 8 },
        { "1k", 1024 }, { "1K", 1024 }, { "1.5k", 1536 }, { "0.5k", 512 },
        { "1.5M", 3 << 19 }, { "1.5G", 3ULL << 29 }, { "1.k", 1024 },
        { "1.0", 1 }, { "0.1k", 102 },          /* truncated to a byte */
        { "0x10", 16 }, { "0X1f", 31 }, { "0x10k", 16384 },
        { "15E", 15ULL << 60 },
        { "18446744073709551615", UINT64_MAX },
    };
    static const char *const bad[] = {
        "", "lots", "-1", " 1", "+1", "1.5", "1.5B", "1.5b", "0x1.8k",
        "1e3", "1.5e3k", "1x", "1kk", "0x", ".5k", "16E",
        "18446744073709551616", "17179869184G",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        uint64_t v = 42;

        if (!qapi_str_to_size(good[i].in, &v)) {
            g_error("'%s' rejected", good[i].in);
        }
        g_assert_cmpuint(v, ==, good[i].size);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        uint64_t v = 42;

        if (qapi_str_to_size(bad[i], &v)) {
            g_error("'%s' accepted as %" G_GUINT64_FORMAT, bad[i], v);
        }
        g_assert_cmpuint(v, ==, 42);
    }
}

/* keyval_parse_strings: repeated keys keep the last value. */
static void test_parse_strings(void)
{
    bool help;
    Error *err = NULL;
    GHashTable *h = keyval_parse_strings("virt,dumpdtb=a,,b,dumpdtb=c",
                                         "type", &help, &error_abort);

    g_assert_false(help);
    g_assert_cmpstr(g_hash_table_lookup(h, "type"), ==, "virt");
    g_assert_cmpstr(g_hash_table_lookup(h, "dumpdtb"), ==, "c");
    g_hash_table_unref(h);

    h = keyval_parse_strings("virt,x.y=1", "type", NULL, &err);
    g_assert_null(h);
    assert_error(err, "Parameter 'x' expects a scalar value");
}

/* -smp's and -m's schema types, as vl-machine.c visits them. */
static void test_machine_types(void)
{
    JsonNode *args = keyval_parse("4,sockets=2,cores=2", "cpus", NULL,
                                  &error_abort);
    Visitor *v = json_input_visitor_new_keyval(args);
    SMPConfiguration *smp = NULL;
    MemorySizeConfiguration *mem = NULL;

    visit_type_SMPConfiguration(v, NULL, &smp, &error_abort);
    visit_free(v);
    json_node_unref(args);
    g_assert_true(smp->has_cpus && smp->cpus == 4);
    g_assert_true(smp->has_sockets && smp->sockets == 2);
    g_assert_true(smp->has_cores && smp->cores == 2);
    g_assert_false(smp->has_threads || smp->has_dies || smp->has_maxcpus);
    qapi_free_SMPConfiguration(smp);

    args = keyval_parse("1.5G", "size", NULL, &error_abort);
    v = json_input_visitor_new_keyval(args);
    visit_type_MemorySizeConfiguration(v, NULL, &mem, &error_abort);
    visit_free(v);
    json_node_unref(args);
    g_assert_cmpuint(mem->size, ==, 3ULL << 29);
    qapi_free_MemorySizeConfiguration(mem);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/keyval/parse/basic", test_parse_basic);
    g_test_add_func("/keyval/parse/escaping", test_parse_escaping);
    g_test_add_func("/keyval/parse/nesting-lists",
                    test_parse_nesting_and_lists);
    g_test_add_func("/keyval/parse/errors", test_parse_errors);
    g_test_add_func("/keyval/parse/help", test_parse_help);
    g_test_add_func("/keyval/visit/netdev-bridge", test_netdev_bridge);
    g_test_add_func("/keyval/visit/conversions", test_netdev_conversions);
    g_test_add_func("/keyval/visit/hostfwd", test_netdev_hostfwd);
    g_test_add_func("/keyval/visit/errors", test_netdev_errors);
    g_test_add_func("/keyval/size-rule", test_size_rule);
    g_test_add_func("/keyval/parse/strings", test_parse_strings);
    g_test_add_func("/keyval/visit/machine-types", test_machine_types);
    return g_test_run();
}
