/*
 * Code generated from tests/qapi-schema/qapi-schema-test.json (prefix
 * "test-"): every built-in type, named bases, unions with omitted
 * branches, lists of everything, C keywords as member names, commands
 * with every flag, boxed events.  Built against the runtime alone.
 */
#include <string.h>
#include "qapi/introspect-data.h"
#include "qapi/json-visitor.h"
#include "qapi/qmp-dispatch.h"
#include "test-qapi-commands.h"
#include "test-qapi-events.h"
#include "test-qapi-introspect.h"
#include "test-qapi-visit.h"
#include "util/keyval.h"
#include "test-util.h"

static const char scalars_json[] =
    "{\"s\":\"str\",\"n\":1.5,\"i\":-5,\"i8\":-128,\"i16\":32767,"
    "\"i32\":-2147483648,\"i64\":-9223372036854775807,\"u8\":255,"
    "\"u16\":65535,\"u32\":4294967295,\"u64\":9223372036854775807,"
    "\"sz\":4096,\"b\":false,\"a\":{\"nested\":[1,\"x\",null]},"
    "\"c\":\"green-ish\",\"opt_i\":0,\"opt-a\":null,\"opt-c\":\"blue\"}";

static void test_scalars_roundtrip(void)
{
    JsonNode *in = parse_json(scalars_json), *out = NULL;
    Visitor *v = json_input_visitor_new(in);
    Scalars *s = NULL;
    char *text;

    g_assert_true(visit_type_Scalars(v, NULL, &s, &error_abort));
    visit_free(v);
    g_assert_cmpfloat(s->n, ==, 1.5);
    g_assert_cmpint(s->i8, ==, -128);
    g_assert_cmpuint(s->u32, ==, 4294967295u);
    g_assert_cmpint(s->c, ==, COL_GREEN_ISH);
    g_assert_true(s->has_opt_i);
    g_assert_null(s->opt_s);
    g_assert_true(s->has_opt_c && s->opt_c == COL_BLUE);
    g_assert_true(JSON_NODE_HOLDS_NULL(s->opt_a));

    v = json_output_visitor_new(&out);
    g_assert_true(visit_type_Scalars(v, NULL, &s, &error_abort));
    visit_complete(v, &out);
    visit_free(v);
    text = json_str(out);
    g_assert_cmpstr(text, ==, scalars_json);
    g_free(text);
    json_node_unref(out);
    json_node_unref(in);
    qapi_free_Scalars(s);
    g_assert_cmpstr(Colour_str(COL_BLUE), ==, "blue");
    g_assert_cmpint(Colour_lookup.special_features[COL_BLUE], ==,
                    QAPI_DEPRECATED);
}

