/*
 * The RISC-V "virt" board (see include/hw/riscv/virt.h).
 *
 * Start-up: RAM and the reset ROM become host-backed regions of the CPU
 * bus; every other address goes through the MMIO map.  Firmware, kernel,
 * initrd, device tree and reset vector are collected in a RomSet and
 * copied into memory at each reset, so a reset reboots the same images.
 *
 * The PCIe windows (PIO, ECAM, MMIO32) belong to the generic ECAM host
 * bridge (virt-pci.c), whose devices come from -device and device_add.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libfdt.h>
#include <glib.h>

#include "qapi/error.h"
#include "hw/char/serial.h"
#include "hw/intc/riscv_clint.h"
#include "hw/intc/sifive_plic.h"
#include "hw/irq.h"
#include "hw/misc/sifive_test.h"
#include "hw/riscv/boot.h"
#include "hw/riscv/virt.h"
#include "hw/rtc/goldfish_rtc.h"
#include "hw/virtio/virtio-mmio.h"
#include "qemu/timer.h"
#include "qemu/units.h"

const MemMapEntry virt_memmap[VIRT_MEMMAP_COUNT] = {
    [VIRT_MROM] =       { 0x1000, 0xf000 },
    [VIRT_TEST] =       { 0x100000, 0x1000 },
    [VIRT_RTC] =        { 0x101000, 0x1000 },
    [VIRT_CLINT] =      { 0x2000000, CLINT_SIZE },
    [VIRT_PCIE_PIO] =   { 0x3000000, 0x10000 },
    [VIRT_PLIC] =       { 0xc000000, PLIC_SIZE },
    [VIRT_UART0] =      { 0x10000000, SERIAL_MMIO_SIZE },
    [VIRT_VIRTIO] =     { 0x10001000, VIRTIO_MMIO_SIZE },
    [VIRT_PCIE_ECAM] =  { 0x30000000, 0x10000000 },
    [VIRT_PCIE_MMIO] =  { 0x40000000, 0x40000000 },
    [VIRT_DRAM] =       { 0x80000000, 0 },
};

/* ---- glue between the CPU bus and the MMIO map ---- */

static bool virt_bus_read(void *opaque, uint64_t paddr, unsigned size,
                          uint64_t *val)
{
    VirtMachineState *s = opaque;

    return mmio_map_read(s->mmio, paddr, size, val);
}

static bool virt_bus_write(void *opaque, uint64_t paddr, unsigned size,
                           uint64_t val)
{
    VirtMachineState *s = opaque;

    return mmio_map_write(s->mmio, paddr, size, val);
}

static const RISCVMemOps virt_bus_ops = {
    .read = virt_bus_read,
    .write = virt_bus_write,
};

/* A hart's interrupt input; N is the mip bit number. */
static void hart_irq(void *opaque, int n, int level)
{
    riscv_cpu_set_irq(opaque, UINT64_C(1) << n, level);
}

static uint64_t hart_time(void *opaque)
{
    return riscv_clint_get_mtime(opaque);
}

/*
 * Sstc: a hart compares time with its stimecmp itself whenever it runs;
 * this timer only ends the host's sleep when every hart waits in WFI.
 * mtime counts whole ticks, so a timer that fires early arms again.
 */
typedef struct VirtStimer {
    RISCVClint *clint;
    QEMUTimer *timer;
    uint64_t deadline;              /* mtime ticks; UINT64_MAX: none */
} VirtStimer;

#define NS_PER_MTIME_TICK (1000000000 / CLINT_TIMEBASE_FREQ)

static void stimer_arm(VirtStimer *t)
{
    uint64_t now = riscv_clint_get_mtime(t->clint);
    uint64_t ticks;

    if (t->deadline == UINT64_MAX || now >= t->deadline) {
        timer_del(t->timer);
        return;
    }
    ticks = MIN(t->deadline - now, (uint64_t)INT64_MAX / 4 /
                                   NS_PER_MTIME_TICK);
    timer_mod_ns(t->timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                           (int64_t)ticks * NS_PER_MTIME_TICK);
}

static void stimer_fire(void *opaque)
{
    stimer_arm(opaque);
}

static void stimer_set(void *opaque, uint64_t deadline)
{
    VirtStimer *t = opaque;

    t->deadline = deadline;
    stimer_arm(t);
}

static void invalidate_code(void *opaque, uint64_t addr, uint64_t len)
{
    riscv_bus_invalidate_range(opaque, addr, len);
}

