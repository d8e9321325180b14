/*
 * Unit tests for the streaming JSON reader (monitor/json-reader.c).
 *
 * Most tests compare a log of events, one line per callback:
 *   "V <value as compact JSON>"  or  "E <error message>".
 */
#include <string.h>

#include "monitor/json-reader.h"

#define GOOD "{\"execute\": \"x\"}"
#define GOOD_EVENT "V {\"execute\":\"x\"}"

typedef struct Log {
    GPtrArray *events;
    GPtrArray *values;      /* the nodes themselves, owned */
    unsigned errors;
    int last_error;         /* JsonStreamErrorCode, -1 for none */
    char *last_message;
} Log;

static void on_value(void *opaque, JsonNode *value)
{
    Log *log = opaque;
    g_autofree char *text = json_to_string(value, FALSE);

    g_ptr_array_add(log->events, g_strdup_printf("V %s", text));
    g_ptr_array_add(log->values, value);
}

static void on_error(void *opaque, JsonStreamErrorCode code,
                     const char *message)
{
    Log *log = opaque;

    g_assert_true(g_str_has_prefix(message, "JSON parse error, "));
    g_ptr_array_add(log->events, g_strdup_printf("E %s", message));
    log->errors++;
    log->last_error = code;
    g_free(log->last_message);
    log->last_message = g_strdup(message);
}

static const JsonStreamCallbacks callbacks = {
    .value = on_value,
    .error = on_error,
};

static void log_init(Log *log)
{
    log->events = g_ptr_array_new_with_free_func(g_free);
    log->values = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
    log->errors = 0;
    log->last_error = -1;
    log->last_message = NULL;
}

static void log_clear(Log *log)
{
    g_ptr_array_unref(log->events);
    g_ptr_array_unref(log->values);
    g_clear_pointer(&log->last_message, g_free);
}

static char *log_text(Log *log)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < log->events->len; i++) {
        g_string_append(out, g_ptr_array_index(log->events, i));
        g_string_append_c(out, '\n');
    }
    return g_string_free(out, FALSE);
}

/*
 * Feed @data in pieces: @chunk == 0 means all at once, otherwise split at
 * the offsets in @cuts (ascending, -1 terminated) when given, else in
 * pieces of @chunk bytes.  Then finish.
 */
static char *run_cuts(const char *data, size_t len, const JsonStreamLimits *lim,
                      const size_t *cuts, size_t ncuts)
{
    Log log;
    JsonStream *s;
    size_t pos = 0;
    char *text;

    log_init(&log);
    s = json_stream_new(&callbacks, &log, lim);
    for (size_t i = 0; i < ncuts; i++) {
        json_stream_feed(s, data + pos, cuts[i] - pos);
        pos = cuts[i];
    }
    json_stream_feed(s, data + pos, len - pos);
    json_stream_finish(s);
    g_assert_true(json_stream_is_idle(s));
    json_stream_free(s);
    text = log_text(&log);
    log_clear(&log);
    return text;
}

static char *run(const char *data, size_t len, const JsonStreamLimits *lim)
{
    return run_cuts(data, len, lim, NULL, 0);
}

static char *run_str(const char *data)
{
    return run(data, strlen(data), NULL);
}

/* The events must not depend on how the input is cut into feeds. */
static void check_every_split(const char *data, size_t len,
                              const JsonStreamLimits *lim)
{
    g_autofree char *whole = run(data, len, lim);
    g_autofree size_t *cuts = g_new(size_t, len + 1);

    for (size_t i = 0; i <= len; i++) {
        g_autofree char *split = run_cuts(data, len, lim, &i, 1);
        g_assert_cmpstr(split, ==, whole);
    }
    for (size_t i = 0; i < len; i++) {
        cuts[i] = i;
    }
    {
        g_autofree char *bytewise = run_cuts(data, len, lim, cuts, len);
        g_assert_cmpstr(bytewise, ==, whole);
    }
}

static void test_simple(void)
{
    Log log;
    JsonStream *s;
    JsonObject *obj;

    log_init(&log);
    s = json_stream_new(&callbacks, &log, NULL);
    {
        const char *in = "{\"execute\": \"qmp_capabilities\", \"id\": 7}";
        json_stream_feed(s, in, strlen(in));
    }
    g_assert_cmpuint(log.values->len, ==, 1);
    g_assert_true(json_stream_is_idle(s));
    g_assert_true(json_stream_value_is_object(log.values->pdata[0]));
    obj = json_node_get_object(log.values->pdata[0]);
    g_assert_cmpstr(json_object_get_string_member(obj, "execute"), ==,
                    "qmp_capabilities");
    g_assert_cmpint(json_object_get_int_member(obj, "id"), ==, 7);
    json_stream_free(s);
    log_clear(&log);
}

