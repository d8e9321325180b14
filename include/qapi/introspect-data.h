/*
 * Reading the generated introspection text (PREFIXqapi-introspect.c).
 *
 * The generator writes every element of every JSON array and object with
 * a trailing comma, so that conditional elements can be compiled out
 * with #if (see scripts/qapi/gen_introspect.py).  This is the only reader
 * of that text: it drops those commas and parses the rest.
 */
#ifndef QAPI_INTROSPECT_DATA_H
#define QAPI_INTROSPECT_DATA_H

#include <json-glib/json-glib.h>

/* The parsed value; the text is generated, so failing is a build bug. */
JsonNode *qapi_introspection_parse(const char *text);

#endif
