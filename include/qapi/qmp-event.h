/*
 * Events: the generated qapi_event_send_NAME() functions build the message
 * {"event": NAME, "data": {...}, "timestamp": {...}} and hand it to the
 * emitter the monitor installs with qapi_event_set_emitter() (declared in
 * the generated qapi/qapi-events.h with the QAPIEvent enum).  With no
 * emitter installed events are dropped.
 */
#ifndef QAPI_QMP_EVENT_H
#define QAPI_QMP_EVENT_H

#include <json-glib/json-glib.h>

/* A new event message with "event" and "timestamp" filled in. */
JsonObject *qmp_event_build(const char *name);

#endif
