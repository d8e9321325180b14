/*
 * libFuzzer target for the streaming JSON reader (monitor/json-reader.c).
 *
 * The input is fed twice: once whole, once in pieces whose sizes are drawn
 * from the input itself.  Invariants checked:
 *  - how the stream is cut never changes what is delivered or reported;
 *  - every delivered value is well-formed: finite numbers, valid UTF-8,
 *    nesting within the limit, and json-glib re-parses its serialisation
 *    (and so does our reader, to the same value);
 *  - the partial message never holds more than max_message_size bytes;
 *  - each event is paid for by at least one input byte, and after
 *    json_stream_finish() the reader is idle.
 * Sanitizers catch the rest (leaks, overflows, undefined behaviour).
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "monitor/json-reader.h"

typedef struct Events {
    GString *text;      /* one line per event */
    size_t count;
    size_t max_depth;
} Events;

static void check_node(JsonNode *node, size_t depth, size_t max_depth)
{
    assert(depth <= max_depth + 1);
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        JsonObjectIter it;
        const char *key;
        JsonNode *member;

        assert(depth < max_depth + 1);
        json_object_iter_init(&it, json_node_get_object(node));
        while (json_object_iter_next(&it, &key, &member)) {
            assert(g_utf8_validate(key, -1, NULL));
            check_node(member, depth + 1, max_depth);
        }
        break;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *a = json_node_get_array(node);

        assert(depth < max_depth + 1);
        for (guint i = 0; i < json_array_get_length(a); i++) {
            check_node(json_array_get_element(a, i), depth + 1, max_depth);
        }
        break;
    }
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_STRING:
            assert(g_utf8_validate(json_node_get_string(node), -1, NULL));
            break;
        case G_TYPE_DOUBLE:
            assert(isfinite(json_node_get_double(node)));
            break;
        case G_TYPE_INT64:
        case G_TYPE_BOOLEAN:
            break;
        default:
            assert(!"unexpected value type");
        }
        break;
    case JSON_NODE_NULL:
        break;
    }
}

/*
 * Canonical serialisation.  Not json_to_string(): json-glib 1.6 appends
 * ".0" to any double printed without a dot, turning 1e308 into the invalid
 * "1e+308.0".
 */
static void emit(GString *out, JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        /* In insertion order (JsonObjectIter follows the hash table). */
        JsonObject *o = json_node_get_object(node);
        GList *keys = json_object_get_members(o);

        g_string_append_c(out, '{');
        for (GList *l = keys; l; l = l->next) {
            JsonNode *k = json_node_init_string(json_node_alloc(), l->data);
            if (l != keys) {
                g_string_append_c(out, ',');
            }
            emit(out, k);
            json_node_unref(k);
            g_string_append_c(out, ':');
            emit(out, json_object_get_member(o, l->data));
        }
        g_list_free(keys);
        g_string_append_c(out, '}');
        break;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *a = json_node_get_array(node);

        g_string_append_c(out, '[');
        for (guint i = 0; i < json_array_get_length(a); i++) {
            if (i) {
                g_string_append_c(out, ',');
            }
            emit(out, json_array_get_element(a, i));
        }
        g_string_append_c(out, ']');
        break;
    }
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_STRING:
            g_string_append_c(out, '"');
            for (const char *p = json_node_get_string(node); *p; p++) {
                unsigned char c = *p;
                if (c == '"' || c == '\\') {
                    g_string_append_c(out, '\\');
                    g_string_append_c(out, c);
                } else if (c < 0x20) {
                    g_string_append_printf(out, "\\u%04x", c);
                } else {
                    g_string_append_c(out, c);
                }
            }
            g_string_append_c(out, '"');
            break;
        case G_TYPE_INT64:
            g_string_append_printf(out, "%" G_GINT64_FORMAT,
                                   json_node_get_int(node));
            break;
        case G_TYPE_DOUBLE: {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            g_ascii_formatd(buf, sizeof(buf), "%.17g",
                            json_node_get_double(node));
            g_string_append(out, buf);
            if (!strpbrk(buf, ".e")) {
                g_string_append(out, ".0");   /* stays a double */
            }
            break;
        }
        case G_TYPE_BOOLEAN:
            g_string_append(out, json_node_get_boolean(node) ? "true"
                                                             : "false");
            break;
        default:
            assert(!"unexpected value type");
        }
        break;
    }
}