static void test_several_in_one_feed(void)
{
    g_autofree char *got = run_str(
        "{\"a\":1}{\"b\":2}\r\n {\"c\":[1,2,{\"d\":null}]} \t\n"
        "[] {} [[]] {\"e\":{}}");

    g_assert_cmpstr(got, ==,
                    "V {\"a\":1}\n"
                    "V {\"b\":2}\n"
                    "V {\"c\":[1,2,{\"d\":null}]}\n"
                    "V []\n"
                    "V {}\n"
                    "V [[]]\n"
                    "V {\"e\":{}}\n");
}

static void test_split_everywhere(void)
{
    static const char *const inputs[] = {
        "{\"execute\": \"qmp_capabilities\"}",
        "{ \"execute\" : \"netdev_add\", \"arguments\": { \"type\": \"bridge\","
        " \"id\": \"hn0\", \"br\": \"br0\", \"n\": [1, -2.5e3, true, false, "
        "null] }, \"id\": 'x\\'y' }\n{\"execute\":\"quit\"}",
        "\"caf\xc3\xa9 \\u20ac \\ud83d\\ude00 \xf0\x9f\x98\x80\" 12 -0.5e-3 true",
        "[[[[{\"a\":[{}]}]]]] null false 1e5",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(inputs); i++) {
        check_every_split(inputs[i], strlen(inputs[i]), NULL);
    }
}

static void test_scalars_at_top_level(void)
{
    g_autofree char *got = run_str("1 \"x\" 'y' true false null [1] -5 2.5 "
                                   "1{} 42");

    g_assert_cmpstr(got, ==,
                    "V 1\nV \"x\"\nV \"y\"\nV true\nV false\nV null\nV [1]\n"
                    "V -5\nV 2.5\nV 1\nV {}\nV 42\n");
}

static void test_finish(void)
{
    Log log;
    JsonStream *s;

    log_init(&log);
    s = json_stream_new(&callbacks, &log, NULL);
    json_stream_feed(s, "42", 2);
    g_assert_cmpuint(log.events->len, ==, 0);
    g_assert_false(json_stream_is_idle(s));
    json_stream_finish(s);
    g_assert_cmpuint(log.values->len, ==, 1);
    g_assert_cmpint(json_node_get_int(log.values->pdata[0]), ==, 42);

    json_stream_feed(s, "{\"a\": [1,", 9);
    g_assert_cmpuint(json_stream_pending_bytes(s), ==, 9);
    json_stream_finish(s);
    g_assert_cmpuint(log.errors, ==, 1);
    g_assert_cmpint(log.last_error, ==, JSON_STREAM_ERROR_TRUNCATED);
    g_assert_true(json_stream_is_idle(s));
    g_assert_cmpuint(json_stream_pending_bytes(s), ==, 0);

    /* Reset is silent. */
    json_stream_feed(s, "{\"a\": ", 6);
    json_stream_reset(s);
    json_stream_feed(s, GOOD, strlen(GOOD));
    g_assert_cmpuint(log.errors, ==, 1);
    g_assert_cmpuint(log.values->len, ==, 2);

    json_stream_free(s);
    log_clear(&log);
}

static void test_escapes(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\" \\ / \b \f \n \r \t" },
        { "\"\\'\"", "'" },
        { "'\\''", "'" },
        { "'\\\"'", "\"" },
        { "'a\"b'", "a\"b" },
        { "\"a'b\"", "a'b" },
        { "\"\\u0041\\u00e9\\u00E9\\u20ac\"", "A\xc3\xa9\xc3\xa9\xe2\x82\xac" },
        { "\"\\u0001\\u001f\\u007f\"", "\x01\x1f\x7f" },
        { "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80" },
        { "\"\\uD800\\uDC00\"", "\xf0\x90\x80\x80" },
        { "\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf" },
        { "\"\\ufffd\\uffff\"", "\xef\xbf\xbd\xef\xbf\xbf" },
        { "\"\"", "" },
        { "''", "" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        Log log;
        JsonStream *s;

        log_init(&log);
        s = json_stream_new(&callbacks, &log, NULL);
        json_stream_feed(s, cases[i].in, strlen(cases[i].in));
        json_stream_finish(s);
        g_assert_cmpuint(log.errors, ==, 0);
        g_assert_cmpuint(log.values->len, ==, 1);
        g_assert_cmpstr(json_node_get_string(log.values->pdata[0]), ==,
                        cases[i].out);
        json_stream_free(s);
        log_clear(&log);
    }
}

