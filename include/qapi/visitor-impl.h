/*
 * What a visitor implementation provides: a table of callbacks embedded at
 * the start of its own state.  Only qapi/ code includes this header.
 * Optional callbacks may be NULL: type_size falls back to type_uint64,
 * check_struct/check_list succeed, optional reports *present unchanged,
 * start_alternate/end_alternate do nothing (only input visitors need to
 * look at the value first; see visit_start_alternate()).
 */
#ifndef QAPI_VISITOR_IMPL_H
#define QAPI_VISITOR_IMPL_H

#include "qapi/visitor.h"

typedef enum VisitorType {
    VISITOR_INPUT = 1,
    VISITOR_OUTPUT = 2,
    VISITOR_DEALLOC = 4,
} VisitorType;

struct Visitor {
    VisitorType type;
    bool (*start_struct)(Visitor *v, const char *name, void **obj,
                         size_t size, Error **errp);
    bool (*check_struct)(Visitor *v, Error **errp);
    void (*end_struct)(Visitor *v, void **obj);
    bool (*start_list)(Visitor *v, const char *name, GenericList **list,
                       size_t size, Error **errp);
    GenericList *(*next_list)(Visitor *v, GenericList *tail, size_t size);
    bool (*check_list)(Visitor *v, Error **errp);
    void (*end_list)(Visitor *v, void **list);
    bool (*type_int64)(Visitor *v, const char *name, int64_t *obj,
                       Error **errp);
    bool (*type_uint64)(Visitor *v, const char *name, uint64_t *obj,
                        Error **errp);
    bool (*type_size)(Visitor *v, const char *name, uint64_t *obj,
                      Error **errp);
    bool (*type_bool)(Visitor *v, const char *name, bool *obj, Error **errp);
    bool (*type_str)(Visitor *v, const char *name, char **obj, Error **errp);
    bool (*type_number)(Visitor *v, const char *name, double *obj,
                        Error **errp);
    bool (*type_any)(Visitor *v, const char *name, JsonNode **obj,
                     Error **errp);
    bool (*optional)(Visitor *v, const char *name, bool *present);
    bool (*start_alternate)(Visitor *v, const char *name,
                            GenericAlternate **obj, size_t size,
                            unsigned accepted, Error **errp);
    void (*end_alternate)(Visitor *v, void **obj);
    bool (*type_null)(Visitor *v, const char *name, QNull **obj,
                      Error **errp);
    void (*complete)(Visitor *v, void *opaque);
    void (*free)(Visitor *v);
};

#endif
