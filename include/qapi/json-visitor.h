/*
 * Visitors between QAPI C values and JSON values (json-glib JsonNode).
 *
 * Input comes in two flavours that share one implementation:
 * - json_input_visitor_new(): QMP.  Values must have the JSON type the
 *   schema says (a string for 'str', a number for 'int', ...).
 * - json_input_visitor_new_keyval(): the command line.  The tree comes
 *   from keyval_parse() and every scalar is a string, converted here per
 *   schema type: integers (decimal, 0x hex), sizes with suffixes, and
 *   on/off/yes/no/true/false booleans.  A repeated key holds a list of
 *   strings; where the schema expects a list that becomes its elements,
 *   where it expects a scalar the last one wins.  A scalar given where a
 *   single-member struct is expected fills that member (hostfwd=... for a
 *   list of String).
 *
 * Error wording follows QEMU's, which clients and scripts match on:
 *   Parameter 'X' is missing / Invalid parameter type for 'X', expected: T
 *   Parameter 'X' expects T / Parameter 'X' is unexpected (QMP)
 *   Invalid parameter 'X' (command line)
 * Names of nested members are given in full ("hostfwd[1].str").
 *
 * The input visitors take their own reference to root.
 */
#ifndef QAPI_JSON_VISITOR_H
#define QAPI_JSON_VISITOR_H

#include <json-glib/json-glib.h>
#include "qapi/visitor.h"

Visitor *json_input_visitor_new(JsonNode *root);
Visitor *json_input_visitor_new_keyval(JsonNode *root);
/* A convenience for command arguments: obj NULL means no arguments. */
Visitor *json_input_visitor_new_object(JsonObject *obj);

/* visit_complete(v, &node) stores a new reference in *result. */
Visitor *json_output_visitor_new(JsonNode **result);

#endif
