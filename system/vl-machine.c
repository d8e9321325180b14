/*
 * -machine/-M, -m, -smp, -accel, -enable-kvm, -cpu (see
 * include/system/vl-machine.h).
 *
 * Every argument is parsed by util/keyval.c when it is read, so a typo
 * fails before anything is built.  Typed values come from the schema
 * (MemorySizeConfiguration, SMPConfiguration: the visitor converts the
 * strings, so sizes follow the one rule in qapi/qapi-util.c); machine and
 * accelerator properties are checked against the tables that define
 * them, as QEMU checks QOM properties, with QEMU's messages.
 */
#include <stdio.h>
#include <string.h>

#include "qapi/json-visitor.h"
#include "qapi/qapi-visit.h"
#include "qapi/util.h"
#include "qemu/units.h"
#include "system/vl-machine.h"
#include "target/riscv/cpu.h"
#include "util/keyval.h"

/* ---- accelerators: QEMU's -accel properties, as a table ---- */

typedef struct AccelProperty {
    const char *name;
    bool (*set)(const char *value, Error **errp);
} AccelProperty;

typedef struct AccelClass {
    const char *name;               /* -accel NAME, -M accel=NAME */
    const AccelProperty *props;     /* NULL-terminated */
} AccelClass;

static struct {
    char *type;                     /* -M NAME */
    char *loc;                      /* the -M that set it, for messages */
    GHashTable *props;              /* -M NAME,key=value (merged) */
    bool props_help;                /* -M NAME,help */
    uint64_t ram_size;              /* 0: the machine's default */
    char *ram_loc;
    uint64_t smp;                   /* 0: one hart */
    uint64_t tb_size;               /* -accel tcg,tb-size= in bytes */
    uint32_t cpu_ext;               /* -cpu: RISCV_EXT() set */
    unsigned satp_mode;             /* -cpu: the largest satp mode */
    bool cpu_set;                   /* else the rv64 model's defaults */
    bool exit_now;
} mcfg;

static bool tcg_set_thread(const char *value, Error **errp)
{
    if (!strcmp(value, "multi")) {
        error_setg(errp, "thread=multi is not supported: all harts run on "
                   "one host thread");
        return false;
    }
    if (strcmp(value, "single")) {
        error_setg(errp, "Invalid 'thread' setting %s", value);
        return false;
    }
    return true;
}

/* MiB of translated code; 0 keeps the default. */
static bool tcg_set_tb_size(const char *value, Error **errp)
{
    uint64_t mib;

    if (!qapi_str_to_uint64(value, &mib)) {
        error_setg(errp, "Parameter 'tb-size' expects uint64");
        return false;
    }
    if (mib > 4096) {
        error_setg(errp, "tb-size %" G_GUINT64_FORMAT " MiB is too large "
                   "(at most 4096)", mib);
        return false;
    }
    mcfg.tb_size = mib * MiB;
    return true;
}

static bool tcg_set_split_wx(const char *value, Error **errp)
{
    bool on;

    if (!qapi_bool_parse("split-wx", value, &on, errp)) {
        return false;
    }
    if (on) {
        error_setg(errp, "split-wx=on is not supported");
        return false;
    }
    return true;
}

static const AccelProperty tcg_props[] = {
    { "thread", tcg_set_thread },
    { "tb-size", tcg_set_tb_size },
    { "split-wx", tcg_set_split_wx },
    { NULL },
};

static const AccelClass accel_classes[] = {
    { "tcg", tcg_props },
};

void vl_foreach_accel(void (*fn)(const char *name,
                                 const char *const *props, void *opaque),
                      void *opaque)
{
    for (size_t i = 0; i < G_N_ELEMENTS(accel_classes); i++) {
        g_autoptr(GPtrArray) names = g_ptr_array_new();

        for (const AccelProperty *p = accel_classes[i].props; p->name; p++) {
            g_ptr_array_add(names, (gpointer)p->name);
        }
        g_ptr_array_add(names, NULL);
        fn(accel_classes[i].name, (const char *const *)names->pdata, opaque);
    }
}

