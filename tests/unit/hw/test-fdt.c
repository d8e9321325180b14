/*
 * The virt device tree: the nodes and properties the guests read (see
 * docs/virt-machine-facts.md), for one and for several harts.
 */
#include <libfdt.h>
#include <string.h>

#include "hw/riscv/virt.h"

static void *make_fdt(unsigned harts, uint64_t ram)
{
    MachineState ms = { .ram_size = ram, .smp_cpus = harts,
                        .satp_mode = RISCV_SATP_DEFAULT };
    VirtMachineState s = { .ms = &ms, .num_harts = harts };
    g_autoptr(Error) err = NULL;
    void *fdt = virt_create_fdt(&s, &err);

    g_assert_null(err);
    g_assert_nonnull(fdt);
    g_assert_cmpint(fdt_check_header(fdt), ==, 0);
    return fdt;
}

/* the cpu nodes' riscv,isa and CMO block sizes follow -cpu's set */
static void test_cpu_extensions(void)
{
    uint32_t max;
    MachineState ms = { .ram_size = 128 << 20, .smp_cpus = 1 };
    VirtMachineState s = { .ms = &ms, .num_harts = 1 };
    g_autoptr(Error) err = NULL;
    g_autofree void *fdt = NULL;
    int cpu;
    const char *isa;

    g_assert_true(riscv_model_extensions("max", &max));
    ms.cpu_ext = max & ~RISCV_EXT(ZICBOZ);
    fdt = virt_create_fdt(&s, &err);
    g_assert_nonnull(fdt);
    cpu = fdt_path_offset(fdt, "/cpus/cpu@0");
    isa = fdt_getprop(fdt, cpu, "riscv,isa", NULL);
    g_assert_cmpstr(isa, ==, "rv64imafdc_zicbom_zicbop_zicond_zicsr_"
                    "zifencei_zihintpause_zba_zbb_zbc_zbs_sstc_svinval_"
                    "svnapot_svpbmt");
    g_assert_nonnull(fdt_getprop(fdt, cpu, "riscv,cbom-block-size", NULL));
    g_assert_cmpuint(fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(
                         fdt, cpu, "riscv,cbom-block-size", NULL)), ==, 64);
    g_assert_null(fdt_getprop(fdt, cpu, "riscv,cboz-block-size", NULL));
    /* QEMU 7.2 writes no riscv,isa-extensions */
    g_assert_null(fdt_getprop(fdt, cpu, "riscv,isa-extensions", NULL));
}

static int node(void *fdt, const char *path)
{
    int off = fdt_path_offset(fdt, path);

    if (off < 0) {
        g_error("node %s missing: %s", path, fdt_strerror(off));
    }
    return off;
}

static const void *prop(void *fdt, const char *path, const char *name,
                        int *len)
{
    const void *p = fdt_getprop(fdt, node(fdt, path), name, len);

    if (!p) {
        g_error("%s:%s missing", path, name);
    }
    return p;
}

static uint32_t prop_u32(void *fdt, const char *path, const char *name)
{
    int len;
    const fdt32_t *p = prop(fdt, path, name, &len);

    g_assert_cmpint(len, ==, 4);
    return fdt32_to_cpu(*p);
}

static const char *prop_str(void *fdt, const char *path, const char *name)
{
    int len;

    return prop(fdt, path, name, &len);
}

static void check_cells(void *fdt, const char *path, const char *name,
                        const uint32_t *want, int n)
{
    int len;
    const fdt32_t *p = prop(fdt, path, name, &len);

    g_assert_cmpint(len, ==, n * 4);
    for (int i = 0; i < n; i++) {
        g_assert_cmphex(fdt32_to_cpu(p[i]), ==, want[i]);
    }
}

static bool has_compat(void *fdt, const char *path, const char *compat)
{
    return fdt_node_check_compatible(fdt, node(fdt, path), compat) == 0;
}

static void test_root_memory_chosen(void)
{
    g_autofree void *fdt = make_fdt(1, 256 * MiB);
    const uint32_t mem[] = { 0, 0x80000000, 0, 256 * MiB };

    g_assert_cmpuint(prop_u32(fdt, "/", "#address-cells"), ==, 2);
    g_assert_cmpuint(prop_u32(fdt, "/", "#size-cells"), ==, 2);
    g_assert_cmpstr(prop_str(fdt, "/", "model"), ==, "riscv-virtio,qemu");
    g_assert_cmpstr(prop_str(fdt, "/memory@80000000", "device_type"), ==,
                    "memory");
    check_cells(fdt, "/memory@80000000", "reg", mem, 4);
    g_assert_cmpstr(prop_str(fdt, "/chosen", "stdout-path"), ==,
                    "/soc/serial@10000000");
}

