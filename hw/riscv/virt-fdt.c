/*
 * The virt board's device tree, built with libfdt's sequential writer.
 *
 * Nodes follow the devicetree bindings the guests parse: riscv/cpus.yaml,
 * sifive,plic-1.0.0, sifive,clint0, ns16550a, virtio,mmio,
 * google,goldfish-rtc, syscon-poweroff/reboot over sifive,test, and
 * pci-host-ecam-generic for the PCIe host bridge.
 */
#include <libfdt.h>
#include <glib.h>

#include "qapi/error.h"
#include "hw/char/serial.h"
#include "hw/intc/riscv_clint.h"
#include "hw/intc/sifive_plic.h"
#include "hw/riscv/virt.h"

/* phandles: per hart 2h+1 (cpu) and 2h+2 (its intc), then these */
#define PHANDLE_CPU(h)      (2 * (h) + 1)
#define PHANDLE_INTC(h)     (2 * (h) + 2)
#define PHANDLE_PLIC        (2 * VIRT_CPUS_MAX + 1)
#define PHANDLE_TEST        (2 * VIRT_CPUS_MAX + 2)

#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11

typedef struct FdtBuilder {
    void *fdt;
    int err;
} FdtBuilder;

static void chk(FdtBuilder *b, int ret)
{
    if (ret < 0 && !b->err) {
        b->err = ret;
    }
}