static void test_utf8_valid(void)
{
    static const char *const valid[] = {
        "\x7f",                 /* DEL is not a control character in JSON */
        "\xc2\x80", "\xdf\xbf",
        "\xe0\xa0\x80", "\xe1\x80\x80", "\xec\xbf\xbf", "\xed\x80\x80",
        "\xed\x9f\xbf",         /* U+D7FF, last before the surrogates */
        "\xee\x80\x80",         /* U+E000, first after */
        "\xef\xbf\xbf",
        "\xf0\x90\x80\x80", "\xf1\x80\x80\x80", "\xf3\xbf\xbf\xbf",
        "\xf4\x8f\xbf\xbf",     /* U+10FFFF */
        "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(valid); i++) {
        g_autofree char *in = g_strdup_printf("[\"%s\", '%s']", valid[i],
                                              valid[i]);
        Log log;
        JsonStream *s;
        JsonArray *a;

        log_init(&log);
        s = json_stream_new(&callbacks, &log, NULL);
        json_stream_feed(s, in, strlen(in));
        g_assert_cmpuint(log.errors, ==, 0);
        g_assert_cmpuint(log.values->len, ==, 1);
        a = json_node_get_array(log.values->pdata[0]);
        g_assert_cmpstr(json_array_get_string_element(a, 0), ==, valid[i]);
        g_assert_cmpstr(json_array_get_string_element(a, 1), ==, valid[i]);
        json_stream_free(s);
        log_clear(&log);
    }
}

/*
 * @bad followed by a good command, in one feed, with and without a
 * separator, and cut at every position: exactly one error, then the good
 * command.
 */
static void check_recovers_len(const char *bad, size_t bad_len)
{
    static const char *const seps[] = { "", " ", "\n" };

    for (size_t i = 0; i < G_N_ELEMENTS(seps); i++) {
        g_autoptr(GString) in = g_string_new_len(bad, bad_len);
        g_autofree char *got = NULL;
        g_autofree char *want = NULL;
        g_autofree char *first_line = NULL;
        char *nl;

        g_string_append(in, seps[i]);
        g_string_append(in, GOOD);
        got = run(in->str, in->len, NULL);
        first_line = g_strdup(got);
        nl = strchr(first_line, '\n');
        if (nl) {
            *nl = '\0';
        }
        want = g_strdup_printf("%s\n" GOOD_EVENT "\n", first_line);
        if (!g_str_has_prefix(got, "E ") || strcmp(got, want)) {
            g_autofree char *esc = g_strescape(in->str, NULL);
            g_test_message("input: %s", esc);
            g_test_message("events:\n%s", got);
            g_assert_cmpstr(got, ==, want);
            g_assert_true(g_str_has_prefix(got, "E "));
        }
        if (in->len < 200) {
            check_every_split(in->str, in->len, NULL);
        }
    }
}

static void check_recovers(const char *bad)
{
    check_recovers_len(bad, strlen(bad));
}

static void test_utf8_invalid(void)
{
    static const char *const invalid[] = {
        "\xc0\x80",             /* overlong NUL */
        "\xc1\xbf",             /* overlong */
        "\xe0\x80\x80", "\xe0\x9f\xbf",           /* overlong 3-byte */
        "\xed\xa0\x80", "\xed\xbf\xbf",           /* encoded surrogates */
        "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf",   /* overlong 4-byte */
        "\xf4\x90\x80\x80",                       /* U+110000 */
        "\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80",
        "\x80", "\xbf",         /* lone continuation bytes */
        "\xc2", "\xe2\x82", "\xf0\x9f\x98",       /* truncated sequences */
        "\xc2\x41", "\xe2\x28\xa1",
        "\xfe", "\xff",         /* never valid; these also reset */
    };

    for (size_t i = 0; i < G_N_ELEMENTS(invalid); i++) {
        g_autofree char *in_obj = g_strdup_printf("{\"a\": \"%s\"}",
                                                  invalid[i]);
        g_autofree char *in_str = g_strdup_printf("'x%sy'", invalid[i]);
        g_autofree char *in_key = g_strdup_printf("{\"%s\": 1}", invalid[i]);

        check_recovers(in_obj);
        check_recovers(in_str);
        check_recovers(in_key);
        check_recovers(invalid[i]);      /* outside any string */
    }
}

static void test_control_bytes(void)
{
    for (int c = 1; c < 0x20; c++) {
        g_autofree char *in_str = g_strdup_printf("{\"a\": \"x%cy\"}", c);
        g_autofree char *in_msg = g_strdup_printf("{\"a\": %c1}", c);
        g_autofree char *got = NULL;

        check_recovers(in_str);
        if (c != '\t' && c != '\n' && c != '\r') {
            char alone[2] = { (char)c, 0 };
            check_recovers(in_msg);
            check_recovers(alone);
        }
        /* Nothing of the broken message may leak out. */
        got = run_str(in_str);
        g_assert_true(g_str_has_prefix(got, "E "));
        g_assert_null(strstr(got, "V "));
    }
    /* NUL counts too. */
    check_recovers_len("{\"a\": \"x\0y\"}", 12);
    check_recovers_len("\0", 1);
}

