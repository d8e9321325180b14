/*
 * The multiplexer behind "mon:stdio": up to four front-ends (the serial
 * port, later the monitor) share one back-end.  Output from every
 * front-end goes out; input goes to the one that has the focus.  QEMU's
 * escapes, Ctrl-A then:
 *   h  help          x  quit           c  switch front-end (monitor)
 *   b  send break    Ctrl-A  a literal Ctrl-A
 * Input for the focused front-end is buffered here while it has no room,
 * so escapes are seen even when the guest is not reading.
 */
#include <string.h>

#include "qapi/error.h"
#include "chardev/char.h"

#define MUX_MAX 4
#define MUX_BUFSIZE 32
#define MUX_ESCAPE 0x01         /* Ctrl-A */

typedef struct MuxChardev {
    Chardev parent;
    Chardev *base;
    CharBackend base_be;        /* we are the base's front-end */
    CharBackend *fe[MUX_MAX];
    int fe_count;
    int focus;                  /* -1 until a front-end attaches */
    bool focus_announced;
    bool got_escape;
    uint8_t buf[MUX_BUFSIZE];   /* pending input for the focused fe */
    int buf_len;
} MuxChardev;

static void mux_out(MuxChardev *m, const char *s)
{
    qemu_chr_write_all(m->base, (const uint8_t *)s, (int)strlen(s));
}

static void mux_send_event(MuxChardev *m, int idx, QEMUChrEvent ev)
{
    CharBackend *be = idx >= 0 && idx < m->fe_count ? m->fe[idx] : NULL;

    if (be && be->chr_event) {
        be->chr_event(be->opaque, ev);
    }
}

static void mux_flush(MuxChardev *m)
{
    CharBackend *be = m->focus >= 0 ? m->fe[m->focus] : NULL;

    while (m->buf_len && be && be->chr_can_read && be->chr_read) {
        int n = be->chr_can_read(be->opaque);

        if (n <= 0) {
            break;
        }
        n = MIN(n, m->buf_len);
        be->chr_read(be->opaque, m->buf, n);
        memmove(m->buf, m->buf + n, m->buf_len - n);
        m->buf_len -= n;
    }
}

static void mux_set_focus(MuxChardev *m, int focus)
{
    /* what was typed before the switch belongs to the old focus */
    mux_flush(m);
    m->buf_len = 0;
    mux_send_event(m, m->focus, CHR_EVENT_MUX_OUT);
    m->focus = focus;
    mux_send_event(m, m->focus, CHR_EVENT_MUX_IN);
}

static void mux_help(MuxChardev *m)
{
    mux_out(m, "\n\r"
            "C-a h    print this help\n\r"
            "C-a x    exit emulator\n\r"
            "C-a b    send break (magic sysrq)\n\r"
            "C-a c    switch between console and monitor\n\r"
            "C-a C-a  sends C-a\n\r");
}

/* Returns true when CH is input for the focused front-end. */
static bool mux_proc_byte(MuxChardev *m, uint8_t ch)
{
    if (!m->got_escape) {
        if (ch == MUX_ESCAPE) {
            m->got_escape = true;
            return false;
        }
        return true;
    }
    m->got_escape = false;
    switch (ch) {
    case MUX_ESCAPE:
        return true;
    case 'h':
    case '?':
        mux_help(m);
        break;
    case 'x':
        mux_out(m, "QEMU: Terminated\n\r");
        if (qemu_chr_quit_handler) {
            qemu_chr_quit_handler();
        }
        break;
    case 'c':
        if (m->fe_count < 2) {
            mux_out(m, "\r\nQEMU: no monitor on this console\r\n");
        } else {
            mux_set_focus(m, (m->focus + 1) % m->fe_count);
        }
        break;
    case 'b':
        mux_send_event(m, m->focus, CHR_EVENT_BREAK);
        break;
    default:
        break;      /* unknown escapes are swallowed, as in QEMU */
    }
    return false;
}

static int mux_can_read(void *opaque)
{
    MuxChardev *m = opaque;

    return MUX_BUFSIZE - m->buf_len;
}

