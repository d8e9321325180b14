/*
 * The human monitor on a multiplexed console (mon:stdio, the default with
 * -nographic): Ctrl-A c switches between the guest's serial port and a
 * "(qemu) " prompt where the commands of monitor/hmp.c run, as in QEMU.
 *
 * Line editing is what a terminal in raw input mode needs: echo,
 * backspace, Ctrl-U to clear the line, Enter to run it.
 */

#include "monitor/monitor.h"

#include <string.h>

#include "chardev/char.h"
#include "config-host.h"

#define HMP_LINE_MAX 1024

typedef struct HmpConsole {
    CharBackend be;
    char line[HMP_LINE_MAX];
    size_t len;
    bool banner_shown;
} HmpConsole;

static HmpConsole *console;

/* The stdio back-end keeps the terminal's output processing (OPOST), so
 * "\n" already returns the carriage. */
static void hmp_puts(HmpConsole *c, const char *text)
{
    qemu_chr_fe_write_all(&c->be, (const uint8_t *)text, (int)strlen(text));
}

static void hmp_prompt(HmpConsole *c)
{
    hmp_puts(c, "(qemu) ");
}

static void hmp_run_line(HmpConsole *c)
{
    Error *err = NULL;
    g_autofree char *out = NULL;

    c->line[c->len] = '\0';
    hmp_puts(c, "\n");
    if (!strcmp(g_strstrip(c->line), "quit") || !strcmp(c->line, "q")) {
        if (qemu_chr_quit_handler) {
            qemu_chr_quit_handler();
        }
        c->len = 0;
        return;
    }
    out = hmp_execute(c->line, &err);
    if (out) {
        hmp_puts(c, out);
    } else if (err) {
        hmp_puts(c, error_get_pretty(err));
        hmp_puts(c, "\n");
        error_free(err);
    }
    c->len = 0;
    hmp_prompt(c);
}

static int hmp_can_read(void *opaque)
{
    return 256;
}

static void hmp_read(void *opaque, const uint8_t *buf, int size)
{
    HmpConsole *c = opaque;

    for (int i = 0; i < size; i++) {
        uint8_t ch = buf[i];
        if (ch == '\r' || ch == '\n') {
            hmp_run_line(c);
        } else if (ch == 0x7f || ch == '\b') {
            if (c->len) {
                c->len--;
                hmp_puts(c, "\b \b");
            }
        } else if (ch == 0x15) {                    /* Ctrl-U */
            while (c->len) {
                c->len--;
                hmp_puts(c, "\b \b");
            }
        } else if (ch >= 0x20 && ch < 0x7f && c->len < HMP_LINE_MAX - 1) {
            c->line[c->len++] = (char)ch;
            qemu_chr_fe_write_all(&c->be, &ch, 1);
        }
    }
}

static void hmp_event(void *opaque, QEMUChrEvent event)
{
    HmpConsole *c = opaque;

    if (event != CHR_EVENT_MUX_IN) {
        return;
    }
    if (!c->banner_shown) {
        hmp_puts(c, "QEMU " QEMU_VERSION " monitor - type 'help' for more "
                 "information\n");
        c->banner_shown = true;
    }
    hmp_prompt(c);
}

bool monitor_init_hmp_console(Chardev *mux, Error **errp)
{
    HmpConsole *c = g_new0(HmpConsole, 1);

    if (!qemu_chr_fe_init(&c->be, mux, errp)) {
        g_free(c);
        return false;
    }
    qemu_chr_fe_set_handlers(&c->be, hmp_can_read, hmp_read, hmp_event, c);
    console = c;
    return true;
}

void monitor_hmp_console_cleanup(void)
{
    if (console) {
        qemu_chr_fe_deinit(&console->be);
        g_free(console);
        console = NULL;
    }
}