static void test_malformed_battery(void)
{
    static const char *const bad[] = {
        "{]", "]", "}", ",", ":", "{\"a\" 1}", "{\"a\":}", "[1,]", "{\"a\":1,}",
        "[,1]", "{,}", "{\"a\"}", "{1:2}", "{\"a\":1 \"b\":2}", "[1 2]",
        "{\"a\"::1}", "[}", "{\"a\":[}",
        "{\"a\": \"\\u12\"}", "\"\\u12\"", "\"\\u\"", "'\\u12g4'",
        "{\"a\": \"\\ud800\"}", "\"\\ud800\"", "\"\\udc00\"",
        "\"\\ud800\\u0041\"", "\"\\ud800x\"", "\"\\ud800\\n\"",
        "\"\\u0000\"", "\"\\q\"", "\"\\x41\"", "\"\\U0041\"",
        "{\"a\": \"x\x01y\"}", "{\"a\": \"\xc0\x80\"}", "\xc0\x80",
        "\xff", "\xff\xff\xff", "{\"a\": \xff}", "\xfe",
        "nul", "tru", "fals", "nulll", "trUe", "True", "nan", "inf", "x",
        "01", "00", "-01", "1.", "-", "--1", "1e", "1e+", "1.e5", ".5", "+1",
        "1x", "0x10", "1e999", "-1e999", "[1e999]", "{\"a\": 1e99999}",
        "{\"a\":1,\"a\":2}", "{\"k\":{\"x\":1,\"x\":1}}",
        "{\"a\" 1, \"b\": {\"c\": 2}}", "[{\"execute\": \"quit\"} 1]",
        /* escapes, quotes and line ends inside the skipped remainder */
        "{\"a\" 1, \"b\": \"x\\\"}{[y\\\\\", 'c': '\\'}'}",
        "{\"a\" 1, \"b\": \"multi\nline\"}",
        "[1 2, \"}]\"]",
        "{\"a\": [1, 2}", "[{\"a\": 1} 2}",
        "{\"a\":1, \"b\": \"\\q\", \"c\": [true, 'x\\'y']}",
        "[\"abc\\q\", 'def']",
        "\"\\ud800\\ud800\"", "\"\\udbff\\ue000\"",
        "@", "#", "//", "{\"a\":[}", "[{]", "[{\"a\":1]",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        check_recovers(bad[i]);
    }
}

/* A broken message must not let anything nested inside it out. */
static void test_nothing_leaks_from_broken_message(void)
{
    g_autofree char *got = run_str(
        "{\"a\" 1, \"b\": {\"execute\": \"quit\"}, \"c\": [{}]}\n" GOOD);
    g_autofree char *got2 = run_str(
        "{\"a\": \"\\q\", \"b\": {\"execute\": \"quit\"}}" GOOD);

    g_assert_cmpstr(got, ==, "E JSON parse error, expecting ':', got '1'\n"
                    GOOD_EVENT "\n");
    g_assert_cmpstr(got2, ==, "E JSON parse error, invalid escape sequence: "
                    "backslash followed by 'q'\n" GOOD_EVENT "\n");
}

/* docs/interop/qmp-spec: a client resets the parser with a control
 * character or 0xFF; half a message must not swallow the next command. */
static void test_reset_bytes(void)
{
    static const char *const partial[] = {
        "{\"execute\": \"foo\", \"arguments\": {\"a\": [1, ",
        "{\"execute\": \"fo",
        "{\"execute\": \"fo\\",
        "{\"execute\": \"\xe2\x82",
        "{\"execute\": tr",
        "[[[[[[",
        "",
    };
    static const char *const resets[] = { "\x04", "\xff", "\x1b", "\xfe" };

    for (size_t i = 0; i < G_N_ELEMENTS(partial); i++) {
        for (size_t j = 0; j < G_N_ELEMENTS(resets); j++) {
            g_autofree char *in = g_strconcat(partial[i], resets[j],
                                              NULL);
            check_recovers(in);
        }
    }

    /* Several reset bytes in a row after an error: still one error. */
    {
        g_autofree char *got = run_str("{\"a\" 1\xff\xff\x04\xff" GOOD);
        g_assert_cmpstr(got, ==, "E JSON parse error, expecting ':', got '1'\n"
                        GOOD_EVENT "\n");
    }
    /* A raw line end in a string most likely means a missing quote. */
    check_recovers("{\"execute\": \"foo\n");
    check_recovers("{\"execute\": 'foo\r\n");
}

/*
 * Input that leaves brackets open cannot be told apart from a message still
 * arriving: the reader waits (as QEMU does), and a reset byte gets the
 * client out.
 */
static void test_unbalanced_waits_for_reset(void)
{
    g_autofree char *prefix = run_str("[{\"a\":" GOOD);
    g_autofree char *got = run_str("[{\"a\":" GOOD "\x04" GOOD);
    g_autofree char *got2 = run_str("{\"a\": {\"b\": 1]" GOOD "\n" GOOD
                                    "\xff" GOOD);

    g_assert_cmpstr(prefix, ==, "E JSON parse error, unexpected end of input\n");
    g_assert_cmpstr(got, ==, "E JSON parse error, control character 0x04 "
                    "outside string\n" GOOD_EVENT "\n");
    g_assert_cmpstr(got2, ==, "E JSON parse error, expecting ',' or '}', "
                    "got ']'\n" GOOD_EVENT "\n");
}

