/*
 * Character device core: the back-end registry, creation from options or
 * from -serial's compact syntax, and the front-end API (see
 * include/chardev/char.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "qapi/error.h"
#include "chardev/char.h"
#include "chardev/char-socket.h"
#include "qemu/fdset.h"

/* Every back-end class; a new one (char-socket.c) adds itself here. */
static const ChardevClass *const backend_classes[] = {
    &char_null_class,
    &char_stdio_class,
    &char_file_class,
    &char_mux_class,
    &char_socket_class,
    &char_pty_class,
};

void (*qemu_chr_quit_handler)(void);

static GPtrArray *all_chardevs;
static unsigned anon_count;

static const ChardevClass *find_class(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(backend_classes); i++) {
        if (!strcmp(backend_classes[i]->name, name)) {
            return backend_classes[i];
        }
    }
    return NULL;
}

void qemu_chr_print_backends(void)
{
    printf("Available chardev backend types:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(backend_classes); i++) {
        if (backend_classes[i] != &char_mux_class) {     /* internal */
            printf("%s\n", backend_classes[i]->name);
        }
    }
}

const char *qemu_chr_opt(ChardevOptions *opts, const char *key)
{
    return g_hash_table_lookup(opts, key);
}

bool qemu_chr_opt_bool(ChardevOptions *opts, const char *key, bool dflt,
                       bool *out, Error **errp)
{
    const char *v = qemu_chr_opt(opts, key);

    if (!v) {
        *out = dflt;
    } else if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) {
        *out = true;
    } else if (!strcmp(v, "off") || !strcmp(v, "no") ||
               !strcmp(v, "false")) {
        *out = false;
    } else {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
        return false;
    }
    return true;
}

Chardev *qemu_chr_find(const char *label)
{
    if (!all_chardevs) {
        return NULL;
    }
    for (guint i = 0; i < all_chardevs->len; i++) {
        Chardev *chr = g_ptr_array_index(all_chardevs, i);
        if (!strcmp(chr->label, label)) {
            return chr;
        }
    }
    return NULL;
}

static bool check_options(const ChardevClass *cls, ChardevOptions *opts,
                          Error **errp)
{
    GHashTableIter it;
    gpointer key;

    g_hash_table_iter_init(&it, opts);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        bool known = !strcmp(key, "id") || !strcmp(key, "backend") ||
                     !strcmp(key, "logfile") || !strcmp(key, "logappend");

        for (size_t i = 0; !known && cls->options && cls->options[i]; i++) {
            known = !strcmp(key, cls->options[i]);
        }
        if (!known) {
            error_setg(errp, "Invalid parameter '%s'", (const char *)key);
            return false;
        }
    }
    return true;
}

Chardev *qemu_chr_new_from_opts(ChardevOptions *opts, Error **errp)
{
    const char *backend = qemu_chr_opt(opts, "backend");
    const char *id = qemu_chr_opt(opts, "id");
    const char *logfile = qemu_chr_opt(opts, "logfile");
    const ChardevClass *cls;
    bool logappend;
    int logfd = -1;
    Chardev *chr;

    if (!backend) {
        error_setg(errp, "chardev: \"%s\" missing backend", id ? id : "");
        return NULL;
    }
    cls = find_class(backend);
    if (!cls || cls == &char_mux_class) {
        error_setg(errp, "'%s' is not a valid char driver name", backend);
        return NULL;
    }
    if (id && qemu_chr_find(id)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                    "(type 'container')", id);
        return NULL;
    }
    if (!check_options(cls, opts, errp) ||
        !qemu_chr_opt_bool(opts, "logappend", false, &logappend, errp)) {
        return NULL;
    }
    if (logfile) {
        logfd = qemu_open(logfile, O_WRONLY | O_CREAT |
                          (logappend ? O_APPEND : O_TRUNC), 0666, errp);
        if (logfd < 0) {
            return NULL;
        }
    }
    chr = g_malloc0(cls->instance_size);
    chr->cls = cls;
    chr->label = id ? g_strdup(id) : g_strdup_printf("chr%u", anon_count++);
    chr->has_log = logfd >= 0;
    chr->logfd = logfd;
    if (cls->open && !cls->open(chr, opts, errp)) {
        if (chr->has_log) {
            close(chr->logfd);
        }
        g_free(chr->filename);
        g_free(chr->label);
        g_free(chr);
        return NULL;
    }
    if (!chr->filename) {
        chr->filename = g_strdup(cls->name);
    }
    if (!all_chardevs) {
        all_chardevs = g_ptr_array_new();
    }
    g_ptr_array_add(all_chardevs, chr);
    return chr;
}

