/*
 * Command line and machine start-up of qemu-system-riscv64 (see
 * include/system/vl.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib.h>
#include <glib-unix.h>

#include "config-host.h"
#include "chardev/char.h"
#include "hw/boards.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/units.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "system/vl.h"
#include "system/vl-devices.h"
#include "system/machine-services.h"

#define PROG "qemu-system-riscv64"

MachineState *current_machine;

/* ---- what the options collect ---- */

typedef struct SerialSpec {
    char *spec;
    char *loc;
} SerialSpec;

static struct {
    char *machine_type;
    char *machine_loc;
    GHashTable *machine_props;      /* from -M NAME,key=value */
    uint64_t ram_size;              /* 0: the machine's default */
    char *ram_loc;
    unsigned smp;
    char *smp_loc;
    uint64_t tb_size;               /* -accel tcg,tb-size= in bytes */
    char *firmware, *firmware_loc;
    char *kernel, *kernel_loc;
    char *initrd, *initrd_loc;
    char *append;
    char *dtb, *dtb_loc;
    bool nographic;
    bool display_none;
    bool nodefaults;
    GArray *serials;                /* SerialSpec */
    bool start_paused;
    char *name;
    char *pidfile;
    bool daemonize;
    unsigned log_mask;
    char *log_file;
    bool exit_now;                  /* -h, -version, "help" lists */
} cfg;

typedef struct InitHook {
    VLInitHook *fn;
    void *opaque;
    char *loc;
} InitHook;

static GArray *init_hooks[VL_PHASE_MAX];

void vl_add_init_hook(VLPhase phase, VLInitHook *fn, void *opaque,
                      const char *loc)
{
    InitHook h = { fn, opaque, g_strdup(loc) };

    if (!init_hooks[phase]) {
        init_hooks[phase] = g_array_new(FALSE, FALSE, sizeof(InitHook));
    }
    g_array_append_val(init_hooks[phase], h);
}

/* Errors from an option's handler or hook name the option first. */
static bool fail_at(const char *loc, Error *err, Error **errp)
{
    if (loc) {
        error_prepend(&err, "%s: ", loc);
    }
    error_propagate(errp, err);
    return false;
}

/* ---- small parsers ---- */

/*
 * "a=b,c=d" with ",," for a literal comma; the first item may omit
 * "IMPLIED=" when IMPLIED is non-NULL.  Keys map to values in a new table.
 */
static GHashTable *parse_kv(const char *str, const char *implied,
                            Error **errp)
{
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal,
                                          g_free, g_free);
    const char *p = str;
    bool first = true;

    while (*p) {
        GString *item = g_string_new(NULL);
        char *eq, *key, *val;

        for (; *p; p++) {
            if (*p == ',') {
                if (p[1] == ',') {
                    g_string_append_c(item, ',');
                    p++;
                    continue;
                }
                p++;
                break;
            }
            g_string_append_c(item, *p);
        }
        eq = strchr(item->str, '=');
        if (eq) {
            key = g_strndup(item->str, eq - item->str);
            val = g_strdup(eq + 1);
        } else if (first && implied) {
            key = g_strdup(implied);
            val = g_strdup(item->str);
        } else if (!strcmp(item->str, "help") || !strcmp(item->str, "?")) {
            key = g_strdup("help");
            val = g_strdup("on");
        } else if (item->len) {
            error_setg(errp, "Expected '=' after parameter '%s'", item->str);
            g_string_free(item, TRUE);
            g_hash_table_destroy(h);
            return NULL;
        } else {
            g_string_free(item, TRUE);
            first = false;
            continue;
        }
        g_hash_table_replace(h, key, val);
        g_string_free(item, TRUE);
        first = false;
    }
    return h;
}

/*
 * A size as QEMU takes it: a number, optionally with a fraction, and an
 * optional suffix B/K/M/G/T/P/E (powers of 1024); DEFAULT_UNIT without one.
 */