static void test_error_messages(void)
{
    static const struct {
        const char *in, *msg;
    } cases[] = {
        { "{]", "expecting string key or '}', got ']'" },
        { "]", "stray ']'" },
        { "{\"a\" 1}", "expecting ':', got '1'" },
        { "{\"a\":}", "expecting value, got '}'" },
        { "[1,]", "expecting value, got ']'" },
        { "[1 2]", "expecting ',' or ']', got '2'" },
        { "\"\\u12\"", "truncated \\u escape: four hex digits needed" },
        { "\"\\ud800\"", "unpaired surrogate \\uD800 in string" },
        { "\"\\q\"", "invalid escape sequence: backslash followed by 'q'" },
        { "\"\x01\"", "control character 0x01 in string" },
        { "\"\xc0\x80\"", "invalid UTF-8 byte 0xc0 in string" },
        { "\xff", "invalid UTF-8 byte 0xff" },
        { "tru ", "invalid literal 'tru'" },
        { "01", "invalid number: leading zero" },
        { "1. ", "invalid number: digit expected" },
        { "1e999 ", "number out of range" },
        { "{\"a\":1,\"a\":2}", "duplicate key 'a'" },
        { "{\"\xc3\xa9" "0123456789012345678901234567890123456789012345678901234567890123"
          "\":1,\"\xc3\xa9" "0123456789012345678901234567890123456789012345678901234567890123"
          "\":2}",
          "duplicate key '\xc3\xa9" "012345678901234567890123456789012345678901234567890123456789012...'" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = run_str(cases[i].in);
        g_autofree char *want = g_strdup_printf("E JSON parse error, %s\n",
                                                cases[i].msg);
        g_assert_cmpstr(got, ==, want);
    }
}

static void test_numbers(void)
{
    Log log;
    JsonStream *s;
    static const char in[] =
        "[0, -0, 123, -45, 9223372036854775807, -9223372036854775808, "
        "9223372036854775808, -9223372036854775809, 1.5, 1e3, 1E-2, -0.0, "
        "1e-400, 123456789012345678901234567890, 0.1e+2]";
    JsonArray *a;

    log_init(&log);
    s = json_stream_new(&callbacks, &log, NULL);
    json_stream_feed(s, in, strlen(in));
    g_assert_cmpuint(log.errors, ==, 0);
    g_assert_cmpuint(log.values->len, ==, 1);
    a = json_node_get_array(log.values->pdata[0]);
    g_assert_cmpint(json_array_get_int_element(a, 0), ==, 0);
    g_assert_cmpint(json_array_get_int_element(a, 1), ==, 0);
    g_assert_cmpint(json_array_get_int_element(a, 2), ==, 123);
    g_assert_cmpint(json_array_get_int_element(a, 3), ==, -45);
    g_assert_cmpint(json_array_get_int_element(a, 4), ==, G_MAXINT64);
    g_assert_cmpint(json_array_get_int_element(a, 5), ==, G_MININT64);
    g_assert_cmpint(json_node_get_value_type(json_array_get_element(a, 6)),
                    ==, G_TYPE_DOUBLE);
    g_assert_cmpfloat(json_array_get_double_element(a, 6), ==,
                      9223372036854775808.0);
    g_assert_cmpfloat(json_array_get_double_element(a, 7), ==,
                      -9223372036854775809.0);
    g_assert_cmpfloat(json_array_get_double_element(a, 8), ==, 1.5);
    g_assert_cmpint(json_node_get_value_type(json_array_get_element(a, 9)),
                    ==, G_TYPE_DOUBLE);
    g_assert_cmpfloat(json_array_get_double_element(a, 9), ==, 1000.0);
    g_assert_cmpfloat(json_array_get_double_element(a, 10), ==, 0.01);
    g_assert_cmpfloat(json_array_get_double_element(a, 11), ==, 0.0);
    g_assert_cmpfloat(json_array_get_double_element(a, 12), ==, 0.0);
    g_assert_cmpfloat(json_array_get_double_element(a, 13), ==, 1.2345678901234568e29);
    g_assert_cmpfloat(json_array_get_double_element(a, 14), ==, 10.0);
    json_stream_free(s);
    log_clear(&log);
}

static GString *nest(size_t depth, bool objects)
{
    GString *g = g_string_new(NULL);

    for (size_t i = 0; i < depth; i++) {
        g_string_append(g, objects ? "{\"a\":" : "[");
    }
    g_string_append(g, "1");
    for (size_t i = 0; i < depth; i++) {
        g_string_append_c(g, objects ? '}' : ']');
    }
    return g;
}

static void test_nesting(void)
{
    for (int objects = 0; objects <= 1; objects++) {
        g_autoptr(GString) ok = nest(1024, objects);
        g_autoptr(GString) deep = nest(1025, objects);
        g_autoptr(GString) very_deep = nest(200000, objects);
        g_autofree char *got = run(ok->str, ok->len, NULL);
        Log log;
        JsonStream *s;

        g_assert_true(g_str_has_prefix(got, "V "));
        g_assert_true(strchr(got, '\n') == got + strlen(got) - 1);

        log_init(&log);
        s = json_stream_new(&callbacks, &log, NULL);
        json_stream_feed(s, deep->str, deep->len);
        json_stream_feed(s, GOOD, strlen(GOOD));
        g_assert_cmpuint(log.errors, ==, 1);
        g_assert_cmpint(log.last_error, ==, JSON_STREAM_ERROR_LIMIT);
        g_assert_cmpstr(log.last_message, ==,
                        "JSON parse error, nesting too deep "
                        "(more than 1024 levels)");
        g_assert_cmpuint(log.events->len, ==, 2);
        g_assert_cmpstr(log.events->pdata[1], ==, GOOD_EVENT);

        /* Far past the limit: recovery costs no memory per level. */
        json_stream_feed(s, very_deep->str, very_deep->len);
        json_stream_feed(s, GOOD, strlen(GOOD));
        g_assert_cmpuint(log.errors, ==, 2);
        g_assert_cmpuint(log.events->len, ==, 4);
        g_assert_cmpstr(log.events->pdata[3], ==, GOOD_EVENT);
        json_stream_free(s);
        log_clear(&log);
    }
    {
        /* The limit is configurable. */
        JsonStreamLimits lim;
        g_autoptr(GString) three = nest(3, false);
        g_autoptr(GString) four = nest(4, false);
        g_autofree char *got3 = NULL;
        g_autofree char *got4 = NULL;

        json_stream_get_default_limits(&lim);
        lim.max_depth = 3;
        got3 = run(three->str, three->len, &lim);
        got4 = run(four->str, four->len, &lim);
        g_assert_cmpstr(got3, ==, "V [[[1]]]\n");
        g_assert_cmpstr(got4, ==, "E JSON parse error, nesting too deep "
                        "(more than 3 levels)\n");
    }
}

static void check_limit(const JsonStreamLimits *lim, const char *ok,
                        const char *too_big, const char *msg)
{
    g_autofree char *in_ok = g_strconcat(ok, " " GOOD, NULL);
    g_autofree char *in_bad = g_strconcat(too_big, " " GOOD, NULL);
    g_autofree char *got_ok = run(in_ok, strlen(in_ok), lim);
    g_autofree char *got_bad = run(in_bad, strlen(in_bad), lim);
    g_autofree char *want_bad = g_strdup_printf("E JSON parse error, %s\n"
                                                GOOD_EVENT "\n", msg);

    g_assert_true(g_str_has_prefix(got_ok, "V "));
    g_assert_true(g_str_has_suffix(got_ok, "\n" GOOD_EVENT "\n"));
    g_assert_null(strstr(got_ok, "E "));
    g_assert_cmpstr(got_bad, ==, want_bad);
    check_every_split(in_bad, strlen(in_bad), lim);
}

static void test_token_limit(void)
{
    JsonStreamLimits lim;
    const char *msg = "token too large (limit 16 bytes)";

    json_stream_get_default_limits(&lim);
    lim.max_token_size = 16;
    lim.max_message_size = 64;
    /* 16 bytes including the quotes */
    check_limit(&lim, "\"0123456789abcd\"", "\"0123456789abcde\"", msg);
    check_limit(&lim, "[\"0123456789abcd\"]", "[\"0123456789abcde\"]", msg);
    check_limit(&lim, "{\"0123456789abcd\":1}", "{\"0123456789abcde\":1}",
                msg);
    /* escapes count as written, not as decoded */
    check_limit(&lim, "'\\n\\n\\n\\n\\n\\n\\n'", "'\\n\\n\\n\\n\\n\\n\\n\\n'",
                msg);
    check_limit(&lim, "1234567890123456", "12345678901234567", msg);
    check_limit(&lim, "[-1.23456789e+10]", "[-1.234567890e+100]", msg);
}

static void test_token_limit_default(void)
{
    size_t max = JSON_STREAM_DEFAULT_MAX_TOKEN_SIZE;
    GString *ok = g_string_sized_new(max + 16);
    GString *bad;
    g_autofree char *got_ok = NULL;
    g_autofree char *got_bad = NULL;

    g_string_append(ok, "[\"");
    for (size_t i = 0; i < max - 2; i++) {
        g_string_append_c(ok, 'a' + i % 26);
    }
    g_string_append(ok, "\"]");
    bad = g_string_new_len(ok->str, ok->len);
    g_string_insert_c(bad, 2, 'z');
    g_string_append(bad, GOOD);
    got_ok = run(ok->str, ok->len, NULL);
    got_bad = run(bad->str, bad->len, NULL);
    g_assert_cmpuint(strlen(got_ok), ==, max + 5);  /* "V [" ... "]\n" */
    g_assert_cmpstr(got_bad, ==, "E JSON parse error, token too large "
                    "(limit 1048576 bytes)\n" GOOD_EVENT "\n");
    g_string_free(ok, TRUE);
    g_string_free(bad, TRUE);
}

/* @head, then @fill repeated up to @len bytes with @tail. */
static char *padded(const char *head, char fill, const char *tail, size_t len)
{
    GString *g = g_string_new(head);

    while (g->len + strlen(tail) < len) {
        g_string_append_c(g, fill);
    }
    g_string_append(g, tail);
    g_assert_cmpuint(g->len, ==, len);
    return g_string_free(g, FALSE);
}

static void test_message_limit(void)
{
    JsonStreamLimits lim;
    const char *msg = "message too large (limit 32 bytes)";
    static const struct {
        const char *head;
        char fill;
        const char *tail;
    } shapes[] = {
        { "{\"execute\": \"abc\", \"id\": ", '1', "}" },
        { "[1,", ' ', "2]" },                   /* whitespace counts */
        { "\"", 'x', "\"" },
        { "1", '2', "" },
        { "[[[[\"", 'y', "\"]]]]" },
    };

    json_stream_get_default_limits(&lim);
    lim.max_message_size = 32;
    for (size_t i = 0; i < G_N_ELEMENTS(shapes); i++) {
        g_autofree char *ok = padded(shapes[i].head, shapes[i].fill,
                                     shapes[i].tail, 32);
        g_autofree char *bad = padded(shapes[i].head, shapes[i].fill,
                                      shapes[i].tail, 33);
        check_limit(&lim, ok, bad, msg);
    }
}

/* The default limit holds without buffering: 64 MiB of whitespace. */
static void test_message_limit_default(void)
{
    size_t chunk = 1 << 20;
    g_autofree char *spaces = g_malloc(chunk);
    Log log;
    JsonStream *s;

    memset(spaces, ' ', chunk);
    log_init(&log);
    s = json_stream_new(&callbacks, &log, NULL);

    json_stream_feed(s, "[", 1);
    for (size_t i = 0; i < 63; i++) {
        json_stream_feed(s, spaces, chunk);
    }
    json_stream_feed(s, spaces, chunk - 2);
    json_stream_feed(s, "]", 1);       /* exactly 64 MiB: fine */
    g_assert_cmpuint(log.errors, ==, 0);
    g_assert_cmpuint(log.values->len, ==, 1);

    json_stream_feed(s, "[", 1);
    for (size_t i = 0; i < 64; i++) {
        json_stream_feed(s, spaces, chunk);
    }
    json_stream_feed(s, "]" GOOD, 1 + strlen(GOOD));
    g_assert_cmpuint(log.errors, ==, 1);
    g_assert_cmpstr(log.last_message, ==, "JSON parse error, message "
                    "too large (limit 67108864 bytes)");
    g_assert_cmpuint(log.values->len, ==, 2);
    g_assert_cmpstr(log.events->pdata[2], ==, GOOD_EVENT);
    json_stream_free(s);
    log_clear(&log);
}

static void test_token_count_limit(void)
{
    JsonStreamLimits lim;

    json_stream_get_default_limits(&lim);
    lim.max_tokens = 9;
    check_limit(&lim, "[1,2,3,4]", "[1,2,3,4,5]",
                "too many tokens in message (limit 9)");
    check_limit(&lim, "{\"a\":[1,2]}", "{\"a\":[1,2,3]}",
                "too many tokens in message (limit 9)");
}

static void test_value_kind(void)
{
    Log log;
    JsonStream *s;
    static const char in[] = "{} [] \"s\" 1 2.5 true null ";
    static const char *const kinds[] = {
        "object", "array", "string", "number", "number", "boolean", "null",
    };

    log_init(&log);
    s = json_stream_new(&callbacks, &log, NULL);
    json_stream_feed(s, in, strlen(in));
    g_assert_cmpuint(log.values->len, ==, G_N_ELEMENTS(kinds));
    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
        g_assert_cmpstr(json_stream_value_kind(log.values->pdata[i]), ==,
                        kinds[i]);
        g_assert_true(json_stream_value_is_object(log.values->pdata[i]) ==
                      (i == 0));
    }
    json_stream_free(s);
    log_clear(&log);
}

