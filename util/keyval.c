/*
 * key=value parsing for the command line (see include/util/keyval.h).
 */
#include <string.h>
#include "util/keyval.h"

static bool is_help(const char *s, size_t len)
{
    return (len == 4 && !strncmp(s, "help", 4)) ||
        (len == 1 && s[0] == '?');
}

static bool valid_key(const char *key)
{
    const char *p = key;

    /* Fragments are non-empty runs of [A-Za-z0-9_-] separated by '.'. */
    while (*p) {
        const char *start = p;

        while (g_ascii_isalnum(*p) || *p == '_' || *p == '-') {
            p++;
        }
        if (p == start || (*p && *p != '.')) {
            return false;
        }
        if (*p == '.') {
            p++;
            if (!*p) {
                return false;
            }
        }
    }
    return p != key;
}

/* Parse a value starting at *s up to an unescaped ',' or the end. */
static char *parse_value(const char **s)
{
    GString *val = g_string_new(NULL);
    const char *p = *s;

    while (*p) {
        if (*p == ',') {
            if (p[1] != ',') {
                break;
            }
            p++;
        }
        g_string_append_c(val, *p);
        p++;
    }
    *s = p;
    return g_string_free(val, FALSE);
}

static JsonNode *string_node(char *str)
{
    JsonNode *node = json_node_init_string(json_node_alloc(), str);

    g_free(str);
    return node;
}

static bool insert(JsonObject *root, const char *key, char *value,
                   Error **errp)
{
    char **frags = g_strsplit(key, ".", -1);
    JsonObject *cur = root;
    GString *prefix = g_string_new(NULL);
    JsonNode *old;
    guint n = g_strv_length(frags), i;
    bool ok = false;

    for (i = 0; i + 1 < n; i++) {
        JsonNode *member = json_object_get_member(cur, frags[i]);

        if (prefix->len) {
            g_string_append_c(prefix, '.');
        }
        g_string_append(prefix, frags[i]);
        if (!member) {
            member = json_node_new(JSON_NODE_OBJECT);
            json_node_take_object(member, json_object_new());
            json_object_set_member(cur, frags[i], member);
        } else if (!JSON_NODE_HOLDS_OBJECT(member)) {
            error_setg(errp, "Parameters '%s.*' used inconsistently",
                       prefix->str);
            goto out;
        }
        cur = json_node_get_object(member);
    }
    old = json_object_get_member(cur, frags[n - 1]);
    if (!old) {
        json_object_set_member(cur, frags[n - 1], string_node(value));
        value = NULL;
    } else if (JSON_NODE_HOLDS_OBJECT(old)) {
        error_setg(errp, "Parameters '%s.*' used inconsistently", key);
        goto out;
    } else if (JSON_NODE_HOLDS_ARRAY(old)) {
        json_array_add_element(json_node_get_array(old), string_node(value));
        value = NULL;
    } else {
        /* Second occurrence: keep both, in order. */
        JsonArray *arr = json_array_new();
        JsonNode *list = json_node_new(JSON_NODE_ARRAY);

        json_array_add_element(arr, json_node_copy(old));
        json_array_add_element(arr, string_node(value));
        value = NULL;
        json_node_take_array(list, arr);
        json_object_set_member(cur, frags[n - 1], list);
    }
    ok = true;
out:
    g_free(value);
    g_string_free(prefix, TRUE);
    g_strfreev(frags);
    return ok;
}

static bool is_index(const char *s)
{
    if (!g_ascii_isdigit(s[0]) || (s[0] == '0' && s[1])) {
        return false;
    }
    for (s++; *s; s++) {
        if (!g_ascii_isdigit(*s)) {
            return false;
        }
    }
    return true;
}

/* Turn objects whose keys are all list indexes into lists, depth first. */
static JsonNode *listify(JsonNode *node, const char *path, Error **errp)
{
    JsonObject *obj = json_node_get_object(node);
    GList *keys = json_object_get_members(obj), *l;
    guint n_index = 0, n = 0;
    JsonNode *result = NULL;

    for (l = keys; l; l = l->next) {
        const char *key = l->data;
        JsonNode *member = json_object_get_member(obj, key);

        n++;
        n_index += is_index(key);
        if (JSON_NODE_HOLDS_OBJECT(member)) {
            char *sub = path ? g_strdup_printf("%s.%s", path, key)
                : g_strdup(key);
            JsonNode *repl = listify(member, sub, errp);

            g_free(sub);
            if (!repl) {
                goto out;
            }
            if (repl != member) {
                json_object_set_member(obj, key, repl);
            }
        }
    }
    if (!path || !n_index) {
        result = node;
        goto out;
    }
    if (n_index != n) {
        error_setg(errp, "Parameters '%s.*' used inconsistently", path);
        goto out;
    }
    {
        JsonArray *arr = json_array_new();

        for (guint i = 0; i < n; i++) {
            char idx[16];
            JsonNode *elem;

            g_snprintf(idx, sizeof(idx), "%u", i);
            elem = json_object_get_member(obj, idx);
            if (!elem) {
                error_setg(errp, "Parameter '%s.%s' is missing", path, idx);
                json_array_unref(arr);
                goto out;
            }
            json_array_add_element(arr, json_node_copy(elem));
        }
        result = json_node_new(JSON_NODE_ARRAY);
        json_node_take_array(result, arr);
    }
out:
    g_list_free(keys);
    return result;
}

