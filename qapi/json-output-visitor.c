/*
 * Output visitor: QAPI C value -> JSON value (json-glib).
 *
 * Each container is added to its parent as soon as it is started, so the
 * stack only needs borrowed pointers; the visitor owns the root until
 * visit_complete() hands out a reference.
 */
#include "qapi/json-visitor.h"
#include "qapi/visitor-impl.h"

typedef struct JsonOutputVisitor {
    Visitor visitor;
    JsonNode *root;
    GPtrArray *stack;        /* of JsonNode * (borrowed), innermost last */
    JsonNode **result;
} JsonOutputVisitor;

static JsonOutputVisitor *to_jov(Visitor *v)
{
    return (JsonOutputVisitor *)v;
}

/* Takes ownership of value. */
static void add(JsonOutputVisitor *jov, const char *name, JsonNode *value)
{
    JsonNode *parent;

    if (!jov->stack->len) {
        g_assert(!jov->root);
        jov->root = value;
        return;
    }
    parent = g_ptr_array_index(jov->stack, jov->stack->len - 1);
    if (JSON_NODE_HOLDS_OBJECT(parent)) {
        g_assert(name);
        json_object_set_member(json_node_get_object(parent), name, value);
    } else {
        json_array_add_element(json_node_get_array(parent), value);
    }
}

static bool jov_start_struct(Visitor *v, const char *name, void **obj,
                             size_t size, Error **errp)
{
    JsonOutputVisitor *jov = to_jov(v);
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(node, json_object_new());
    add(jov, name, node);
    g_ptr_array_add(jov->stack, node);
    return true;
}

static void jov_end_struct(Visitor *v, void **obj)
{
    JsonOutputVisitor *jov = to_jov(v);

    g_assert(jov->stack->len);
    g_ptr_array_remove_index(jov->stack, jov->stack->len - 1);
}

static bool jov_start_list(Visitor *v, const char *name, GenericList **list,
                           size_t size, Error **errp)
{
    JsonOutputVisitor *jov = to_jov(v);
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);

    json_node_take_array(node, json_array_new());
    add(jov, name, node);
    g_ptr_array_add(jov->stack, node);
    return true;
}

static GenericList *jov_next_list(Visitor *v, GenericList *tail, size_t size)
{
    return tail->next;
}

static bool jov_type_int64(Visitor *v, const char *name, int64_t *obj,
                           Error **errp)
{
    add(to_jov(v), name, json_node_init_int(json_node_alloc(), *obj));
    return true;
}

static bool jov_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                            Error **errp)
{
    JsonNode *node;

    /* json-glib has no unsigned integers: beyond INT64_MAX, a double. */
    if (*obj <= INT64_MAX) {
        node = json_node_init_int(json_node_alloc(), (int64_t)*obj);
    } else {
        node = json_node_init_double(json_node_alloc(), (double)*obj);
    }
    add(to_jov(v), name, node);
    return true;
}

static bool jov_type_bool(Visitor *v, const char *name, bool *obj,
                          Error **errp)
{
    add(to_jov(v), name, json_node_init_boolean(json_node_alloc(), *obj));
    return true;
}

static bool jov_type_str(Visitor *v, const char *name, char **obj,
                         Error **errp)
{
    add(to_jov(v), name,
        json_node_init_string(json_node_alloc(), *obj ? *obj : ""));
    return true;
}

static bool jov_type_number(Visitor *v, const char *name, double *obj,
                            Error **errp)
{
    add(to_jov(v), name, json_node_init_double(json_node_alloc(), *obj));
    return true;
}

static bool jov_type_null(Visitor *v, const char *name, QNull **obj,
                          Error **errp)
{
    add(to_jov(v), name, json_node_init_null(json_node_alloc()));
    return true;
}

static bool jov_type_any(Visitor *v, const char *name, JsonNode **obj,
                         Error **errp)
{
    add(to_jov(v), name, *obj ? json_node_copy(*obj)
        : json_node_init_null(json_node_alloc()));
    return true;
}

static void jov_complete(Visitor *v, void *opaque)
{
    JsonOutputVisitor *jov = to_jov(v);

    g_assert(opaque == jov->result);
    g_assert(jov->root && !jov->stack->len);
    *jov->result = json_node_ref(jov->root);
}

static void jov_free(Visitor *v)
{
    JsonOutputVisitor *jov = to_jov(v);

    if (jov->root) {
        json_node_unref(jov->root);
    }
    g_ptr_array_free(jov->stack, TRUE);
    g_free(jov);
}

Visitor *json_output_visitor_new(JsonNode **result)
{
    JsonOutputVisitor *jov = g_new0(JsonOutputVisitor, 1);

    jov->visitor.type = VISITOR_OUTPUT;
    jov->visitor.start_struct = jov_start_struct;
    jov->visitor.end_struct = jov_end_struct;
    jov->visitor.start_list = jov_start_list;
    jov->visitor.next_list = jov_next_list;
    jov->visitor.end_list = jov_end_struct;
    jov->visitor.type_int64 = jov_type_int64;
    jov->visitor.type_uint64 = jov_type_uint64;
    jov->visitor.type_bool = jov_type_bool;
    jov->visitor.type_str = jov_type_str;
    jov->visitor.type_number = jov_type_number;
    jov->visitor.type_any = jov_type_any;
    jov->visitor.type_null = jov_type_null;
    jov->visitor.complete = jov_complete;
    jov->visitor.free = jov_free;
    jov->stack = g_ptr_array_new();
    jov->result = result;
    *result = NULL;
    return &jov->visitor;
}
