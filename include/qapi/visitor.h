/*
 * Visitors: one walk over a QAPI value serves every conversion.
 *
 * The generated visit_type_T() functions describe a type as a sequence of
 * calls (start a struct, visit each member, end it).  What those calls do
 * depends on the visitor behind them:
 *   - input visitors build a C value from a JSON value (QMP) or from a
 *     key=value tree (command line), allocating as they go;
 *   - the output visitor turns a C value into a JSON value;
 *   - the dealloc visitor frees a C value (this is how qapi_free_T works).
 *
 * Rules for callers:
 * - visit_type_T(v, name, &obj, errp) returns false on failure.  An input
 *   visitor then leaves obj NULL (anything partly built is freed).
 * - name is the member name inside a struct, ignored at the top level and
 *   inside lists (pass NULL there).
 * - Finish an output visit with visit_complete() before visit_free().
 * - Optional members: visit_optional() says whether to visit them; on
 *   input it reports presence, on output it obeys *present.
 */
#ifndef QAPI_VISITOR_H
#define QAPI_VISITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-glib/json-glib.h>
#include "qapi/error.h"
#include "qapi/util.h"

typedef struct Visitor Visitor;

/* Every generated list type starts like this. */
typedef struct GenericList {
    struct GenericList *next;
    char padding[];
} GenericList;

/* Every generated alternate starts like this. */
typedef struct GenericAlternate {
    QType type;
    char padding[];
} GenericAlternate;

/*
 * The C value of the built-in type 'null': there is only one, qnull().
 * Nothing owns it; freeing a QAPI value just forgets the pointer.
 */
typedef struct QNull QNull;
QNull *qnull(void);

/* Structs: obj may be NULL to visit the members of a caller-owned struct. */
bool visit_start_struct(Visitor *v, const char *name, void **obj,
                        size_t size, Error **errp);
/* Input: fails when members were left unvisited (unknown parameters). */
bool visit_check_struct(Visitor *v, Error **errp);
void visit_end_struct(Visitor *v, void **obj);

bool visit_start_list(Visitor *v, const char *name, GenericList **list,
                      size_t size, Error **errp);
GenericList *visit_next_list(Visitor *v, GenericList *tail, size_t size);
bool visit_check_list(Visitor *v, Error **errp);
void visit_end_list(Visitor *v, void **list);

bool visit_optional(Visitor *v, const char *name, bool *present);

/*
 * Alternates.  An input visitor allocates *obj (size bytes) and sets
 * (*obj)->type to the QType of the value named name; the generated code
 * then visits the branch of that type under the same name.  accepted is
 * the set of QTypes the branches take (1u << QTYPE_...): on the command
 * line every scalar is a string, and the visitor uses it to decide
 * whether "5" is a number or a string.  Output and dealloc visitors
 * leave *obj alone; visit_end_alternate() of a dealloc visitor frees it.
 */
bool visit_start_alternate(Visitor *v, const char *name,
                           GenericAlternate **obj, size_t size,
                           unsigned accepted, Error **errp);
void visit_end_alternate(Visitor *v, void **obj);

bool visit_type_int(Visitor *v, const char *name, int64_t *obj,
                    Error **errp);
bool visit_type_int8(Visitor *v, const char *name, int8_t *obj,
                     Error **errp);
bool visit_type_int16(Visitor *v, const char *name, int16_t *obj,
                      Error **errp);
bool visit_type_int32(Visitor *v, const char *name, int32_t *obj,
                      Error **errp);
bool visit_type_int64(Visitor *v, const char *name, int64_t *obj,
                      Error **errp);
bool visit_type_uint8(Visitor *v, const char *name, uint8_t *obj,
                      Error **errp);
bool visit_type_uint16(Visitor *v, const char *name, uint16_t *obj,
                       Error **errp);
bool visit_type_uint32(Visitor *v, const char *name, uint32_t *obj,
                       Error **errp);
bool visit_type_uint64(Visitor *v, const char *name, uint64_t *obj,
                       Error **errp);
bool visit_type_size(Visitor *v, const char *name, uint64_t *obj,
                     Error **errp);
bool visit_type_bool(Visitor *v, const char *name, bool *obj, Error **errp);
bool visit_type_str(Visitor *v, const char *name, char **obj, Error **errp);
bool visit_type_number(Visitor *v, const char *name, double *obj,
                       Error **errp);
bool visit_type_null(Visitor *v, const char *name, QNull **obj,
                     Error **errp);
/* Any JSON value; the C side holds a JsonNode reference. */
bool visit_type_any(Visitor *v, const char *name, JsonNode **obj,
                    Error **errp);
bool visit_type_enum(Visitor *v, const char *name, int *obj,
                     const QEnumLookup *lookup, Error **errp);

bool visit_is_input(Visitor *v);
bool visit_is_dealloc(Visitor *v);

/* Output visitors: store the result where the constructor was told. */
void visit_complete(Visitor *v, void *opaque);
void visit_free(Visitor *v);

#endif