/* the counters' events for OpenSBI, where QEMU 7.2 puts them */
static void test_pmu(void)
{
    g_autofree void *fdt = make_fdt(1, 256 * MiB);
    size_t n;
    const uint32_t *events = riscv_pmu_dt_events(&n);

    g_assert_true(has_compat(fdt, "/pmu", "riscv,pmu"));
    check_cells(fdt, "/pmu", "riscv,event-to-mhpmcounters", events, (int)n);
}

static void test_cpus(void)
{
    g_autofree void *fdt = make_fdt(1, 128 * MiB);
    const char *cpu = "/cpus/cpu@0";
    uint32_t intc_ph;

    g_assert_cmpuint(prop_u32(fdt, "/cpus", "timebase-frequency"), ==,
                     10000000);
    g_assert_cmpuint(prop_u32(fdt, "/cpus", "#address-cells"), ==, 1);
    g_assert_cmpuint(prop_u32(fdt, "/cpus", "#size-cells"), ==, 0);
    g_assert_cmpstr(prop_str(fdt, cpu, "device_type"), ==, "cpu");
    g_assert_cmpstr(prop_str(fdt, cpu, "status"), ==, "okay");
    g_assert_cmpstr(prop_str(fdt, cpu, "mmu-type"), ==, "riscv,sv57");
    g_assert_true(g_str_has_prefix(prop_str(fdt, cpu, "riscv,isa"),
                                   "rv64imafdc"));
    g_assert_cmpuint(prop_u32(fdt, cpu, "reg"), ==, 0);
    g_assert_true(has_compat(fdt, "/cpus/cpu@0/interrupt-controller",
                             "riscv,cpu-intc"));
    g_assert_cmpuint(prop_u32(fdt, "/cpus/cpu@0/interrupt-controller",
                              "#interrupt-cells"), ==, 1);
    intc_ph = fdt_get_phandle(fdt, node(fdt,
                                        "/cpus/cpu@0/interrupt-controller"));
    g_assert_cmpuint(intc_ph, !=, 0);
    {
        const uint32_t plic[] = { intc_ph, 11, intc_ph, 9 };
        const uint32_t clint[] = { intc_ph, 3, intc_ph, 7 };

        check_cells(fdt, "/soc/plic@c000000", "interrupts-extended", plic, 4);
        check_cells(fdt, "/soc/clint@2000000", "interrupts-extended",
                    clint, 4);
    }
}

/* The ECAM host as Linux's pci-host-generic and U-Boot read it. */
static void test_pci_node(void *fdt, uint32_t plic_ph)
{
    const char *path = "/soc/pci@30000000";
    const fdt32_t *map;
    int len;

    g_assert_true(has_compat(fdt, path, "pci-host-ecam-generic"));
    g_assert_cmpstr(fdt_getprop(fdt, node(fdt, path), "device_type", NULL),
                    ==, "pci");
    g_assert_cmpuint(prop_u32(fdt, path, "#address-cells"), ==, 3);
    g_assert_cmpuint(prop_u32(fdt, path, "#size-cells"), ==, 2);
    g_assert_cmpuint(prop_u32(fdt, path, "#interrupt-cells"), ==, 1);
    map = fdt_getprop(fdt, node(fdt, path), "interrupt-map", &len);
    g_assert_nonnull(map);
    g_assert_cmpint(len, ==, 16 * 6 * 4);      /* 4 slots x 4 pins */
    for (int e = 0; e < 16; e++) {
        uint32_t slot = fdt32_to_cpu(map[e * 6]) >> 11;
        uint32_t pin = fdt32_to_cpu(map[e * 6 + 3]);
        g_assert_cmpuint(fdt32_to_cpu(map[e * 6 + 4]), ==, plic_ph);
        g_assert_cmpuint(fdt32_to_cpu(map[e * 6 + 5]), ==,
                         32 + (pin - 1 + slot) % 4);
    }
    map = fdt_getprop(fdt, node(fdt, path), "ranges", &len);
    g_assert_cmpint(len, ==, 14 * 4);
    g_assert_cmphex(fdt32_to_cpu(map[0]), ==, 0x01000000);     /* I/O */
    g_assert_cmphex(fdt32_to_cpu(map[4]), ==, 0x3000000);
    g_assert_cmphex(fdt32_to_cpu(map[7]), ==, 0x02000000);     /* MEM32 */
    g_assert_cmphex(fdt32_to_cpu(map[11]), ==, 0x40000000);
}