static bool parse_size(const char *str, uint64_t default_unit, uint64_t *out)
{
    char *end;
    double val;
    uint64_t unit = default_unit;

    errno = 0;
    if (!g_ascii_isdigit(*str) && *str != '.') {
        return false;
    }
    val = g_ascii_strtod(str, &end);
    if (errno || end == str || val < 0) {
        return false;
    }
    switch (g_ascii_tolower(*end)) {
    case '\0':
        break;
    case 'b': unit = 1; end++; break;
    case 'k': unit = KiB; end++; break;
    case 'm': unit = MiB; end++; break;
    case 'g': unit = GiB; end++; break;
    case 't': unit = TiB; end++; break;
    case 'p': unit = 1024 * TiB; end++; break;
    case 'e': unit = 1024 * 1024 * TiB; end++; break;
    default:
        return false;
    }
    if (*end || val * unit >= 18446744073709551616.0) {
        return false;
    }
    *out = (uint64_t)(val * unit);
    return true;
}

static bool parse_uint(const char *str, unsigned *out)
{
    char *end;
    unsigned long v;

    if (!g_ascii_isdigit(*str)) {
        return false;
    }
    errno = 0;
    v = strtoul(str, &end, 10);
    if (errno || *end || v > UINT_MAX) {
        return false;
    }
    *out = (unsigned)v;
    return true;
}

static void set_str(char **dst, const char *val)
{
    g_free(*dst);
    *dst = g_strdup(val);
}

/* ---- option handlers ---- */

static void list_machines(void)
{
    printf("Supported machines are:\n");
    for (int i = 0; machine_classes[i]; i++) {
        printf("%-20s %s%s\n", machine_classes[i]->name,
               machine_classes[i]->desc,
               machine_classes[i]->is_default ? " (default)" : "");
    }
}

static bool opt_machine(const char *arg, const char *loc, Error **errp)
{
    GHashTable *props = parse_kv(arg, "type", errp);
    const char *type;

    if (!props) {
        return false;
    }
    type = g_hash_table_lookup(props, "type");
    if (type && (!strcmp(type, "help") || !strcmp(type, "?"))) {
        list_machines();
        cfg.exit_now = true;
        g_hash_table_destroy(props);
        return true;
    }
    if (type) {
        set_str(&cfg.machine_type, type);
        set_str(&cfg.machine_loc, loc);
    }
    if (!cfg.machine_props) {
        cfg.machine_props = props;
    } else {
        GHashTableIter it;
        gpointer k, v;

        g_hash_table_iter_init(&it, props);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            g_hash_table_replace(cfg.machine_props, g_strdup(k),
                                 g_strdup(v));
        }
        g_hash_table_destroy(props);
    }
    if (!cfg.machine_loc) {
        set_str(&cfg.machine_loc, loc);
    }
    return true;
}

static bool opt_m(const char *arg, const char *loc, Error **errp)
{
    g_autoptr(GHashTable) props = parse_kv(arg, "size", errp);
    const char *size;

    if (!props) {
        return false;
    }
    size = g_hash_table_lookup(props, "size");
    if (g_hash_table_size(props) != (size ? 1u : 0u)) {
        error_setg(errp, "Invalid parameter (only 'size' is supported)");
        return false;
    }
    if (!size || !parse_size(size, MiB, &cfg.ram_size)) {
        error_setg(errp, "Parameter 'size' expects a non-negative number "
                    "below 2^64\nOptional suffix k, M, G, T, P or E means "
                    "kilo-, mega-, giga-, tera-, peta-\nand exabytes, "
                    "respectively.");
        return false;
    }
    set_str(&cfg.ram_loc, loc);
    return true;
}

