/*
 * The main loop (see include/qemu/main-loop.h).
 *
 * We drive glib's default context by hand (prepare / query / poll / check
 * / dispatch) instead of calling g_main_context_iteration(), for one
 * reason: glib's poll timeout is in milliseconds, while guest timers
 * (CLINT mtimecmp at 10 MHz) want better.  We merge glib's timeout with
 * our own timer deadline and sleep in ppoll() with nanosecond precision.
 */
#include <errno.h>
#include <poll.h>
#include <time.h>
#include <glib.h>
#include <glib-unix.h>

#include "qemu/main-loop.h"
#include "qemu/timer.h"

/* ---- fd handlers: one GSource per watched fd ---- */

typedef struct FDSource {
    GSource source;
    int fd;
    gpointer tag;
    IOHandler *fd_read;
    IOHandler *fd_write;
    void *opaque;
} FDSource;

static GHashTable *fd_sources;          /* fd -> FDSource* */
static GMainContext *main_ctx;

static gboolean fd_source_dispatch(GSource *source, GSourceFunc callback,
                                   gpointer user_data)
{
    FDSource *s = (FDSource *)source;
    GIOCondition cond = g_source_query_unix_fd(source, s->tag);
    int fd = s->fd;

    if (s->fd_read && (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR))) {
        s->fd_read(s->opaque);
    }
    /* the read handler may have removed or replaced this watch */
    if (g_hash_table_lookup(fd_sources, GINT_TO_POINTER(fd)) == s &&
        s->fd_write && (cond & (G_IO_OUT | G_IO_ERR))) {
        s->fd_write(s->opaque);
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs fd_source_funcs = {
    .dispatch = fd_source_dispatch,
};

static GIOCondition fd_condition(IOHandler *fd_read, IOHandler *fd_write)
{
    return (fd_read ? G_IO_IN | G_IO_HUP | G_IO_ERR : 0) |
           (fd_write ? G_IO_OUT | G_IO_ERR : 0);
}

void qemu_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write,
                         void *opaque)
{
    FDSource *s;

    qemu_init_main_loop();
    s = g_hash_table_lookup(fd_sources, GINT_TO_POINTER(fd));
    if (!fd_read && !fd_write) {
        if (s) {
            g_hash_table_remove(fd_sources, GINT_TO_POINTER(fd));
            g_source_destroy(&s->source);
            g_source_unref(&s->source);
        }
        return;
    }
    if (!s) {
        s = (FDSource *)g_source_new(&fd_source_funcs, sizeof(FDSource));
        s->fd = fd;
        s->tag = g_source_add_unix_fd(&s->source, fd, 0);
        g_source_attach(&s->source, main_ctx);
        g_hash_table_insert(fd_sources, GINT_TO_POINTER(fd), s);
    }
    s->fd_read = fd_read;
    s->fd_write = fd_write;
    s->opaque = opaque;
    g_source_modify_unix_fd(&s->source, s->tag,
                            fd_condition(fd_read, fd_write));
}

/* ---- bottom halves ---- */

struct QEMUBH {
    QEMUBHFunc *cb;
    void *opaque;
    bool scheduled;
    bool deleted;
    QEMUBH *next;
};

static QEMUBH *bh_list;
static unsigned bh_scheduled_count;
static int bh_walking;

QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque)
{
    QEMUBH *bh = g_new0(QEMUBH, 1);

    bh->cb = cb;
    bh->opaque = opaque;
    bh->next = bh_list;
    bh_list = bh;
    return bh;
}

void qemu_bh_schedule(QEMUBH *bh)
{
    if (!bh->scheduled && !bh->deleted) {
        bh->scheduled = true;
        bh_scheduled_count++;
    }
}

void qemu_bh_cancel(QEMUBH *bh)
{
    if (bh->scheduled) {
        bh->scheduled = false;
        bh_scheduled_count--;
    }
}

static void bh_purge(void)
{
    QEMUBH **p = &bh_list;

    while (*p) {
        QEMUBH *bh = *p;

        if (bh->deleted) {
            *p = bh->next;
            g_free(bh);
        } else {
            p = &bh->next;
        }
    }
}

void qemu_bh_delete(QEMUBH *bh)
{
    qemu_bh_cancel(bh);
    bh->deleted = true;
    if (!bh_walking) {
        bh_purge();
    }
}

static bool bh_run_all(void)
{
    bool ran = false;

    bh_walking++;
    while (bh_scheduled_count) {
        for (QEMUBH *bh = bh_list; bh; bh = bh->next) {
            if (bh->scheduled) {
                bh->scheduled = false;
                bh_scheduled_count--;
                bh->cb(bh->opaque);
                ran = true;
            }
        }
    }
    bh_walking--;
    if (!bh_walking) {
        bh_purge();
    }
    return ran;
}

/* ---- the loop ---- */

static GPollFD *poll_fds;
static int poll_fds_alloc;

void qemu_init_main_loop(void)
{
    if (main_ctx) {
        return;
    }
    main_ctx = g_main_context_default();
    /* we are the only thread that ever iterates it */
    if (!g_main_context_acquire(main_ctx)) {
        g_error("main loop: cannot acquire the default GMainContext");
    }
    fd_sources = g_hash_table_new(NULL, NULL);
    poll_fds_alloc = 16;
    poll_fds = g_new(GPollFD, poll_fds_alloc);
}

GMainContext *qemu_get_main_context(void)
{
    qemu_init_main_loop();
    return main_ctx;
}

void qemu_notify_event(void)
{
    if (main_ctx) {
        g_main_context_wakeup(main_ctx);
    }
}

bool main_loop_wait(bool nonblocking)
{
    gint max_priority, glib_timeout_ms, nfds;
    int64_t timeout_ns, deadline;
    struct timespec ts, *tsp = NULL;
    bool progress = false;
    int ret;

    qemu_init_main_loop();
    g_main_context_prepare(main_ctx, &max_priority);
    for (;;) {
        nfds = g_main_context_query(main_ctx, max_priority, &glib_timeout_ms,
                                    poll_fds, poll_fds_alloc);
        if (nfds <= poll_fds_alloc) {
            break;
        }
        poll_fds_alloc = nfds;
        poll_fds = g_renew(GPollFD, poll_fds, poll_fds_alloc);
    }

    if (nonblocking || bh_scheduled_count) {
        timeout_ns = 0;
    } else {
        timeout_ns = glib_timeout_ms < 0 ? -1
                     : (int64_t)glib_timeout_ms * 1000000;
        deadline = qemu_clock_deadline_ns_all();
        if (deadline >= 0 && (timeout_ns < 0 || deadline < timeout_ns)) {
            timeout_ns = deadline;
        }
    }
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / NANOSECONDS_PER_SECOND;
        ts.tv_nsec = timeout_ns % NANOSECONDS_PER_SECOND;
        tsp = &ts;
    }

    /* GPollFD has struct pollfd's layout on every Unix glib supports */
    ret = ppoll((struct pollfd *)poll_fds, nfds, tsp, NULL);
    if (ret < 0) {
        if (errno != EINTR) {
            g_warning("main loop: ppoll: %s", g_strerror(errno));
        }
        for (int i = 0; i < nfds; i++) {
            poll_fds[i].revents = 0;
        }
    }
    if (g_main_context_check(main_ctx, max_priority, poll_fds, nfds)) {
        g_main_context_dispatch(main_ctx);
        progress = true;
    }
    progress |= qemu_clock_run_all_timers();
    progress |= bh_run_all();
    return progress;
}