static void virt_reset(void *opaque)
{
    VirtMachineState *s = opaque;

    rom_set_install(s->roms, invalidate_code, s->bus);
    for (unsigned h = 0; h < s->num_harts; h++) {
        riscv_cpu_reset(s->harts[h], virt_memmap[VIRT_MROM].base);
    }
    riscv_clint_reset(s->clint);
    sifive_plic_reset(s->plic);
    serial_reset(s->uart0);
    goldfish_rtc_reset(s->rtc);
}

static void *alloc_guest_memory(const char *name, uint64_t size,
                                Error **errp)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (p == MAP_FAILED) {
        error_setg(errp, "cannot set up guest memory '%s': %s", name,
                    g_strerror(errno));
        return NULL;
    }
    return p;
}

static bool map_device(VirtMachineState *s, const char *name, int entry,
                       hwaddr offset, hwaddr size, const MMIORegionOps *ops,
                       void *opaque, Error **errp)
{
    return mmio_map_add(s->mmio, name, virt_memmap[entry].base + offset,
                        size ? size : virt_memmap[entry].size, ops, opaque,
                        errp);
}

static bool create_devices(VirtMachineState *s, Error **errp)
{
    MachineState *ms = s->ms;
    qemu_irq msip[VIRT_CPUS_MAX], mtip[VIRT_CPUS_MAX];
    qemu_irq ctx[2 * VIRT_CPUS_MAX];

    for (unsigned h = 0; h < s->num_harts; h++) {
        msip[h] = qemu_allocate_irq(hart_irq, s->harts[h], 3);
        mtip[h] = qemu_allocate_irq(hart_irq, s->harts[h], 7);
        ctx[2 * h] = qemu_allocate_irq(hart_irq, s->harts[h], 11);
        ctx[2 * h + 1] = qemu_allocate_irq(hart_irq, s->harts[h], 9);
    }
    s->clint = riscv_clint_new(s->num_harts, msip, mtip);
    s->plic = sifive_plic_new(s->num_harts, ctx);
    s->stimers = g_new0(VirtStimer, s->num_harts);
    for (unsigned h = 0; h < s->num_harts; h++) {
        VirtStimer *t = &s->stimers[h];

        riscv_cpu_set_time_source(s->harts[h], hart_time, s->clint);
        t->clint = s->clint;
        t->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, stimer_fire, t);
        riscv_cpu_set_stimer_hook(s->harts[h], stimer_set, t);
    }
    s->uart0 = serial_mm_new(ms->nserial ? ms->serial[0] : NULL,
                             sifive_plic_get_irq(s->plic, VIRT_UART0_IRQ),
                             errp);
    if (!s->uart0) {
        return false;
    }
    s->rtc = goldfish_rtc_new(sifive_plic_get_irq(s->plic, VIRT_RTC_IRQ));

    if (!map_device(s, "riscv.sifive.test", VIRT_TEST, 0, 0,
                    sifive_test_ops(), (void *)ms->services, errp) ||
        !map_device(s, "goldfish_rtc", VIRT_RTC, 0, 0, goldfish_rtc_ops(),
                    s->rtc, errp) ||
        !map_device(s, "riscv.aclint.swi+mtimer", VIRT_CLINT, 0, 0,
                    riscv_clint_ops(), s->clint, errp) ||
        !map_device(s, "riscv.sifive.plic", VIRT_PLIC, 0, 0,
                    sifive_plic_ops(), s->plic, errp) ||
        !map_device(s, "serial", VIRT_UART0, 0, 0, serial_mm_ops(),
                    s->uart0, errp) ||
        !virt_pci_init(s, errp)) {
        return false;
    }
    /* virtio-*-device (-device virtio-net-device) plugs in here. */
    for (unsigned i = 0; i < VIRT_VIRTIO_COUNT; i++) {
        g_autofree char *name = g_strdup_printf("virtio-mmio-bus.%u", i);
        BusState *bus = virtio_mmio_bus_new(
            name, s->mmio, virt_memmap[VIRT_VIRTIO].base +
            i * virt_memmap[VIRT_VIRTIO].size,
            sifive_plic_get_irq(s->plic, VIRT_VIRTIO_IRQ + i), &s->dma, errp);
        if (!bus) {
            return false;
        }
        qbus_register(bus);
    }
    return true;
}