static bool opt_smp(const char *arg, const char *loc, Error **errp)
{
    static const char *const keys[] = {
        "cpus", "sockets", "dies", "clusters", "cores", "threads", "maxcpus",
    };
    g_autoptr(GHashTable) props = parse_kv(arg, "cpus", errp);
    unsigned v[G_N_ELEMENTS(keys)];
    bool have[G_N_ELEMENTS(keys)];
    unsigned known = 0, cpus;

    if (!props) {
        return false;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        const char *s = g_hash_table_lookup(props, keys[i]);

        have[i] = s != NULL;
        v[i] = 1;
        if (s) {
            known++;
            if (!parse_uint(s, &v[i])) {
                error_setg(errp, "Parameter '%s' expects a number", keys[i]);
                return false;
            }
        }
    }
    if (known != g_hash_table_size(props)) {
        error_setg(errp, "Invalid parameter (supported: cpus, sockets, "
                    "dies, clusters, cores, threads, maxcpus)");
        return false;
    }
    cpus = have[0] ? v[0] : v[1] * v[2] * v[3] * v[4] * v[5];
    if (cpus == 0) {
        error_setg(errp, "Invalid SMP CPUs 0");
        return false;
    }
    if (have[6] && v[6] != cpus) {
        error_setg(errp, "maxcpus must equal cpus: CPU hotplug is not "
                    "supported");
        return false;
    }
    cfg.smp = cpus;
    set_str(&cfg.smp_loc, loc);
    return true;
}

#define FILE_OPT(fn, field)                                              \
    static bool fn(const char *arg, const char *loc, Error **errp)      \
    {                                                                    \
        set_str(&cfg.field, arg);                                        \
        set_str(&cfg.field##_loc, loc);                                  \
        return true;                                                     \
    }
FILE_OPT(opt_bios, firmware)
FILE_OPT(opt_kernel, kernel)
FILE_OPT(opt_initrd, initrd)
FILE_OPT(opt_dtb, dtb)

static bool opt_append(const char *arg, const char *loc, Error **errp)
{
    set_str(&cfg.append, arg);
    return true;
}

static bool opt_S(const char *arg, const char *loc, Error **errp)
{
    cfg.start_paused = true;
    return true;
}

static bool opt_nographic(const char *arg, const char *loc, Error **errp)
{
    cfg.nographic = true;
    cfg.display_none = true;
    return true;
}

static bool opt_display(const char *arg, const char *loc, Error **errp)
{
    g_autofree char *type = g_strndup(arg, strcspn(arg, ","));

    if (!strcmp(type, "help") || !strcmp(type, "?")) {
        printf("Available display backend types:\nnone\n");
        cfg.exit_now = true;
        return true;
    }
    if (strcmp(type, "none")) {
        error_setg(errp, "Display '%s' is not available", type);
        return false;
    }
    if (type[0] && arg[strlen(type)]) {
        error_setg(errp, "Invalid parameter '%s'", arg + strlen(type) + 1);
        return false;
    }
    cfg.display_none = true;
    return true;
}

static bool opt_serial(const char *arg, const char *loc, Error **errp)
{
    SerialSpec s = { g_strdup(arg), g_strdup(loc) };

    if (!cfg.serials) {
        cfg.serials = g_array_new(FALSE, FALSE, sizeof(SerialSpec));
    }
    if (cfg.serials->len >= MAX_SERIAL_PORTS) {
        g_free(s.spec);
        g_free(s.loc);
        error_setg(errp, "too many serial ports");
        return false;
    }
    g_array_append_val(cfg.serials, s);
    return true;
}

static bool opt_nodefaults(const char *arg, const char *loc, Error **errp)
{
    cfg.nodefaults = true;
    return true;
}

static bool opt_name(const char *arg, const char *loc, Error **errp)
{
    g_autoptr(GHashTable) props = parse_kv(arg, "guest", errp);
    const char *guest;

    if (!props) {
        return false;
    }
    guest = g_hash_table_lookup(props, "guest");
    g_hash_table_remove(props, "guest");
    g_hash_table_remove(props, "process");
    g_hash_table_remove(props, "debug-threads");
    if (g_hash_table_size(props)) {
        error_setg(errp, "Invalid parameter (supported: guest, process, "
                    "debug-threads)");
        return false;
    }
    if (guest) {
        set_str(&cfg.name, guest);
    }
    return true;
}

static bool opt_pidfile(const char *arg, const char *loc, Error **errp)
{
    set_str(&cfg.pidfile, arg);
    return true;
}

static bool opt_daemonize(const char *arg, const char *loc, Error **errp)
{
    cfg.daemonize = true;
    return true;
}

static bool opt_d(const char *arg, const char *loc, Error **errp)
{
    int mask;

    if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
        qemu_print_log_usage();
        cfg.exit_now = true;
        return true;
    }
    mask = qemu_str_to_log_mask(arg);
    if (mask < 0) {
        qemu_print_log_usage();
        error_setg(errp, "Invalid -d option \"%s\"", arg);
        return false;
    }
    cfg.log_mask = mask;
    return true;
}