static void test_ranges(void)
{
    static const struct {
        const char *member, *value, *msg;
    } cases[] = {
        { "i8", "128", "Parameter 'i8' expects int8" },
        { "i16", "-32769", "Parameter 'i16' expects int16" },
        { "u8", "256", "Parameter 'u8' expects uint8" },
        { "u16", "-1", "Parameter 'u16' expects uint64" },
        { "n", "\"1\"", "Invalid parameter type for 'n', expected: number" },
        { "c", "\"purple\"", "Parameter 'c' does not accept value 'purple'" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        JsonNode *in = parse_json(scalars_json);
        JsonObject *obj = json_node_get_object(in);
        Visitor *v;
        Scalars *s = NULL;
        Error *err = NULL;

        json_object_set_member(obj, cases[i].member,
                               parse_json(cases[i].value));
        v = json_input_visitor_new(in);
        g_assert_false(visit_type_Scalars(v, NULL, &s, &err));
        g_assert_null(s);
        assert_error(err, cases[i].msg);
        visit_free(v);
        json_node_unref(in);
    }
}

static void test_keyval_scalars(void)
{
    JsonNode *args = keyval_parse(
        "s=x,n=-2.25,i=0x10,i8=-1,i16=1,i32=1,i64=1,u8=1,u16=1,u32=1,"
        "u64=18446744073709551615,sz=2M,b=yes,a=anything,c=red,opt-s=",
        NULL, NULL, &error_abort);
    Visitor *v = json_input_visitor_new_keyval(args);
    Scalars *s = NULL;

    g_assert_true(visit_type_Scalars(v, NULL, &s, &error_abort));
    g_assert_cmpfloat(s->n, ==, -2.25);
    g_assert_cmpint(s->i, ==, 16);
    g_assert_cmpuint(s->u64, ==, UINT64_MAX);
    g_assert_cmpuint(s->sz, ==, 2 * 1024 * 1024);
    g_assert_true(s->b);
    g_assert_cmpstr(json_node_get_string(s->a), ==, "anything");
    g_assert_cmpstr(s->opt_s, ==, "");
    qapi_free_Scalars(s);
    visit_free(v);
    json_node_unref(args);

    /* Lists from dotted indexes, of scalars and of unions. */
    args = keyval_parse("title=t,figures.0.id=f,figures.0.kind=rect,"
                        "figures.0.w=1,figures.0.h=2,figures.0.case=c,"
                        "figures.1.id=g,figures.1.kind=dot,"
                        "ints.0=1,ints.1=-2,flags=on,colours=red",
                        NULL, NULL, &error_abort);
    {
        Drawing *d = NULL;

        v = json_input_visitor_new_keyval(args);
        g_assert_true(visit_type_Drawing(v, NULL, &d, &error_abort));
        g_assert_cmpstr(d->title, ==, "t");
        g_assert_cmpint(d->figures->value->kind, ==, SHAPE_RECT);
        g_assert_cmpint(d->figures->value->u.rect.h, ==, 2);
        g_assert_cmpstr(d->figures->value->u.rect.q_case, ==, "c");
        g_assert_false(d->figures->value->u.rect.has_q_default);
        g_assert_cmpint(d->figures->next->value->kind, ==, SHAPE_DOT);
        g_assert_cmpint(d->ints->next->value, ==, -2);
        g_assert_true(d->flags->value);
        g_assert_cmpint(d->colours->value, ==, COL_RED);
        qapi_free_Drawing(d);
        visit_free(v);
    }
    json_node_unref(args);
}

/* Command implementations for the test schema. */
static int forgotten;

Drawing *qmp_draw(Figure *arg, Error **errp)
{
    Drawing *d = g_new0(Drawing, 1);

    d->title = g_strdup(arg->id);
    d->figures = g_new0(FigureList, 1);
    d->figures->value = g_new0(Figure, 1);
    d->figures->value->id = g_strdup("copy");
    d->figures->value->kind = arg->kind;
    if (arg->kind == SHAPE_CIRCLE) {
        d->figures->value->u.circle.radius = arg->u.circle.radius * 2;
    }
    return d;
}

FigureList *qmp_list_figures(bool has_kind, Shape kind, bool has_limit,
                             uint8_t limit, Error **errp)
{
    if (has_limit && limit == 0) {
        error_setg(errp, "limit must be positive");
    }
    return NULL;
}

void qmp_fire_and_forget(const char *what, Error **errp)
{
    forgotten++;
}

double qmp_echo_number(double n, Error **errp)
{
    return n;
}

void qmp_old_style_args(double radius, Error **errp)
{
}

static char *dispatch(QmpCommandList *cmds, const char *request)
{
    JsonNode *req = parse_json(request);
    JsonNode *resp = qmp_dispatch(cmds, req, true, false);
    char *s = resp ? json_str(resp) : NULL;

    if (resp) {
        json_node_unref(resp);
    }
    json_node_unref(req);
    return s;
}

static void test_commands(void)
{
    QmpCommandList *cmds = qmp_command_list_new();
    const QmpCommand *cmd;
    char *s;

    test_qmp_init_marshal(cmds);
    cmd = qmp_find_command(cmds, "list-figures");
    g_assert_true(cmd->options & QCO_ALLOW_OOB);
    cmd = qmp_find_command(cmds, "echo-number");
    g_assert_cmpuint(cmd->special_features, ==, QAPI_DEPRECATED);

    s = dispatch(cmds, "{\"execute\": \"draw\", \"arguments\": {\"id\": \"c\","
                 " \"kind\": \"circle\", \"radius\": 1.5}}");
    g_assert_cmpstr(s, ==, "{\"return\":{\"title\":\"c\",\"figures\":"
                    "[{\"id\":\"copy\",\"kind\":\"circle\",\"radius\":3.0}]}}");
    g_free(s);
    s = dispatch(cmds, "{\"exec-oob\": \"list-figures\", \"id\": 1}");
    g_assert_cmpstr(s, ==, "{\"return\":[],\"id\":1}");
    g_free(s);
    s = dispatch(cmds, "{\"exec-oob\": \"draw\"}");
    g_assert_cmpstr(s, ==, "{\"error\":{\"class\":\"GenericError\","
                    "\"desc\":\"The command draw does not support OOB\"}}");
    g_free(s);
    s = dispatch(cmds, "{\"execute\": \"list-figures\", \"arguments\":"
                 " {\"limit\": 0}}");
    g_assert_cmpstr(s, ==, "{\"error\":{\"class\":\"GenericError\","
                    "\"desc\":\"limit must be positive\"}}");
    g_free(s);
    s = dispatch(cmds, "{\"execute\": \"fire-and-forget\","
                 " \"arguments\": {\"what\": \"x\"}}");
    g_assert_null(s);
    g_assert_cmpint(forgotten, ==, 1);
    s = dispatch(cmds, "{\"execute\": \"echo-number\","
                 " \"arguments\": {\"n\": 2}}");
    g_assert_cmpstr(s, ==, "{\"return\":2.0}");
    g_free(s);
    s = dispatch(cmds, "{\"execute\": \"old-style-args\","
                 " \"arguments\": {\"radius\": 2, \"x\": 1}}");
    g_assert_cmpstr(s, ==, "{\"error\":{\"class\":\"GenericError\","
                    "\"desc\":\"Parameter 'x' is unexpected\"}}");
    g_free(s);
    qmp_command_list_free(cmds);
}

static GPtrArray *events;

static void emitter(test_QAPIEvent event, JsonObject *msg, void *opaque)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_object_remove_member(msg, "timestamp");
    json_node_set_object(node, msg);
    g_ptr_array_add(events, json_str(node));
    json_node_unref(node);
}