static bool load_dtb_file(VirtMachineState *s, Error **errp)
{
    MachineState *ms = s->ms;
    g_autofree uint8_t *data = NULL;
    size_t len;
    int err;

    if (!load_file(ms->dtb, VIRT_FDT_MAX_SIZE, &data, &len, errp)) {
        return false;
    }
    if (len < sizeof(struct fdt_header) || fdt_check_header(data) != 0 ||
        fdt_totalsize(data) > len) {
        error_setg(errp, "'%s' is not a valid device tree blob", ms->dtb);
        return false;
    }
    s->fdt = g_malloc0(VIRT_FDT_MAX_SIZE);
    err = fdt_open_into(data, s->fdt, VIRT_FDT_MAX_SIZE);
    if (err) {
        error_setg(errp, "'%s': %s", ms->dtb, fdt_strerror(err));
        return false;
    }
    return true;
}

/* Writes all of DATA into the file that PATH names (not replacing it). */
static bool write_in_place(const char *path, const void *data, size_t len,
                           Error **errp)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    const uint8_t *p = data;

    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", path);
        return false;
    }
    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            error_setg_errno(errp, n < 0 ? errno : EIO,
                             "Could not write '%s'", path);
            close(fd);
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    close(fd);
    return true;
}

static bool write_dumpdtb(const char *path, const void *fdt, Error **errp)
{
    size_t len = fdt_totalsize(fdt);
    struct stat st;

    /*
     * A regular file (or a new one) is replaced whole, so a failure leaves
     * no half-written tree.  Anything else - a FIFO, /dev/stdout, a device
     * such as /dev/null - is written into: replacing it would swap the
     * node for a regular file, which for root means breaking /dev/null.
     */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (!write_in_place(path, fdt, len, errp)) {
            return false;
        }
    } else {
        GError *gerr = NULL;

        if (!g_file_set_contents(path, fdt, len, &gerr)) {
            error_from_gerror(errp, gerr);
            return false;
        }
    }
    info_report("dtb dumped to %s. Exiting.", path);
    return true;
}

/* Prefix an error with the option that named the file. */
static bool with_opt(bool ok, const char *opt, Error **errp)
{
    if (!ok && opt) {
        error_prepend(errp, "%s: ", opt);
    }
    return ok;
}

static bool load_images(VirtMachineState *s, Error **errp)
{
    MachineState *ms = s->ms;
    const uint64_t dram = virt_memmap[VIRT_DRAM].base;
    const char *fw = ms->firmware;
    uint64_t fw_entry = 0, fw_end = 0, end = 0;
    uint64_t initrd_start = 0, initrd_end = 0;
    int err;

    if (!fw || !strcmp(fw, "default")) {
        fw = VIRT_DEFAULT_BIOS;
    } else if (!strcmp(fw, "none")) {
        fw = NULL;
    }
    if (fw && !with_opt(riscv_load_firmware(s->roms, fw, dram, ms->ram_size,
                                            &fw_entry, &fw_end, errp),
                        ms->firmware_opt, errp)) {
        return false;
    }

    s->kernel_entry = 0;
    if (ms->kernel_filename) {
        /* after the firmware, on the next 2 MiB boundary (Linux wants it) */
        uint64_t start = fw ? (fw_end + VIRT_KERNEL_ALIGN - 1) &
                              ~(uint64_t)(VIRT_KERNEL_ALIGN - 1) : dram;

        if (!with_opt(riscv_load_kernel(s->roms, ms->kernel_filename, start,
                                        ms->ram_size, &s->kernel_entry, &end,
                                        errp),
                      ms->kernel_opt, errp)) {
            return false;
        }
        if (ms->initrd_filename &&
            !with_opt(riscv_load_initrd(s->roms, ms->initrd_filename, dram,
                                        ms->ram_size, s->kernel_entry,
                                        &initrd_start, &initrd_end, errp),
                      ms->initrd_opt, errp)) {
            return false;
        }
    }
    s->start_addr = fw ? fw_entry : (ms->kernel_filename ? s->kernel_entry
                                                          : dram);

    if (ms->dtb) {
        if (!with_opt(load_dtb_file(s, errp), ms->dtb_opt, errp)) {
            return false;
        }
    } else {
        s->fdt = virt_create_fdt(s, errp);
        if (!s->fdt) {
            return false;
        }
    }
    if (!riscv_fdt_setup_chosen(s->fdt, ms->kernel_cmdline, initrd_start,
                                initrd_end, errp)) {
        return false;
    }
    /* compact, then leave room for guests that edit the tree in place */
    err = fdt_pack(s->fdt);
    if (!err) {
        err = fdt_open_into(s->fdt, s->fdt,
                            MIN(fdt_totalsize(s->fdt) + 64 * KiB,
                                VIRT_FDT_MAX_SIZE));
    }
    if (err) {
        error_setg(errp, "device tree: %s", fdt_strerror(err));
        return false;
    }
    if (ms->dumpdtb) {
        ms->exit_after_init = true;
        return write_dumpdtb(ms->dumpdtb, s->fdt, errp);
    }
    s->fdt_addr = riscv_compute_fdt_addr(dram, ms->ram_size,
                                         fdt_totalsize(s->fdt));
    if (!rom_add_blob(s->roms, "device tree", s->fdt_addr, s->fdt,
                      fdt_totalsize(s->fdt), fdt_totalsize(s->fdt), errp)) {
        return false;
    }
    return riscv_setup_rom_reset_vec(s->roms, virt_memmap[VIRT_MROM].base,
                                     virt_memmap[VIRT_MROM].size,
                                     s->start_addr, s->fdt_addr,
                                     s->kernel_entry, errp);
}

