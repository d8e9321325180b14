/*
 * Command-line options that create back-ends, devices and monitors:
 * -netdev, -net, -nic, -device, -chardev, -mon, -qmp.
 *
 * Each option is checked while the command line is read where that is
 * possible without the machine (syntax, help), and carried out in an init
 * hook: back-ends before the machine is built, NICs, devices and monitors
 * after it, in command-line order.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chardev/char.h"
#include "hw/qdev.h"
#include "monitor/monitor.h"
#include "net/hub.h"
#include "net/net.h"
#include "qapi/json-visitor.h"
#include "qapi/qapi-visit.h"
#include "qapi/visitor.h"
#include "qapi/error.h"
#include "system/runstate.h"
#include "system/vl.h"
#include "system/vl-devices.h"
#include "util/keyval.h"

/* keyval text -> string table (for -chardev, -device's helpers). */
static GHashTable *parse_string_opts(const char *text, const char *implied,
                                     bool *help, Error **errp)
{
    JsonNode *args = keyval_parse(text, implied, help, errp);
    GHashTable *opts;
    JsonObjectIter iter;
    const char *key;
    JsonNode *value;

    if (!args) {
        return NULL;
    }
    opts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    json_object_iter_init(&iter, json_node_get_object(args));
    while (json_object_iter_next(&iter, &key, &value)) {
        if (!JSON_NODE_HOLDS_VALUE(value)) {
            error_setg(errp, "Parameter '%s' expects a scalar value", key);
            g_hash_table_unref(opts);
            json_node_unref(args);
            return NULL;
        }
        g_hash_table_insert(opts, g_strdup(key),
                            g_strdup(json_node_get_string(value)));
    }
    json_node_unref(args);
    return opts;
}

/* ---- NICs from -net nic and -nic ---- */

typedef struct NicRequest {
    char *model;
    char *mac;
    char *id;
    char *netdev;               /* a netdev id, or NULL: a port of hub 0 */
} NicRequest;

static const char *const nic_models[] = { "virtio-net-pci", NULL };

static bool nic_model_check(const char *model, bool *exit_now, Error **errp)
{
    if (!strcmp(model, "help")) {
        printf("Available NIC models:\n");
        for (const char *const *m = nic_models; *m; m++) {
            printf("%s\n", *m);
        }
        *exit_now = true;
        return true;
    }
    if (!strcmp(model, "virtio") || !strcmp(model, "virtio-net-pci")) {
        return true;
    }
    error_setg(errp, "Unsupported NIC model: %s", model);
    return false;
}

static bool create_nic(void *opaque, Error **errp)
{
    NicRequest *nic = opaque;
    g_autoptr(JsonObject) opts = json_object_new();
    NetClientState *port = NULL;

    json_object_set_string_member(opts, "driver", "virtio-net-pci");
    if (nic->id) {
        json_object_set_string_member(opts, "id", nic->id);
    }
    if (nic->mac) {
        json_object_set_string_member(opts, "mac", nic->mac);
    }
    if (nic->netdev) {
        json_object_set_string_member(opts, "netdev", nic->netdev);
    } else {
        port = net_hub_add_port(0, NULL, NULL);
        json_object_set_string_member(opts, "netdev", port->name);
    }
    if (!qdev_device_add_from_json(opts, false, false, errp)) {
        if (port) {
            qemu_del_net_client(port);
        }
        return false;
    }
    return true;
}

/* Takes "model", "macaddr"/"mac", "id", "name", "netdev" out of OPTS. */
static NicRequest *nic_request(GHashTable *opts, const char *mac_key,
                               bool *exit_now, Error **errp)
{
    NicRequest *nic = g_new0(NicRequest, 1);
    const char *model = g_hash_table_lookup(opts, "model");

    if (model && !nic_model_check(model, exit_now, errp)) {
        g_free(nic);
        return NULL;
    }
    nic->model = g_strdup("virtio-net-pci");
    nic->mac = g_strdup(g_hash_table_lookup(opts, mac_key));
    nic->id = g_strdup(g_hash_table_lookup(opts, "id"));
    nic->netdev = g_strdup(g_hash_table_lookup(opts, "netdev"));
    return nic;
}

