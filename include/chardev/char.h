/*
 * Character devices: the host end of serial ports and monitors.
 *
 * A Chardev is a back-end (stdio, a file, /dev/null, later sockets) that
 * moves bytes between the host and one front-end: a device model such as
 * the 16550 UART, or a monitor.  The mux back-end ("mon:stdio") lets
 * several front-ends share one back-end, switching input between them
 * with QEMU's Ctrl-A escapes.
 *
 * Front-end rules (CharBackend):
 * - qemu_chr_fe_init() attaches to a Chardev; qemu_chr_fe_set_handlers()
 *   installs can_read/read/event callbacks.  Output is qemu_chr_fe_write()
 *   (may write less than asked on a non-blocking back-end) or
 *   qemu_chr_fe_write_all().
 * - Input flow control: a back-end never calls read() with more bytes than
 *   can_read() last returned.  When can_read() returns 0 the back-end
 *   stops reading its host fd (the kernel buffers); the front-end must call
 *   qemu_chr_fe_accept_input() once it has room again.
 * - An unattached CharBackend (chr == NULL) is valid: writes are dropped,
 *   which is what "-serial none" means for a built-in UART.
 *
 * Back-end rules (ChardevClass), for whoever adds one (e.g. char-socket.c
 * for QMP: list its class in chardev/char.c's backend table):
 * - open() parses its options from a ChardevOptions (string key/values
 *   from -chardev or -serial) and sets up the host side; it returns false
 *   with an error for bad options or host failures.
 * - chr_write() returns the number of bytes taken (0..len), -1 on error.
 * - Input reaches the front-end through qemu_chr_be_can_write() and
 *   qemu_chr_be_write(); connection changes through qemu_chr_be_event().
 * - chr_accept_input() is called when the front-end has room again;
 *   chr_update_read_handler() when front-end handlers change.
 * - The fd helpers (qemu_chr_fd_*) implement this for a pair of plain
 *   file descriptors; stdio and file use them, a socket can too.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "qapi/error.h"

typedef enum QEMUChrEvent {
    CHR_EVENT_BREAK,        /* serial break (Ctrl-A b) */
    CHR_EVENT_OPENED,       /* back-end connected / front-end attached */
    CHR_EVENT_MUX_IN,       /* mux focus moved to this front-end */
    CHR_EVENT_MUX_OUT,      /* mux focus moved away */
    CHR_EVENT_CLOSED,       /* back-end disconnected (EOF) */
} QEMUChrEvent;

typedef int IOCanReadHandler(void *opaque);
typedef void IOReadHandler(void *opaque, const uint8_t *buf, int size);
typedef void IOEventHandler(void *opaque, QEMUChrEvent event);

typedef struct Chardev Chardev;
typedef struct ChardevClass ChardevClass;
typedef struct CharBackend CharBackend;

/* The string options a back-end is created from ("path", "signal"...). */
typedef GHashTable ChardevOptions;

struct ChardevClass {
    const char *name;           /* "stdio", "file", "null", "mux", ... */
    size_t instance_size;       /* >= sizeof(Chardev) */
    /* options this back-end understands, besides "id" and "backend" */
    const char *const *options;
    bool (*open)(Chardev *chr, ChardevOptions *opts, Error **errp);
    int (*chr_write)(Chardev *chr, const uint8_t *buf, int len);
    void (*chr_accept_input)(Chardev *chr);
    void (*chr_update_read_handler)(Chardev *chr);
    /* a front-end attached (mux: gets a tag) / detached */
    bool (*chr_attach)(Chardev *chr, CharBackend *be, Error **errp);
    void (*chr_detach)(Chardev *chr, CharBackend *be);
    void (*chr_close)(Chardev *chr);
};

struct Chardev {
    const ChardevClass *cls;
    char *label;
    CharBackend *be;            /* the front-end (mux: unused) */
    bool be_open;               /* back-end is connected */
    /* what query-chardev reports ("pty:/dev/pts/3"); the class name
     * unless open() sets it */
    char *filename;
    /* logfile=: a copy of all output goes there */
    bool has_log;
    int logfd;
};