static bool opt_D(const char *arg, const char *loc, Error **errp)
{
    set_str(&cfg.log_file, arg);
    return true;
}

static bool opt_no_reboot(const char *arg, const char *loc, Error **errp)
{
    runstate_set_no_reboot(true);
    return true;
}

static bool opt_no_shutdown(const char *arg, const char *loc, Error **errp)
{
    runstate_set_no_shutdown(true);
    return true;
}

/* -accel tcg[,thread=single][,tb-size=MiB][,split-wx=off] */
static bool opt_accel(const char *arg, const char *loc, Error **errp)
{
    g_autoptr(GHashTable) props = parse_kv(arg, "accel", errp);
    GHashTableIter it;
    gpointer key, value;
    const char *type;

    if (!props) {
        return false;
    }
    type = g_hash_table_lookup(props, "accel");
    if (!type) {
        error_setg(errp, "Parameter 'accel' is missing");
        return false;
    }
    if (!strcmp(type, "help") || !strcmp(type, "?")) {
        printf("Accelerators supported in QEMU binary:\ntcg\n");
        cfg.exit_now = true;
        return true;
    }
    if (strcmp(type, "tcg")) {
        error_setg(errp, "invalid accelerator %s", type);
        return false;
    }
    g_hash_table_iter_init(&it, props);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        const char *k = key, *v = value;
        unsigned mib;

        if (!strcmp(k, "accel")) {
            continue;
        } else if (!strcmp(k, "thread")) {
            if (!strcmp(v, "multi")) {
                error_setg(errp, "thread=multi is not supported: "
                                       "all harts run on one host thread");
                return false;
            }
            if (strcmp(v, "single")) {
                error_setg(errp, "Invalid 'thread' setting %s", v);
                return false;
            }
        } else if (!strcmp(k, "tb-size")) {
            /* MiB of translated code; 0 keeps the default */
            if (!parse_uint(v, &mib)) {
                error_setg(errp, "Parameter 'tb-size' expects "
                                       "uint64");
                return false;
            }
            if (mib > 4096) {
                error_setg(errp, "tb-size %u MiB is too large "
                                       "(at most 4096)", mib);
                return false;
            }
            cfg.tb_size = (uint64_t)mib << 20;
        } else if (!strcmp(k, "split-wx")) {
            if (!strcmp(v, "on")) {
                error_setg(errp, "split-wx=on is not supported");
                return false;
            }
            if (strcmp(v, "off")) {
                error_setg(errp, "Parameter 'split-wx' expects "
                                       "'on' or 'off'");
                return false;
            }
        } else {
            error_setg(errp, "Property 'tcg-accel.%s' not found",
                                   k);
            return false;
        }
    }
    return true;
}

static bool opt_enable_kvm(const char *arg, const char *loc, Error **errp)
{
    error_setg(errp, "invalid accelerator kvm");
    return false;
}

static bool opt_cpu(const char *arg, const char *loc, Error **errp)
{
    g_autofree char *model = g_strndup(arg, strcspn(arg, ","));

    if (!strcmp(model, "help") || !strcmp(model, "?")) {
        printf("max\nrv64\n");
        cfg.exit_now = true;
        return true;
    }
    if (strcmp(model, "rv64") && strcmp(model, "max")) {
        error_setg(errp, "unable to find CPU model '%s'", model);
        return false;
    }
    if (model[0] && arg[strlen(model)]) {
        error_setg(errp, "CPU properties are not supported");
        return false;
    }
    return true;
}

static const QemuOptionDesc vl_options[];
static void print_help(void);

static bool opt_help(const char *arg, const char *loc, Error **errp)
{
    print_help();
    cfg.exit_now = true;
    return true;
}

static bool opt_version(const char *arg, const char *loc, Error **errp)
{
    printf("QEMU emulator version " QEMU_VERSION "\n"
           "Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project "
           "developers\n");
    cfg.exit_now = true;
    return true;
}