static void test_events(void)
{
    Figure fig = { .id = (char *)"f", .kind = SHAPE_RECT,
                   .u.rect = { .w = 1, .h = 2, .q_case = (char *)"c" } };

    events = g_ptr_array_new_with_free_func(g_free);
    test_qapi_event_set_emitter(emitter, NULL);
    qapi_event_send_figure_drawn(&fig);
    qapi_event_send_counted(3, NULL, true, -1);
    qapi_event_send_ping();
    test_qapi_event_set_emitter(NULL, NULL);
    g_assert_cmpstr(events->pdata[0], ==, "{\"event\":\"FIGURE_DRAWN\","
                    "\"data\":{\"id\":\"f\",\"kind\":\"rect\",\"w\":1,"
                    "\"h\":2,\"case\":\"c\"}}");
    g_assert_cmpstr(events->pdata[1], ==, "{\"event\":\"COUNTED\","
                    "\"data\":{\"count\":3,\"extra\":-1}}");
    g_assert_cmpstr(events->pdata[2], ==, "{\"event\":\"PING\"}");
    g_assert_cmpstr(test_QAPIEvent_str(TEST_QAPI_EVENT_COUNTED), ==,
                    "COUNTED");
    g_ptr_array_free(events, TRUE);
}

static void test_introspection(void)
{
    JsonNode *schema = qapi_introspection_parse(test_qapi_schema_json);
    JsonArray *arr = json_node_get_array(schema);
    GHashTable *by_name = g_hash_table_new(g_str_hash, g_str_equal);
    JsonObject *o;

    for (guint i = 0; i < json_array_get_length(arr); i++) {
        o = json_array_get_object_element(arr, i);
        g_hash_table_insert(by_name,
                            (gpointer)json_object_get_string_member(o, "name"),
                            o);
    }
    o = g_hash_table_lookup(by_name, "list-figures");
    g_assert_true(json_object_get_boolean_member(o, "allow-oob"));
    g_assert_cmpstr(json_object_get_string_member(o, "ret-type"), ==,
                    "[Figure]");
    o = g_hash_table_lookup(by_name, "Figure");
    g_assert_cmpuint(json_array_get_length(
        json_object_get_array_member(o, "variants")), ==, 3);
    o = g_hash_table_lookup(by_name, "echo-number");
    g_assert_cmpstr(json_array_get_string_element(
        json_object_get_array_member(o, "features"), 0), ==, "deprecated");
    g_assert_nonnull(g_hash_table_lookup(by_name, "q_empty"));
    g_assert_nonnull(g_hash_table_lookup(by_name, "[int]"));  /* int8 */
    g_assert_null(g_hash_table_lookup(by_name, "int8"));
    /* Reachable only through draw's result, Drawing.scalars: */
    g_assert_nonnull(g_hash_table_lookup(by_name, "Scalars"));
    g_hash_table_destroy(by_name);
    json_node_unref(schema);
}

/* In test-qapi-constructs.c. */
void qapi_constructs_add_tests(void);

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi/test-schema/scalars-roundtrip",
                    test_scalars_roundtrip);
    g_test_add_func("/qapi/test-schema/ranges", test_ranges);
    g_test_add_func("/qapi/test-schema/keyval", test_keyval_scalars);
    g_test_add_func("/qapi/test-schema/commands", test_commands);
    g_test_add_func("/qapi/test-schema/events", test_events);
    g_test_add_func("/qapi/test-schema/introspection", test_introspection);
    qapi_constructs_add_tests();
    return g_test_run();
}