/* ---- -netdev and -net ---- */

typedef struct NetdevRequest {
    char *text;
    bool is_netdev;
} NetdevRequest;

static bool create_netdev(void *opaque, Error **errp)
{
    NetdevRequest *req = opaque;
    bool exit_now;

    return net_client_parse(req->text, req->is_netdev, &exit_now, errp);
}

/* Parses TEXT now (so a typo fails before anything is built). */
static bool netdev_check(const char *text, bool is_netdev, bool *exit_now,
                         Error **errp)
{
    bool help = false;
    g_autoptr(Netdev) netdev = net_parse_netdev(text, is_netdev, &help, errp);

    if (help) {
        bool unused;
        *exit_now = true;
        return net_client_parse(text, is_netdev, &unused, errp);
    }
    return netdev != NULL;
}

static bool exit_requested;

static bool opt_netdev(const char *arg, const char *loc, Error **errp)
{
    NetdevRequest *req;

    if (!netdev_check(arg, true, &exit_requested, errp)) {
        return false;
    }
    req = g_new0(NetdevRequest, 1);
    req->text = g_strdup(arg);
    req->is_netdev = true;
    vl_add_init_hook(VL_PHASE_BEFORE_MACHINE, create_netdev, req, loc);
    return true;
}

static bool opt_net(const char *arg, const char *loc, Error **errp)
{
    bool help = false;
    g_autoptr(GHashTable) opts = parse_string_opts(arg, "type", &help, errp);
    const char *type;

    if (!opts) {
        return false;
    }
    type = g_hash_table_lookup(opts, "type");
    if (help && !type) {
        printf("Available netdev backend types:\nnic\nuser\ntap\nbridge\nhubport\n");
        exit_requested = true;
        return true;
    }
    if (type && !strcmp(type, "nic")) {
        NicRequest *nic = nic_request(opts, "macaddr", &exit_requested, errp);
        if (!nic) {
            return false;
        }
        GHashTableIter it;
        gpointer key;
        g_hash_table_iter_init(&it, opts);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            if (strcmp(key, "type") && strcmp(key, "model") &&
                strcmp(key, "macaddr") && strcmp(key, "id") &&
                strcmp(key, "name") && strcmp(key, "netdev")) {
                error_setg(errp, "Invalid parameter '%s'", (char *)key);
                return false;
            }
        }
        vl_add_init_hook(VL_PHASE_AFTER_MACHINE, create_nic, nic, loc);
        return true;
    }
    if (type && !strcmp(type, "none")) {
        return true;
    }
    {
        NetdevRequest *req;
        if (!netdev_check(arg, false, &exit_requested, errp)) {
            return false;
        }
        req = g_new0(NetdevRequest, 1);
        req->text = g_strdup(arg);
        req->is_netdev = false;
        vl_add_init_hook(VL_PHASE_BEFORE_MACHINE, create_netdev, req, loc);
    }
    return true;
}

/*
 * -nic TYPE[,model=M][,mac=MAC][,backend options]: a netdev named
 * __org.qemu.nicN and a NIC on it, as QEMU does.  "-nic none": no NIC.
 */
