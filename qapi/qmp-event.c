/*
 * The common part of every event message.
 */
#include "qapi/qmp-event.h"

JsonObject *qmp_event_build(const char *name)
{
    JsonObject *msg = json_object_new();
    JsonObject *ts = json_object_new();
    gint64 now = g_get_real_time();

    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_string_member(msg, "event", name);
    json_object_set_object_member(msg, "timestamp", ts);
    return msg;
}
