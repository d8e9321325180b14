/*
 * Input visitor: JSON value (json-glib) -> QAPI C value.
 *
 * A stack of frames mirrors the containers being visited.  An object frame
 * remembers which members were not visited yet, so check_struct can reject
 * unknown parameters; an array frame remembers the current element.  In
 * keyval mode (command line) every scalar arrives as a string and is
 * converted here; see include/qapi/json-visitor.h.
 */
#include <string.h>
#include "qapi/json-visitor.h"
#include "qapi/visitor-impl.h"

typedef struct Frame {
    JsonNode *node;          /* the container (a reference we own) */
    GHashTable *unvisited;   /* object frames: member names not visited */
    guint index;             /* array frames: the element being visited */
    char *path;              /* full name of the container; NULL at root */
    bool scalar_struct;      /* keyval: a scalar standing for a struct */
    bool scalar_used;
} Frame;

typedef struct JsonInputVisitor {
    Visitor visitor;
    JsonNode *root;
    bool keyval;
    GPtrArray *stack;        /* of Frame *, innermost last */
    char *errname;           /* the last full_name() result */
} JsonInputVisitor;

static JsonInputVisitor *to_jiv(Visitor *v)
{
    return (JsonInputVisitor *)v;
}

static Frame *top(JsonInputVisitor *jiv)
{
    if (!jiv->stack->len) {
        return NULL;
    }
    return g_ptr_array_index(jiv->stack, jiv->stack->len - 1);
}

static bool is_array(const Frame *f)
{
    return !f->scalar_struct && JSON_NODE_HOLDS_ARRAY(f->node);
}

/* The full name of member name of the current container, newly allocated. */
static char *make_name(JsonInputVisitor *jiv, const char *name)
{
    Frame *f = top(jiv);

    if (!f) {
        return g_strdup(name ? name : "<anonymous>");
    }
    if (f->scalar_struct) {
        return g_strdup(f->path ? f->path : "<anonymous>");
    }
    if (is_array(f)) {
        return g_strdup_printf("%s[%u]", f->path ? f->path : "", f->index);
    }
    if (f->path) {
        return g_strdup_printf("%s.%s", f->path, name);
    }
    return g_strdup(name);
}

static const char *full_name(JsonInputVisitor *jiv, const char *name)
{
    g_free(jiv->errname);
    jiv->errname = make_name(jiv, name);
    return jiv->errname;
}

static JsonNode *try_get(JsonInputVisitor *jiv, const char *name,
                         bool consume)
{
    Frame *f = top(jiv);
    JsonNode *node;

    if (!f) {
        return jiv->root;
    }
    if (f->scalar_struct) {
        if (f->scalar_used) {
            return NULL;
        }
        f->scalar_used |= consume;
        return f->node;
    }
    if (is_array(f)) {
        JsonArray *arr = json_node_get_array(f->node);

        if (f->index < json_array_get_length(arr)) {
            return json_array_get_element(arr, f->index);
        }
        return NULL;
    }
    g_assert(name);
    node = json_object_get_member(json_node_get_object(f->node), name);
    if (node && consume) {
        g_hash_table_remove(f->unvisited, name);
    }
    return node;
}

static JsonNode *get(JsonInputVisitor *jiv, const char *name, Error **errp)
{
    JsonNode *node = try_get(jiv, name, true);

    if (!node) {
        error_setg(errp, "Parameter '%s' is missing", full_name(jiv, name));
    }
    return node;
}

static void push(JsonInputVisitor *jiv, const char *name, JsonNode *node,
                 bool scalar_struct)
{
    Frame *f = g_new0(Frame, 1);

    f->path = jiv->stack->len ? make_name(jiv, name) : NULL;
    f->node = json_node_ref(node);
    f->scalar_struct = scalar_struct;
    if (!scalar_struct && JSON_NODE_HOLDS_OBJECT(node)) {
        GList *keys = json_object_get_members(json_node_get_object(node));

        f->unvisited = g_hash_table_new(g_str_hash, g_str_equal);
        for (GList *l = keys; l; l = l->next) {
            g_hash_table_add(f->unvisited, l->data);
        }
        g_list_free(keys);
    }
    g_ptr_array_add(jiv->stack, f);
}

static void frame_free(gpointer p)
{
    Frame *f = p;

    if (f->unvisited) {
        g_hash_table_destroy(f->unvisited);
    }
    json_node_unref(f->node);
    g_free(f->path);
    g_free(f);
}

