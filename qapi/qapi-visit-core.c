/*
 * The visitor interface: dispatch to the implementation's callbacks, plus
 * what every visitor shares (integer ranges, enums as strings).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "qapi/visitor-impl.h"

bool visit_start_struct(Visitor *v, const char *name, void **obj,
                        size_t size, Error **errp)
{
    if (obj && v->type != VISITOR_INPUT) {
        /* Output and dealloc never allocate. */
        g_assert(size);
    }
    return v->start_struct(v, name, obj, size, errp);
}

bool visit_check_struct(Visitor *v, Error **errp)
{
    return v->check_struct ? v->check_struct(v, errp) : true;
}

void visit_end_struct(Visitor *v, void **obj)
{
    v->end_struct(v, obj);
}

bool visit_start_list(Visitor *v, const char *name, GenericList **list,
                      size_t size, Error **errp)
{
    g_assert(!list || size >= sizeof(GenericList));
    return v->start_list(v, name, list, size, errp);
}

GenericList *visit_next_list(Visitor *v, GenericList *tail, size_t size)
{
    g_assert(tail && size >= sizeof(GenericList));
    return v->next_list(v, tail, size);
}

bool visit_check_list(Visitor *v, Error **errp)
{
    return v->check_list ? v->check_list(v, errp) : true;
}

void visit_end_list(Visitor *v, void **obj)
{
    v->end_list(v, obj);
}

bool visit_optional(Visitor *v, const char *name, bool *present)
{
    if (v->optional) {
        return v->optional(v, name, present);
    }
    return *present;
}

bool visit_start_alternate(Visitor *v, const char *name,
                           GenericAlternate **obj, size_t size,
                           unsigned accepted, Error **errp)
{
    bool ok = true;

    g_assert(obj && size >= sizeof(GenericAlternate));
    if (v->start_alternate) {
        ok = v->start_alternate(v, name, obj, size, accepted, errp);
    }
    if (v->type == VISITOR_INPUT) {
        g_assert(ok == !!*obj);
    }
    return ok;
}

void visit_end_alternate(Visitor *v, void **obj)
{
    if (v->end_alternate) {
        v->end_alternate(v, obj);
    }
}

struct QNull {
    char unused;
};

QNull *qnull(void)
{
    static QNull the_null;

    return &the_null;
}

bool visit_type_null(Visitor *v, const char *name, QNull **obj,
                     Error **errp)
{
    return v->type_null(v, name, obj, errp);
}

bool visit_is_input(Visitor *v)
{
    return v->type == VISITOR_INPUT;
}

bool visit_is_dealloc(Visitor *v)
{
    return v->type == VISITOR_DEALLOC;
}

void visit_complete(Visitor *v, void *opaque)
{
    g_assert(v->type != VISITOR_OUTPUT || v->complete);
    if (v->complete) {
        v->complete(v, opaque);
    }
}

void visit_free(Visitor *v)
{
    if (v) {
        v->free(v);
    }
}

bool visit_type_int64(Visitor *v, const char *name, int64_t *obj,
                      Error **errp)
{
    return v->type_int64(v, name, obj, errp);
}

bool visit_type_int(Visitor *v, const char *name, int64_t *obj,
                    Error **errp)
{
    return v->type_int64(v, name, obj, errp);
}

static bool visit_type_intN(Visitor *v, const char *name, int64_t *value,
                            int64_t min, int64_t max, const char *type,
                            Error **errp)
{
    if (!v->type_int64(v, name, value, errp)) {
        return false;
    }
    if (*value < min || *value > max) {
        error_setg(errp, "Parameter '%s' expects %s", name ? name : "null",
                   type);
        return false;
    }
    return true;
}

static bool visit_type_uintN(Visitor *v, const char *name, uint64_t *value,
                             uint64_t max, const char *type, Error **errp)
{
    if (!v->type_uint64(v, name, value, errp)) {
        return false;
    }
    if (*value > max) {
        error_setg(errp, "Parameter '%s' expects %s", name ? name : "null",
                   type);
        return false;
    }
    return true;
}

#define VISIT_INT(bits)                                                   \
bool visit_type_int##bits(Visitor *v, const char *name, int##bits##_t *obj, \
                          Error **errp)                                   \
{                                                                         \
    int64_t value = *obj;                                                 \
                                                                          \
    if (!visit_type_intN(v, name, &value, INT##bits##_MIN,                \
                         INT##bits##_MAX, "int" #bits, errp)) {           \
        return false;                                                     \
    }                                                                     \
    *obj = value;                                                         \
    return true;                                                          \
}

#define VISIT_UINT(bits)                                                  \
bool visit_type_uint##bits(Visitor *v, const char *name,                  \
                           uint##bits##_t *obj, Error **errp)             \
{                                                                         \
    uint64_t value = *obj;                                                \
                                                                          \
    if (!visit_type_uintN(v, name, &value, UINT##bits##_MAX,              \
                          "uint" #bits, errp)) {                          \
        return false;                                                     \
    }                                                                     \
    *obj = value;                                                         \
    return true;                                                          \
}

VISIT_INT(8)
VISIT_INT(16)
VISIT_INT(32)
VISIT_UINT(8)
VISIT_UINT(16)
VISIT_UINT(32)

bool visit_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                       Error **errp)
{
    return v->type_uint64(v, name, obj, errp);
}

bool visit_type_size(Visitor *v, const char *name, uint64_t *obj,
                     Error **errp)
{
    if (v->type_size) {
        return v->type_size(v, name, obj, errp);
    }
    return v->type_uint64(v, name, obj, errp);
}

bool visit_type_bool(Visitor *v, const char *name, bool *obj, Error **errp)
{
    return v->type_bool(v, name, obj, errp);
}

bool visit_type_str(Visitor *v, const char *name, char **obj, Error **errp)
{
    bool ok;

    g_assert(obj);
    ok = v->type_str(v, name, obj, errp);
    if (v->type == VISITOR_INPUT) {
        g_assert(ok == !!*obj);
    }
    return ok;
}

bool visit_type_number(Visitor *v, const char *name, double *obj,
                       Error **errp)
{
    return v->type_number(v, name, obj, errp);
}

bool visit_type_any(Visitor *v, const char *name, JsonNode **obj,
                    Error **errp)
{
    bool ok;

    g_assert(obj);
    ok = v->type_any(v, name, obj, errp);
    if (v->type == VISITOR_INPUT) {
        g_assert(ok == !!*obj);
    }
    return ok;
}

bool visit_type_enum(Visitor *v, const char *name, int *obj,
                     const QEnumLookup *lookup, Error **errp)
{
    char *str = NULL;
    int i;

    switch (v->type) {
    case VISITOR_INPUT:
        if (!v->type_str(v, name, &str, errp)) {
            return false;
        }
        for (i = 0; i < lookup->size; i++) {
            if (!strcmp(str, lookup->array[i])) {
                break;
            }
        }
        if (i == lookup->size) {
            error_setg(errp, "Parameter '%s' does not accept value '%s'",
                       name ? name : "null", str);
            g_free(str);
            return false;
        }
        g_free(str);
        *obj = i;
        return true;
    case VISITOR_OUTPUT:
        if (*obj < 0 || *obj >= lookup->size) {
            error_setg(errp, "enum value %d out of range for '%s'", *obj,
                       name ? name : "null");
            return false;
        }
        str = (char *)lookup->array[*obj];
        return v->type_str(v, name, &str, errp);
    default:
        return true;
    }
}
