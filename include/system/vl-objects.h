/*
 * The options that hand the process things to keep (system/vl-objects.c):
 * -object (user-creatable objects; only "secret" exists here) and -add-fd
 * (file descriptor sets, opened as /dev/fdset/N).
 *
 * Both act while the command line is read: a secret is read and kept at
 * once, an fd joins its set at once, so the options after them (a
 * -chardev logfile=/dev/fdset/N) find them.
 */
#ifndef SYSTEM_VL_OBJECTS_H
#define SYSTEM_VL_OBJECTS_H

#include "system/vl.h"

extern const QemuOptionDesc vl_object_options[];

#endif
