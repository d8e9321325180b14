/*
 * The schema language's later constructs, as compiled from
 * tests/qapi-schema/qapi-schema-test.json: alternates (with 'null' and
 * QType), unions as union branches, 'if' conditions (this file is built
 * with TEST_IF_ON defined and TEST_IF_OFF not), downstream '__RFQDN_'
 * names and member features.  Visits, marshalling and introspection.
 * Part of test-qapi-schema-test; main() is in test-qapi-schema-test.c.
 */
#include <string.h>
#include "qapi/introspect-data.h"
#include "qapi/json-visitor.h"
#include "qapi/qmp-dispatch.h"
#include "test-qapi-commands.h"
#include "test-qapi-introspect.h"
#include "test-qapi-visit.h"
#include "util/keyval.h"
#include "test-util.h"

void qapi_constructs_add_tests(void);

/* Visits text as a Mixed and back; returns the output text. */
static char *mixed_roundtrip(const char *text, Mixed **out_obj)
{
    JsonNode *in = parse_json(text), *out = NULL;
    Visitor *v = json_input_visitor_new(in);
    Mixed *m = NULL;
    char *s;

    g_assert_true(visit_type_Mixed(v, NULL, &m, &error_abort));
    visit_free(v);
    v = json_output_visitor_new(&out);
    g_assert_true(visit_type_Mixed(v, NULL, &m, &error_abort));
    visit_complete(v, &out);
    visit_free(v);
    s = json_str(out);
    json_node_unref(out);
    json_node_unref(in);
    *out_obj = m;
    return s;
}

static void test_alternates(void)
{
    static const char text[] =
        "{\"q\":\"qdict\",\"qs\":[\"qnull\",\"qbool\"],\"son\":null,"
        "\"nbl\":[\"a\",\"b\"],\"alts\":[\"red\",{\"id\":\"x\","
        "\"kind\":\"circle\",\"radius\":2.0}],\"legacy\":\"old_style\"}";
    Mixed *m;
    char *s = mixed_roundtrip(text, &m);

    g_assert_cmpstr(s, ==, text);
    g_assert_cmpint(m->q, ==, QTYPE_QDICT);
    g_assert_cmpint(m->qs->next->value, ==, QTYPE_QBOOL);
    g_assert_cmpint(m->son->type, ==, QTYPE_QNULL);
    g_assert_true(m->son->u.n == qnull());
    g_assert_cmpint(m->nbl->type, ==, QTYPE_QLIST);
    g_assert_cmpstr(m->nbl->u.l->next->value, ==, "b");
    g_assert_cmpint(m->alts->value->type, ==, QTYPE_QSTRING);
    g_assert_cmpint(m->alts->value->u.e, ==, COL_RED);
    g_assert_cmpint(m->alts->next->value->type, ==, QTYPE_QDICT);
    g_assert_cmpfloat(m->alts->next->value->u.f->u.circle.radius, ==, 2.0);
    g_assert_cmpint(m->legacy, ==, LEGACY_VALUES_OLD_STYLE);
    g_free(s);
    qapi_free_Mixed(m);

    s = mixed_roundtrip("{\"q\":\"none\",\"son\":\"text\",\"nbl\":true}", &m);
    g_assert_cmpint(m->son->type, ==, QTYPE_QSTRING);
    g_assert_cmpstr(m->son->u.s, ==, "text");
    g_assert_true(m->nbl->u.b);
    g_free(s);
    qapi_free_Mixed(m);

    /* A JSON type no branch takes. */
    {
        JsonNode *in = parse_json("{\"q\":\"none\",\"son\":5}");
        Visitor *v = json_input_visitor_new(in);
        Error *err = NULL;

        m = NULL;
        g_assert_false(visit_type_Mixed(v, NULL, &m, &err));
        g_assert_null(m);
        assert_error(err, "Invalid parameter type for 'son', "
                     "expected: StrOrNull");
        visit_free(v);
        json_node_unref(in);
    }
}

static void test_alternates_keyval(void)
{
    static const struct {
        const char *arg;
        QType type;
    } cases[] = {
        { "nbl=7", QTYPE_QNUM },
        { "nbl=on", QTYPE_QBOOL },
        { "nbl.0=x,nbl.1=y", QTYPE_QLIST },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *text = g_strdup_printf("q=qnum,son=s,%s",
                                                cases[i].arg);
        JsonNode *args = keyval_parse(text, NULL, NULL, &error_abort);
        Visitor *v = json_input_visitor_new_keyval(args);
        Mixed *m = NULL;

        g_assert_true(visit_type_Mixed(v, NULL, &m, &error_abort));
        g_assert_cmpint(m->son->type, ==, QTYPE_QSTRING);
        g_assert_cmpint(m->nbl->type, ==, cases[i].type);
        if (cases[i].type == QTYPE_QNUM) {
            g_assert_cmpint(m->nbl->u.i, ==, 7);
        }
        qapi_free_Mixed(m);
        visit_free(v);
        json_node_unref(args);
    }
}

