/*
 * query-qmp-schema: serves the generated introspection text, parsed once.
 */
#include "qapi/qmp-introspect.h"
#include "qapi/qapi-introspect.h"
#include "qapi/introspect-data.h"

JsonNode *qapi_introspection(void)
{
    static JsonNode *schema;

    if (!schema) {
        schema = qapi_introspection_parse(qapi_schema_json);
    }
    /* A new node sharing the (never modified) array: no deep copy. */
    return json_node_copy(schema);
}

void qmp_query_qmp_schema(JsonObject *args, JsonNode **ret, Error **errp)
{
    if (json_object_get_size(args)) {
        GList *keys = json_object_get_members(args);

        error_setg(errp, "Parameter '%s' is unexpected",
                   (const char *)keys->data);
        g_list_free(keys);
        return;
    }
    *ret = qapi_introspection();
}