static const AccelClass *find_accel(const char *name, Error **errp)
{
    for (size_t i = 0; i < G_N_ELEMENTS(accel_classes); i++) {
        if (!strcmp(accel_classes[i].name, name)) {
            return &accel_classes[i];
        }
    }
    error_setg(errp, "invalid accelerator %s", name);
    return NULL;
}

/* -accel tcg[,thread=single][,tb-size=MiB][,split-wx=off] */
static bool opt_accel(const char *arg, const char *loc, Error **errp)
{
    bool help = false;
    g_autoptr(GHashTable) props = keyval_parse_strings(arg, "accel", &help,
                                                       errp);
    const AccelClass *ac;
    GHashTableIter it;
    gpointer key, value;
    const char *name;

    if (!props) {
        return false;
    }
    name = g_hash_table_lookup(props, "accel");
    if (help && !name) {
        printf("Accelerators supported in QEMU binary:\n");
        for (size_t i = 0; i < G_N_ELEMENTS(accel_classes); i++) {
            printf("%s\n", accel_classes[i].name);
        }
        mcfg.exit_now = true;
        return true;
    }
    if (!name) {
        error_setg(errp, "Parameter 'accel' is missing");
        return false;
    }
    ac = find_accel(name, errp);
    if (!ac) {
        return false;
    }
    g_hash_table_remove(props, "accel");
    g_hash_table_iter_init(&it, props);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        const AccelProperty *p = ac->props;

        while (p->name && strcmp(p->name, key)) {
            p++;
        }
        if (!p->name) {
            error_setg(errp, "Property '%s-accel.%s' not found", ac->name,
                       (const char *)key);
            return false;
        }
        if (!p->set(value, errp)) {
            return false;
        }
    }
    return true;
}

/*
 * -M accel=A[:B...]: the first accelerator of the list this binary has,
 * as QEMU picks it; each one skipped gets QEMU's warning.  libvirt probes
 * with "kvm:tcg", which means tcg here.
 */
static const AccelClass *pick_accel(const char *list, Error **errp)
{
    g_auto(GStrv) names = g_strsplit(list, ":", -1);
    bool skipped = false;

    for (int i = 0; names[i]; i++) {
        for (size_t j = 0; j < G_N_ELEMENTS(accel_classes); j++) {
            if (!strcmp(accel_classes[j].name, names[i])) {
                if (skipped) {
                    warn_report("falling back to %s", names[i]);
                }
                return &accel_classes[j];
            }
        }
        warn_report("invalid accelerator %s", names[i]);
        skipped = true;
    }
    error_setg(errp, "no accelerator found");
    return NULL;
}

static bool opt_enable_kvm(const char *arg, const char *loc, Error **errp)
{
    return find_accel("kvm", errp) != NULL;
}

/* ---- -machine ---- */

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
    bool help = false;
    g_autoptr(GHashTable) props = keyval_parse_strings(arg, "type", &help,
                                                       errp);
    GHashTableIter it;
    gpointer k, v;
    const char *type;

    if (!props) {
        return false;
    }
    type = g_hash_table_lookup(props, "type");
    if (help && !type) {
        list_machines();
        mcfg.exit_now = true;
        return true;
    }
    mcfg.props_help |= help;
    if (type || !mcfg.loc) {
        g_free(mcfg.loc);
        mcfg.loc = g_strdup(loc);
    }
    if (type) {
        g_free(mcfg.type);
        mcfg.type = g_strdup(type);
        g_hash_table_remove(props, "type");
    }
    if (!mcfg.props) {
        mcfg.props = g_hash_table_new_full(g_str_hash, g_str_equal,
                                           g_free, g_free);
    }
    g_hash_table_iter_init(&it, props);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        g_hash_table_replace(mcfg.props, g_strdup(k), g_strdup(v));
    }
    return true;
}

static bool machine_has_prop(const MachineClass *mc, const char *name)
{
    for (int i = 0; mc->props && mc->props[i]; i++) {
        if (!strcmp(name, mc->props[i])) {
            return true;
        }
    }
    return false;
}