static void begin(FdtBuilder *b, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void begin(FdtBuilder *b, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *name = NULL;

    va_start(ap, fmt);
    name = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    chk(b, fdt_begin_node(b->fdt, name));
}

static void end(FdtBuilder *b)
{
    chk(b, fdt_end_node(b->fdt));
}

static void prop_str(FdtBuilder *b, const char *name, const char *val)
{
    chk(b, fdt_property_string(b->fdt, name, val));
}

/* A string list: "a\0b\0" given as a single buffer. */
static void prop_strs(FdtBuilder *b, const char *name, const char *val,
                      size_t len)
{
    chk(b, fdt_property(b->fdt, name, val, (int)len));
}

static void prop_u32(FdtBuilder *b, const char *name, uint32_t val)
{
    chk(b, fdt_property_u32(b->fdt, name, val));
}

static void prop_empty(FdtBuilder *b, const char *name)
{
    chk(b, fdt_property(b->fdt, name, NULL, 0));
}

static void prop_cells(FdtBuilder *b, const char *name, const uint32_t *cells,
                       size_t n)
{
    g_autofree fdt32_t *be = g_new(fdt32_t, n ? n : 1);

    for (size_t i = 0; i < n; i++) {
        be[i] = cpu_to_fdt32(cells[i]);
    }
    chk(b, fdt_property(b->fdt, name, be, (int)(n * sizeof(fdt32_t))));
}

/* reg = <base size> with #address-cells = #size-cells = 2 */
static void prop_reg(FdtBuilder *b, uint64_t base, uint64_t size)
{
    const uint32_t cells[4] = { base >> 32, (uint32_t)base, size >> 32,
                                (uint32_t)size };

    prop_cells(b, "reg", cells, 4);
}

static void add_cpus(FdtBuilder *b, VirtMachineState *s)
{
    uint32_t ext = s->ms->cpu_ext;
    g_autofree char *isa = riscv_isa_string(ext);

    begin(b, "cpus");
    prop_u32(b, "#address-cells", 1);
    prop_u32(b, "#size-cells", 0);
    prop_u32(b, "timebase-frequency", CLINT_TIMEBASE_FREQ);
    for (unsigned h = 0; h < s->num_harts; h++) {
        begin(b, "cpu@%u", h);
        prop_u32(b, "phandle", PHANDLE_CPU(h));
        prop_str(b, "device_type", "cpu");
        prop_u32(b, "reg", h);
        prop_str(b, "status", "okay");
        prop_str(b, "compatible", "riscv");
        prop_str(b, "riscv,isa", isa);
        /* QEMU 7.2 writes riscv,isa only (riscv,isa-extensions: 8.2) */
        if (ext & RISCV_EXT(ZICBOM)) {
            prop_u32(b, "riscv,cbom-block-size", RISCV_CBO_BLOCK_SIZE);
        }
        if (ext & RISCV_EXT(ZICBOZ)) {
            prop_u32(b, "riscv,cboz-block-size", RISCV_CBO_BLOCK_SIZE);
        }
        /* OpenSBI 1.1 ignores harts without mmu-type */
        prop_str(b, "mmu-type", riscv_mmu_type(s->ms->satp_mode));
        begin(b, "interrupt-controller");
        prop_u32(b, "#interrupt-cells", 1);
        prop_empty(b, "interrupt-controller");
        prop_str(b, "compatible", "riscv,cpu-intc");
        prop_u32(b, "phandle", PHANDLE_INTC(h));
        end(b);
        end(b);
    }
    begin(b, "cpu-map");
    begin(b, "cluster0");
    for (unsigned h = 0; h < s->num_harts; h++) {
        begin(b, "core%u", h);
        prop_u32(b, "cpu", PHANDLE_CPU(h));
        end(b);
    }
    end(b);
    end(b);
    end(b);
}

/* The counters' events for OpenSBI's SBI PMU, as QEMU 7.2 writes them */
static void add_pmu(FdtBuilder *b)
{
    size_t ncells;
    const uint32_t *cells = riscv_pmu_dt_events(&ncells);

    begin(b, "pmu");
    prop_cells(b, "riscv,event-to-mhpmcounters", cells, ncells);
    prop_str(b, "compatible", "riscv,pmu");
    end(b);
}

/* interrupts-extended = <intc(h) irq_a intc(h) irq_b ...> for every hart */
static void prop_irqs_ext(FdtBuilder *b, unsigned harts, uint32_t irq_a,
                          uint32_t irq_b)
{
    g_autofree uint32_t *cells = g_new(uint32_t, harts * 4);

    for (unsigned h = 0; h < harts; h++) {
        cells[4 * h + 0] = PHANDLE_INTC(h);
        cells[4 * h + 1] = irq_a;
        cells[4 * h + 2] = PHANDLE_INTC(h);
        cells[4 * h + 3] = irq_b;
    }
    prop_cells(b, "interrupts-extended", cells, harts * 4);
}

/*
 * The ECAM host: I/O at PCI 0 (CPU VIRT_PCIE_PIO), 32-bit memory
 * identity-mapped, and INTx by slot: irq = 32 + ((pin - 1 + slot) % 4) for
 * the four slots the mask 0x1800 tells apart.
 */
static void add_pcie(FdtBuilder *b)
{
    const MemMapEntry *ecam = &virt_memmap[VIRT_PCIE_ECAM];
    const MemMapEntry *pio = &virt_memmap[VIRT_PCIE_PIO];
    const MemMapEntry *mmio = &virt_memmap[VIRT_PCIE_MMIO];
    const uint32_t bus_range[] = { 0, (uint32_t)(ecam->size >> 20) - 1 };
    const uint32_t ranges[] = {
        0x01000000, 0, 0, (uint32_t)(pio->base >> 32), (uint32_t)pio->base,
        (uint32_t)(pio->size >> 32), (uint32_t)pio->size,
        0x02000000, (uint32_t)(mmio->base >> 32), (uint32_t)mmio->base,
        (uint32_t)(mmio->base >> 32), (uint32_t)mmio->base,
        (uint32_t)(mmio->size >> 32), (uint32_t)mmio->size,
    };
    const uint32_t map_mask[] = { 0x1800, 0, 0, 7 };
    uint32_t map[4 * 4 * 6];
    unsigned n = 0;

    for (uint32_t slot = 0; slot < 4; slot++) {
        for (uint32_t pin = 1; pin <= 4; pin++) {
            map[n++] = slot << 11;
            map[n++] = 0;
            map[n++] = 0;
            map[n++] = pin;
            map[n++] = PHANDLE_PLIC;
            map[n++] = VIRT_PCIE_IRQ + (pin - 1 + slot) % 4;
        }
    }
    begin(b, "pci@%" G_GINT64_MODIFIER "x", ecam->base);
    prop_str(b, "compatible", "pci-host-ecam-generic");
    prop_str(b, "device_type", "pci");
    prop_u32(b, "#address-cells", 3);
    prop_u32(b, "#size-cells", 2);
    prop_u32(b, "#interrupt-cells", 1);
    prop_u32(b, "linux,pci-domain", 0);
    prop_cells(b, "bus-range", bus_range, 2);
    prop_reg(b, ecam->base, ecam->size);
    prop_empty(b, "dma-coherent");
    prop_cells(b, "ranges", ranges, G_N_ELEMENTS(ranges));
    prop_cells(b, "interrupt-map-mask", map_mask, 4);
    prop_cells(b, "interrupt-map", map, n);
    end(b);
}

static void add_soc(FdtBuilder *b, VirtMachineState *s)
{
    static const char test_compat[] = "sifive,test1\0sifive,test0\0syscon";
    static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";
    static const char clint_compat[] = "sifive,clint0\0riscv,clint0";
    const MemMapEntry *m = virt_memmap;

    begin(b, "soc");
    prop_u32(b, "#address-cells", 2);
    prop_u32(b, "#size-cells", 2);
    prop_str(b, "compatible", "simple-bus");
    prop_empty(b, "ranges");

    begin(b, "rtc@%" G_GINT64_MODIFIER "x", m[VIRT_RTC].base);
    prop_u32(b, "interrupts", VIRT_RTC_IRQ);
    prop_u32(b, "interrupt-parent", PHANDLE_PLIC);
    prop_reg(b, m[VIRT_RTC].base, m[VIRT_RTC].size);
    prop_str(b, "compatible", "google,goldfish-rtc");
    end(b);

    begin(b, "serial@%" G_GINT64_MODIFIER "x", m[VIRT_UART0].base);
    prop_u32(b, "interrupts", VIRT_UART0_IRQ);
    prop_u32(b, "interrupt-parent", PHANDLE_PLIC);
    prop_u32(b, "clock-frequency", SERIAL_CLOCK_FREQ);
    prop_reg(b, m[VIRT_UART0].base, m[VIRT_UART0].size);
    prop_str(b, "compatible", "ns16550a");
    end(b);

    begin(b, "test@%" G_GINT64_MODIFIER "x", m[VIRT_TEST].base);
    prop_u32(b, "phandle", PHANDLE_TEST);
    prop_reg(b, m[VIRT_TEST].base, m[VIRT_TEST].size);
    prop_strs(b, "compatible", test_compat, sizeof(test_compat));
    end(b);

    /*
     * Highest slot first, as QEMU does: Linux then numbers the devices
     * in slot order (it probes nodes in reverse).
     */
    for (int i = VIRT_VIRTIO_COUNT - 1; i >= 0; i--) {
        hwaddr base = m[VIRT_VIRTIO].base + (hwaddr)i * m[VIRT_VIRTIO].size;

        begin(b, "virtio_mmio@%" G_GINT64_MODIFIER "x", base);
        prop_u32(b, "interrupts", VIRT_VIRTIO_IRQ + i);
        prop_u32(b, "interrupt-parent", PHANDLE_PLIC);
        prop_reg(b, base, m[VIRT_VIRTIO].size);
        prop_str(b, "compatible", "virtio,mmio");
        end(b);
    }

    begin(b, "plic@%" G_GINT64_MODIFIER "x", m[VIRT_PLIC].base);
    prop_u32(b, "phandle", PHANDLE_PLIC);
    prop_u32(b, "riscv,ndev", PLIC_NUM_SOURCES - 1);
    prop_reg(b, m[VIRT_PLIC].base, m[VIRT_PLIC].size);
    prop_irqs_ext(b, s->num_harts, IRQ_M_EXT, IRQ_S_EXT);
    prop_empty(b, "interrupt-controller");
    prop_strs(b, "compatible", plic_compat, sizeof(plic_compat));
    /* #address-cells = 0 lets a PCI interrupt-map refer to the PLIC */
    prop_u32(b, "#address-cells", 0);
    prop_u32(b, "#interrupt-cells", 1);
    end(b);

    begin(b, "clint@%" G_GINT64_MODIFIER "x", m[VIRT_CLINT].base);
    prop_irqs_ext(b, s->num_harts, IRQ_M_SOFT, IRQ_M_TIMER);
    prop_reg(b, m[VIRT_CLINT].base, m[VIRT_CLINT].size);
    prop_strs(b, "compatible", clint_compat, sizeof(clint_compat));
    end(b);

    add_pcie(b);
    end(b);
}

static void add_syscon_node(FdtBuilder *b, const char *name,
                            const char *compat, uint32_t value)
{
    begin(b, "%s", name);
    prop_u32(b, "value", value);
    prop_u32(b, "offset", 0);
    prop_u32(b, "regmap", PHANDLE_TEST);
    prop_str(b, "compatible", compat);
    end(b);
}

void *virt_create_fdt(VirtMachineState *s, Error **errp)
{
    FdtBuilder b = { .fdt = g_malloc0(VIRT_FDT_MAX_SIZE) };
    const MemMapEntry *dram = &virt_memmap[VIRT_DRAM];
    g_autofree char *stdout_path =
        g_strdup_printf("/soc/serial@%" G_GINT64_MODIFIER "x",
                        virt_memmap[VIRT_UART0].base);

    chk(&b, fdt_create(b.fdt, VIRT_FDT_MAX_SIZE));
    chk(&b, fdt_finish_reservemap(b.fdt));
    begin(&b, "%s", "");
    prop_u32(&b, "#address-cells", 2);
    prop_u32(&b, "#size-cells", 2);
    prop_str(&b, "compatible", "riscv-virtio");
    prop_str(&b, "model", "riscv-virtio,qemu");

    begin(&b, "chosen");
    prop_str(&b, "stdout-path", stdout_path);
    end(&b);

    add_syscon_node(&b, "poweroff", "syscon-poweroff", 0x5555);
    add_syscon_node(&b, "reboot", "syscon-reboot", 0x7777);

    begin(&b, "memory@%" G_GINT64_MODIFIER "x", dram->base);
    prop_str(&b, "device_type", "memory");
    prop_reg(&b, dram->base, s->ms->ram_size);
    end(&b);

    add_pmu(&b);
    add_cpus(&b, s);
    add_soc(&b, s);
    end(&b);
    chk(&b, fdt_finish(b.fdt));
    /* back to a read-write tree with room for /chosen additions */
    chk(&b, fdt_open_into(b.fdt, b.fdt, VIRT_FDT_MAX_SIZE));
    if (b.err) {
        error_setg(errp, "cannot build the device tree: %s", fdt_strerror(b.err));
        g_free(b.fdt);
        return NULL;
    }
    return b.fdt;
}