struct CharBackend {
    Chardev *chr;
    IOCanReadHandler *chr_can_read;
    IOReadHandler *chr_read;
    IOEventHandler *chr_event;
    void *opaque;
    int tag;                    /* index at a mux, else 0 */
};

/*
 * Create a back-end from QEMU's compact syntax, as -serial takes it:
 * "stdio", "null", "pty", "none" (returns NULL without error), "file:PATH",
 * "mon:stdio" (a mux with the monitor on top of stdio); or find one:
 * "chardev:ID" is the -chardev of that id.
 */
Chardev *qemu_chr_new(const char *label, const char *filename, Error **errp);
/*
 * Create a back-end from options: "backend" names the class, "id" the
 * label; other keys go to the class's open() (for -chardev).  Every
 * back-end also takes QEMU's common options: logfile=PATH (may be
 * /dev/fdset/N) receives a copy of all output, truncated unless
 * logappend=on.
 */
Chardev *qemu_chr_new_from_opts(ChardevOptions *opts, Error **errp);
/* -chardev help: the back-ends a user can create, from the class table. */
void qemu_chr_print_backends(void);
Chardev *qemu_chr_find(const char *label);
/* Calls FN for every back-end, in creation order (query-chardev). */
void qemu_chr_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque);
/* Close and free one back-end, or all of them (at exit). */
void qemu_chr_delete(Chardev *chr);
void qemu_chr_cleanup_all(void);
/* True for a mux back-end (the monitor attaches there as well). */
bool qemu_chr_is_mux(const Chardev *chr);

/* ---- front-end ---- */
bool qemu_chr_fe_init(CharBackend *be, Chardev *chr, Error **errp);
void qemu_chr_fe_deinit(CharBackend *be);
void qemu_chr_fe_set_handlers(CharBackend *be, IOCanReadHandler *can_read,
                              IOReadHandler *read, IOEventHandler *event,
                              void *opaque);
int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len);
int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len);
void qemu_chr_fe_accept_input(CharBackend *be);
bool qemu_chr_fe_backend_connected(const CharBackend *be);

/* ---- back-end side ---- */
int qemu_chr_be_can_write(Chardev *chr);
void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len);
void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event);
/* Write everything, retrying partial writes (blocking back-ends). */
int qemu_chr_write_all(Chardev *chr, const uint8_t *buf, int len);
/* Option lookup helpers for open(). */
const char *qemu_chr_opt(ChardevOptions *opts, const char *key);
bool qemu_chr_opt_bool(ChardevOptions *opts, const char *key, bool dflt,
                       bool *out, Error **errp);

/* ---- fd back-end helpers (chardev/char-fd.c) ---- */
typedef struct FDChardev {
    Chardev parent;
    int fd_in;                  /* -1: no input */
    int fd_out;                 /* -1: output discarded */
    bool watching;              /* fd_in is in the main loop */
    bool eof;
} FDChardev;

/* Start moving data on these fds (takes no ownership). */
void qemu_chr_fd_set_fds(Chardev *chr, int fd_in, int fd_out);
int qemu_chr_fd_write(Chardev *chr, const uint8_t *buf, int len);
void qemu_chr_fd_update_read(Chardev *chr);

/* ---- inside chardev/ ---- */
/* A mux labelled LABEL in front of BASE (see char-mux.c). */
Chardev *qemu_chr_mux_new(const char *label, Chardev *base, Error **errp);
/* Registers a Chardev not made by qemu_chr_new_from_opts() (the mux). */
void qemu_chr_register(Chardev *chr);

/* ---- the built-in back-end classes ---- */
extern const ChardevClass char_null_class;
extern const ChardevClass char_stdio_class;
extern const ChardevClass char_file_class;
extern const ChardevClass char_mux_class;
extern const ChardevClass char_pty_class;

/*
 * Called by the mux for Ctrl-A x: ask the machine to quit.  The system
 * layer sets it (a chardev does not know the run state machinery).
 */
extern void (*qemu_chr_quit_handler)(void);

#endif