static const QemuOptionDesc vl_options[] = {
    { "h", false, opt_help, NULL, "display this help and exit" },
    { "help", false, opt_help, NULL, "display this help and exit" },
    { "version", false, opt_version, NULL, "display version information "
      "and exit" },
    { "machine", true, opt_machine, "[type=]name[,prop=value[,...]]",
      "selects emulated machine ('-machine help' for a list)\n"
      "dumpdtb=file writes the device tree to file and exits" },
    { "M", true, opt_machine, "[type=]name[,prop=value[,...]]",
      "same as -machine" },
    { "cpu", true, opt_cpu, "cpu", "select CPU ('-cpu help' for a list)" },
    { "accel", true, opt_accel, "tcg[,tb-size=n][,thread=single]",
      "select accelerator (only tcg); tb-size sets the MiB of translated\n"
      "code kept (default 32)" },
    { "enable-kvm", false, opt_enable_kvm, NULL, "not supported" },
    { "m", true, opt_m, "[size=]megs[M|G]", "configure guest RAM "
      "(default 128M on virt)" },
    { "smp", true, opt_smp, "[cpus=]n[,maxcpus=n][,sockets=..]",
      "set the number of harts (1..8 on virt)" },
    { "bios", true, opt_bios, "file|default|none", "set the firmware "
      "('default': OpenSBI fw_dynamic)" },
    { "kernel", true, opt_kernel, "bzImage", "use 'bzImage' as kernel image" },
    { "initrd", true, opt_initrd, "file", "use 'file' as initial ram disk" },
    { "append", true, opt_append, "cmdline", "use 'cmdline' as kernel "
      "command line" },
    { "dtb", true, opt_dtb, "file", "use 'file' as device tree image" },
    { "S", false, opt_S, NULL, "freeze CPU at startup (use 'c' or 'cont' "
      "to start)" },
    { "nographic", false, opt_nographic, NULL, "disable graphical output and "
      "redirect serial I/Os to console" },
    { "display", true, opt_display, "none", "select display backend type "
      "(only none)" },
    { "serial", true, opt_serial, "dev", "redirect the serial port to char "
      "device 'dev'\n(stdio, null, none, file:PATH, mon:stdio)" },
    { "nodefaults", false, opt_nodefaults, NULL, "don't create default "
      "devices" },
    { "name", true, opt_name, "string1[,process=..][,debug-threads=on|off]",
      "set the name of the guest" },
    { "pidfile", true, opt_pidfile, "file", "write PID to 'file'" },
    { "daemonize", false, opt_daemonize, NULL, "daemonize QEMU after "
      "initializing the emulated machine" },
    { "d", true, opt_d, "item1,...", "enable logging of specified items "
      "(use '-d help' for a list)" },
    { "D", true, opt_D, "logfile", "output log to logfile (default "
      "stderr)" },
    { "no-reboot", false, opt_no_reboot, NULL, "exit instead of "
      "rebooting" },
    { "no-shutdown", false, opt_no_shutdown, NULL, "stop before shutdown" },
    { NULL },
};

/*
 * Every option table.  Another module adds its options (-netdev, -device,
 * -chardev, -qmp, ...) by listing its table here.
 */
static const QemuOptionDesc *const option_tables[] = {
    vl_options,
    vl_device_options,
};

static const QemuOptionDesc *find_option(const char *name)
{
    for (size_t t = 0; t < G_N_ELEMENTS(option_tables); t++) {
        for (const QemuOptionDesc *d = option_tables[t]; d->name; d++) {
            if (!strcmp(d->name, name)) {
                return d;
            }
        }
    }
    return NULL;
}

