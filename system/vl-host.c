/*
 * -overcommit, -msg, -rtc, -boot, -uuid, -audiodev (see
 * include/system/vl-host.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "qapi/util.h"
#include "qemu/timer.h"
#include "system/vl-host.h"
#include "util/keyval.h"

static struct {
    char uuid[37];
    GPtrArray *audiodevs;           /* ids of the "none" audio back-ends */
} host = {
    .uuid = "00000000-0000-0000-0000-000000000000",
};

/* The boolean KEY of OPTS into *ON (DFLT when absent). */
static bool get_bool(GHashTable *opts, const char *key, bool dflt, bool *on,
                     Error **errp)
{
    const char *v = g_hash_table_lookup(opts, key);

    *on = dflt;
    return !v || qapi_bool_parse(key, v, on, errp);
}

/* ---- -overcommit mem-lock=on|off,cpu-pm=on|off ---- */

static bool lock_memory(void *opaque, Error **errp)
{
    /* before the board maps guest RAM: MCL_FUTURE locks it as it comes */
    if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
        error_setg_errno(errp, errno, "locking memory failed");
        return false;
    }
    return true;
}

static bool opt_overcommit(const char *arg, const char *loc, Error **errp)
{
    static const char *const keys[] = { "mem-lock", "cpu-pm", NULL };
    g_autoptr(GHashTable) opts = keyval_parse_strings(arg, NULL, NULL, errp);
    bool mem_lock, cpu_pm;

    if (!opts || !keyval_check_keys(opts, keys, errp) ||
        !get_bool(opts, "mem-lock", false, &mem_lock, errp) ||
        !get_bool(opts, "cpu-pm", false, &cpu_pm, errp)) {
        return false;
    }
    if (cpu_pm) {
        /* guest power management passes host idle states to a KVM vCPU */
        error_setg(errp, "cpu-pm=on is not supported: harts are emulated "
                   "(no KVM)");
        return false;
    }
    if (mem_lock) {
        vl_add_init_hook(VL_PHASE_BEFORE_MACHINE, lock_memory, NULL, loc);
    }
    return true;
}

/* ---- -msg timestamp=on|off,guest-name=on|off ---- */

static bool opt_msg(const char *arg, const char *loc, Error **errp)
{
    static const char *const keys[] = { "timestamp", "guest-name", NULL };
    g_autoptr(GHashTable) opts = keyval_parse_strings(arg, NULL, NULL, errp);
    bool timestamp, guest_name;

    if (!opts || !keyval_check_keys(opts, keys, errp) ||
        !get_bool(opts, "timestamp", false, &timestamp, errp) ||
        !get_bool(opts, "guest-name", false, &guest_name, errp)) {
        return false;
    }
    if (guest_name) {
        error_setg(errp, "guest-name=on is not supported");
        return false;
    }
    error_report_set_format(timestamp, NULL);
    return true;
}

/* ---- -rtc base=utc|localtime|DATE,clock=host,driftfix=none ---- */

/* "2006-06-17T16:01:21" or "2006-06-17" (UTC) as a GDateTime. */
static GDateTime *parse_rtc_date(const char *text)
{
    int y, mo, d, h = 0, mi = 0, s = 0, n = 0;

    if (!(sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
                 &s, &n) == 6 && !text[n]) &&
        !(sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && !text[n])) {
        return NULL;
    }
    return g_date_time_new_utc(y, mo, d, h, mi, s);
}

static bool opt_rtc(const char *arg, const char *loc, Error **errp)
{
    static const char *const keys[] = { "base", "clock", "driftfix", NULL };
    g_autoptr(GHashTable) opts = keyval_parse_strings(arg, NULL, NULL, errp);
    const char *base, *clock, *driftfix;
    int64_t offset = 0;

    if (!opts || !keyval_check_keys(opts, keys, errp)) {
        return false;
    }
    base = g_hash_table_lookup(opts, "base");
    clock = g_hash_table_lookup(opts, "clock");
    driftfix = g_hash_table_lookup(opts, "driftfix");
    if (clock && strcmp(clock, "host")) {
        if (strcmp(clock, "rt") && strcmp(clock, "vm")) {
            error_setg(errp, "invalid option value '%s'", clock);
        } else {
            error_setg(errp, "clock=%s is not supported: the RTC follows "
                       "the host's wall clock (clock=host)", clock);
        }
        return false;
    }
    if (driftfix && strcmp(driftfix, "none")) {
        if (strcmp(driftfix, "slew")) {
            error_setg(errp, "invalid option value '%s'", driftfix);
        } else {
            error_setg(errp, "driftfix=slew is not supported: it applies to "
                       "the PC's RTC interrupts");
        }
        return false;
    }
    if (base && !strcmp(base, "localtime")) {
        g_autoptr(GDateTime) now = g_date_time_new_now_local();

        offset = g_date_time_get_utc_offset(now) * 1000;    /* us -> ns */
    } else if (base && strcmp(base, "utc")) {
        g_autoptr(GDateTime) start = parse_rtc_date(base);
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();

        if (!start) {
            error_setg(errp, "invalid datetime format");
            error_append_hint(errp, "valid formats: '2006-06-17T16:01:21' or "
                              "'2006-06-17'\n");
            return false;
        }
        offset = g_date_time_difference(start, now) * 1000;
    }
    qemu_set_rtc_base_offset(offset);
    return true;
}

