/*
 * query-qmp-schema: the schema as QEMU's introspection format describes it
 * (a JSON array of SchemaInfo, see qapi/introspect.json).  Type names are
 * not masked.  The command is 'gen': false; the monitor registers
 * qmp_query_qmp_schema itself.
 */
#ifndef QAPI_QMP_INTROSPECT_H
#define QAPI_QMP_INTROSPECT_H

#include <json-glib/json-glib.h>
#include "qapi/error.h"

/* A new reference to the parsed introspection value (a JSON array). */
JsonNode *qapi_introspection(void);
void qmp_query_qmp_schema(JsonObject *args, JsonNode **ret, Error **errp);

#endif
