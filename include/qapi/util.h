/*
 * Small helpers shared by the generated code and its users: enum lookup
 * tables and the string conversions the command line needs (booleans,
 * sizes with suffixes, integers).
 */
#ifndef QAPI_UTIL_H
#define QAPI_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include "qapi/error.h"

/* Bits of QmpCommand.special_features and QEnumLookup.special_features. */
enum {
    QAPI_DEPRECATED = 1 << 0,
    QAPI_UNSTABLE = 1 << 1,
};

/* The generated table behind each enum: names indexed by value. */
typedef struct QEnumLookup {
    const char *const *array;
    const unsigned char *special_features;   /* may be NULL */
    const int size;
} QEnumLookup;

/*
 * The JSON type of a value, as alternates tell their branches apart: the
 * schema's predefined enum QType.  It lives here rather than in generated
 * code because the runtime's alternate support needs it.
 */
typedef enum QType {
    QTYPE_NONE,       /* no value: never a branch */
    QTYPE_QNULL,
    QTYPE_QNUM,       /* integers and floating-point numbers alike */
    QTYPE_QSTRING,
    QTYPE_QDICT,
    QTYPE_QLIST,
    QTYPE_QBOOL,
    QTYPE__MAX,
} QType;

extern const QEnumLookup QType_lookup;
#define QType_str(val) qapi_enum_lookup(&QType_lookup, (val))

/* The name of val; val must be in range (asserted). */
const char *qapi_enum_lookup(const QEnumLookup *lookup, int val);
/*
 * The value named buf.  buf NULL returns def; an unknown name sets
 * "Invalid parameter value: 'buf'"-style error and returns def.
 */
int qapi_enum_parse(const QEnumLookup *lookup, const char *buf, int def,
                    Error **errp);

/* on/off, yes/no, true/false (as the command line has always accepted). */
bool qapi_bool_parse(const char *name, const char *value, bool *obj,
                     Error **errp);
/* Parse a string strictly: the whole string, no overflow; base 0. */
/* QEMU's rule for user ids (netdevs, devices): a letter, then letters,
 * digits, '-', '.' and '_'. */
bool id_wellformed(const char *id);

bool qapi_str_to_int64(const char *str, int64_t *result);
bool qapi_str_to_uint64(const char *str, uint64_t *result);
/*
 * A byte count, by QEMU 7.2's rule (qemu_strtosz):
 *   12345          bytes (decimal)
 *   0x7fEE         bytes (hexadecimal; no fraction)
 *   12345{B,K,M,G,T,P,E}   scaled by 1024^n, either case
 *   1.5G, 0.5k, 1.k        a decimal fraction, with a unit above B;
 *                          the result is truncated to whole bytes
 * No sign, blanks or exponents; rejects overflow.  "1.5" and "1.5B" are
 * errors (a fraction of a byte); "-m" adds its own default unit on top.
 */
bool qapi_str_to_size(const char *str, uint64_t *result);

#endif