/* ---- -m ---- */

static bool opt_m(const char *arg, const char *loc, Error **errp)
{
    JsonNode *args = keyval_parse(arg, "size", NULL, errp);
    g_autoptr(MemorySizeConfiguration) mem = NULL;
    const char *text;
    Visitor *v;

    if (!args) {
        return false;
    }
    text = keyval_get_string(json_node_get_object(args), "size");
    v = json_input_visitor_new_keyval(args);
    visit_type_MemorySizeConfiguration(v, NULL, &mem, errp);
    visit_free(v);
    if (mem && mem->has_size && g_ascii_isdigit(text[strlen(text) - 1])) {
        /* QEMU's legacy rule: no unit means MiB ("-m 512", "-m 1.5" no) */
        if (mem->size > UINT64_MAX / MiB) {
            error_setg(errp, "too large 'size' option value");
            json_node_unref(args);
            return false;
        }
        mem->size *= MiB;
    }
    json_node_unref(args);
    if (!mem) {
        return false;
    }
    if (mem->has_size) {
        mcfg.ram_size = mem->size;
        g_free(mcfg.ram_loc);
        mcfg.ram_loc = g_strdup(loc);
    }
    return true;
}

/* ---- -smp ---- */

/*
 * Harts from a topology: CPUS when given, else the product of the others
 * (each 1 when missing).
 */
static bool smp_cpus(const SMPConfiguration *smp, uint64_t *cpus,
                     Error **errp)
{
    const struct { bool has; int64_t val; } parts[] = {
        { smp->has_sockets, smp->sockets }, { smp->has_dies, smp->dies },
        { smp->has_clusters, smp->clusters }, { smp->has_cores, smp->cores },
        { smp->has_threads, smp->threads }, { smp->has_cpus, smp->cpus },
        { smp->has_maxcpus, smp->maxcpus },
    };
    uint64_t product = 1;

    for (size_t i = 0; i < G_N_ELEMENTS(parts); i++) {
        if (parts[i].has && parts[i].val < 0) {
            error_setg(errp, "Invalid CPU topology: CPU topology parameters "
                       "must be greater than zero");
            return false;
        }
    }
    if (smp->has_cpus) {
        *cpus = smp->cpus;
        return true;
    }
    for (size_t i = 0; i < 5; i++) {
        if (parts[i].has) {
            /* saturate: the machine's limit rejects it later */
            product = MIN(product * parts[i].val, (uint64_t)G_MAXUINT32 + 1);
        }
    }
    *cpus = product;
    return true;
}

static bool opt_smp(const char *arg, const char *loc, Error **errp)
{
    JsonNode *args = keyval_parse(arg, "cpus", NULL, errp);
    g_autoptr(SMPConfiguration) smp = NULL;
    Visitor *v;
    uint64_t cpus;

    if (!args) {
        return false;
    }
    v = json_input_visitor_new_keyval(args);
    visit_type_SMPConfiguration(v, NULL, &smp, errp);
    visit_free(v);
    json_node_unref(args);
    if (!smp) {
        return false;
    }
    if (!smp_cpus(smp, &cpus, errp)) {
        return false;
    }
    if (cpus == 0) {
        error_setg(errp, "Invalid SMP CPUs 0");
        return false;
    }
    if (smp->has_maxcpus && (uint64_t)smp->maxcpus != cpus) {
        error_setg(errp, "maxcpus must equal cpus: CPU hotplug is not "
                   "supported");
        return false;
    }
    mcfg.smp = cpus;
    return true;
}

/* ---- -cpu ---- */

static const char *const cpu_models[] = { "max", "rv64", NULL };

