/*
 * QMP commands that belong to the monitor itself: negotiation, version,
 * the command list, file descriptor passing and the human monitor.
 */

#include <stdio.h>
#include <unistd.h>

#include "config-host.h"
#include "qemu/named-fd.h"
#include "monitor/monitor.h"
#include "qapi/qapi-commands.h"

static QmpCommandList *registered;

void qmp_qmp_capabilities(QMPCapabilityList *enable, Error **errp)
{
    bool oob = false;

    for (QMPCapabilityList *l = enable; l; l = l->next) {
        oob |= l->value == QMP_CAPABILITY_OOB;
    }
    if (!monitor_qmp_enter_command_mode(monitor_cur(), oob)) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, command "
                  "ignored");
    }
}

VersionInfo *qmp_query_version(Error **errp)
{
    VersionInfo *info = g_new0(VersionInfo, 1);
    unsigned major = 0, minor = 0, micro = 0;

    sscanf(QEMU_VERSION, "%u.%u.%u", &major, &minor, &micro);
    info->qemu = g_new0(VersionTriple, 1);
    info->qemu->major = major;
    info->qemu->minor = minor;
    info->qemu->micro = micro;
    info->package = g_strdup(QEMU_PKGVERSION);
    return info;
}

static void add_command_info(const QmpCommand *cmd, void *opaque)
{
    CommandInfoList ***tail = opaque;
    CommandInfoList *node;

    if (!qmp_command_is_enabled(cmd)) {
        return;
    }
    node = g_new0(CommandInfoList, 1);
    node->value = g_new0(CommandInfo, 1);
    node->value->name = g_strdup(qmp_command_name(cmd));
    **tail = node;
    *tail = &node->next;
}

CommandInfoList *qmp_query_commands(Error **errp)
{
    CommandInfoList *list = NULL;
    CommandInfoList **tail = &list;

    qmp_for_each_command(registered, add_command_info, &tail);
    return list;
}

void qmp_getfd(const char *fdname, Error **errp)
{
    int fd = monitor_take_fd(monitor_cur());

    if (fd < 0) {
        error_setg(errp, "No file descriptor supplied via SCM_RIGHTS");
        return;
    }
    if (!named_fd_add(fdname, fd, errp)) {
        close(fd);
    }
}

void qmp_closefd(const char *fdname, Error **errp)
{
    named_fd_close(fdname, errp);
}

char *qmp_human_monitor_command(const char *command_line, bool has_cpu_index,
                                int64_t cpu_index, Error **errp)
{
    g_autofree char *text = hmp_execute(command_line, errp);
    g_auto(GStrv) lines = NULL;

    if (!text) {
        return NULL;
    }
    /* The human monitor ends its lines with "\r\n", and clients see that. */
    lines = g_strsplit(text, "\n", -1);
    return g_strjoinv("\r\n", lines);
}

void monitor_register_commands(QmpCommandList *cmds)
{
    registered = cmds;
    qmp_init_marshal(cmds);
    qmp_register_command(cmds, "query-qmp-schema", qmp_query_qmp_schema,
                         QCO_ALLOW_PRECONFIG, 0);
    qmp_register_command(cmds, "device_add", qmp_device_add, QCO_NO_OPTIONS, 0);
    monitor_set_commands(cmds);
}
