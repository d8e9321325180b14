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
#include "system/cpus.h"
#include "system/runstate.h"
#include "system/vl.h"
#include "system/vl-devices.h"
#include "util/keyval.h"

/* keyval text -> string table (for -chardev, -mon, -device). */
static GHashTable *parse_string_opts(const char *text, const char *implied,
                                     bool *help, Error **errp)
{
    return keyval_parse_strings(text, implied, help, errp);
}

/* A "help" was answered: the process exits after the command line. */
static bool exit_requested;

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

/* A NIC request; its model (checked by nic_model_check()) is always
 * virtio-net-pci. */
static NicRequest *nic_request(const char *mac, const char *id,
                               const char *netdev)
{
    NicRequest *nic = g_new0(NicRequest, 1);

    nic->model = g_strdup("virtio-net-pci");
    nic->mac = g_strdup(mac);
    nic->id = g_strdup(id);
    nic->netdev = g_strdup(netdev);
    return nic;
}

/* ---- -netdev, -net and -nic ---- */

/* A back-end, parsed when the command line was read, created before the
 * machine. */
typedef struct NetdevRequest {
    Netdev *netdev;
    bool is_netdev;
    bool auto_id;       /* -net without id: "<type>.N", named when created */
} NetdevRequest;

static bool create_netdev(void *opaque, Error **errp)
{
    NetdevRequest *req = opaque;

    if (req->auto_id) {
        g_free(req->netdev->id);
        req->netdev->id = qemu_net_unique_name(
            NetClientDriver_str(req->netdev->type));
    }
    return net_client_init(req->netdev, req->is_netdev, errp);
}

static void add_netdev(Netdev *netdev, bool is_netdev, bool auto_id,
                       const char *loc)
{
    NetdevRequest *req = g_new0(NetdevRequest, 1);

    req->netdev = netdev;
    req->is_netdev = is_netdev;
    req->auto_id = auto_id;
    vl_add_init_hook(VL_PHASE_BEFORE_MACHINE, create_netdev, req, loc);
}

/*
 * The keyval tree of a -netdev/-net/-nic argument into *ARGS.  *ARGS is
 * NULL when there is nothing more to do: after "help" (the back-end list
 * is printed) and, with NONE_OK (-net, -nic), for type "none".
 */
static bool net_option_parse(const char *arg, bool none_ok, JsonNode **args,
                             Error **errp)
{
    bool help = false;
    const char *type;

    *args = keyval_parse(arg, "type", &help, errp);
    if (!*args) {
        return false;
    }
    type = keyval_get_string(json_node_get_object(*args), "type");
    if (help) {
        net_print_backends();
        exit_requested = true;
    }
    if (help || (none_ok && type && !strcmp(type, "none"))) {
        json_node_unref(*args);
        *args = NULL;
    }
    return true;
}

static bool opt_netdev(const char *arg, const char *loc, Error **errp)
{
    JsonNode *args;
    Netdev *netdev;

    if (!net_option_parse(arg, false, &args, errp)) {
        return false;
    }
    if (!args) {
        return true;            /* help */
    }
    netdev = net_netdev_from_keyval(args, errp);
    json_node_unref(args);
    if (!netdev) {
        return false;
    }
    add_netdev(netdev, true, false, loc);
    return true;
}

/* -net nic: the NetLegacyNicOptions of a Netdev, as a NIC request. */
static bool add_legacy_nic(Netdev *nd, bool auto_id, const char *loc,
                           Error **errp)
{
    NetLegacyNicOptions *o = &nd->u.nic;
    NicRequest *nic;

    if (o->addr || o->has_vectors) {
        error_setg(errp, "'%s' is not supported with -net nic: use -device "
                   "virtio-net-pci", o->addr ? "addr" : "vectors");
        return false;
    }
    if (o->model && !nic_model_check(o->model, &exit_requested, errp)) {
        return false;
    }
    if (exit_requested) {
        return true;            /* model=help */
    }
    nic = nic_request(o->macaddr, auto_id ? NULL : nd->id, o->netdev);
    vl_add_init_hook(VL_PHASE_AFTER_MACHINE, create_nic, nic, loc);
    return true;
}

/*
 * -net TYPE[,id=ID|name=ID][,...]: a back-end on hub 0, or with TYPE nic
 * a NIC on it.  Without an id a back-end is named "<type>.N" when it is
 * created (the names count the clients that exist by then).
 */
static bool opt_net(const char *arg, const char *loc, Error **errp)
{
    JsonNode *args;
    JsonObject *obj;
    g_autoptr(Netdev) netdev = NULL;
    bool auto_id;

    if (!net_option_parse(arg, true, &args, errp)) {
        return false;
    }
    if (!args) {
        return true;            /* help, or none */
    }
    obj = json_node_get_object(args);
    /* "name" is -net's old spelling of "id" */
    if (!json_object_has_member(obj, "id") &&
        keyval_get_string(obj, "name")) {
        json_object_set_string_member(obj, "id",
                                      keyval_get_string(obj, "name"));
    }
    json_object_remove_member(obj, "name");
    auto_id = !json_object_has_member(obj, "id");
    if (auto_id) {
        json_object_set_string_member(obj, "id", "");
    }
    netdev = net_netdev_from_keyval(args, errp);
    json_node_unref(args);
    if (!netdev) {
        return false;
    }
    if (netdev->type == NET_CLIENT_DRIVER_NIC) {
        return add_legacy_nic(netdev, auto_id, loc, errp);
    }
    add_netdev(g_steal_pointer(&netdev), false, auto_id, loc);
    return true;
}

/*
 * -nic TYPE[,model=M][,mac=MAC][,backend options]: a netdev named
 * __org.qemu.nicN and a NIC on it, as QEMU does.  "-nic none": no NIC.
 */
static bool opt_nic(const char *arg, const char *loc, Error **errp)
{
    static unsigned nic_count;
    g_autofree char *id = NULL;
    JsonNode *args;
    JsonObject *obj;
    const char *model;
    NicRequest *nic;
    Netdev *netdev;

    if (!net_option_parse(arg, true, &args, errp)) {
        return false;
    }
    if (!args) {
        return true;            /* help, or none */
    }
    obj = json_node_get_object(args);
    model = keyval_get_string(obj, "model");
    if (model && !nic_model_check(model, &exit_requested, errp)) {
        json_node_unref(args);
        return false;
    }
    if (exit_requested) {
        json_node_unref(args);
        return true;            /* model=help */
    }
    id = g_strdup_printf("__org.qemu.nic%u", nic_count++);
    netdev = net_nic_netdev(args, id, errp);
    if (!netdev) {
        json_node_unref(args);
        return false;
    }
    nic = nic_request(keyval_get_string(obj, "mac"), NULL, id);
    json_node_unref(args);
    add_netdev(netdev, true, false, loc);
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
        qemu_chr_print_backends();
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
    hmp_cpus_register();
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