/* -cpu MODEL,help: the extension properties (QEMU names, bool) */
static void print_cpu_props(const char *model)
{
    uint32_t ext;

    riscv_model_extensions(model, &ext);
    printf("%s-riscv-cpu options:\n", model);
    for (unsigned e = 0; e < RISCV_EXT_COUNT; e++) {
        g_autofree char *prop = g_strdup_printf("%s=<bool>",
                                                riscv_ext_name(e));
        printf("  %-22s -  (default: %s)\n", prop,
               (ext >> e) & 1 ? "true" : "false");
    }
    for (unsigned m = 8; m <= RISCV_SATP_DEFAULT; m++) {
        g_autofree char *prop = g_strdup_printf("%s=<bool>",
                                                riscv_satp_mode_name(m));
        printf("  %-22s -  (default: true)\n", prop);
    }
}

static bool parse_onoff(const char *v, bool *on)
{
    static const char *const yes[] = { "on", "yes", "true", NULL };
    static const char *const no[] = { "off", "no", "false", NULL };

    *on = g_strv_contains(yes, v);
    return *on || g_strv_contains(no, v);
}

static bool opt_cpu(const char *arg, const char *loc, Error **errp)
{
    bool help = false;
    g_autoptr(GHashTable) props = keyval_parse_strings(arg, "model", &help,
                                                       errp);
    const char *model;
    GHashTableIter it;
    gpointer k, v;
    uint32_t ext;
    unsigned satp_on = 0, satp_off = 0, bad_off, bad_on;
    int satp_mode;

    if (!props) {
        return false;
    }
    model = g_hash_table_lookup(props, "model");
    if (help && !model) {
        vl_print_names(NULL, cpu_models);
        mcfg.exit_now = true;
        return true;
    }
    if (!model || !riscv_model_extensions(model, &ext)) {
        error_setg(errp, "unable to find CPU model '%s'", model ? model : "");
        return false;
    }
    if (help) {
        print_cpu_props(model);
        mcfg.exit_now = true;
        return true;
    }
    /* extension properties on top of the model's defaults */
    g_hash_table_iter_init(&it, props);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        int e;
        bool on;

        if (!strcmp(k, "model")) {
            continue;
        }
        e = riscv_ext_lookup(k);
        satp_mode = riscv_satp_mode_lookup(k);
        if (e < 0 && satp_mode < 0) {
            error_setg(errp, "can't apply global %s-riscv-cpu.%s=%s: "
                       "Property '%s-riscv-cpu.%s' not found", model,
                       (const char *)k, (const char *)v, model,
                       (const char *)k);
            return false;
        }
        if (!parse_onoff(v, &on)) {
            error_setg(errp, "can't apply global %s-riscv-cpu.%s=%s: "
                       "Parameter '%s' expects 'on' or 'off'", model,
                       (const char *)k, (const char *)v, (const char *)k);
            return false;
        }
        if (satp_mode >= 0) {
            *(on ? &satp_on : &satp_off) |= 1u << satp_mode;
        } else {
            ext = on ? ext | (1u << e) : ext & ~(1u << e);
        }
    }
    satp_mode = riscv_satp_mode_choose(satp_on, satp_off, &bad_off, &bad_on);
    if (satp_mode < 0) {
        error_setg(errp, "cannot disable %s satp mode if %s is enabled",
                   riscv_satp_mode_name(bad_off),
                   riscv_satp_mode_name(bad_on));
        return false;
    }
    mcfg.satp_mode = satp_mode;
    mcfg.cpu_ext = ext;
    mcfg.cpu_set = true;
    return true;
}

/* ---- applying them ---- */

bool vl_machine_exit_requested(void)
{
    return mcfg.exit_now;
}

static void print_machine_props(const MachineClass *mc)
{
    printf("%s-machine options:\n", mc->name);
    for (int i = 0; mc->props && mc->props[i]; i++) {
        printf("  %s=<str>\n", mc->props[i]);
    }
    for (int i = 0; machine_common_bool_props[i]; i++) {
        printf("  %s=<bool>\n", machine_common_bool_props[i]);
    }
    printf("  accel=<str>\n");
}