static void print_help(void)
{
    printf("QEMU emulator version " QEMU_VERSION "\n"
           "usage: " PROG " [options]\n\n");
    for (size_t t = 0; t < G_N_ELEMENTS(option_tables); t++) {
        for (const QemuOptionDesc *d = option_tables[t]; d->name; d++) {
            g_auto(GStrv) lines = g_strsplit(d->help, "\n", -1);
            g_autofree char *head = g_strdup_printf(
                "-%s%s%s", d->name, d->help_arg ? " " : "",
                d->help_arg ? d->help_arg : "");

            printf("%-36s %s\n", head, lines[0]);
            for (int i = 1; lines[i]; i++) {
                printf("%-36s %s\n", "", lines[i]);
            }
        }
    }
    printf("\nDuring emulation, with -nographic (mon:stdio), Ctrl-a h "
           "lists the console escapes.\n");
}

static bool parse_command_line(int argc, char **argv, Error **errp)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const QemuOptionDesc *d;
        const char *arg = NULL;
        g_autofree char *loc = NULL;
        Error *err = NULL;

        if (a[0] != '-' || !a[1]) {
            error_setg(errp, "%s: disk images are not supported (invalid "
                       "argument)", a);
            return false;
        }
        d = find_option(a[1] == '-' ? a + 2 : a + 1);
        if (!d) {
            error_setg(errp, "%s: invalid option", a);
            return false;
        }
        if (d->has_arg) {
            if (i + 1 >= argc) {
                error_setg(errp, "%s: requires an argument", a);
                return false;
            }
            arg = argv[++i];
            loc = g_strdup_printf("%s %s", a, arg);
        } else {
            loc = g_strdup(a);
        }
        if (!d->handler(arg, loc, &err)) {
            return fail_at(loc, err, errp);
        }
        if (cfg.exit_now) {
            return true;
        }
    }
    return true;
}

/* ---- start-up ---- */

static bool run_hooks(VLPhase phase, Error **errp)
{
    GArray *hooks = init_hooks[phase];

    for (guint i = 0; hooks && i < hooks->len; i++) {
        InitHook *h = &g_array_index(hooks, InitHook, i);
        Error *err = NULL;

        if (!h->fn(h->opaque, &err)) {
            return fail_at(h->loc, err, errp);
        }
    }
    return true;
}

static bool configure_machine(MachineState *ms, Error **errp)
{
    const MachineClass *mc;

    if (cfg.machine_type) {
        mc = machine_find_class(cfg.machine_type);
        if (!mc) {
            error_setg(errp, "unsupported machine type");
            error_append_hint(errp, "Use -machine help to list supported "
                              "machines\n");
            return false;
        }
    } else {
        mc = machine_default_class();
    }
    ms->mc = mc;

    if (cfg.machine_props) {
        GHashTableIter it;
        gpointer k, v;

        if (g_hash_table_lookup(cfg.machine_props, "help")) {
            printf("%s-machine options:\n", mc->name);
            for (int i = 0; mc->props && mc->props[i]; i++) {
                printf("  %s=<str>\n", mc->props[i]);
            }
            printf("  accel=<str>\n");
            cfg.exit_now = true;
            return true;
        }
        g_hash_table_iter_init(&it, cfg.machine_props);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            bool known = !strcmp(k, "type");

            if (!strcmp(k, "accel")) {
                if (strcmp(v, "tcg")) {
                    error_setg(errp, "%s: invalid accelerator %s",
                               cfg.machine_loc, (const char *)v);
                    return false;
                }
                continue;
            }
            for (int i = 0; mc->props && mc->props[i]; i++) {
                known |= !strcmp(k, mc->props[i]);
            }
            if (!known) {
                error_setg(errp, "%s: Property '%s-machine.%s' not found",
                           cfg.machine_loc, mc->name, (const char *)k);
                return false;
            }
        }
        ms->dumpdtb = g_strdup(g_hash_table_lookup(cfg.machine_props,
                                                   "dumpdtb"));
    }

    ms->ram_size = cfg.ram_size ? cfg.ram_size : mc->default_ram_size;
    if (cfg.ram_loc) {
        /* whole pages: the CPU maps RAM page by page */
        if (mc->min_ram_size && ms->ram_size < mc->min_ram_size) {
            error_setg(errp, "%s: invalid RAM size: machine '%s' needs at "
                       "least %" G_GUINT64_FORMAT " MiB", cfg.ram_loc,
                       mc->name, mc->min_ram_size / MiB);
            return false;
        }
        if (mc->max_ram_size && ms->ram_size > mc->max_ram_size) {
            error_setg(errp, "%s: invalid RAM size: machine '%s' supports "
                       "at most %" G_GUINT64_FORMAT " GiB", cfg.ram_loc,
                       mc->name, mc->max_ram_size / GiB);
            return false;
        }
        if (ms->ram_size & 4095) {
            ms->ram_size = (ms->ram_size + 4095) & ~(uint64_t)4095;
        }
    }

    ms->smp_cpus = cfg.smp ? cfg.smp : 1;
    ms->tb_size = cfg.tb_size;
    if (mc->max_cpus && ms->smp_cpus > mc->max_cpus) {
        error_setg(errp, "Invalid SMP CPUs %u. The max CPUs supported by "
                   "machine '%s' is %u", ms->smp_cpus, mc->name, mc->max_cpus);
        return false;
    }

    if (!cfg.kernel) {
        if (cfg.initrd) {
            error_setg(errp, "-initrd only allowed with -kernel option");
            return false;
        }
        if (cfg.append) {
            error_setg(errp, "-append only allowed with -kernel option");
            return false;
        }
        if (cfg.dtb) {
            error_setg(errp, "-dtb only allowed with -kernel option");
            return false;
        }
    }
    ms->firmware = g_strdup(cfg.firmware);
    ms->firmware_opt = g_strdup(cfg.firmware_loc);
    ms->kernel_filename = g_strdup(cfg.kernel);
    ms->kernel_opt = g_strdup(cfg.kernel_loc);
    ms->initrd_filename = g_strdup(cfg.initrd);
    ms->initrd_opt = g_strdup(cfg.initrd_loc);
    ms->kernel_cmdline = g_strdup(cfg.append);
    ms->dtb = g_strdup(cfg.dtb);
    ms->dtb_opt = g_strdup(cfg.dtb_loc);
    return true;
}

