/*
 * Streaming JSON reader for the QMP server: see include/monitor/json-reader.h
 * for the dialect, the limits and the recovery rule.
 *
 * One byte-at-a-time state machine does lexing, syntax checking and node
 * construction together, so an error is seen at the first byte that proves
 * it and chunk boundaries can never change the outcome.  Containers are
 * attached to their parent as soon as they open; the partial message is
 * therefore one tree rooted at s->root plus a stack of borrowed pointers,
 * and dropping it is a single unref.  Nothing recurses on input depth.
 *
 * Three modes:
 *   NORMAL  parsing a message, or idle between messages;
 *   SKIP    after an error: follow the broken message's strings and nesting
 *           leniently (O(1) memory) until it ends;
 *   RESYNC  after a reset byte: drop everything up to the next '{'.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "monitor/json-reader.h"

typedef enum Mode {
    MODE_NORMAL,
    MODE_SKIP,
    MODE_RESYNC,
} Mode;

/* What the lexer is in the middle of, in NORMAL mode. */
typedef enum Lex {
    LEX_NONE,       /* between tokens */
    LEX_STRING,
    LEX_ESCAPE,     /* after a backslash */
    LEX_UESCAPE,    /* inside the four digits of \uXXXX */
    LEX_NUMBER,
    LEX_LITERAL,
} Lex;

/* Position inside the number grammar of RFC 8259. */
typedef enum Num {
    NUM_MINUS,      /* after '-' */
    NUM_ZERO,       /* integer part is a lone 0 */
    NUM_INT,
    NUM_DOT,        /* after '.' */
    NUM_FRAC,
    NUM_E,          /* after 'e' */
    NUM_ESIGN,      /* after 'e+' */
    NUM_EXP,
} Num;

/* What the parser accepts next. */
typedef enum Expect {
    EXPECT_VALUE,
    EXPECT_ARRAY_FIRST,     /* value or ']' */
    EXPECT_ARRAY_NEXT,      /* ',' or ']' */
    EXPECT_KEY_FIRST,       /* key or '}' */
    EXPECT_KEY,
    EXPECT_COLON,
    EXPECT_OBJECT_NEXT,     /* ',' or '}' */
} Expect;

typedef struct Frame {
    JsonObject *object;     /* borrowed: the tree owns it; NULL for arrays */
    JsonArray *array;
    char *key;              /* pending member name, owned */
} Frame;

struct JsonStream {
    JsonStreamCallbacks cb;
    void *opaque;
    JsonStreamLimits limits;
    bool in_callback;
    bool reset_requested;   /* json_stream_reset() from inside a callback */

    Mode mode;
    bool byte_counted;      /* the current byte was charged to a message */

    /* NORMAL: the message under construction. */
    JsonNode *root;
    Frame *frames;
    size_t depth;
    size_t frames_cap;
    Expect expect;
    size_t msg_bytes;
    size_t msg_tokens;

    /* NORMAL: the token under construction. */
    Lex lex;
    GString *tok;           /* decoded string, or number/literal text */
    size_t tok_bytes;
    bool tok_is_key;
    char quote;
    Num num;
    bool num_is_float;
    unsigned utf8_need;     /* continuation bytes still expected */
    unsigned char utf8_lo, utf8_hi;  /* range of the next continuation */
    unsigned uesc_digits;
    uint32_t uesc_value;
    uint32_t high_surrogate;  /* 0, or a \uD8xx waiting for its pair */

    /* SKIP: lenient view of the broken message. */
    size_t skip_depth;
    bool skip_in_string;
    bool skip_escape;
    char skip_quote;
};

/* Outcome of offering a byte to one mode's handler. */
typedef enum Step {
    STEP_CONSUMED,
    STEP_AGAIN,     /* state changed; offer the same byte again */
} Step;


static const JsonStreamLimits default_limits = {
    .max_depth = JSON_STREAM_DEFAULT_MAX_DEPTH,
    .max_token_size = JSON_STREAM_DEFAULT_MAX_TOKEN_SIZE,
    .max_message_size = JSON_STREAM_DEFAULT_MAX_MESSAGE_SIZE,
    .max_tokens = JSON_STREAM_DEFAULT_MAX_TOKENS,
};

void json_stream_get_default_limits(JsonStreamLimits *limits)
{
    *limits = default_limits;
}

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Bytes a client sends to force the parser back into a known state. */
static bool is_reset_byte(unsigned char c)
{
    return (c < 0x20 && !is_ws(c)) || c >= 0xfe;
}

