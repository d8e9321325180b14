/*
 * Reading the generated introspection text: see qapi/introspect-data.h.
 */
#include <stdbool.h>
#include <string.h>
#include "qapi/introspect-data.h"

/* text without a ',' (and blanks) directly before ']' or '}'. */
static char *drop_trailing_commas(const char *text)
{
    GString *out = g_string_sized_new(strlen(text));
    bool in_string = false;

    for (const char *p = text; *p; p++) {
        if (in_string) {
            g_string_append_c(out, *p);
            if (*p == '\\' && p[1]) {
                g_string_append_c(out, *++p);
            } else if (*p == '"') {
                in_string = false;
            }
            continue;
        }
        if (*p == ',') {
            const char *q = p + 1;

            while (*q == ' ') {
                q++;
            }
            if (*q == ']' || *q == '}') {
                continue;
            }
        }
        in_string = *p == '"';
        g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

JsonNode *qapi_introspection_parse(const char *text)
{
    g_autofree char *json = drop_trailing_commas(text);
    GError *gerr = NULL;
    JsonNode *node = json_from_string(json, &gerr);

    g_assert_no_error(gerr);
    return node;
}