static bool create_serials(MachineState *ms, Error **errp)
{
    if (!cfg.serials && !cfg.nodefaults) {
        /*
         * QEMU's defaults: with -nographic the console and the monitor
         * share stdio; without a display the serial port goes nowhere.
         */
        opt_serial(cfg.nographic ? "mon:stdio" : "null", NULL, NULL);
    }
    for (guint i = 0; cfg.serials && i < cfg.serials->len; i++) {
        SerialSpec *s = &g_array_index(cfg.serials, SerialSpec, i);
        g_autofree char *label = g_strdup_printf("serial%u", i);
        Error *err = NULL;
        Chardev *chr = qemu_chr_new(label, s->spec, &err);

        if (!chr && err) {
            return fail_at(s->loc, err, errp);
        }
        if (cfg.daemonize && chr &&
            (strstr(s->spec, "stdio") != NULL)) {
            error_setg(errp, "-nographic cannot be used with -daemonize");
            return false;
        }
        ms->serial[ms->nserial++] = chr;
    }
    return true;
}

/* ---- -daemonize and -pidfile ---- */

static int daemon_pipe = -1;

static bool os_daemonize(Error **errp)
{
    int fds[2];
    pid_t pid;

    if (pipe(fds) < 0) {
        error_setg_errno(errp, errno, "-daemonize: pipe");
        return false;
    }
    pid = fork();
    if (pid < 0) {
        error_setg_errno(errp, errno, "-daemonize: fork");
        return false;
    }
    if (pid > 0) {
        /* the parent exits when the child says it is up (or dies) */
        char status = 1;
        ssize_t n;

        close(fds[1]);
        do {
            n = read(fds[0], &status, 1);
        } while (n < 0 && errno == EINTR);
        _exit(n == 1 && status == 0 ? 0 : 1);
    }
    close(fds[0]);
    daemon_pipe = fds[1];
    setsid();
    return true;
}

static void os_setup_post(void)
{
    int null;

    if (daemon_pipe < 0) {
        return;
    }
    if (chdir("/") < 0) {
        /* harmless: paths were all resolved during start-up */
    }
    null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO) {
            close(null);
        }
    }
    if (write(daemon_pipe, "", 1) < 0) {
        /* the parent is gone; nobody to tell */
    }
    close(daemon_pipe);
    daemon_pipe = -1;
}