JsonNode *keyval_parse(const char *params, const char *implied_key,
                       bool *p_help, Error **errp)
{
    JsonObject *root = json_object_new();
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);
    const char *s = params;
    bool first = true;

    json_node_take_object(node, root);
    if (p_help) {
        *p_help = false;
    }
    while (*s) {
        size_t len = strcspn(s, "=,");
        char *key, *value;
        bool ok;

        if (s[len] != '=') {
            if (p_help && is_help(s, len)) {
                *p_help = true;
                s += len;
            } else if (first && implied_key && len) {
                value = parse_value(&s);
                if (!insert(root, implied_key, value, errp)) {
                    goto fail;
                }
            } else {
                key = g_strndup(s, len);
                if (!valid_key(key)) {
                    error_setg(errp, "Invalid parameter '%s'", key);
                } else {
                    error_setg(errp, "Expected '=' after parameter '%s'",
                               key);
                }
                g_free(key);
                goto fail;
            }
        } else {
            key = g_strndup(s, len);
            if (!valid_key(key)) {
                error_setg(errp, "Invalid parameter '%s'", key);
                g_free(key);
                goto fail;
            }
            s += len + 1;
            value = parse_value(&s);
            ok = insert(root, key, value, errp);
            g_free(key);
            if (!ok) {
                goto fail;
            }
        }
        if (*s == ',') {
            s++;
        }
        first = false;
    }
    if (!listify(node, NULL, errp)) {
        goto fail;
    }
    return node;

fail:
    json_node_unref(node);
    return NULL;
}

static const char *scalar_string(JsonNode *value)
{
    if (value && JSON_NODE_HOLDS_ARRAY(value)) {
        JsonArray *arr = json_node_get_array(value);
        guint len = json_array_get_length(arr);

        value = len ? json_array_get_element(arr, len - 1) : NULL;
    }
    return value && JSON_NODE_HOLDS_VALUE(value) ?
        json_node_get_string(value) : NULL;
}

const char *keyval_get_string(JsonObject *obj, const char *key)
{
    return scalar_string(json_object_get_member(obj, key));
}

GHashTable *keyval_parse_strings(const char *params, const char *implied_key,
                                 bool *p_help, Error **errp)
{
    JsonNode *args = keyval_parse(params, implied_key, p_help, errp);
    GHashTable *opts;
    JsonObjectIter iter;
    const char *key;
    JsonNode *value;

    if (!args) {
        return NULL;
    }
    opts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    json_object_iter_init(&iter, json_node_get_object(args));
    while (json_object_iter_next(&iter, &key, &value)) {
        const char *str = scalar_string(value);

        if (!str) {
            error_setg(errp, "Parameter '%s' expects a scalar value", key);
            g_hash_table_unref(opts);
            json_node_unref(args);
            return NULL;
        }
        g_hash_table_insert(opts, g_strdup(key), g_strdup(str));
    }
    json_node_unref(args);
    return opts;
}

/* A JSON scalar as the text key=value would have given. */
static char *json_scalar_text(JsonNode *value)
{
    if (!JSON_NODE_HOLDS_VALUE(value)) {
        return NULL;
    }
    switch (json_node_get_value_type(value)) {
    case G_TYPE_BOOLEAN:
        return g_strdup(json_node_get_boolean(value) ? "on" : "off");
    case G_TYPE_INT64:
        return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(value));
    case G_TYPE_DOUBLE:
        return g_strdup_printf("%g", json_node_get_double(value));
    default:
        return g_strdup(json_node_get_string(value));
    }
}

static GHashTable *json_strings(const char *text, Error **errp)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    GHashTable *opts;
    GError *gerr = NULL;
    JsonNode *root, *value;
    JsonObjectIter iter;
    const char *key;

    if (!json_parser_load_from_data(parser, text, -1, &gerr)) {
        error_setg(errp, "%s", gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        error_setg(errp, "JSON argument must be an object");
        return NULL;
    }
    opts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    json_object_iter_init(&iter, json_node_get_object(root));
    while (json_object_iter_next(&iter, &key, &value)) {
        char *str = json_scalar_text(value);

        if (!str) {
            error_setg(errp, "Parameter '%s' expects a scalar value", key);
            g_hash_table_unref(opts);
            return NULL;
        }
        g_hash_table_insert(opts, g_strdup(key), str);
    }
    return opts;
}

GHashTable *keyval_or_json_strings(const char *params,
                                   const char *implied_key, bool *p_help,
                                   Error **errp)
{
    if (params[0] == '{') {
        return json_strings(params, errp);
    }
    return keyval_parse_strings(params, implied_key, p_help, errp);
}

bool keyval_check_keys(GHashTable *opts, const char *const *keys,
                       Error **errp)
{
    GHashTableIter it;
    gpointer key;

    g_hash_table_iter_init(&it, opts);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (!g_strv_contains(keys, key)) {
            error_setg(errp, "Invalid parameter '%s'", (const char *)key);
            return false;
        }
    }
    return true;
}