static void mux_read(void *opaque, const uint8_t *buf, int size)
{
    MuxChardev *m = opaque;

    for (int i = 0; i < size; i++) {
        if (mux_proc_byte(m, buf[i]) && m->buf_len < MUX_BUFSIZE) {
            m->buf[m->buf_len++] = buf[i];
        }
    }
    mux_flush(m);
}

static void mux_event(void *opaque, QEMUChrEvent event)
{
    MuxChardev *m = opaque;

    if (event == CHR_EVENT_OPENED) {
        m->parent.be_open = true;
    } else if (event == CHR_EVENT_CLOSED) {
        m->parent.be_open = false;
    }
    for (int i = 0; i < m->fe_count; i++) {
        mux_send_event(m, i, event);
    }
}

static int mux_write(Chardev *chr, const uint8_t *buf, int len)
{
    MuxChardev *m = (MuxChardev *)chr;

    return m->base->cls->chr_write(m->base, buf, len);
}

static void mux_accept_input(Chardev *chr)
{
    MuxChardev *m = (MuxChardev *)chr;

    mux_flush(m);
    qemu_chr_fe_accept_input(&m->base_be);
}

static void mux_update_read_handler(Chardev *chr)
{
    MuxChardev *m = (MuxChardev *)chr;

    if (!m->focus_announced && m->focus >= 0 &&
        m->fe[m->focus]->chr_event) {
        m->focus_announced = true;
        mux_send_event(m, m->focus, CHR_EVENT_MUX_IN);
    }
    mux_flush(m);
    qemu_chr_fe_accept_input(&m->base_be);
}

static bool mux_attach(Chardev *chr, CharBackend *be, Error **errp)
{
    MuxChardev *m = (MuxChardev *)chr;

    if (m->fe_count >= MUX_MAX) {
        error_setg(errp, "Too many uses of multiplexed chardev '%s' (maximum is "
                    "%d)", chr->label, MUX_MAX);
        return false;
    }
    be->tag = m->fe_count;
    m->fe[m->fe_count++] = be;
    if (m->focus < 0) {
        m->focus = 0;
    }
    return true;
}

static void mux_detach(Chardev *chr, CharBackend *be)
{
    MuxChardev *m = (MuxChardev *)chr;
    int i;

    for (i = 0; i < m->fe_count && m->fe[i] != be; i++) {
    }
    if (i == m->fe_count) {
        return;
    }
    memmove(&m->fe[i], &m->fe[i + 1], (m->fe_count - i - 1) * sizeof(*m->fe));
    m->fe_count--;
    for (int j = 0; j < m->fe_count; j++) {
        m->fe[j]->tag = j;
    }
    if (m->focus >= m->fe_count) {
        m->focus = m->fe_count ? 0 : -1;
    }
}

static void mux_close(Chardev *chr)
{
    MuxChardev *m = (MuxChardev *)chr;

    qemu_chr_fe_deinit(&m->base_be);
}

const ChardevClass char_mux_class = {
    .name = "mux",
    .instance_size = sizeof(MuxChardev),
    .chr_write = mux_write,
    .chr_accept_input = mux_accept_input,
    .chr_update_read_handler = mux_update_read_handler,
    .chr_attach = mux_attach,
    .chr_detach = mux_detach,
    .chr_close = mux_close,
};

Chardev *qemu_chr_mux_new(const char *label, Chardev *base, Error **errp)
{
    MuxChardev *m = g_new0(MuxChardev, 1);

    m->parent.cls = &char_mux_class;
    m->parent.label = g_strdup(label);
    m->parent.be_open = base->be_open;
    m->base = base;
    m->focus = -1;
    if (!qemu_chr_fe_init(&m->base_be, base, errp)) {
        g_free(m->parent.label);
        g_free(m);
        return NULL;
    }
    qemu_chr_fe_set_handlers(&m->base_be, mux_can_read, mux_read, mux_event,
                             m);
    qemu_chr_register(&m->parent);
    return &m->parent;
}