static bool opt_nic(const char *arg, const char *loc, Error **errp)
{
    static unsigned nic_count;
    bool help = false;
    g_autoptr(GHashTable) opts = parse_string_opts(arg, "type", &help, errp);
    g_autoptr(GString) netdev_text = NULL;
    NicRequest *nic;
    NetdevRequest *req;
    GHashTableIter it;
    gpointer key, value;
    const char *type;

    if (!opts) {
        return false;
    }
    type = g_hash_table_lookup(opts, "type");
    if (type && !strcmp(type, "none")) {
        return true;
    }
    if (help && !type) {
        printf("Available netdev backend types:\nuser\ntap\nbridge\n");
        exit_requested = true;
        return true;
    }
    nic = nic_request(opts, "mac", &exit_requested, errp);
    if (!nic || exit_requested) {
        return nic != NULL;
    }
    g_free(nic->id);
    nic->id = NULL;
    g_free(nic->netdev);
    nic->netdev = g_strdup_printf("__org.qemu.nic%u", nic_count++);

    /* What is left describes the netdev; keep the user's order-free set. */
    netdev_text = g_string_new(type ? type : "");
    g_string_append_printf(netdev_text, ",id=%s", nic->netdev);
    g_hash_table_iter_init(&it, opts);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        g_autofree char *escaped = NULL;
        GString *e;
        if (!strcmp(key, "type") || !strcmp(key, "model") ||
            !strcmp(key, "mac") || !strcmp(key, "id")) {
            continue;
        }
        e = g_string_new("");
        for (const char *p = value; *p; p++) {
            g_string_append_c(e, *p);
            if (*p == ',') {
                g_string_append_c(e, ',');      /* keyval escaping */
            }
        }
        escaped = g_string_free(e, FALSE);
        g_string_append_printf(netdev_text, ",%s=%s", (char *)key, escaped);
    }
    if (!netdev_check(netdev_text->str, true, &exit_requested, errp)) {
        return false;
    }
    req = g_new0(NetdevRequest, 1);
    req->text = g_strdup(netdev_text->str);
    req->is_netdev = true;
    vl_add_init_hook(VL_PHASE_BEFORE_MACHINE, create_netdev, req, loc);
    vl_add_init_hook(VL_PHASE_AFTER_MACHINE, create_nic, nic, loc);
    return true;
}

/* ---- -device ---- */

typedef struct DeviceRequest {
    JsonNode *opts;
    bool from_json;             /* -device '{...}': typed values */
} DeviceRequest;

static bool create_device(void *opaque, Error **errp)
{
    DeviceRequest *req = opaque;

    return qdev_device_add_from_json(json_node_get_object(req->opts),
                                     req->from_json, false, errp) != NULL;
}

/* -device '{"driver": ...}', QEMU's JSON form. */
static JsonNode *parse_json_opts(const char *text, Error **errp)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    GError *gerr = NULL;
    JsonNode *root;

    if (!json_parser_load_from_data(parser, text, -1, &gerr)) {
        error_from_gerror(errp, gerr);
        return NULL;
    }
    root = json_parser_steal_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        error_setg(errp, "-device JSON must be an object");
        if (root) {
            json_node_unref(root);
        }
        return NULL;
    }
    return root;
}

static bool opt_device(const char *arg, const char *loc, Error **errp)
{
    bool help = false;
    bool from_json = arg[0] == '{';
    JsonNode *opts = from_json ? parse_json_opts(arg, errp)
                               : keyval_parse(arg, "driver", &help, errp);
    DeviceRequest *req;

    if (!opts) {
        return false;
    }
    if (help) {
        JsonObject *obj = json_node_get_object(opts);
        const char *driver = json_object_has_member(obj, "driver") ?
            json_object_get_string_member(obj, "driver") : NULL;
        bool ok = qdev_device_help(driver, errp);

        exit_requested = true;
        json_node_unref(opts);
        return ok;
    }
    req = g_new0(DeviceRequest, 1);
    req->opts = opts;
    req->from_json = from_json;
    vl_add_init_hook(VL_PHASE_AFTER_MACHINE, create_device, req, loc);
    return true;
}

/* ---- -chardev, -mon, -qmp ---- */

static bool create_chardev(void *opaque, Error **errp)
{
    GHashTable *opts = opaque;

    return qemu_chr_new_from_opts(opts, errp) != NULL;
}

static bool opt_chardev(const char *arg, const char *loc, Error **errp)
{
    bool help = false;
    GHashTable *opts = parse_string_opts(arg, "backend", &help, errp);

    if (!opts) {
        return false;
    }
    if (help) {
        printf("Available chardev backend types:\nsocket\nstdio\nfile\nnull\n");
        exit_requested = true;
        g_hash_table_unref(opts);
        return true;
    }
    if (!g_hash_table_lookup(opts, "id")) {
        g_hash_table_unref(opts);
        error_setg(errp, "Parameter 'id' is missing");
        return false;
    }
    vl_add_init_hook(VL_PHASE_BEFORE_MACHINE, create_chardev, opts, loc);
    return true;
}

