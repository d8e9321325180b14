/*
 * Small helpers shared by the QAPI unit tests.
 */
#ifndef TEST_QAPI_UTIL_H
#define TEST_QAPI_UTIL_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include "qapi/error.h"

static inline JsonNode *parse_json(const char *text)
{
    GError *gerr = NULL;
    JsonNode *node = json_from_string(text, &gerr);

    g_assert_no_error(gerr);
    g_assert_nonnull(node);
    return node;
}

static inline char *json_str(JsonNode *node)
{
    return json_to_string(node, FALSE);
}

/* Assert err is set with exactly this message, and free it. */
#define assert_error(err, msg) do {                             \
        g_assert_nonnull(err);                                  \
        g_assert_cmpstr(error_get_pretty(err), ==, (msg));      \
        error_free(err);                                        \
        (err) = NULL;                                           \
    } while (0)

#endif