/* "unix:PATH[,k=v...]" or "tcp:[HOST]:PORT[,k=v...]" into socket options. */
static bool parse_socket_address(const char *text, GHashTable *opts,
                                 Error **errp)
{
    g_auto(GStrv) parts = g_strsplit(text, ",", -1);
    const char *address = strchr(parts[0], ':') + 1;

    g_hash_table_insert(opts, "backend", g_strdup("socket"));
    if (g_str_has_prefix(parts[0], "unix:")) {
        g_hash_table_insert(opts, "path", g_strdup(address));
    } else {
        const char *colon = strrchr(address, ':');
        if (!colon || !colon[1]) {
            error_setg(errp, "chardev: tcp: expected HOST:PORT in '%s'", text);
            return false;
        }
        g_hash_table_insert(opts, "host", g_strndup(address, colon - address));
        g_hash_table_insert(opts, "port", g_strdup(colon + 1));
    }
    for (char **kv = parts + 1; *kv; kv++) {
        char *eq = strchr(*kv, '=');
        if (!eq) {
            /* QEMU's old spelling: a bare "server" or "nowait". */
            if (!strcmp(*kv, "server")) {
                g_hash_table_insert(opts, "server", g_strdup("on"));
                continue;
            }
            if (!strcmp(*kv, "nowait")) {
                g_hash_table_insert(opts, "wait", g_strdup("off"));
                continue;
            }
            error_setg(errp, "chardev: socket: Invalid parameter '%s'", *kv);
            return false;
        }
        *eq = '\0';
        if (strcmp(*kv, "server") && strcmp(*kv, "wait")) {
            error_setg(errp, "chardev: socket: Invalid parameter '%s'", *kv);
            return false;
        }
        g_hash_table_insert(opts, (char *)(strcmp(*kv, "server") ? "wait" : "server"),
                            g_strdup(eq + 1));
    }
    return true;
}

Chardev *qemu_chr_new(const char *label, const char *filename, Error **errp)
{
    g_autoptr(GHashTable) opts =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    g_autofree char *base_label = NULL;
    const char *p;
    bool mux = false;
    Chardev *base;

    if (!strcmp(filename, "none")) {
        return NULL;
    }
    if (g_str_has_prefix(filename, "chardev:")) {
        base = qemu_chr_find(filename + 8);
        if (!base) {
            error_setg(errp, "chardev '%s' not found", filename + 8);
        }
        return base;
    }
    if (g_str_has_prefix(filename, "mon:")) {
        mux = true;
        filename += 4;
    }
    if (!strcmp(filename, "stdio") || !strcmp(filename, "null") ||
        !strcmp(filename, "pty")) {
        g_hash_table_insert(opts, "backend", g_strdup(filename));
        if (mux && !strcmp(filename, "stdio")) {
            /* monitor muxed on stdio: Ctrl-C goes to the guest */
            g_hash_table_insert(opts, "signal", g_strdup("off"));
        }
    } else if ((p = strchr(filename, ':')) && !strncmp(filename, "file", 4) &&
               p == filename + 4) {
        if (!p[1]) {
            error_setg(errp, "chardev: file: no filename given");
            return NULL;
        }
        g_hash_table_insert(opts, "backend", g_strdup("file"));
        g_hash_table_insert(opts, "path", g_strdup(p + 1));
    } else if (g_str_has_prefix(filename, "unix:") ||
               g_str_has_prefix(filename, "tcp:")) {
        if (!parse_socket_address(filename, opts, errp)) {
            return NULL;
        }
    } else {
        error_setg(errp, "'%s' is not a valid char driver", filename);
        return NULL;
    }
    base_label = mux ? g_strdup_printf("%s-base", label) : g_strdup(label);
    g_hash_table_insert(opts, "id", g_strdup(base_label));
    base = qemu_chr_new_from_opts(opts, errp);
    if (!base || !mux) {
        return base;
    }
    return qemu_chr_mux_new(label, base, errp);
}

void qemu_chr_register(Chardev *chr)
{
    if (!chr->filename) {
        chr->filename = g_strdup(chr->cls->name);
    }
    if (!all_chardevs) {
        all_chardevs = g_ptr_array_new();
    }
    g_ptr_array_add(all_chardevs, chr);
}

void qemu_chr_delete(Chardev *chr)
{
    if (!chr) {
        return;
    }
    if (all_chardevs) {
        g_ptr_array_remove(all_chardevs, chr);
    }
    if (chr->cls->chr_close) {
        chr->cls->chr_close(chr);
    }
    if (chr->has_log) {
        close(chr->logfd);
    }
    g_free(chr->filename);
    g_free(chr->label);
    g_free(chr);
}

