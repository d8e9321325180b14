/*
 * The human monitor commands, reached through QMP human-monitor-command
 * (and the monitor console): what QEMU users type, with QEMU's output.
 */

#include <string.h>

#include "config-host.h"
#include "monitor/monitor.h"
#include "net/net.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-types.h"

typedef struct HmpCommand {
    const char *name;
    const char *args_help;
    const char *help;
    /* Appends output to OUT; ARGS are the words after the command. */
    bool (*run)(GString *out, char **args, Error **errp);
} HmpCommand;

static bool hmp_info(GString *out, char **args, Error **errp);
static bool hmp_help(GString *out, char **args, Error **errp);

static bool info_version(GString *out, char **args, Error **errp)
{
    g_string_append(out, QEMU_VERSION " (" QEMU_PKGVERSION ")\n");
    return true;
}

static bool info_status(GString *out, char **args, Error **errp)
{
    g_autoptr(StatusInfo) info = qmp_query_status(errp);

    if (!info) {
        return false;
    }
    g_string_append_printf(out, "VM status: %s", info->running ? "running"
                           : "paused");
    if (!info->running && info->status != RUN_STATE_PAUSED) {
        g_string_append_printf(out, " (%s)", RunState_str(info->status));
    }
    g_string_append(out, "\n");
    return true;
}

static bool info_network(GString *out, char **args, Error **errp)
{
    g_autofree char *text = net_info_network();

    g_string_append(out, text);
    return true;
}

static const HmpCommand info_commands[] = {
    { "network", "", "show the network state", info_network },
    { "status", "", "show the current VM status (running|paused)", info_status },
    { "version", "", "show the version of the emulator", info_version },
};

static bool hmp_set_link(GString *out, char **args, Error **errp)
{
    if (!args[0] || !args[1] || args[2] ||
        (strcmp(args[1], "on") != 0 && strcmp(args[1], "off") != 0)) {
        error_setg(errp, "usage: set_link name on|off");
        return false;
    }
    return net_set_link(args[0], strcmp(args[1], "on") == 0, errp);
}

static bool hmp_netdev_add(GString *out, char **args, Error **errp)
{
    g_autoptr(Netdev) netdev = NULL;
    bool help = false;

    if (!args[0] || args[1]) {
        error_setg(errp, "usage: netdev_add type,id=str[,prop=value][,...]");
        return false;
    }
    netdev = net_parse_netdev(args[0], true, &help, errp);
    return netdev && net_client_init(netdev, true, errp);
}

static bool hmp_netdev_del(GString *out, char **args, Error **errp)
{
    if (!args[0] || args[1]) {
        error_setg(errp, "usage: netdev_del id");
        return false;
    }
    return netdev_del(args[0], errp);
}

static const HmpCommand commands[] = {
    { "help", "[cmd]", "show the help", hmp_help },
    { "info", "[subcommand]", "show various information about the system state",
      hmp_info },
    { "netdev_add", "type,id=str[,prop=value][,...]", "add host network device",
      hmp_netdev_add },
    { "netdev_del", "id", "remove host network device", hmp_netdev_del },
    { "set_link", "name on|off", "change the link status of a network adapter",
      hmp_set_link },
};

static bool hmp_help(GString *out, char **args, Error **errp)
{
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        g_string_append_printf(out, "%s %s -- %s\n", commands[i].name,
                               commands[i].args_help, commands[i].help);
    }
    return true;
}

/* "info" subcommands of layers above the monitor (hmp_register_info). */
typedef struct HmpInfoSource {
    const char *name;
    const char *help;
    HmpInfoFunc *fn;
} HmpInfoSource;

static GArray *info_sources;

void hmp_register_info(const char *name, const char *help, HmpInfoFunc *fn)
{
    HmpInfoSource src = { name, help, fn };

    if (!info_sources) {
        info_sources = g_array_new(FALSE, FALSE, sizeof(HmpInfoSource));
    }
    g_array_append_val(info_sources, src);
}

static bool hmp_info(GString *out, char **args, Error **errp)
{
    if (!args[0]) {
        for (guint i = 0; info_sources && i < info_sources->len; i++) {
            HmpInfoSource *src = &g_array_index(info_sources, HmpInfoSource, i);
            g_string_append_printf(out, "info %s -- %s\n", src->name,
                                   src->help);
        }
        for (size_t i = 0; i < G_N_ELEMENTS(info_commands); i++) {
            g_string_append_printf(out, "info %s -- %s\n",
                                   info_commands[i].name, info_commands[i].help);
        }
        return true;
    }
    for (guint i = 0; info_sources && i < info_sources->len; i++) {
        HmpInfoSource *src = &g_array_index(info_sources, HmpInfoSource, i);
        if (strcmp(args[0], src->name) == 0) {
            return src->fn(out, errp);
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(info_commands); i++) {
        if (strcmp(args[0], info_commands[i].name) == 0) {
            return info_commands[i].run(out, args + 1, errp);
        }
    }
    /* QEMU prints this rather than failing the QMP command. */
    g_string_append_printf(out, "unknown command: 'info %s'\n", args[0]);
    return true;
}

char *hmp_execute(const char *command_line, Error **errp)
{
    g_autofree char *line = g_strstrip(g_strdup(command_line));
    g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
    GString *out = g_string_new("");
    GPtrArray *args = g_ptr_array_new();
    bool ok = true;

    for (char **w = words; *w; w++) {
        if (**w) {
            g_ptr_array_add(args, *w);
        }
    }
    g_ptr_array_add(args, NULL);
    if (args->len > 1) {
        char **argv = (char **)args->pdata;
        const HmpCommand *cmd = NULL;
        for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
            if (strcmp(argv[0], commands[i].name) == 0) {
                cmd = &commands[i];
            }
        }
        if (cmd) {
            Error *err = NULL;
            ok = cmd->run(out, argv + 1, &err);
            if (!ok) {
                /* HMP reports errors as output, the way QEMU's does. */
                g_string_append_printf(out, "Error: %s\n", error_get_pretty(err));
                error_free(err);
            }
        } else {
            g_string_append_printf(out, "unknown command: '%s'\n", argv[0]);
        }
    }
    g_ptr_array_free(args, TRUE);
    return g_string_free(out, FALSE);
}