/* ---- -boot strict=on|off ---- */

static bool opt_boot(const char *arg, const char *loc, Error **errp)
{
    g_autoptr(GHashTable) opts = keyval_parse_strings(arg, "order", NULL,
                                                      errp);
    GHashTableIter it;
    gpointer key;
    bool strict;

    if (!opts) {
        return false;
    }
    /*
     * The virt machine boots what -bios/-kernel name and nothing else: no
     * boot device is ever tried, so it is "strict" either way; orders and
     * menus would need bootable devices and firmware that lists them.
     */
    g_hash_table_iter_init(&it, opts);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (strcmp(key, "strict")) {
            error_setg(errp, "-boot %s= is not supported: the machine boots "
                       "-bios/-kernel only", (const char *)key);
            return false;
        }
    }
    return get_bool(opts, "strict", false, &strict, errp);
}

/* ---- -uuid ---- */

static bool opt_uuid(const char *arg, const char *loc, Error **errp)
{
    if (!g_uuid_string_is_valid(arg)) {
        error_setg(errp, "Fail to parse UUID string.");
        return false;
    }
    g_strlcpy(host.uuid, arg, sizeof(host.uuid));
    for (char *p = host.uuid; *p; p++) {
        *p = g_ascii_tolower(*p);
    }
    return true;
}

const char *vl_host_uuid(void)
{
    return host.uuid;
}

/* ---- -audiodev [driver=]none,id=ID ---- */

static const char *const audio_drivers[] = { "none", NULL };

static bool opt_audiodev(const char *arg, const char *loc, Error **errp)
{
    static const char *const keys[] = { "driver", "id", "timer-period",
                                        NULL };
    bool help = false;
    g_autoptr(GHashTable) opts = keyval_or_json_strings(arg, "driver", &help,
                                                        errp);
    const char *driver, *id;

    if (!opts) {
        return false;
    }
    driver = g_hash_table_lookup(opts, "driver");
    if (help || (driver && !strcmp(driver, "help"))) {
        vl_print_names("Available audio drivers:", audio_drivers);
        vl_request_exit();
        return true;
    }
    if (!keyval_check_keys(opts, keys, errp)) {
        return false;
    }
    id = g_hash_table_lookup(opts, "id");
    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return false;
    }
    if (!g_strv_contains(audio_drivers, driver)) {
        error_setg(errp, "Parameter 'driver' does not accept value '%s'",
                   driver);
        return false;
    }
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return false;
    }
    if (!host.audiodevs) {
        host.audiodevs = g_ptr_array_new_with_free_func(g_free);
    }
    for (guint i = 0; i < host.audiodevs->len; i++) {
        if (!strcmp(g_ptr_array_index(host.audiodevs, i), id)) {
            error_setg(errp, "Duplicate audiodev id '%s'", id);
            return false;
        }
    }
    /* kept so that a sound device could name it; none exists yet */
    g_ptr_array_add(host.audiodevs, g_strdup(id));
    return true;
}

const QemuOptionDesc vl_host_options[] = {
    { "overcommit", true, opt_overcommit, "mem-lock=on|off",
      "mem-lock=on locks all emulator memory in RAM (cpu-pm: off only)" },
    { "msg", true, opt_msg, "timestamp=on|off",
      "prefix messages with the time" },
    { "rtc", true, opt_rtc, "[base=utc|localtime|date][,clock=host]"
      "[,driftfix=none]", "set the RTC's start time" },
    { "boot", true, opt_boot, "strict=on|off",
      "accepted: the machine boots -bios/-kernel only" },
    { "uuid", true, opt_uuid, "%08x-%04x-%04x-%04x-%012x",
      "specify machine UUID (kept; the virt machine has no SMBIOS)" },
    { "audiodev", true, opt_audiodev, "[driver=]none,id=ID|{JSON}",
      "an audio back-end (only 'none': no sound device exists)" },
    { NULL },
};