static void pop(JsonInputVisitor *jiv)
{
    g_assert(jiv->stack->len);
    g_ptr_array_remove_index(jiv->stack, jiv->stack->len - 1);
}

static bool is_string(JsonNode *node)
{
    return JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == G_TYPE_STRING;
}

static bool jiv_start_struct(Visitor *v, const char *name, void **obj,
                             size_t size, Error **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node;

    if (obj) {
        *obj = NULL;
    }
    node = get(jiv, name, errp);
    if (!node) {
        return false;
    }
    if (jiv->keyval && jiv->stack->len && is_string(node)) {
        push(jiv, name, node, true);
    } else if (!JSON_NODE_HOLDS_OBJECT(node)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: object",
                   full_name(jiv, name));
        return false;
    } else {
        push(jiv, name, node, false);
    }
    if (obj) {
        *obj = g_malloc0(size);
    }
    return true;
}

static bool jiv_check_struct(Visitor *v, Error **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    Frame *f = top(jiv);
    GList *keys, *l;
    bool ok = true;

    g_assert(f && !is_array(f));
    if (f->scalar_struct) {
        return true;
    }
    if (!g_hash_table_size(f->unvisited)) {
        return true;
    }
    /* Report the first unknown member in the order the client wrote them. */
    keys = json_object_get_members(json_node_get_object(f->node));
    for (l = keys; l; l = l->next) {
        if (g_hash_table_contains(f->unvisited, l->data)) {
            if (jiv->keyval) {
                error_setg(errp, "Invalid parameter '%s'",
                           full_name(jiv, l->data));
            } else {
                error_setg(errp, "Parameter '%s' is unexpected",
                           full_name(jiv, l->data));
            }
            ok = false;
            break;
        }
    }
    g_list_free(keys);
    return ok;
}

static void jiv_end_struct(Visitor *v, void **obj)
{
    JsonInputVisitor *jiv = to_jiv(v);

    g_assert(top(jiv) && !is_array(top(jiv)));
    pop(jiv);
}

static bool jiv_start_list(Visitor *v, const char *name, GenericList **list,
                           size_t size, Error **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node;

    if (list) {
        *list = NULL;
    }
    node = get(jiv, name, errp);
    if (!node) {
        return false;
    }
    if (jiv->keyval && is_string(node)) {
        /* key=value given once where a list is expected: one element. */
        JsonArray *arr = json_array_new();
        JsonNode *wrap = json_node_new(JSON_NODE_ARRAY);

        json_array_add_element(arr, json_node_copy(node));
        json_node_take_array(wrap, arr);
        push(jiv, name, wrap, false);
        json_node_unref(wrap);
    } else if (!JSON_NODE_HOLDS_ARRAY(node)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: array",
                   full_name(jiv, name));
        return false;
    } else {
        push(jiv, name, node, false);
    }
    if (list && json_array_get_length(json_node_get_array(top(jiv)->node))) {
        *list = g_malloc0(size);
    }
    return true;
}

static GenericList *jiv_next_list(Visitor *v, GenericList *tail, size_t size)
{
    Frame *f = top(to_jiv(v));

    g_assert(f && is_array(f));
    f->index++;
    if (f->index >= json_array_get_length(json_node_get_array(f->node))) {
        return NULL;
    }
    tail->next = g_malloc0(size);
    return tail->next;
}

static void jiv_end_list(Visitor *v, void **obj)
{
    JsonInputVisitor *jiv = to_jiv(v);

    g_assert(top(jiv) && is_array(top(jiv)));
    pop(jiv);
}

static bool jiv_optional(Visitor *v, const char *name, bool *present)
{
    *present = try_get(to_jiv(v), name, false) != NULL;
    return *present;
}

/*
 * Keyval mode: the string behind a scalar.  A repeated key arrives as a
 * list of strings, of which the last wins (as on QEMU's command line).
 */
static const char *get_keyval_str(JsonInputVisitor *jiv, const char *name,
                                  Error **errp)
{
    JsonNode *node = get(jiv, name, errp);

    if (!node) {
        return NULL;
    }
    if (JSON_NODE_HOLDS_ARRAY(node)) {
        JsonArray *arr = json_node_get_array(node);
        guint len = json_array_get_length(arr);

        node = len ? json_array_get_element(arr, len - 1) : NULL;
    }
    if (!node || !is_string(node)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   full_name(jiv, name));
        return NULL;
    }
    return json_node_get_string(node);
}