/* Linear time: big inputs of several shapes finish quickly. */
static void test_large_inputs(void)
{
    GString *g = g_string_new(NULL);
    Log log;
    JsonStream *s;
    gint64 start = g_get_monotonic_time();
    size_t n = 400000;

    g_string_append_c(g, '[');
    for (size_t i = 0; i < n; i++) {
        g_string_append(g, i ? ",1" : "1");
    }
    g_string_append(g, "] {");
    for (size_t i = 0; i < n / 4; i++) {
        g_string_append_printf(g, "%s\"k%zu\":{}", i ? "," : "", i);
    }
    g_string_append(g, "} [\"");
    for (size_t i = 0; i < 90000; i++) {
        g_string_append(g, "\\u00e9\xc3\xa9xyz");     /* 11 bytes */
    }
    g_string_append(g, "\"]");

    log_init(&log);
    s = json_stream_new(&callbacks, &log, NULL);
    for (size_t off = 0; off < g->len; off += 4093) {
        json_stream_feed(s, g->str + off, MIN(4093, g->len - off));
    }
    g_assert_cmpuint(log.errors, ==, 0);
    g_assert_cmpuint(log.values->len, ==, 3);
    g_assert_cmpuint(json_array_get_length(
                         json_node_get_array(log.values->pdata[0])), ==, n);
    g_assert_cmpuint(json_object_get_size(
                         json_node_get_object(log.values->pdata[1])), ==, n / 4);
    json_stream_free(s);
    log_clear(&log);
    g_string_free(g, TRUE);
    /* Generous: about a second on a slow machine under valgrind is fine,
     * quadratic behaviour would take minutes. */
    g_assert_cmpint(g_get_monotonic_time() - start, <, 60 * G_USEC_PER_SEC);
}

