/*
 * QMP monitors: QEMU's machine protocol over a byte stream.
 *
 * A Monitor is the protocol state of one QMP connection: greeting,
 * capabilities negotiation, the streaming JSON reader, dispatch through a
 * command table, and events.  It does not know sockets: a transport (a
 * chardev: stdio, unix or tcp socket) feeds it bytes and gives it a way to
 * write and to hand over file descriptors received with SCM_RIGHTS.
 *
 * Rules:
 * - monitor_qmp_connected() starts a session: the greeting goes out and
 *   only qmp_capabilities is accepted until it succeeds.  Every reply is
 *   one line of JSON ended by "\r\n", as QEMU sends it.
 * - Malformed input gets an error reply; the next command works.
 * - Events go to every connected monitor past negotiation.
 * - Everything runs in the main loop thread.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

#include "qapi/qmp-dispatch.h"
#include "qapi/error.h"

typedef struct Monitor Monitor;

typedef struct MonitorTransport {
    void (*write)(void *opaque, const char *buf, size_t len);
    /* The oldest fd the client passed and nobody took yet, or -1. */
    int (*take_fd)(void *opaque);
    /* monitor_qmp_can_read() turned true again: read on. */
    void (*accept_input)(void *opaque);
} MonitorTransport;

/* The table of commands every monitor serves once negotiated. */
void monitor_set_commands(QmpCommandList *commands);
/* Fills CMDS with every command of the schema (the emulator's table) and
 * makes it the monitors' table. */
void monitor_register_commands(QmpCommandList *cmds);

Monitor *monitor_qmp_new(const MonitorTransport *transport, void *opaque);
void monitor_qmp_free(Monitor *mon);
void monitor_qmp_connected(Monitor *mon);
void monitor_qmp_disconnected(Monitor *mon);
void monitor_qmp_input(Monitor *mon, const void *buf, size_t len);
/* False while the monitor holds as many waiting requests as it keeps: the
 * transport stops reading until accept_input. */
bool monitor_qmp_can_read(Monitor *mon);

/* The monitor whose command is running (NULL outside dispatch). */
Monitor *monitor_cur(void);
/* A file descriptor the current client passed along, or -1. */
int monitor_take_fd(Monitor *mon);
/* Leave capabilities negotiation (qmp_capabilities); false if done already. */
bool monitor_qmp_enter_command_mode(Monitor *mon, bool oob);

/* Sends every QAPI event to every monitor in command mode. */
void monitor_install_event_emitter(void);

/* A QMP monitor on CHR (monitor/qmp-chardev.c). */
typedef struct Chardev Chardev;
bool monitor_init_qmp_chardev(Chardev *chr, Error **errp);
/* Closes every chardev monitor (at exit). */
void monitor_cleanup(void);

/* The human monitor behind Ctrl-A c on a mux (mon:stdio). */
bool monitor_init_hmp_console(Chardev *mux, Error **errp);
void monitor_hmp_console_cleanup(void);

/* Human monitor commands (`info network`...); the text they print. */
char *hmp_execute(const char *command_line, Error **errp);

/*
 * An "info NAME" command whose state lives in a layer above the monitor
 * (the harts: system/cpus.c); that layer registers it at start-up, so the
 * monitor never reaches up for it.  FN appends its text to OUT.
 */
typedef bool HmpInfoFunc(GString *out, Error **errp);
void hmp_register_info(const char *name, const char *help, HmpInfoFunc *fn);

#endif