/* Where a bare number or literal ends. */
static bool is_delimiter(unsigned char c)
{
    return is_ws(c) || strchr("{}[],:\"'", c) != NULL || is_reset_byte(c);
}

static void describe_byte(unsigned char c, char buf[16])
{
    if (c > 0x20 && c < 0x7f) {
        g_snprintf(buf, 16, "'%c'", c);
    } else {
        g_snprintf(buf, 16, "byte 0x%02x", c);
    }
}

/* Drop the partial message and the partial token. */
static void discard_message(JsonStream *s)
{
    for (size_t i = 0; i < s->depth; i++) {
        g_free(s->frames[i].key);
    }
    s->depth = 0;
    g_clear_pointer(&s->root, json_node_unref);
    s->expect = EXPECT_VALUE;
    s->msg_bytes = 0;
    s->msg_tokens = 0;
    s->lex = LEX_NONE;
    s->high_surrogate = 0;
    s->utf8_need = 0;
    /* The byte being processed, if offered again, belongs to whatever
     * comes next. */
    s->byte_counted = false;
    /* A huge token may have grown the buffer; do not keep it forever. */
    if (s->tok->allocated_len > 65536) {
        g_string_free(s->tok, TRUE);
        s->tok = g_string_sized_new(64);
    } else {
        g_string_truncate(s->tok, 0);
    }
}

static void report(JsonStream *s, JsonStreamErrorCode code, const char *fmt,
                   va_list ap) G_GNUC_PRINTF(3, 0);

static void report(JsonStream *s, JsonStreamErrorCode code, const char *fmt,
                   va_list ap)
{
    g_autofree char *detail = g_strdup_vprintf(fmt, ap);
    g_autofree char *message = g_strconcat("JSON parse error, ", detail, NULL);

    if (s->cb.error) {
        s->in_callback = true;
        s->cb.error(s->opaque, code, message);
        s->in_callback = false;
    }
}

/*
 * An ordinary error at the byte being processed: report it, drop the
 * message and follow its remains in SKIP mode, @open_levels brackets deep.
 * The byte is offered to SKIP again, so a closing bracket that revealed the
 * error also closes the broken message.
 */
static Step vfail(JsonStream *s, size_t open_levels, JsonStreamErrorCode code,
                  const char *fmt, va_list ap) G_GNUC_PRINTF(4, 0);

static Step vfail(JsonStream *s, size_t open_levels, JsonStreamErrorCode code,
                  const char *fmt, va_list ap)
{
    s->skip_depth = open_levels;
    s->skip_in_string = s->lex == LEX_STRING || s->lex == LEX_ESCAPE ||
                        s->lex == LEX_UESCAPE;
    s->skip_escape = false;
    s->skip_quote = s->quote;
    discard_message(s);
    s->mode = MODE_SKIP;
    report(s, code, fmt, ap);
    return STEP_AGAIN;
}