static char *pidfile_path;

static void remove_pidfile(void)
{
    if (pidfile_path) {
        unlink(pidfile_path);
    }
}

static bool write_pidfile(const char *path, Error **errp)
{
    g_autofree char *content = g_strdup_printf("%d\n", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0 || lockf(fd, F_TLOCK, 0) < 0 || ftruncate(fd, 0) < 0 ||
        write(fd, content, strlen(content)) != (ssize_t)strlen(content)) {
        error_setg_errno(errp, errno, "cannot create PID file");
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    /* the fd stays open: the lock marks the file as ours while we run */
    pidfile_path = g_canonicalize_filename(path, NULL);
    atexit(remove_pidfile);
    return true;
}

/* ---- the loop ---- */

static gboolean on_signal(gpointer data)
{
    qemu_system_killed(GPOINTER_TO_INT(data), 0);
    return G_SOURCE_CONTINUE;
}

static void quit_from_console(void)
{
    qemu_system_shutdown_request(VM_SHUTDOWN_CAUSE_HOST_UI);
}

static int qemu_main_loop(void)
{
    int status = 0;
    uint64_t budget = CPUS_SLICE_BUDGET;

    while (!main_loop_should_exit(&status)) {
        bool busy = runstate_is_running() && cpus_run_slice(budget);
        bool io = main_loop_wait(busy);

        /* Short slices while I/O flows, growing back once it stops. */
        budget = io ? CPUS_SLICE_BUDGET_IO : MIN(budget * 2, CPUS_SLICE_BUDGET);
    }
    return status;
}

/*
 * Everything before the main loop.  False when the process should exit:
 * with *errp set on failure, without an error when it is done (a help
 * listing, -M dumpdtb=).
 */
static bool qemu_init(int argc, char **argv, Error **errp)
{
    MachineState *ms;

    qemu_init_main_loop();
    vl_devices_init();

    if (!parse_command_line(argc, argv, errp)) {
        return false;
    }
    if (cfg.exit_now || vl_devices_exit_requested()) {
        return false;
    }
    ms = current_machine = g_new0(MachineState, 1);
    ms->services = &system_machine_services;
    if (!configure_machine(ms, errp) || cfg.exit_now) {
        return false;
    }
    qemu_set_log(cfg.log_mask);
    if (!qemu_set_log_filename(cfg.log_file, errp)) {
        return false;
    }
    if (cfg.daemonize && !os_daemonize(errp)) {
        return false;
    }
    if ((cfg.pidfile && !write_pidfile(cfg.pidfile, errp)) ||
        !create_serials(ms, errp) ||
        !run_hooks(VL_PHASE_BEFORE_MACHINE, errp) ||
        !ms->mc->init(ms, errp)) {
        return false;
    }
    if (ms->exit_after_init) {
        qemu_chr_cleanup_all();
        return false;
    }
    if (!run_hooks(VL_PHASE_AFTER_MACHINE, errp)) {
        return false;
    }
    cpus_apply_log_mask();
    qemu_system_reset(VM_SHUTDOWN_CAUSE_NONE);
    runstate_init(cfg.start_paused);
    return true;
}

int qemu_main(int argc, char **argv)
{
    Error *err = NULL;
    int status;

    g_set_prgname(PROG);
    signal(SIGPIPE, SIG_IGN);
    if (!qemu_init(argc, argv, &err)) {
        /* the one place start-up errors are printed */
        if (err) {
            error_report_err(err);
            return 1;
        }
        return 0;
    }

    g_unix_signal_add(SIGINT, on_signal, GINT_TO_POINTER(SIGINT));
    g_unix_signal_add(SIGTERM, on_signal, GINT_TO_POINTER(SIGTERM));
    g_unix_signal_add(SIGHUP, on_signal, GINT_TO_POINTER(SIGHUP));
    qemu_chr_quit_handler = quit_from_console;
    os_setup_post();

    status = qemu_main_loop();
    vl_devices_cleanup();
    qemu_chr_cleanup_all();
    return status;
}
