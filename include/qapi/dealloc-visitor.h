/*
 * The visitor behind every qapi_free_T(): walks a value and frees it,
 * including values an input visitor built only partly before failing.
 */
#ifndef QAPI_DEALLOC_VISITOR_H
#define QAPI_DEALLOC_VISITOR_H

#include "qapi/visitor.h"

Visitor *qapi_dealloc_visitor_new(void);

#endif