/* usb= and dump-guest-core=, which every machine has. */
static bool set_common_prop(MachineState *ms, const char *name,
                            const char *value, Error **errp)
{
    bool on;

    if (!qapi_bool_parse(name, value, &on, errp)) {
        return false;
    }
    if (!strcmp(name, "usb")) {
        if (on) {
            error_setg(errp, "USB is not supported: machine '%s' has no USB "
                       "controller", ms->mc->name);
            return false;
        }
    } else {
        ms->no_guest_core_dump = !on;
    }
    return true;
}

static bool check_machine_props(MachineState *ms, Error **errp)
{
    const MachineClass *mc = ms->mc;
    GHashTableIter it;
    gpointer k, v;

    g_hash_table_iter_init(&it, mcfg.props);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        if (g_strv_contains(machine_common_bool_props, k)) {
            if (!set_common_prop(ms, k, v, errp)) {
                return false;
            }
        } else if (!strcmp(k, "accel")) {
            if (!pick_accel(v, errp)) {
                return false;
            }
        } else if (!machine_has_prop(mc, k)) {
            error_setg(errp, "Property '%s-machine.%s' not found", mc->name,
                       (const char *)k);
            return false;
        }
    }
    return true;
}

static bool check_ram_size(MachineState *ms, Error **errp)
{
    const MachineClass *mc = ms->mc;

    if (mc->min_ram_size && ms->ram_size < mc->min_ram_size) {
        error_setg(errp, "invalid RAM size: machine '%s' needs at least "
                   "%" G_GUINT64_FORMAT " MiB", mc->name,
                   mc->min_ram_size / MiB);
        return false;
    }
    if (mc->max_ram_size && ms->ram_size > mc->max_ram_size) {
        error_setg(errp, "invalid RAM size: machine '%s' supports at most "
                   "%" G_GUINT64_FORMAT " GiB", mc->name,
                   mc->max_ram_size / GiB);
        return false;
    }
    /* whole pages: the CPU maps RAM page by page */
    ms->ram_size = (ms->ram_size + 4095) & ~(uint64_t)4095;
    return true;
}

bool vl_machine_configure(MachineState *ms, Error **errp)
{
    const MachineClass *mc;
    Error *err = NULL;

    if (mcfg.type) {
        mc = machine_find_class(mcfg.type);
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

    if (mcfg.props_help) {
        print_machine_props(mc);
        return false;
    }
    if (mcfg.props) {
        if (!check_machine_props(ms, &err)) {
            error_propagate_prepend(errp, err, "%s: ", mcfg.loc);
            return false;
        }
        ms->dumpdtb = g_strdup(g_hash_table_lookup(mcfg.props, "dumpdtb"));
    }

    ms->ram_size = mcfg.ram_size ? mcfg.ram_size : mc->default_ram_size;
    if (mcfg.ram_loc && !check_ram_size(ms, &err)) {
        error_propagate_prepend(errp, err, "%s: ", mcfg.ram_loc);
        return false;
    }

    ms->smp_cpus = mcfg.smp ? mcfg.smp : 1;
    if (!mcfg.cpu_set) {
        riscv_model_extensions("rv64", &mcfg.cpu_ext);  /* QEMU's default */
        mcfg.satp_mode = RISCV_SATP_DEFAULT;
    }
    ms->cpu_ext = mcfg.cpu_ext;
    ms->satp_mode = mcfg.satp_mode;
    ms->tb_size = mcfg.tb_size;
    if (mc->max_cpus && mcfg.smp > mc->max_cpus) {
        error_setg(errp, "Invalid SMP CPUs %" G_GUINT64_FORMAT ". The max "
                   "CPUs supported by machine '%s' is %u", mcfg.smp,
                   mc->name, mc->max_cpus);
        return false;
    }
    return true;
}

const QemuOptionDesc vl_machine_options[] = {
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
      "(default 128M on virt)\n"
      "a number without a unit is MiB; 1.5G is 1536M" },
    { "smp", true, opt_smp,
      "[cpus=]n[,maxcpus=n][,sockets=n][,dies=n][,clusters=n][,cores=n]"
      "[,threads=n]",
      "set the number of harts (1..8 on virt); without cpus=, the\n"
      "product of the topology" },
    { NULL },
};