static Step fail(JsonStream *s, JsonStreamErrorCode code, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static Step fail(JsonStream *s, JsonStreamErrorCode code, const char *fmt, ...)
{
    va_list ap;
    Step ret;

    va_start(ap, fmt);
    ret = vfail(s, s->depth, code, fmt, ap);
    va_end(ap);
    return ret;
}

/* A reset byte, or an error that leaves no structure worth following. */
static Step fail_resync(JsonStream *s, JsonStreamErrorCode code,
                        const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static Step fail_resync(JsonStream *s, JsonStreamErrorCode code,
                        const char *fmt, ...)
{
    va_list ap;

    discard_message(s);
    s->mode = MODE_RESYNC;

    va_start(ap, fmt);
    report(s, code, fmt, ap);
    va_end(ap);
    return STEP_CONSUMED;
}

static Step fail_reset_byte(JsonStream *s, unsigned char c)
{
    bool in_string = s->lex == LEX_STRING || s->lex == LEX_ESCAPE ||
                     s->lex == LEX_UESCAPE;

    if (c >= 0x80) {
        return fail_resync(s, JSON_STREAM_ERROR_LEXICAL,
                           "invalid UTF-8 byte 0x%02x%s", c,
                           in_string ? " in string" : "");
    }
    return fail_resync(s, JSON_STREAM_ERROR_LEXICAL,
                       "control character 0x%02x %s", c,
                       in_string ? "in string" : "outside string");
}

/* ------------------------------------------------------------------ */
/* Building the tree                                                   */

static void deliver(JsonStream *s, JsonNode *node)
{
    discard_message(s);
    if (s->cb.value) {
        s->in_callback = true;
        s->cb.value(s->opaque, node);
        s->in_callback = false;
    } else {
        json_node_unref(node);
    }
}

/* A scalar value is complete (ownership of @node passes here). */
static void add_value(JsonStream *s, JsonNode *node)
{
    Frame *f;

    if (s->depth == 0) {
        deliver(s, node);
        return;
    }
    f = &s->frames[s->depth - 1];
    if (f->object) {
        json_object_set_member(f->object, f->key, node);
        g_clear_pointer(&f->key, g_free);
        s->expect = EXPECT_OBJECT_NEXT;
    } else {
        json_array_add_element(f->array, node);
        s->expect = EXPECT_ARRAY_NEXT;
    }
}

static Step open_container(JsonStream *s, bool is_object)
{
    JsonNode *node;
    Frame *f;

    if (s->depth >= s->limits.max_depth) {
        return fail(s, JSON_STREAM_ERROR_LIMIT,
                    "nesting too deep (more than %zu levels)",
                    s->limits.max_depth);
    }
    node = json_node_alloc();
    if (is_object) {
        json_node_take_object(json_node_init(node, JSON_NODE_OBJECT),
                              json_object_new());
    } else {
        json_node_take_array(json_node_init(node, JSON_NODE_ARRAY),
                             json_array_new());
    }

    if (s->depth == 0) {
        s->root = node;
    } else {
        Frame *parent = &s->frames[s->depth - 1];
        if (parent->object) {
            json_object_set_member(parent->object, parent->key, node);
            g_clear_pointer(&parent->key, g_free);
        } else {
            json_array_add_element(parent->array, node);
        }
    }

    if (s->depth == s->frames_cap) {
        s->frames_cap = s->frames_cap ? s->frames_cap * 2 : 8;
        s->frames = g_renew(Frame, s->frames, s->frames_cap);
    }
    f = &s->frames[s->depth++];
    f->object = is_object ? json_node_get_object(node) : NULL;
    f->array = is_object ? NULL : json_node_get_array(node);
    f->key = NULL;
    s->expect = is_object ? EXPECT_KEY_FIRST : EXPECT_ARRAY_FIRST;
    return STEP_CONSUMED;
}

static void close_container(JsonStream *s)
{
    s->depth--;
    if (s->depth == 0) {
        JsonNode *root = s->root;
        s->root = NULL;
        deliver(s, root);
    } else {
        s->expect = s->frames[s->depth - 1].object ? EXPECT_OBJECT_NEXT
                                                   : EXPECT_ARRAY_NEXT;
    }
}

/* ------------------------------------------------------------------ */
/* Tokens                                                              */

static const char *expectation(Expect e)
{
    switch (e) {
    case EXPECT_VALUE:
        return "expecting value";
    case EXPECT_ARRAY_FIRST:
        return "expecting value or ']'";
    case EXPECT_ARRAY_NEXT:
        return "expecting ',' or ']'";
    case EXPECT_KEY_FIRST:
        return "expecting string key or '}'";
    case EXPECT_KEY:
        return "expecting string key";
    case EXPECT_COLON:
        return "expecting ':'";
    case EXPECT_OBJECT_NEXT:
        return "expecting ',' or '}'";
    }
    g_assert_not_reached();
}

static Step unexpected_at(JsonStream *s, size_t open_levels, const char *fmt,
                          ...) G_GNUC_PRINTF(3, 4);

static Step unexpected_at(JsonStream *s, size_t open_levels, const char *fmt,
                          ...)
{
    va_list ap;
    Step ret;

    va_start(ap, fmt);
    ret = vfail(s, open_levels, JSON_STREAM_ERROR_SYNTAX, fmt, ap);
    va_end(ap);
    return ret;
}

static Step unexpected(JsonStream *s, unsigned char c)
{
    char what[16];
    size_t open_levels = s->depth;

    describe_byte(c, what);
    if (s->depth == 0) {
        return unexpected_at(s, 0, "stray %s", what);
    }
    if (c == '}' || c == ']') {
        /*
         * A closer of the wrong kind most likely means a forgotten closer
         * of the right kind: let it close the nearest matching bracket, so
         * that recovery ends where the client thinks the message ends.
         */
        for (size_t i = s->depth; i-- > 0;) {
            if ((s->frames[i].object != NULL) == (c == '}')) {
                open_levels = i + 1;
                break;
            }
        }
    }
    return unexpected_at(s, open_levels, "%s, got %s",
                         expectation(s->expect), what);
}

static void append_utf8(GString *str, uint32_t cp)
{
    char buf[6];
    int n = g_unichar_to_utf8(cp, buf);
    g_string_append_len(str, buf, n);
}

/* At most 64 characters of @key, cut at a character boundary. */
static char *shorten(const char *key)
{
    g_autofree char *head = NULL;

    if (g_utf8_strlen(key, -1) <= 64) {
        return g_strdup(key);
    }
    head = g_utf8_substring(key, 0, 64);
    return g_strconcat(head, "...", NULL);
}

static Step end_string(JsonStream *s)
{
    s->lex = LEX_NONE;
    if (s->tok_is_key) {
        Frame *f = &s->frames[s->depth - 1];
        /*
         * json-glib replaces a repeated member with a linear search, and a
         * client repeating a key is confused anyway: refuse it.
         */
        if (json_object_has_member(f->object, s->tok->str)) {
            g_autofree char *k = shorten(s->tok->str);
            fail(s, JSON_STREAM_ERROR_SYNTAX, "duplicate key '%s'", k);
            /* The closing quote belongs to the key: SKIP must not see it
             * as the start of a string. */
            return STEP_CONSUMED;
        }
        f->key = g_strndup(s->tok->str, s->tok->len);
        s->expect = EXPECT_COLON;
    } else {
        JsonNode *node = json_node_init_string(json_node_alloc(),
                                               s->tok->str);
        add_value(s, node);
    }
    return STEP_CONSUMED;
}

static Step string_byte(JsonStream *s, unsigned char c)
{
    char what[16];

    if (s->utf8_need) {
        if (c < s->utf8_lo || c > s->utf8_hi) {
            return fail(s, JSON_STREAM_ERROR_LEXICAL,
                        "invalid UTF-8 sequence in string");
        }
        g_string_append_c(s->tok, c);
        s->utf8_need--;
        s->utf8_lo = 0x80;
        s->utf8_hi = 0xbf;
        return STEP_CONSUMED;
    }
    if (s->high_surrogate && c != '\\') {
        return fail(s, JSON_STREAM_ERROR_LEXICAL,
                    "unpaired surrogate \\u%04X in string",
                    (unsigned)s->high_surrogate);
    }
    if (c == (unsigned char)s->quote) {
        return end_string(s);
    }
    if (c == '\\') {
        s->lex = LEX_ESCAPE;
        return STEP_CONSUMED;
    }
    if (c < 0x20) {
        /* Reset bytes were handled before; this is TAB, CR or LF. */
        if (c == '\t') {
            return fail(s, JSON_STREAM_ERROR_LEXICAL,
                        "control character 0x09 in string");
        }
        /* A raw line end most likely means an unterminated string. */
        return fail_reset_byte(s, c);
    }
    if (c < 0x80) {
        g_string_append_c(s->tok, c);
        return STEP_CONSUMED;
    }

    /* UTF-8 lead byte: note how many continuations follow, and the range
     * of the first one, which is what excludes overlong forms, encoded
     * surrogates and code points above U+10FFFF. */
    s->utf8_lo = 0x80;
    s->utf8_hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        s->utf8_need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
        s->utf8_need = 2;
        if (c == 0xe0) {
            s->utf8_lo = 0xa0;
        } else if (c == 0xed) {
            s->utf8_hi = 0x9f;
        }
    } else if (c >= 0xf0 && c <= 0xf4) {
        s->utf8_need = 3;
        if (c == 0xf0) {
            s->utf8_lo = 0x90;
        } else if (c == 0xf4) {
            s->utf8_hi = 0x8f;
        }
    } else {
        describe_byte(c, what);
        return fail(s, JSON_STREAM_ERROR_LEXICAL,
                    "invalid UTF-8 %s in string", what);
    }
    g_string_append_c(s->tok, c);
    return STEP_CONSUMED;
}

static Step escape_byte(JsonStream *s, unsigned char c)
{
    static const char simple_in[] = "\"'\\/bfnrt";
    static const char simple_out[] = "\"'\\/\b\f\n\r\t";
    const char *p;
    char what[16];

    if (s->high_surrogate && c != 'u') {
        return fail(s, JSON_STREAM_ERROR_LEXICAL,
                    "unpaired surrogate \\u%04X in string",
                    (unsigned)s->high_surrogate);
    }
    if (c == 'u') {
        s->lex = LEX_UESCAPE;
        s->uesc_digits = 0;
        s->uesc_value = 0;
        return STEP_CONSUMED;
    }
    p = c ? strchr(simple_in, c) : NULL;
    if (!p) {
        describe_byte(c, what);
        return fail(s, JSON_STREAM_ERROR_LEXICAL,
                    "invalid escape sequence: backslash followed by %s", what);
    }
    g_string_append_c(s->tok, simple_out[p - simple_in]);
    s->lex = LEX_STRING;
    return STEP_CONSUMED;
}

static Step uescape_byte(JsonStream *s, unsigned char c)
{
    int digit = g_ascii_xdigit_value(c);
    uint32_t v;

    if (digit < 0) {
        return fail(s, JSON_STREAM_ERROR_LEXICAL,
                    "truncated \\u escape: four hex digits needed");
    }
    s->uesc_value = s->uesc_value * 16 + digit;
    if (++s->uesc_digits < 4) {
        return STEP_CONSUMED;
    }
    v = s->uesc_value;
    s->lex = LEX_STRING;

    if (s->high_surrogate) {
        uint32_t hi = s->high_surrogate;
        if (v < 0xdc00 || v > 0xdfff) {
            return fail(s, JSON_STREAM_ERROR_LEXICAL,
                        "unpaired surrogate \\u%04X in string", (unsigned)hi);
        }
        s->high_surrogate = 0;
        append_utf8(s->tok, 0x10000 + ((hi - 0xd800) << 10) + (v - 0xdc00));
    } else if (v >= 0xd800 && v <= 0xdbff) {
        s->high_surrogate = v;
    } else if (v >= 0xdc00 && v <= 0xdfff) {
        return fail(s, JSON_STREAM_ERROR_LEXICAL,
                    "unpaired surrogate \\u%04X in string", (unsigned)v);
    } else if (v == 0) {
        /* Values are handed on as C strings. */
        return fail(s, JSON_STREAM_ERROR_LEXICAL,
                    "\\u0000 is not supported in strings");
    } else {
        append_utf8(s->tok, v);
    }
    return STEP_CONSUMED;
}

/* A number or literal has seen its delimiter; the delimiter is not
 * consumed. */
static Step end_scalar(JsonStream *s)
{
    JsonNode *node = json_node_alloc();
    const char *text = s->tok->str;

    if (s->lex == LEX_LITERAL) {
        if (!strcmp(text, "true") || !strcmp(text, "false")) {
            json_node_init_boolean(node, text[0] == 't');
        } else if (!strcmp(text, "null")) {
            json_node_init_null(node);
        } else {
            g_autofree char *lit = g_strdup(text);
            json_node_unref(node);
            return fail(s, JSON_STREAM_ERROR_LEXICAL, "invalid literal '%s'",
                        lit);
        }
    } else {
        switch (s->num) {
        case NUM_ZERO:
        case NUM_INT:
        case NUM_FRAC:
        case NUM_EXP:
            break;
        default:
            json_node_unref(node);
            return fail(s, JSON_STREAM_ERROR_LEXICAL,
                        "invalid number: digit expected");
        }
        if (!s->num_is_float) {
            char *end;
            gint64 v;
            errno = 0;
            v = g_ascii_strtoll(text, &end, 10);
            if (errno == 0 && *end == '\0') {
                json_node_init_int(node, v);
                goto done;
            }
            /* Too big for int64: fall back to double, like QEMU. */
        }
        {
            double d = g_ascii_strtod(text, NULL);
            if (isinf(d) || isnan(d)) {
                json_node_unref(node);
                return fail(s, JSON_STREAM_ERROR_LEXICAL,
                            "number out of range");
            }
            json_node_init_double(node, d);
        }
    }
done:
    s->lex = LEX_NONE;
    add_value(s, node);
    return STEP_AGAIN;
}

static Step number_byte(JsonStream *s, unsigned char c)
{
    bool digit = g_ascii_isdigit(c);

    if (is_delimiter(c)) {
        return end_scalar(s);
    }
    switch (s->num) {
    case NUM_MINUS:
        if (digit) {
            s->num = c == '0' ? NUM_ZERO : NUM_INT;
            goto take;
        }
        break;
    case NUM_ZERO:
        if (digit) {
            return fail(s, JSON_STREAM_ERROR_LEXICAL,
                        "invalid number: leading zero");
        }
        /* fall through */
    case NUM_INT:
        if (digit) {
            goto take;
        }
        if (c == '.') {
            s->num = NUM_DOT;
            s->num_is_float = true;
            goto take;
        }
        if (c == 'e' || c == 'E') {
            s->num = NUM_E;
            s->num_is_float = true;
            goto take;
        }
        break;
    case NUM_DOT:
    case NUM_FRAC:
        if (digit) {
            s->num = NUM_FRAC;
            goto take;
        }
        if (s->num == NUM_FRAC && (c == 'e' || c == 'E')) {
            s->num = NUM_E;
            goto take;
        }
        break;
    case NUM_E:
        if (c == '+' || c == '-') {
            s->num = NUM_ESIGN;
            goto take;
        }
        /* fall through */
    case NUM_ESIGN:
    case NUM_EXP:
        if (digit) {
            s->num = NUM_EXP;
            goto take;
        }
        break;
    }
    {
        char what[16];
        describe_byte(c, what);
        return fail(s, JSON_STREAM_ERROR_LEXICAL,
                    "invalid number: unexpected %s", what);
    }
take:
    g_string_append_c(s->tok, c);
    return STEP_CONSUMED;
}

static Step literal_byte(JsonStream *s, unsigned char c)
{
    static const char *const literals[] = { "true", "false", "null" };

    if (is_delimiter(c)) {
        return end_scalar(s);
    }
    g_string_append_c(s->tok, c);
    for (size_t i = 0; i < G_N_ELEMENTS(literals); i++) {
        if (g_str_has_prefix(literals[i], s->tok->str)) {
            return STEP_CONSUMED;
        }
    }
    {
        /* Keep the message short and printable. */
        g_autofree char *lit = g_strndup(s->tok->str, s->tok->len - 1);
        char what[16];
        describe_byte(c, what);
        return fail(s, JSON_STREAM_ERROR_LEXICAL,
                    "invalid literal: '%s' followed by %s", lit, what);
    }
}

static bool expecting_value(JsonStream *s)
{
    return s->expect == EXPECT_VALUE || s->expect == EXPECT_ARRAY_FIRST;
}

/* First byte of a token, outside any token. */
static Step token_start(JsonStream *s, unsigned char c)
{
    if (s->msg_tokens++ >= s->limits.max_tokens) {
        return fail(s, JSON_STREAM_ERROR_LIMIT,
                    "too many tokens in message (limit %zu)",
                    s->limits.max_tokens);
    }

    switch (c) {
    case '{':
    case '[':
        if (!expecting_value(s)) {
            return unexpected(s, c);
        }
        return open_container(s, c == '{');
    case '}':
        if (s->expect != EXPECT_KEY_FIRST && s->expect != EXPECT_OBJECT_NEXT) {
            return unexpected(s, c);
        }
        close_container(s);
        return STEP_CONSUMED;
    case ']':
        if (s->expect != EXPECT_ARRAY_FIRST && s->expect != EXPECT_ARRAY_NEXT) {
            return unexpected(s, c);
        }
        close_container(s);
        return STEP_CONSUMED;
    case ',':
        if (s->expect == EXPECT_ARRAY_NEXT) {
            s->expect = EXPECT_VALUE;
        } else if (s->expect == EXPECT_OBJECT_NEXT) {
            s->expect = EXPECT_KEY;
        } else {
            return unexpected(s, c);
        }
        return STEP_CONSUMED;
    case ':':
        if (s->expect != EXPECT_COLON) {
            return unexpected(s, c);
        }
        s->expect = EXPECT_VALUE;
        return STEP_CONSUMED;
    case '"':
    case '\'':
        if (s->expect == EXPECT_KEY || s->expect == EXPECT_KEY_FIRST) {
            s->tok_is_key = true;
        } else if (expecting_value(s)) {
            s->tok_is_key = false;
        } else {
            return unexpected(s, c);
        }
        s->lex = LEX_STRING;
        s->quote = c;
        s->tok_bytes = 1;
        g_string_truncate(s->tok, 0);
        return STEP_CONSUMED;
    default:
        break;
    }

    if (c == '-' || g_ascii_isdigit(c)) {
        if (!expecting_value(s)) {
            return unexpected(s, c);
        }
        s->lex = LEX_NUMBER;
        s->num = c == '-' ? NUM_MINUS : c == '0' ? NUM_ZERO : NUM_INT;
        s->num_is_float = false;
    } else if (c == 't' || c == 'f' || c == 'n') {
        if (!expecting_value(s)) {
            return unexpected(s, c);
        }
        s->lex = LEX_LITERAL;
    } else {
        char what[16];
        describe_byte(c, what);
        if (c >= 0x80) {
            return fail(s, JSON_STREAM_ERROR_LEXICAL,
                        "invalid UTF-8 %s outside string", what);
        }
        return fail(s, JSON_STREAM_ERROR_LEXICAL, "invalid character %s",
                    what);
    }
    s->tok_bytes = 1;
    g_string_truncate(s->tok, 0);
    g_string_append_c(s->tok, c);
    return STEP_CONSUMED;
}

/* ------------------------------------------------------------------ */
/* The three modes                                                     */

static bool in_message(const JsonStream *s)
{
    return s->depth > 0 || s->lex != LEX_NONE;
}

/*
 * Charge the byte to the message (and token) it belongs to; each byte once.
 * A delimiter that ends a number or literal is not part of that token, and
 * at top level not part of that message either.
 */
static Step count_byte(JsonStream *s, unsigned char c)
{
    bool scalar_end = (s->lex == LEX_NUMBER || s->lex == LEX_LITERAL) &&
                      is_delimiter(c);
    bool counts = scalar_end ? s->depth > 0 : in_message(s) || !is_ws(c);

    if (s->byte_counted || !counts) {
        return STEP_CONSUMED;
    }
    s->byte_counted = true;
    if (!in_message(s)) {
        s->msg_bytes = 0;
        s->msg_tokens = 0;
    }
    if (++s->msg_bytes > s->limits.max_message_size) {
        return fail(s, JSON_STREAM_ERROR_LIMIT,
                    "message too large (limit %zu bytes)",
                    s->limits.max_message_size);
    }
    if (s->lex != LEX_NONE && !scalar_end &&
        ++s->tok_bytes > s->limits.max_token_size) {
        return fail(s, JSON_STREAM_ERROR_LIMIT,
                    "token too large (limit %zu bytes)",
                    s->limits.max_token_size);
    }
    return STEP_CONSUMED;
}

static Step normal_byte(JsonStream *s, unsigned char c)
{
    if (is_reset_byte(c)) {
        return fail_reset_byte(s, c);
    }
    if (count_byte(s, c) == STEP_AGAIN) {
        return STEP_AGAIN;
    }

    switch (s->lex) {
    case LEX_NONE:
        return is_ws(c) ? STEP_CONSUMED : token_start(s, c);
    case LEX_STRING:
        return string_byte(s, c);
    case LEX_ESCAPE:
        return escape_byte(s, c);
    case LEX_UESCAPE:
        return uescape_byte(s, c);
    case LEX_NUMBER:
        return number_byte(s, c);
    case LEX_LITERAL:
        return literal_byte(s, c);
    }
    g_assert_not_reached();
}

static Step skip_byte(JsonStream *s, unsigned char c)
{
    if (is_reset_byte(c)) {
        s->mode = MODE_RESYNC;
        return STEP_CONSUMED;
    }
    if (s->skip_in_string) {
        if (c == '\n' || c == '\r') {
            /* The broken string probably never ends: resynchronise. */
            s->mode = MODE_RESYNC;
        } else if (s->skip_escape) {
            s->skip_escape = false;
        } else if (c == '\\') {
            s->skip_escape = true;
        } else if (c == (unsigned char)s->skip_quote) {
            s->skip_in_string = false;
        }
        return STEP_CONSUMED;
    }

    switch (c) {
    case '"':
    case '\'':
    case '{':
    case '[':
        if (s->skip_depth == 0) {
            /* The broken top-level token is over; this starts a value. */
            s->mode = MODE_NORMAL;
            return STEP_AGAIN;
        }
        if (c == '{' || c == '[') {
            s->skip_depth++;
        } else {
            s->skip_in_string = true;
            s->skip_quote = c;
        }
        return STEP_CONSUMED;
    case '}':
    case ']':
        if (s->skip_depth > 0 && --s->skip_depth == 0) {
            s->mode = MODE_NORMAL;
        }
        return STEP_CONSUMED;
    default:
        if (s->skip_depth == 0 && is_ws(c)) {
            s->mode = MODE_NORMAL;
        }
        return STEP_CONSUMED;
    }
}

static Step step(JsonStream *s, unsigned char c)
{
    switch (s->mode) {
    case MODE_NORMAL:
        return normal_byte(s, c);
    case MODE_SKIP:
        return skip_byte(s, c);
    case MODE_RESYNC:
        if (c == '{') {
            s->mode = MODE_NORMAL;
            return STEP_AGAIN;
        }
        return STEP_CONSUMED;
    }
    g_assert_not_reached();
}

/*
 * Bulk path for the common case, a run of plain ASCII inside a string:
 * same effect as feeding those bytes one by one.  Returns how many bytes
 * it took.
 */
static size_t string_run(JsonStream *s, const unsigned char *p, size_t len)
{
    size_t budget, n = 0;

    if (s->mode != MODE_NORMAL || s->lex != LEX_STRING || s->utf8_need ||
        s->high_surrogate) {
        return 0;
    }
    budget = MIN(s->limits.max_message_size - MIN(s->msg_bytes, s->limits.max_message_size),
                 s->limits.max_token_size - MIN(s->tok_bytes, s->limits.max_token_size));
    len = MIN(len, budget);
    while (n < len && p[n] >= 0x20 && p[n] < 0x80 && p[n] != '\\' &&
           p[n] != (unsigned char)s->quote) {
        n++;
    }
    g_string_append_len(s->tok, (const char *)p, n);
    s->msg_bytes += n;
    s->tok_bytes += n;
    return n;
}

void json_stream_feed(JsonStream *s, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    size_t i = 0;

    g_assert(!s->in_callback);
    while (i < len) {
        unsigned tries = 0;

        if (s->mode == MODE_RESYNC) {
            const unsigned char *brace = memchr(p + i, '{', len - i);
            if (!brace) {
                return;
            }
            i = brace - p;
        }
        i += string_run(s, p + i, len - i);
        if (i == len) {
            break;
        }
        /* A byte is offered again only after a mode or token change; the
         * chain is short (e.g. NORMAL error -> SKIP ends -> NORMAL). */
        s->byte_counted = false;
        while (step(s, p[i]) == STEP_AGAIN) {
            g_assert(++tries < 8);
        }
        i++;
        if (s->reset_requested) {
            /* The rest of this input belongs to the session that ended. */
            json_stream_reset(s);
            return;
        }
    }
}

void json_stream_finish(JsonStream *s)
{
    g_assert(!s->in_callback);
    if (s->mode == MODE_NORMAL &&
        (s->lex == LEX_NUMBER || s->lex == LEX_LITERAL)) {
        /* As if a delimiter had arrived. */
        end_scalar(s);
    }
    if (s->mode == MODE_NORMAL && in_message(s)) {
        fail(s, JSON_STREAM_ERROR_TRUNCATED, "unexpected end of input");
    }
    json_stream_reset(s);
}

void json_stream_reset(JsonStream *s)
{
    if (s->in_callback) {
        /* Done by json_stream_feed() once the callback has returned. */
        s->reset_requested = true;
        return;
    }
    s->reset_requested = false;
    discard_message(s);
    s->mode = MODE_NORMAL;
}

bool json_stream_is_idle(const JsonStream *s)
{
    return s->mode == MODE_NORMAL && !in_message(s);
}

size_t json_stream_pending_bytes(const JsonStream *s)
{
    return in_message(s) ? s->msg_bytes : 0;
}

JsonStream *json_stream_new(const JsonStreamCallbacks *cb, void *opaque,
                            const JsonStreamLimits *limits)
{
    JsonStream *s = g_new0(JsonStream, 1);

    s->cb = *cb;
    s->opaque = opaque;
    s->limits = limits ? *limits : default_limits;
    /* A limit of 0 would make even '{' an error and the byte loop spin. */
    s->limits.max_depth = MAX(s->limits.max_depth, 1);
    s->limits.max_token_size = MAX(s->limits.max_token_size, 2);
    s->limits.max_message_size = MAX(s->limits.max_message_size, 2);
    s->limits.max_tokens = MAX(s->limits.max_tokens, 1);
    s->tok = g_string_sized_new(64);
    s->mode = MODE_NORMAL;
    return s;
}

void json_stream_free(JsonStream *s)
{
    if (!s) {
        return;
    }
    g_assert(!s->in_callback);
    discard_message(s);
    g_string_free(s->tok, TRUE);
    g_free(s->frames);
    g_free(s);
}

const char *json_stream_value_kind(JsonNode *value)
{
    switch (json_node_get_node_type(value)) {
    case JSON_NODE_OBJECT:
        return "object";
    case JSON_NODE_ARRAY:
        return "array";
    case JSON_NODE_NULL:
        return "null";
    case JSON_NODE_VALUE:
        break;
    }
    switch (json_node_get_value_type(value)) {
    case G_TYPE_STRING:
        return "string";
    case G_TYPE_BOOLEAN:
        return "boolean";
    default:
        return "number";
    }
}