static void reread_value(void *opaque, JsonNode *value)
{
    emit(opaque, value);
    json_node_unref(value);
}

static void reread_error(void *opaque, JsonStreamErrorCode code,
                         const char *message)
{
    assert(!"our reader rejects the canonical form of its own output");
}

static void on_value(void *opaque, JsonNode *value)
{
    Events *ev = opaque;
    g_autoptr(GString) text = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) again = NULL;

    check_node(value, 1, ev->max_depth);
    emit(text, value);

    /* Another parser, json-glib's, must accept it. */
    again = json_from_string(text->str, &err);
    assert(again && !err);

    /* Our reader must read it back to the same value. */
    {
        static const JsonStreamCallbacks cb = {
            .value = reread_value,
            .error = reread_error,
        };
        g_autoptr(GString) back = g_string_new(NULL);
        JsonStream *s = json_stream_new(&cb, back, NULL);

        json_stream_feed(s, text->str, text->len);
        json_stream_finish(s);
        json_stream_free(s);
        assert(!strcmp(back->str, text->str));
    }

    g_string_append_printf(ev->text, "V %s\n", text->str);
    ev->count++;
    json_node_unref(value);
}

static void on_error(void *opaque, JsonStreamErrorCode code,
                     const char *message)
{
    Events *ev = opaque;

    assert(code <= JSON_STREAM_ERROR_TRUNCATED);
    assert(g_str_has_prefix(message, "JSON parse error, "));
    assert(g_utf8_validate(message, -1, NULL));
    g_string_append_printf(ev->text, "E %s\n", message);
    ev->count++;
}

static const JsonStreamCallbacks callbacks = {
    .value = on_value,
    .error = on_error,
};

/* Feed @data in pieces; @cut_seed == 0 means all at once. */
static void run(const uint8_t *data, size_t size, const JsonStreamLimits *lim,
                uint32_t cut_seed, Events *ev)
{
    JsonStream *s = json_stream_new(&callbacks, ev, lim);
    size_t pos = 0;
    uint32_t x = cut_seed;

    ev->text = g_string_new(NULL);
    ev->count = 0;
    ev->max_depth = lim->max_depth;
    while (pos < size) {
        size_t n = size - pos;

        if (cut_seed) {
            /* xorshift32: small pieces mostly, now and then a big one */
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            n = MIN(n, (x & 0x100) ? x % 257 : x % 9 + 1);
        }
        json_stream_feed(s, data + pos, n);
        pos += n;
        assert(json_stream_pending_bytes(s) <= lim->max_message_size);
    }
    json_stream_finish(s);
    assert(json_stream_is_idle(s));
    assert(json_stream_pending_bytes(s) == 0);
    /* Every event needs a byte of its own, plus one for finish(). */
    assert(ev->count <= size + 1);
    json_stream_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    JsonStreamLimits lim;
    uint32_t cut_seed;
    Events whole, pieces;

    if (size < 1) {
        return 0;
    }
    /* Byte 0 picks the limits and the cutting; the rest is the stream. */
    json_stream_get_default_limits(&lim);
    if (data[0] & 1) {
        /* Small limits, so that inputs of a few KiB reach all of them. */
        lim.max_depth = 1 + (data[0] >> 4);
        lim.max_token_size = 2 + (data[0] >> 1) % 64;
        lim.max_message_size = 16 + (data[0] >> 1) * 8;
        lim.max_tokens = 4 + (data[0] >> 2) * 2;
    }
    cut_seed = 0x9e3779b9u * (data[0] + 1);
    data++;
    size--;

    run(data, size, &lim, 0, &whole);
    run(data, size, &lim, cut_seed, &pieces);
    assert(!strcmp(whole.text->str, pieces.text->str));
    g_string_free(whole.text, TRUE);
    g_string_free(pieces.text, TRUE);
    return 0;
}