static bool virt_init(MachineState *ms, Error **errp)
{
    VirtMachineState *s = g_new0(VirtMachineState, 1);
    const MemMapEntry *rom = &virt_memmap[VIRT_MROM];
    const uint64_t dram = virt_memmap[VIRT_DRAM].base;

    ms->board = s;
    s->ms = ms;
    s->num_harts = ms->smp_cpus;
    s->ram = alloc_guest_memory("riscv_virt_board.ram", ms->ram_size, errp);
    if (s->ram && ms->no_guest_core_dump) {
        /* advice only: a kernel without MADV_DONTDUMP still runs the VM */
        madvise(s->ram, ms->ram_size, MADV_DONTDUMP);
    }
    if (!s->ram) {
        return false;
    }
    s->rom = alloc_guest_memory("riscv_virt_board.mrom", rom->size, errp);
    if (!s->rom) {
        return false;
    }
    s->mmio = mmio_map_new();
    s->bus = riscv_bus_new(&virt_bus_ops, s);
    riscv_bus_set_extensions(s->bus, ms->cpu_ext);
    /* QEMU_RISCV_JIT=0 interprets everything (for comparing the two) */
    if (g_strcmp0(g_getenv("QEMU_RISCV_JIT"), "0") != 0) {
        size_t size = ms->tb_size ? ms->tb_size : RISCV_JIT_DEFAULT_BUFFER;

        if (!riscv_bus_set_jit(s->bus, size)) {
            warn_report("cannot map %zu MiB for translated code: the CPU "
                        "interprets everything", size >> 20);
        }
    }
    if (!riscv_bus_add_region(s->bus, rom->base, rom->size, s->rom, true) ||
        !riscv_bus_add_region(s->bus, dram, ms->ram_size, s->ram, false)) {
        error_setg(errp, "cannot map guest memory on the CPU bus");
        return false;
    }
    s->dma = (DMAContext){
        .ram_base = dram,
        .ram_size = ms->ram_size,
        .ram = s->ram,
        .invalidate = invalidate_code,
        .opaque = s->bus,
    };
    for (unsigned h = 0; h < s->num_harts; h++) {
        s->harts[h] = riscv_cpu_new(s->bus, h);
        if (!s->harts[h]) {
            error_setg(errp, "cannot create hart %u", h);
            return false;
        }
        riscv_cpu_set_max_satp_mode(s->harts[h], ms->satp_mode);
    }
    if (!create_devices(s, errp)) {
        return false;
    }

    s->roms = rom_set_new();
    rom_set_add_target(s->roms, "the reset ROM", rom->base, rom->size,
                       s->rom);
    rom_set_add_target(s->roms, "RAM", dram, ms->ram_size, s->ram);
    if (!load_images(s, errp)) {
        return false;
    }
    if (ms->exit_after_init) {
        return true;
    }

    ms->services->register_reset(virt_reset, s);
    for (unsigned h = 0; h < s->num_harts; h++) {
        ms->services->add_hart(s->harts[h]);
    }
    return true;
}

static const char *const virt_props[] = { "dumpdtb", NULL };
/* the generic PCIe ECAM host (hw/pci-host/gpex.c), as QEMU names it */
static const char *const virt_board_types[] = { "gpex-pcihost", NULL };

static const MachineClass virt_machine_class = {
    .name = "virt",
    .desc = "RISC-V VirtIO board",
    .is_default = true,
    .default_ram_size = 128 * MiB,
    .min_ram_size = VIRT_RAM_MIN,
    .max_ram_size = VIRT_RAM_MAX,
    .max_cpus = VIRT_CPUS_MAX,
    .props = virt_props,
    .board_types = virt_board_types,
    .init = virt_init,
};

machine_type_init(virt_machine_class)
