/*
 * Enum lookup and the string conversions of the command line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "qapi/util.h"

const QEnumLookup QType_lookup = {
    .array = (const char *const[]) {
        [QTYPE_NONE] = "none",
        [QTYPE_QNULL] = "qnull",
        [QTYPE_QNUM] = "qnum",
        [QTYPE_QSTRING] = "qstring",
        [QTYPE_QDICT] = "qdict",
        [QTYPE_QLIST] = "qlist",
        [QTYPE_QBOOL] = "qbool",
    },
    .size = QTYPE__MAX,
};

const char *qapi_enum_lookup(const QEnumLookup *lookup, int val)
{
    g_assert(val >= 0 && val < lookup->size);
    return lookup->array[val];
}

int qapi_enum_parse(const QEnumLookup *lookup, const char *buf, int def,
                    Error **errp)
{
    int i;

    if (!buf) {
        return def;
    }
    for (i = 0; i < lookup->size; i++) {
        if (!strcmp(buf, lookup->array[i])) {
            return i;
        }
    }
    error_setg(errp, "invalid parameter value: %s", buf);
    return def;
}

bool qapi_bool_parse(const char *name, const char *value, bool *obj,
                     Error **errp)
{
    if (!strcmp(value, "on") || !strcmp(value, "yes") ||
        !strcmp(value, "true") || !strcmp(value, "y")) {
        *obj = true;
        return true;
    }
    if (!strcmp(value, "off") || !strcmp(value, "no") ||
        !strcmp(value, "false") || !strcmp(value, "n")) {
        *obj = false;
        return true;
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
    return false;
}

bool qapi_str_to_int64(const char *str, int64_t *result)
{
    char *end;
    long long val;

    if (!str || !*str || g_ascii_isspace(*str)) {
        return false;
    }
    errno = 0;
    val = strtoll(str, &end, 0);
    if (errno || *end) {
        return false;
    }
    *result = val;
    return true;
}

bool qapi_str_to_uint64(const char *str, uint64_t *result)
{
    char *end;
    unsigned long long val;

    /* strtoull() would quietly negate "-1"; a count is never negative. */
    if (!str || !*str || g_ascii_isspace(*str) || *str == '-') {
        return false;
    }
    errno = 0;
    val = strtoull(str, &end, 0);
    if (errno || *end) {
        return false;
    }
    *result = val;
    return true;
}

/* The multiplier a size suffix stands for, or 0 for no suffix. */
static uint64_t size_suffix(char c)
{
    static const char suffixes[] = "BKMGTPE";
    const char *s = c ? strchr(suffixes, g_ascii_toupper(c)) : NULL;

    return s ? UINT64_C(1) << (10 * (s - suffixes)) : 0;
}

bool qapi_str_to_size(const char *str, uint64_t *result)
{
    const char *p = str;
    char *end;
    uint64_t val, mul, extra = 0;
    double frac = 0;
    bool hex;

    if (!str || !g_ascii_isdigit(*str)) {
        return false;               /* no sign, no blank, no bare '.' */
    }
    hex = str[0] == '0' && (str[1] == 'x' || str[1] == 'X');
    errno = 0;
    val = strtoull(str, &end, hex ? 16 : 10);
    if (errno || (hex && end == str + 2)) {
        return false;
    }
    p = end;
    if (*p == '.') {
        const char *digits = ++p;

        if (hex) {
            return false;           /* no fractional hex */
        }
        while (g_ascii_isdigit(*p)) {
            p++;
        }
        if (p > digits) {
            g_autofree char *f = g_strndup(digits - 1, p - digits + 1);

            frac = g_ascii_strtod(f, NULL);
        }
    }
    mul = size_suffix(*p);
    if (mul) {
        p++;
    } else {
        mul = 1;
    }
    if (*p || (frac != 0 && mul == 1)) {
        return false;               /* a fraction needs a unit above B */
    }
    if (val > UINT64_MAX / mul) {
        return false;
    }
    val *= mul;
    if (frac != 0) {
        double bytes = frac * (double)mul;      /* truncated to a byte */

        if (bytes >= (double)(UINT64_MAX - val)) {
            return false;
        }
        extra = (uint64_t)bytes;
    }
    *result = val + extra;
    return true;
}

bool id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}