/* Command implementations for the constructs. */
Mixed *qmp_mix(Mixed *m, AltNumBoolArr *alt, Error **errp)
{
    Mixed *copy = g_new0(Mixed, 1);

    copy->q = alt ? alt->type : QTYPE_NONE;
    copy->son = g_new0(StrOrNull, 1);
    copy->son->type = QTYPE_QSTRING;
    copy->son->u.s = g_strdup(m->son->type == QTYPE_QNULL ? "was null"
                              : m->son->u.s);
    return copy;
}

Wrapper *qmp_unwrap(Wrapper *arg, Error **errp)
{
    Wrapper *w = g_new0(Wrapper, 1);

    *w = *arg;
    memset(arg, 0, sizeof(*arg));     /* moved into w */
    return w;
}

IfOn *qmp_if_cmd(IfEnum b, int64_t a, IfUnion *un, IfAlt *alt, Error **errp)
{
    IfOn *r = g_new0(IfOn, 1);

    r->a = a;
    r->c = b == IF_ENUM_SOMETIMES ? 1 : 0;
    if (un && un->kind == IF_ENUM_SOMETIMES) {
        r->c += un->u.sometimes.w;
    }
    if (alt && alt->type == QTYPE_QNUM) {
        r->c += alt->u.n;
    }
    return r;
}

__org_example_x_Union *qmp___org_example_x_command(
    __org_example_x_EnumList *a, __org_example_x_StructList *b,
    __org_example_x_Union *c, __org_example_x_Alt *d, Error **errp)
{
    __org_example_x_Union *r = g_new0(__org_example_x_Union, 1);

    r->__org_example_x_member1 = a->value;
    r->u.__org_example_x_value.__org_example_x_member3 =
        !strcmp(b->value->__org_example_x_member2, "yes") &&
        c->u.__org_example_x_value.__org_example_x_member3 &&
        d->u.__org_example_x_branch->__org_example_x_member1 ==
        __ORG_EXAMPLE_X_ENUM___ORG_EXAMPLE_X_VALUE;
    return r;
}

FeatureStruct *qmp_feature_cmd(FeatureStruct *arg, Error **errp)
{
    FeatureStruct *r = g_new0(FeatureStruct, 1);

    r->foo = arg->foo + 1;
    r->bar = g_new0(StrOrNull, 1);
    r->bar->type = QTYPE_QNULL;
    r->bar->u.n = qnull();
    return r;
}

static char *call(QmpCommandList *cmds, const char *request)
{
    JsonNode *req = parse_json(request);
    JsonNode *resp = qmp_dispatch(cmds, req, false, false);
    char *s = json_str(resp);

    json_node_unref(resp);
    json_node_unref(req);
    return s;
}

static void test_construct_commands(void)
{
    QmpCommandList *cmds = qmp_command_list_new();
    static const struct {
        const char *request, *response;
    } cases[] = {
        { "{\"execute\":\"mix\",\"arguments\":{\"m\":{\"q\":\"qnull\","
          "\"son\":null},\"alt\":3}}",
          "{\"return\":{\"q\":\"qnum\",\"son\":\"was null\"}}" },
        /* A union inside a union, boxed, both ways. */
        { "{\"execute\":\"unwrap\",\"arguments\":{\"wrapping\":\"figure\","
          "\"id\":\"f\",\"kind\":\"rect\",\"w\":1,\"h\":2,\"case\":\"c\"}}",
          "{\"return\":{\"wrapping\":\"figure\",\"id\":\"f\","
          "\"kind\":\"rect\",\"w\":1,\"h\":2,\"case\":\"c\"}}" },
        { "{\"execute\":\"unwrap\",\"arguments\":{\"wrapping\":\"nothing\"}}",
          "{\"return\":{\"wrapping\":\"nothing\"}}" },
        /* Conditional arguments, union branches and alternate branches. */
        { "{\"execute\":\"if-cmd\",\"arguments\":{\"a\":1,"
          "\"b\":\"sometimes\",\"un\":{\"kind\":\"sometimes\",\"w\":10,"
          "\"h\":0,\"case\":\"x\"},\"alt\":100}}",
          "{\"return\":{\"a\":1,\"c\":111}}" },
        { "{\"execute\":\"if-cmd\",\"arguments\":{\"a\":1,\"b\":\"never\"}}",
          "{\"error\":{\"class\":\"GenericError\",\"desc\":\"Parameter 'b' "
          "does not accept value 'never'\"}}" },
        { "{\"execute\":\"if-cmd\",\"arguments\":{\"a\":1,"
          "\"b\":\"always\",\"c\":\"x\"}}",
          "{\"error\":{\"class\":\"GenericError\",\"desc\":\"Parameter 'c' "
          "is unexpected\"}}" },
        { "{\"execute\":\"if-off-cmd\"}",
          "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"The command "
          "if-off-cmd has not been found\"}}" },
        /* Downstream names all the way through. */
        { "{\"execute\":\"__org.example_x-command\",\"arguments\":{"
          "\"a\":[\"__org.example_x-value\"],"
          "\"b\":[{\"__org.example_x-member1\":\"__org.example_x-value\","
          "\"__org.example_x-member2\":\"yes\"}],"
          "\"c\":{\"__org.example_x-member1\":\"__org.example_x-value\","
          "\"__org.example_x-member3\":true},"
          "\"d\":{\"__org.example_x-member1\":\"__org.example_x-value\"}}}",
          "{\"return\":{\"__org.example_x-member1\":"
          "\"__org.example_x-value\",\"__org.example_x-member3\":true}}" },
        { "{\"execute\":\"feature-cmd\",\"arguments\":{\"arg\":{\"foo\":1,"
          "\"bar\":\"x\"}}}",
          "{\"return\":{\"foo\":2,\"bar\":null}}" },
    };

    test_qmp_init_marshal(cmds);
    g_assert_true(qmp_find_command(cmds, "feature-cmd")->options &
                  QCO_COROUTINE);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *s = call(cmds, cases[i].request);

        g_assert_cmpstr(s, ==, cases[i].response);
        g_free(s);
    }
    qmp_command_list_free(cmds);
}