static bool start_monitor(void *opaque, Error **errp)
{
    const char *id = opaque;
    Chardev *chr = qemu_chr_find(id);

    if (!chr) {
        error_setg(errp, "chardev \"%s\" not found", id);
        return false;
    }
    return monitor_init_qmp_chardev(chr, errp);
}

static bool opt_mon(const char *arg, const char *loc, Error **errp)
{
    bool help = false;
    g_autoptr(GHashTable) opts = parse_string_opts(arg, "chardev", &help, errp);
    const char *chardev, *mode;

    if (!opts) {
        return false;
    }
    chardev = g_hash_table_lookup(opts, "chardev");
    mode = g_hash_table_lookup(opts, "mode");
    if (!chardev) {
        error_setg(errp, "Parameter 'chardev' is missing");
        return false;
    }
    if (mode && strcmp(mode, "control") != 0) {
        error_setg(errp, "mode=%s is not supported: only QMP monitors "
                    "(mode=control) exist here", mode);
        return false;
    }
    if (!mode) {
        error_setg(errp, "the human monitor is only reached through QMP's "
                    "human-monitor-command here: use mode=control");
        return false;
    }
    vl_add_init_hook(VL_PHASE_AFTER_MACHINE, start_monitor, g_strdup(chardev),
                     loc);
    return true;
}

static bool create_qmp(void *opaque, Error **errp)
{
    static unsigned count;
    g_autofree char *label = g_strdup_printf("compat_monitor%u", count++);
    Chardev *chr = qemu_chr_new(label, opaque, errp);

    if (!chr) {
        if (errp && !*errp) {
            error_setg(errp, "-qmp needs a character device, not 'none'");
            return false;
        }
        return false;
    }
    return monitor_init_qmp_chardev(chr, errp);
}

static bool opt_qmp(const char *arg, const char *loc, Error **errp)
{
    vl_add_init_hook(VL_PHASE_AFTER_MACHINE, create_qmp, g_strdup(arg), loc);
    return true;
}

const QemuOptionDesc vl_device_options[] = {
    { "netdev", true, opt_netdev, "TYPE,id=ID[,...]",
      "create a network back-end (user, tap, bridge, hubport; 'help' lists)" },
    { "net", true, opt_net, "nic|TYPE[,...]",
      "old-style networking: NICs and back-ends joined by hub 0" },
    { "nic", true, opt_nic, "TYPE[,model=M][,mac=MAC][,...]",
      "a back-end and its NIC in one option (model: virtio-net-pci)" },
    { "device", true, opt_device, "DRIVER[,prop=value][,...]",
      "add a device (virtio-net-pci, pcie-root-port; 'help' lists)" },
    { "chardev", true, opt_chardev, "BACKEND,id=ID[,...]",
      "create a character device (socket, stdio, file, null)" },
    { "mon", true, opt_mon, "chardev=ID,mode=control",
      "a QMP monitor on character device ID" },
    { "qmp", true, opt_qmp, "DEV",
      "a QMP monitor on DEV (unix:PATH,server=on,wait=off, tcp:H:P,..., stdio)" },
    { NULL },
};

/* mon:stdio: the human monitor shares the first serial port's console. */
static bool start_hmp_console(void *opaque, Error **errp)
{
    Chardev *chr = qemu_chr_find("serial0");

    return !chr || !qemu_chr_is_mux(chr) || monitor_init_hmp_console(chr, errp);
}

bool vl_devices_exit_requested(void)
{
    return exit_requested;
}

void vl_devices_init(void)
{
    static QmpCommandList *commands;

    commands = qmp_command_list_new();
    monitor_register_commands(commands);
    monitor_install_event_emitter();
    qmp_runstate_events_init();
    vl_add_init_hook(VL_PHASE_AFTER_MACHINE, start_hmp_console, NULL, NULL);
}

void vl_devices_cleanup(void)
{
    monitor_cleanup();
    qdev_cleanup();
    net_cleanup();
}
