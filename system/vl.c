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
#include "qapi/qapi-commands.h"
#include "qemu/log.h"
#include "qemu/fdset.h"
#include "qemu/main-loop.h"
#include "qemu/secret.h"
#include "qemu/units.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "system/vl.h"
#include "system/vl-devices.h"
#include "system/vl-host.h"
#include "system/vl-privileges.h"
#include "system/vl-machine.h"
#include "system/vl-objects.h"
#include "util/keyval.h"
#include "system/machine-services.h"

#define PROG "qemu-system-riscv64"

MachineState *current_machine;

/* ---- what the options collect ---- */

typedef struct SerialSpec {
    char *spec;
    char *loc;
} SerialSpec;

static struct {
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

/* ---- option handlers ---- */

void vl_request_exit(void)
{
    cfg.exit_now = true;
}

void vl_print_names(const char *title, const char *const *names)
{
    if (title) {
        printf("%s\n", title);
    }
    for (; *names; names++) {
        printf("%s\n", *names);
    }
}

static void set_str(char **dst, const char *val)
{
    g_free(*dst);
    *dst = g_strdup(val);
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

/* The display back-ends there are (-display help lists them). */
static const char *const display_types[] = { "none", NULL };

static bool opt_display(const char *arg, const char *loc, Error **errp)
{
    bool help = false;
    g_autoptr(GHashTable) opts = keyval_parse_strings(arg, "type", &help,
                                                      errp);
    const char *type;
    GHashTableIter it;
    gpointer key;

    if (!opts) {
        return false;
    }
    type = g_hash_table_lookup(opts, "type");
    if (help && !type) {
        vl_print_names("Available display backend types:", display_types);
        cfg.exit_now = true;
        return true;
    }
    if (!type || !g_strv_contains(display_types, type)) {
        error_setg(errp, "Display '%s' is not available", type ? type : "");
        return false;
    }
    g_hash_table_iter_init(&it, opts);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (strcmp(key, "type")) {
            error_setg(errp, "Invalid parameter '%s'", (const char *)key);
            return false;
        }
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

/* No configuration file is ever read, so there is none to skip. */
static bool opt_no_user_config(const char *arg, const char *loc,
                               Error **errp)
{
    return true;
}

static bool opt_nodefaults(const char *arg, const char *loc, Error **errp)
{
    cfg.nodefaults = true;
    return true;
}

/* -name [guest=]NAME[,process=P][,debug-threads=on|off] */
static bool opt_name(const char *arg, const char *loc, Error **errp)
{
    static const char *const keys[] = {
        "guest", "process", "debug-threads", NULL
    };
    g_autoptr(GHashTable) opts = keyval_parse_strings(arg, "guest", NULL,
                                                      errp);
    const char *guest;

    if (!opts) {
        return false;
    }
    if (!keyval_check_keys(opts, keys, errp)) {
        return false;
    }
    guest = g_hash_table_lookup(opts, "guest");
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

static void print_help(void);

static bool opt_help(const char *arg, const char *loc, Error **errp)
{
    print_help();
    cfg.exit_now = true;
    return true;
}

static bool opt_version(const char *arg, const char *loc, Error **errp)
{
    /* QEMU's first line, which tools parse for the interface level; then
     * who we are, in our words: this is not QEMU's code. */
    printf("QEMU emulator version " QEMU_VERSION " (" QEMU_PKGVERSION ")\n"
           "qemu-bridge implements QEMU " QEMU_VERSION "'s command line and "
           "QMP for a RISC-V virt machine;\nit is written independently of "
           "the QEMU project.\n");
    cfg.exit_now = true;
    return true;
}

static const QemuOptionDesc vl_std_options[] = {
    { "h", false, opt_help, NULL, "display this help and exit" },
    { "help", false, opt_help, NULL, "display this help and exit" },
    { "version", false, opt_version, NULL, "display version information "
      "and exit" },
    { NULL },
};

static const QemuOptionDesc vl_options[] = {
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
    { "no-user-config", false, opt_no_user_config, NULL, "do not load "
      "default user-provided config files (none are ever read)" },
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
    vl_std_options,
    vl_machine_options,
    vl_options,
    vl_object_options,
    vl_host_options,
    vl_privilege_options,
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

/*
 * query-command-line-options: the options with an argument, from the
 * tables the command line is parsed with (help texts left aside).
 */
CommandLineOptionInfoList *qmp_query_command_line_options(const char *option,
                                                          Error **errp)
{
    CommandLineOptionInfoList *list = NULL, **tail = &list;

    for (size_t t = 0; t < G_N_ELEMENTS(option_tables); t++) {
        for (const QemuOptionDesc *d = option_tables[t]; d->name; d++) {
            CommandLineOptionInfo *info;

            /* -M is -machine again: QEMU lists each option once */
            if (!d->has_arg || (option && strcmp(option, d->name)) ||
                find_option(d->name) != d || !strcmp(d->name, "M")) {
                continue;
            }
            info = g_new0(CommandLineOptionInfo, 1);
            info->option = g_strdup(d->name);
            *tail = g_new0(CommandLineOptionInfoList, 1);
            (*tail)->value = info;
            tail = &(*tail)->next;
        }
    }
    if (option && !list) {
        error_setg(errp, "invalid option name: %s", option);
    }
    return list;
}

static void print_help(void)
{
    printf("QEMU emulator version " QEMU_VERSION " (" QEMU_PKGVERSION ")\n"
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
        if (cfg.exit_now || vl_machine_exit_requested()) {
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
    if (!vl_machine_configure(ms, errp)) {
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
    if (cfg.exit_now || vl_machine_exit_requested() ||
        vl_devices_exit_requested()) {
        return false;
    }
    ms = current_machine = g_new0(MachineState, 1);
    ms->services = &system_machine_services;
    if (!configure_machine(ms, errp)) {
        return false;
    }
    qemu_set_log(cfg.log_mask);
    if (!qemu_set_log_filename(cfg.log_file, errp)) {
        return false;
    }
    if (cfg.daemonize && !os_daemonize(errp)) {
        return false;
    }
    /* -serial chardev:ID needs the -chardev back-ends made before it */
    if ((cfg.pidfile && !write_pidfile(cfg.pidfile, errp)) ||
        !run_hooks(VL_PHASE_BEFORE_MACHINE, errp) ||
        !create_serials(ms, errp) ||
        !ms->mc->init(ms, errp)) {
        return false;
    }
    if (ms->exit_after_init) {
        qemu_chr_cleanup_all();
        return false;
    }
    if (!run_hooks(VL_PHASE_AFTER_MACHINE, errp) ||
        !vl_drop_privileges(errp)) {
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
    fdsets_cleanup();
    qemu_secrets_cleanup();
    return status;
}