static JsonObject *find(JsonArray *arr, const char *name)
{
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        if (!strcmp(json_object_get_string_member(o, "name"), name)) {
            return o;
        }
    }
    return NULL;
}

/* The "name" (or "type") members of an array of objects, joined by ','. */
static char *names(JsonArray *arr, const char *key)
{
    GString *s = g_string_new("");

    for (guint i = 0; i < json_array_get_length(arr); i++) {
        g_string_append_printf(s, "%s%s", i ? "," : "",
            json_object_get_string_member(
                json_array_get_object_element(arr, i), key));
    }
    return g_string_free(s, FALSE);
}

static void assert_names(JsonObject *o, const char *member, const char *key,
                         const char *expected)
{
    g_autofree char *got = names(json_object_get_array_member(o, member),
                                 key);

    g_assert_cmpstr(got, ==, expected);
}

static void test_construct_introspection(void)
{
    JsonNode *schema = qapi_introspection_parse(test_qapi_schema_json);
    JsonArray *arr = json_node_get_array(schema);
    JsonObject *o;

    o = find(arr, "StrOrNull");
    g_assert_cmpstr(json_object_get_string_member(o, "meta-type"), ==,
                    "alternate");
    assert_names(o, "members", "type", "str,null");
    o = find(arr, "null");
    g_assert_cmpstr(json_object_get_string_member(o, "json-type"), ==,
                    "null");
    o = find(arr, "QType");
    g_assert_cmpuint(json_array_get_length(
        json_object_get_array_member(o, "values")), ==, 7);

    /* What a false condition removes is not there at all. */
    g_assert_nonnull(find(arr, "if-cmd"));
    g_assert_null(find(arr, "if-off-cmd"));
    g_assert_nonnull(find(arr, "IF_EVENT"));
    g_assert_null(find(arr, "IF_OFF_EVENT"));
    g_assert_null(find(arr, "IfOff"));
    o = find(arr, "IfOn");
    assert_names(o, "members", "name", "a,c");
    g_assert_cmpuint(json_array_get_length(
        json_object_get_array_member(o, "features")), ==, 1);
    o = find(arr, "IfEnum");
    assert_names(o, "members", "name", "always,sometimes");
    o = find(arr, "IfUnion");
    assert_names(o, "variants", "case", "always,sometimes");
    o = find(arr, "IfAlt");
    assert_names(o, "members", "type", "int,IfOn");
    o = find(arr, "q_obj_if-cmd-arg");
    assert_names(o, "members", "name", "b,a,un,alt");

    o = find(arr, "Wrapper");
    assert_names(o, "variants", "type", "Figure,q_empty");
    g_assert_nonnull(find(arr, "__ORG.EXAMPLE_X-EVENT"));
    o = find(arr, "FeatureStruct");
    g_assert_cmpstr(json_array_get_string_element(json_object_get_array_member(
        json_array_get_object_element(json_object_get_array_member(
            o, "members"), 0), "features"), 0), ==, "deprecated");
    json_node_unref(schema);

    /* And in C: enum constants are numbered without the missing ones. */
    g_assert_cmpint(IF_ENUM__MAX, ==, 2);
    g_assert_cmpstr(IfEnum_str(IF_ENUM_SOMETIMES), ==, "sometimes");
    g_assert_cmpint(IfEnum_lookup.special_features[IF_ENUM_SOMETIMES], ==,
                    QAPI_UNSTABLE);
}

void qapi_constructs_add_tests(void)
{
    g_test_add_func("/qapi/test-schema/alternates", test_alternates);
    g_test_add_func("/qapi/test-schema/alternates-keyval",
                    test_alternates_keyval);
    g_test_add_func("/qapi/test-schema/construct-commands",
                    test_construct_commands);
    g_test_add_func("/qapi/test-schema/construct-introspection",
                    test_construct_introspection);
}