static JsonNode *get_value(JsonInputVisitor *jiv, const char *name,
                           GType type, const char *what, Error **errp)
{
    JsonNode *node = get(jiv, name, errp);

    if (!node) {
        return NULL;
    }
    if (!JSON_NODE_HOLDS_VALUE(node) ||
        (json_node_get_value_type(node) != type &&
         !(type == G_TYPE_DOUBLE &&
           json_node_get_value_type(node) == G_TYPE_INT64))) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   full_name(jiv, name), what);
        return NULL;
    }
    return node;
}

static bool jiv_type_int64(Visitor *v, const char *name, int64_t *obj,
                           Error **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node;

    if (jiv->keyval) {
        const char *s = get_keyval_str(jiv, name, errp);

        if (!s) {
            return false;
        }
        if (!qapi_str_to_int64(s, obj)) {
            error_setg(errp, "Parameter '%s' expects integer",
                       full_name(jiv, name));
            return false;
        }
        return true;
    }
    node = get_value(jiv, name, G_TYPE_INT64, "integer", errp);
    if (!node) {
        return false;
    }
    *obj = json_node_get_int(node);
    return true;
}

static bool jiv_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                            Error **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node;

    if (jiv->keyval) {
        const char *s = get_keyval_str(jiv, name, errp);

        if (!s) {
            return false;
        }
        if (!qapi_str_to_uint64(s, obj)) {
            error_setg(errp, "Parameter '%s' expects integer",
                       full_name(jiv, name));
            return false;
        }
        return true;
    }
    node = get(jiv, name, errp);
    if (!node) {
        return false;
    }
    if (!JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_INT64 ||
        json_node_get_int(node) < 0) {
        error_setg(errp, "Parameter '%s' expects uint64",
                   full_name(jiv, name));
        return false;
    }
    *obj = json_node_get_int(node);
    return true;
}

static bool jiv_type_size(Visitor *v, const char *name, uint64_t *obj,
                          Error **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    const char *s;

    if (!jiv->keyval) {
        return jiv_type_uint64(v, name, obj, errp);
    }
    s = get_keyval_str(jiv, name, errp);
    if (!s) {
        return false;
    }
    if (!qapi_str_to_size(s, obj)) {
        error_setg(errp, "Parameter '%s' expects a non-negative size "
                   "(with optional suffix B, K, M, G, T, P or E)",
                   full_name(jiv, name));
        return false;
    }
    return true;
}

static bool jiv_type_bool(Visitor *v, const char *name, bool *obj,
                          Error **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node;

    if (jiv->keyval) {
        const char *s = get_keyval_str(jiv, name, errp);

        return s && qapi_bool_parse(full_name(jiv, name), s, obj, errp);
    }
    node = get_value(jiv, name, G_TYPE_BOOLEAN, "boolean", errp);
    if (!node) {
        return false;
    }
    *obj = json_node_get_boolean(node);
    return true;
}

static bool jiv_type_str(Visitor *v, const char *name, char **obj,
                         Error **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node;

    *obj = NULL;
    if (jiv->keyval) {
        const char *s = get_keyval_str(jiv, name, errp);

        *obj = g_strdup(s);
        return s != NULL;
    }
    node = get_value(jiv, name, G_TYPE_STRING, "string", errp);
    if (!node) {
        return false;
    }
    *obj = g_strdup(json_node_get_string(node));
    return true;
}

static bool jiv_type_number(Visitor *v, const char *name, double *obj,
                            Error **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node;

    if (jiv->keyval) {
        const char *s = get_keyval_str(jiv, name, errp);
        char *end;

        if (!s) {
            return false;
        }
        *obj = g_ascii_strtod(s, &end);
        if (!*s || *end) {
            error_setg(errp, "Parameter '%s' expects number",
                       full_name(jiv, name));
            return false;
        }
        return true;
    }
    node = get_value(jiv, name, G_TYPE_DOUBLE, "number", errp);
    if (!node) {
        return false;
    }
    *obj = json_node_get_double(node);
    return true;
}

static bool jiv_type_any(Visitor *v, const char *name, JsonNode **obj,
                         Error **errp)
{
    JsonNode *node = get(to_jiv(v), name, errp);

    *obj = node ? json_node_copy(node) : NULL;
    return node != NULL;
}