/* An object repeating one key many times must cost linear time too. */
static void test_many_duplicate_keys(void)
{
    GString *g = g_string_new("{");
    g_autofree char *got = NULL;

    for (size_t i = 0; i < 200000; i++) {
        g_string_append_printf(g, "\"k%zu\":1,", i);
    }
    for (size_t i = 0; i < 200000; i++) {
        g_string_append(g, "\"k0\":1,");
    }
    g_string_append(g, "\"z\":1}" GOOD);
    got = run(g->str, g->len, NULL);
    g_assert_cmpstr(got, ==, "E JSON parse error, duplicate key 'k0'\n"
                    GOOD_EVENT "\n");
    g_string_free(g, TRUE);
}

/* A callback may reset the stream (a monitor whose client went away while
 * its reply was written): the rest of that input is dropped, and the
 * stream reads the next input from a clean state. */
static JsonStream *resetting_stream;

static void reset_on_value(void *opaque, JsonNode *value)
{
    on_value(opaque, value);
    json_stream_reset(resetting_stream);
}

static void test_reset_from_callback(void)
{
    static const JsonStreamCallbacks cb = {
        .value = reset_on_value,
        .error = on_error,
    };
    Log log;

    log_init(&log);
    resetting_stream = json_stream_new(&cb, &log, NULL);
    json_stream_feed(resetting_stream, GOOD GOOD "{\"partial\": ",
                     2 * strlen(GOOD) + 12);
    g_assert_cmpuint(log.values->len, ==, 1);
    g_assert_true(json_stream_is_idle(resetting_stream));
    json_stream_feed(resetting_stream, GOOD, strlen(GOOD));
    g_assert_cmpuint(log.values->len, ==, 2);
    g_assert_cmpuint(log.errors, ==, 0);
    json_stream_free(resetting_stream);
    log_clear(&log);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-reader/simple", test_simple);
    g_test_add_func("/json-reader/several-in-one-feed", test_several_in_one_feed);
    g_test_add_func("/json-reader/split-everywhere", test_split_everywhere);
    g_test_add_func("/json-reader/scalars-at-top-level",
                    test_scalars_at_top_level);
    g_test_add_func("/json-reader/finish-and-reset", test_finish);
    g_test_add_func("/json-reader/escapes", test_escapes);
    g_test_add_func("/json-reader/utf8-valid", test_utf8_valid);
    g_test_add_func("/json-reader/utf8-invalid", test_utf8_invalid);
    g_test_add_func("/json-reader/control-bytes", test_control_bytes);
    g_test_add_func("/json-reader/malformed-battery", test_malformed_battery);
    g_test_add_func("/json-reader/broken-message-leaks-nothing",
                    test_nothing_leaks_from_broken_message);
    g_test_add_func("/json-reader/reset-bytes", test_reset_bytes);
    g_test_add_func("/json-reader/unbalanced-waits-for-reset",
                    test_unbalanced_waits_for_reset);
    g_test_add_func("/json-reader/error-messages", test_error_messages);
    g_test_add_func("/json-reader/numbers", test_numbers);
    g_test_add_func("/json-reader/nesting", test_nesting);
    g_test_add_func("/json-reader/limit/token", test_token_limit);
    g_test_add_func("/json-reader/limit/token-default", test_token_limit_default);
    g_test_add_func("/json-reader/limit/message", test_message_limit);
    g_test_add_func("/json-reader/limit/message-default",
                    test_message_limit_default);
    g_test_add_func("/json-reader/limit/token-count", test_token_count_limit);
    g_test_add_func("/json-reader/value-kind", test_value_kind);
    g_test_add_func("/json-reader/reset-from-callback",
                    test_reset_from_callback);
    g_test_add_func("/json-reader/large-inputs", test_large_inputs);
    g_test_add_func("/json-reader/many-duplicate-keys",
                    test_many_duplicate_keys);
    return g_test_run();
}