static void test_soc_devices(void)
{
    g_autofree void *fdt = make_fdt(1, 128 * MiB);
    const char *plic = "/soc/plic@c000000";
    uint32_t plic_ph;

    g_assert_true(has_compat(fdt, plic, "sifive,plic-1.0.0"));
    g_assert_true(has_compat(fdt, plic, "riscv,plic0"));
    g_assert_cmpuint(prop_u32(fdt, plic, "riscv,ndev"), ==, 95);
    g_assert_cmpuint(prop_u32(fdt, plic, "#address-cells"), ==, 0);
    g_assert_cmpuint(prop_u32(fdt, plic, "#interrupt-cells"), ==, 1);
    plic_ph = fdt_get_phandle(fdt, node(fdt, plic));

    g_assert_true(has_compat(fdt, "/soc/clint@2000000", "sifive,clint0"));
    g_assert_true(has_compat(fdt, "/soc/serial@10000000", "ns16550a"));
    g_assert_cmpuint(prop_u32(fdt, "/soc/serial@10000000",
                              "clock-frequency"), ==, 3686400);
    g_assert_cmpuint(prop_u32(fdt, "/soc/serial@10000000", "interrupts"),
                     ==, 10);
    g_assert_cmpuint(prop_u32(fdt, "/soc/serial@10000000",
                              "interrupt-parent"), ==, plic_ph);
    g_assert_true(has_compat(fdt, "/soc/rtc@101000", "google,goldfish-rtc"));
    g_assert_cmpuint(prop_u32(fdt, "/soc/rtc@101000", "interrupts"), ==, 11);
    g_assert_true(has_compat(fdt, "/soc/test@100000", "sifive,test1"));
    g_assert_true(has_compat(fdt, "/soc/test@100000", "syscon"));
    for (int i = 0; i < 8; i++) {
        g_autofree char *path =
            g_strdup_printf("/soc/virtio_mmio@%x", 0x10001000 + 0x1000 * i);

        g_assert_true(has_compat(fdt, path, "virtio,mmio"));
        g_assert_cmpuint(prop_u32(fdt, path, "interrupts"), ==, 1 + i);
    }
    test_pci_node(fdt, plic_ph);
}

static void test_power_nodes(void)
{
    g_autofree void *fdt = make_fdt(1, 128 * MiB);
    uint32_t test_ph = fdt_get_phandle(fdt, node(fdt, "/soc/test@100000"));

    g_assert_cmpuint(test_ph, !=, 0);
    g_assert_true(has_compat(fdt, "/poweroff", "syscon-poweroff"));
    g_assert_cmpuint(prop_u32(fdt, "/poweroff", "value"), ==, 0x5555);
    g_assert_cmpuint(prop_u32(fdt, "/poweroff", "regmap"), ==, test_ph);
    g_assert_true(has_compat(fdt, "/reboot", "syscon-reboot"));
    g_assert_cmpuint(prop_u32(fdt, "/reboot", "value"), ==, 0x7777);
}

static void test_smp(void)
{
    g_autofree void *fdt = make_fdt(4, 128 * MiB);
    int len;

    for (int h = 0; h < 4; h++) {
        g_autofree char *path = g_strdup_printf("/cpus/cpu@%d", h);
        g_autofree char *core =
            g_strdup_printf("/cpus/cpu-map/cluster0/core%d", h);

        g_assert_cmpuint(prop_u32(fdt, path, "reg"), ==, h);
        g_assert_cmpuint(prop_u32(fdt, core, "cpu"), ==,
                         fdt_get_phandle(fdt, node(fdt, path)));
    }
    prop(fdt, "/soc/plic@c000000", "interrupts-extended", &len);
    g_assert_cmpint(len, ==, 4 * 4 * 4);
    prop(fdt, "/soc/clint@2000000", "interrupts-extended", &len);
    g_assert_cmpint(len, ==, 4 * 4 * 4);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fdt/root-memory-chosen", test_root_memory_chosen);
    g_test_add_func("/fdt/pmu", test_pmu);
    g_test_add_func("/fdt/cpus", test_cpus);
    g_test_add_func("/fdt/cpu-extensions", test_cpu_extensions);
    g_test_add_func("/fdt/soc-devices", test_soc_devices);
    g_test_add_func("/fdt/power-nodes", test_power_nodes);
    g_test_add_func("/fdt/smp", test_smp);
    return g_test_run();
}
