/*
 * key=value,key2=value2 parsing, as QEMU's command line does it.
 *
 * The result is a tree of JSON values in which every scalar is a string;
 * hand it to json_input_visitor_new_keyval() to get a QAPI C value, which
 * converts the strings per schema type.  Syntax:
 *
 *   params  := [ param { ',' param } ] [ ',' ]
 *   param   := key '=' value | implied-value | 'help' | '?'
 *   key     := fragment { '.' fragment }     fragment: [A-Za-z0-9_-]+
 *   value   := any characters; ',,' stands for a literal ','
 *
 * - Dotted keys nest: "a.b=1" gives {"a": {"b": "1"}}.  Where all keys of
 *   an object are 0, 1, ..., n-1 it becomes a list: "a.0=x,a.1=y".
 * - A repeated key collects its values in a list of strings
 *   ("hostfwd=...,hostfwd=..."); the visitor makes it a list or lets the
 *   last value win, as the schema type requires.
 * - implied_key: the first parameter may omit "key=", as in
 *   "bridge,id=n1" meaning "type=bridge,id=n1".
 * - p_help: "help" or "?" as a parameter sets *p_help (with "TYPE,help"
 *   the type is kept); with p_help NULL they are errors.
 *
 * Errors use QEMU's wording: "Invalid parameter 'KEY'",
 * "Expected '=' after parameter 'KEY'", "Parameter 'KEY' is missing",
 * "Parameters 'KEY.*' used inconsistently".
 */
#ifndef UTIL_KEYVAL_H
#define UTIL_KEYVAL_H

#include <stdbool.h>
#include <json-glib/json-glib.h>
#include "qapi/error.h"

/* A new JSON object node, or NULL with errp set. */
JsonNode *keyval_parse(const char *params, const char *implied_key,
                       bool *p_help, Error **errp);

/*
 * The string value of OBJ's member KEY (the last one where the key was
 * repeated), or NULL when there is none or it is not a scalar.
 */
const char *keyval_get_string(JsonObject *obj, const char *key);

/*
 * For options whose keys are properties of something chosen at run time
 * (a machine's, an accelerator's, a chardev back-end's): the same parse,
 * flattened to a table of key -> string.  A repeated key keeps its last
 * value (as the visitor does); a dotted key is an error, "Parameter 'KEY'
 * expects a scalar value".
 */
GHashTable *keyval_parse_strings(const char *params, const char *implied_key,
                                 bool *p_help, Error **errp);

/* Every key of OPTS (from the above) is one of KEYS (NULL-terminated);
 * otherwise "Invalid parameter 'KEY'". */
bool keyval_check_keys(GHashTable *opts, const char *const *keys,
                       Error **errp);

/*
 * The same table from either of QEMU's forms of an option that takes
 * both: key=value text, or a JSON object when PARAMS starts with '{'
 * (-object, -audiodev).  JSON scalars become their text (true/false as
 * on/off, numbers in decimal); nested values are errors as above, and
 * "help" has no meaning in JSON.
 */
GHashTable *keyval_or_json_strings(const char *params,
                                   const char *implied_key, bool *p_help,
                                   Error **errp);

#endif
