/*
 * A QMP monitor on a chardev: -qmp, -mon chardev=ID,mode=control.
 *
 * The chardev's connection events start and end QMP sessions (a new
 * client gets a new greeting); its bytes feed the monitor; fds passed over
 * a unix socket reach getfd.
 */

#include "monitor/monitor.h"

#include "chardev/char-socket.h"

typedef struct MonitorChardev {
    CharBackend be;
    Monitor *mon;
} MonitorChardev;

static GPtrArray *chardev_monitors;

static void mon_chr_write(void *opaque, const char *buf, size_t len)
{
    MonitorChardev *m = opaque;

    qemu_chr_fe_write_all(&m->be, (const uint8_t *)buf, (int)len);
}

static int mon_chr_take_fd(void *opaque)
{
    MonitorChardev *m = opaque;

    return qemu_chr_socket_take_fd(m->be.chr);
}

static void mon_chr_accept_input(void *opaque)
{
    MonitorChardev *m = opaque;

    qemu_chr_fe_accept_input(&m->be);
}

static const MonitorTransport mon_chr_transport = {
    .write = mon_chr_write,
    .take_fd = mon_chr_take_fd,
    .accept_input = mon_chr_accept_input,
};

/* Room unless the monitor is holding requests behind a deferred reply. */
static int mon_chr_can_read(void *opaque)
{
    MonitorChardev *m = opaque;

    return monitor_qmp_can_read(m->mon) ? 4096 : 0;
}

static void mon_chr_read(void *opaque, const uint8_t *buf, int size)
{
    MonitorChardev *m = opaque;

    monitor_qmp_input(m->mon, buf, (size_t)size);
}

static void mon_chr_event(void *opaque, QEMUChrEvent event)
{
    MonitorChardev *m = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
    case CHR_EVENT_MUX_IN:
        monitor_qmp_connected(m->mon);
        break;
    case CHR_EVENT_CLOSED:
    case CHR_EVENT_MUX_OUT:
        monitor_qmp_disconnected(m->mon);
        break;
    case CHR_EVENT_BREAK:
        break;
    }
}

bool monitor_init_qmp_chardev(Chardev *chr, Error **errp)
{
    MonitorChardev *m = g_new0(MonitorChardev, 1);

    if (!qemu_chr_fe_init(&m->be, chr, errp)) {
        g_free(m);
        return false;
    }
    m->mon = monitor_qmp_new(&mon_chr_transport, m);
    qemu_chr_fe_set_handlers(&m->be, mon_chr_can_read, mon_chr_read,
                             mon_chr_event, m);
    if (!chardev_monitors) {
        chardev_monitors = g_ptr_array_new();
    }
    g_ptr_array_add(chardev_monitors, m);
    return true;
}

void monitor_cleanup(void)
{
    monitor_hmp_console_cleanup();
    for (guint i = 0; chardev_monitors && i < chardev_monitors->len; i++) {
        MonitorChardev *m = g_ptr_array_index(chardev_monitors, i);
        qemu_chr_fe_deinit(&m->be);
        monitor_qmp_free(m->mon);
        g_free(m);
    }
    if (chardev_monitors) {
        g_ptr_array_free(chardev_monitors, TRUE);
        chardev_monitors = NULL;
    }
}