static bool jiv_type_null(Visitor *v, const char *name, QNull **obj,
                          Error **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    JsonNode *node = get(jiv, name, errp);

    *obj = NULL;
    if (!node) {
        return false;
    }
    if (!JSON_NODE_HOLDS_NULL(node)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: null",
                   full_name(jiv, name));
        return false;
    }
    *obj = qnull();
    return true;
}

/* What a command-line string stands for, given what the branches take. */
static QType keyval_qtype(const char *s, unsigned accepted)
{
    bool b;
    char *end;

    if (accepted & (1u << QTYPE_QSTRING)) {
        return QTYPE_QSTRING;
    }
    if (accepted & (1u << QTYPE_QNUM)) {
        g_ascii_strtod(s, &end);
        if (*s && !*end) {
            return QTYPE_QNUM;
        }
    }
    if ((accepted & (1u << QTYPE_QBOOL)) &&
        qapi_bool_parse("", s, &b, NULL)) {
        return QTYPE_QBOOL;
    }
    return QTYPE_QSTRING;
}

static bool jiv_start_alternate(Visitor *v, const char *name,
                                GenericAlternate **obj, size_t size,
                                unsigned accepted, Error **errp)
{
    JsonInputVisitor *jiv = to_jiv(v);
    /* Only look: the branch's own visit consumes the member. */
    JsonNode *node = try_get(jiv, name, false);
    QType type;

    *obj = NULL;
    if (!node) {
        error_setg(errp, "Parameter '%s' is missing", full_name(jiv, name));
        return false;
    }
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT:
        type = QTYPE_QDICT;
        break;
    case JSON_NODE_ARRAY:
        type = QTYPE_QLIST;
        break;
    case JSON_NODE_NULL:
        type = QTYPE_QNULL;
        break;
    default:
        if (is_string(node)) {
            type = jiv->keyval ? keyval_qtype(json_node_get_string(node),
                                              accepted)
                               : QTYPE_QSTRING;
        } else if (json_node_get_value_type(node) == G_TYPE_BOOLEAN) {
            type = QTYPE_QBOOL;
        } else {
            type = QTYPE_QNUM;
        }
    }
    *obj = g_malloc0(size);
    (*obj)->type = type;
    return true;
}

static void jiv_free(Visitor *v)
{
    JsonInputVisitor *jiv = to_jiv(v);

    g_ptr_array_free(jiv->stack, TRUE);
    json_node_unref(jiv->root);
    g_free(jiv->errname);
    g_free(jiv);
}

static Visitor *jiv_new(JsonNode *root, bool keyval)
{
    JsonInputVisitor *jiv = g_new0(JsonInputVisitor, 1);

    g_assert(root);
    jiv->visitor.type = VISITOR_INPUT;
    jiv->visitor.start_struct = jiv_start_struct;
    jiv->visitor.check_struct = jiv_check_struct;
    jiv->visitor.end_struct = jiv_end_struct;
    jiv->visitor.start_list = jiv_start_list;
    jiv->visitor.next_list = jiv_next_list;
    jiv->visitor.end_list = jiv_end_list;
    jiv->visitor.type_int64 = jiv_type_int64;
    jiv->visitor.type_uint64 = jiv_type_uint64;
    jiv->visitor.type_size = jiv_type_size;
    jiv->visitor.type_bool = jiv_type_bool;
    jiv->visitor.type_str = jiv_type_str;
    jiv->visitor.type_number = jiv_type_number;
    jiv->visitor.type_any = jiv_type_any;
    jiv->visitor.optional = jiv_optional;
    jiv->visitor.start_alternate = jiv_start_alternate;
    jiv->visitor.type_null = jiv_type_null;
    jiv->visitor.free = jiv_free;
    jiv->root = json_node_ref(root);
    jiv->keyval = keyval;
    jiv->stack = g_ptr_array_new_with_free_func(frame_free);
    return &jiv->visitor;
}

Visitor *json_input_visitor_new(JsonNode *root)
{
    return jiv_new(root, false);
}

Visitor *json_input_visitor_new_keyval(JsonNode *root)
{
    return jiv_new(root, true);
}

Visitor *json_input_visitor_new_object(JsonObject *obj)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);
    Visitor *v;

    if (obj) {
        json_node_set_object(node, obj);
    } else {
        json_node_take_object(node, json_object_new());
    }
    v = jiv_new(node, false);
    json_node_unref(node);
    return v;
}