void qemu_chr_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque)
{
    for (guint i = 0; all_chardevs && i < all_chardevs->len; i++) {
        fn(g_ptr_array_index(all_chardevs, i), opaque);
    }
}

void qemu_chr_cleanup_all(void)
{
    /* newest first: a mux goes before the back-end it sits on */
    while (all_chardevs && all_chardevs->len) {
        qemu_chr_delete(g_ptr_array_index(all_chardevs,
                                          all_chardevs->len - 1));
    }
}

bool qemu_chr_is_mux(const Chardev *chr)
{
    return chr && chr->cls == &char_mux_class;
}

/* ---- front-end ---- */

bool qemu_chr_fe_init(CharBackend *be, Chardev *chr, Error **errp)
{
    memset(be, 0, sizeof(*be));
    if (!chr) {
        return true;
    }
    if (chr->cls->chr_attach) {
        if (!chr->cls->chr_attach(chr, be, errp)) {
            return false;
        }
    } else if (chr->be) {
        error_setg(errp, "Device '%s' is in use", chr->label);
        return false;
    } else {
        chr->be = be;
    }
    be->chr = chr;
    return true;
}

void qemu_chr_fe_deinit(CharBackend *be)
{
    Chardev *chr = be->chr;

    if (!chr) {
        return;
    }
    if (chr->cls->chr_detach) {
        chr->cls->chr_detach(chr, be);
    } else if (chr->be == be) {
        chr->be = NULL;
    }
    be->chr = NULL;
    if (chr->cls->chr_update_read_handler) {
        chr->cls->chr_update_read_handler(chr);
    }
}

void qemu_chr_fe_set_handlers(CharBackend *be, IOCanReadHandler *can_read,
                              IOReadHandler *read, IOEventHandler *event,
                              void *opaque)
{
    Chardev *chr = be->chr;

    be->chr_can_read = can_read;
    be->chr_read = read;
    be->chr_event = event;
    be->opaque = opaque;
    if (!chr) {
        return;
    }
    if (chr->cls->chr_update_read_handler) {
        chr->cls->chr_update_read_handler(chr);
    }
    if (chr->be_open && event) {
        event(opaque, CHR_EVENT_OPENED);
    }
}

/* The back-end's chr_write(), and what it took to the log (logfile=). */
static int chr_write_logged(Chardev *chr, const uint8_t *buf, int len)
{
    int n = chr->cls->chr_write(chr, buf, len);

    for (int done = 0; chr->has_log && done < n; ) {
        ssize_t w = write(chr->logfd, buf + done, n - done);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            break;          /* a full disk costs the log, not the guest */
        }
        done += w;
    }
    return n;
}

int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len)
{
    if (!be->chr) {
        return len;
    }
    return chr_write_logged(be->chr, buf, len);
}

int qemu_chr_write_all(Chardev *chr, const uint8_t *buf, int len)
{
    int done = 0;

    while (done < len) {
        int n = chr_write_logged(chr, buf + done, len - done);
        if (n < 0) {
            return done ? done : -1;
        }
        if (n == 0) {
            /* a back-end that cannot take more right now: drop the rest */
            break;
        }
        done += n;
    }
    return done;
}

int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len)
{
    if (!be->chr) {
        return len;
    }
    return qemu_chr_write_all(be->chr, buf, len);
}

void qemu_chr_fe_accept_input(CharBackend *be)
{
    Chardev *chr = be->chr;

    if (chr && chr->cls->chr_accept_input) {
        chr->cls->chr_accept_input(chr);
    }
}

bool qemu_chr_fe_backend_connected(const CharBackend *be)
{
    return be->chr != NULL;
}

/* ---- back-end side ---- */

int qemu_chr_be_can_write(Chardev *chr)
{
    CharBackend *be = chr->be;

    if (!be || !be->chr_can_read) {
        return 0;
    }
    return be->chr_can_read(be->opaque);
}

void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len)
{
    CharBackend *be = chr->be;

    if (be && be->chr_read) {
        be->chr_read(be->opaque, buf, len);
    }
}

void qemu_chr_be_event(Chardev *chr, QEMUChrEvent event)
{
    CharBackend *be = chr->be;

    if (event == CHR_EVENT_OPENED) {
        chr->be_open = true;
    } else if (event == CHR_EVENT_CLOSED) {
        chr->be_open = false;
    }
    if (be && be->chr_event) {
        be->chr_event(be->opaque, event);
    }
}
