/*
 * Unit tests for the PCI core, the ECAM host bridge and the PCIe root port,
 * driven the way a guest drives them: config cycles through ECAM offsets,
 * BAR accesses through the windows, INTx observed at the host's lines.
 */

#include <glib.h>
#include <string.h>

#include "hw/pci-bridge/pcie-root-port.h"
#include "hw/pci-host/gpex.h"

static int line_level[4];

static void record_irq(void *opaque, int line, int level)
{
    line_level[line] = level;
}

static uint64_t ecam(unsigned bus, unsigned slot, unsigned fn, unsigned reg)
{
    return (uint64_t)bus << 20 | (uint64_t)PCI_DEVFN(slot, fn) << 12 | reg;
}

/* A test endpoint: a 4 KiB 32-bit BAR 0 and a 16 KiB 64-bit BAR 2 whose
 * registers are a scratch array. */
typedef struct TestDev {
    PCIDevice pci;
    uint32_t regs[1024];
} TestDev;

static uint64_t bar_read(void *opaque, uint64_t offset, unsigned size)
{
    return ((TestDev *)opaque)->regs[offset / 4];
}

static void bar_write(void *opaque, uint64_t offset, uint64_t value,
                      unsigned size)
{
    ((TestDev *)opaque)->regs[offset / 4] = (uint32_t)value;
}

static const PCIBarOps test_bar_ops = { .read = bar_read, .write = bar_write };

static void test_dev_init(TestDev *t, const char *name)
{
    memset(t->regs, 0, sizeof(t->regs));
    pci_device_init(&t->pci, name, 0x1af4, 0x1041, 0x020000, 1, true, NULL, t);
    pci_register_bar(&t->pci, 0, 0x1000, 0, &test_bar_ops, t);
    pci_register_bar(&t->pci, 2, 0x4000, PCI_BASE_ADDRESS_MEM_TYPE_64,
                     &test_bar_ops, t);
    pci_set_intx_pin(&t->pci, 1);
}

static void test_host_and_bars(void)
{
    PCIHost host;
    TestDev t;
    uint64_t v;

    pci_host_init(&host, record_irq, NULL);
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 0, 0, 0), 4), ==, 0x00081b36);
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 3, 0, 0), 4), ==, 0xffffffff);
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 3, 0, 0), 2), ==, 0xffff);
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(5, 0, 0, 0), 4), ==, 0xffffffff);

    test_dev_init(&t, "t");
    g_assert_true(pci_bus_attach(&host.root, &t.pci, PCI_DEVFN(1, 0)));
    g_assert_false(pci_bus_attach(&host.root, &t.pci, PCI_DEVFN(1, 0)));
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 1, 0, 8), 4), ==, 0x02000001);

    /* Sizing: all ones in, the size mask out; flag bits read-only. */
    pci_host_ecam_write(&host, ecam(0, 1, 0, 0x10), 0xffffffff, 4);
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 1, 0, 0x10), 4), ==, 0xfffff000);
    pci_host_ecam_write(&host, ecam(0, 1, 0, 0x18), 0xffffffff, 4);
    pci_host_ecam_write(&host, ecam(0, 1, 0, 0x1c), 0xffffffff, 4);
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 1, 0, 0x18), 4), ==, 0xffffc004);
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 1, 0, 0x1c), 4), ==, 0xffffffff);

    pci_host_ecam_write(&host, ecam(0, 1, 0, 0x10), 0x40001000, 4);
    pci_host_ecam_write(&host, ecam(0, 1, 0, 0x18), 0x40010000, 4);
    pci_host_ecam_write(&host, ecam(0, 1, 0, 0x1c), 0x1, 4);
    /* Not decoding until the command register says so. */
    g_assert_false(pci_host_bar_write(&host, false, 0x40001008, 4, 0x1234));
    pci_host_ecam_write(&host, ecam(0, 1, 0, PCI_COMMAND), PCI_COMMAND_MEMORY, 2);
    g_assert_true(pci_host_bar_write(&host, false, 0x40001008, 4, 0x1234));
    g_assert_cmphex(t.regs[2], ==, 0x1234);
    g_assert_true(pci_host_bar_read(&host, false, 0x100010004ull, 4, &v) == false);
    g_assert_true(pci_host_bar_write(&host, false, 0x140010004ull, 4, 7));
    g_assert_cmphex(t.regs[1], ==, 7);
    /* An access straddling the end of a BAR belongs to nobody. */
    g_assert_false(pci_host_bar_read(&host, false, 0x40001ffe, 4, &v));
    g_assert_cmphex(v, ==, 0xffffffff);
    /* Out-of-range and misaligned config accesses are ignored. */
    g_assert_cmphex(pci_config_read(&t.pci, 0x1001, 1), ==, 0xffffffff);
    g_assert_cmphex(pci_config_read(&t.pci, 0x11, 2), ==, 0xffffffff);
    pci_bus_detach(&t.pci);
    g_free(t.pci.name);
    g_free(host.bridge.name);
}

static void test_intx(void)
{
    PCIHost host;
    TestDev a, b;

    pci_host_init(&host, record_irq, NULL);
    test_dev_init(&a, "a");
    test_dev_init(&b, "b");
    pci_bus_attach(&host.root, &a.pci, PCI_DEVFN(1, 0));
    pci_bus_attach(&host.root, &b.pci, PCI_DEVFN(5, 0));   /* (5+0)%4 = 1 too */
    pci_set_irq(&a.pci, 1);
    g_assert_cmpint(line_level[1], ==, 1);
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 1, 0, PCI_STATUS), 2) &
                    PCI_STATUS_INTERRUPT, ==, PCI_STATUS_INTERRUPT);
    pci_set_irq(&b.pci, 1);
    pci_set_irq(&a.pci, 0);
    g_assert_cmpint(line_level[1], ==, 1);          /* b still holds it */
    /* INTx disable masks the pin but keeps the status bit. */
    pci_host_ecam_write(&host, ecam(0, 5, 0, PCI_COMMAND),
                        PCI_COMMAND_INTX_DISABLE, 2);
    g_assert_cmpint(line_level[1], ==, 0);
    pci_host_ecam_write(&host, ecam(0, 5, 0, PCI_COMMAND), 0, 2);
    g_assert_cmpint(line_level[1], ==, 1);
    pci_bus_detach(&b.pci);                         /* unplug deasserts */
    g_assert_cmpint(line_level[1], ==, 0);
    pci_bus_detach(&a.pci);
    g_free(a.pci.name);
    g_free(b.pci.name);
    g_free(host.bridge.name);
}

static PCIDevice *deleted;

static void unplug_done(void *opaque, PCIDevice *child)
{
    deleted = child;
}

static uint16_t slot_status(PCIHost *host, PCIERootPort *port)
{
    return (uint16_t)pci_host_ecam_read(host, ecam(0, 2, 0, port->exp + 0x1a), 2);
}

static void test_root_port_hotplug(void)
{
    PCIHost host;
    PCIERootPort port;
    TestDev t;
    unsigned sltctl;

    pci_host_init(&host, record_irq, NULL);
    pcie_root_port_init(&port, "rp1", 1, 1, unplug_done, NULL);
    pci_bus_attach(&host.root, &port.dev, PCI_DEVFN(2, 0));
    sltctl = port.exp + 0x18u;
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 2, 0, 0), 4), ==, 0x000c1b36);
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 2, 0, PCI_HEADER_TYPE), 1), ==, 1);

    /* An empty slot starts powered off: the guest powers it on when a
     * device arrives. */
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 2, 0, sltctl), 2) &
                    0x0400, ==, 0x0400);

    /* The guest numbers the secondary bus; the slot is reachable there. */
    pci_host_ecam_write(&host, ecam(0, 2, 0, PCI_PRIMARY_BUS), 0x010100, 4);
    g_assert_nonnull(pci_host_find_bus(&host, 1));
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(1, 0, 0, 0), 4), ==, 0xffffffff);

    /* The guest enables hot-plug interrupts, then a NIC arrives. */
    pci_host_ecam_write(&host, ecam(0, 2, 0, sltctl),
                        0x0001 | 0x0008 | 0x0020 | 0x1000, 2);
    test_dev_init(&t, "nic1");
    g_assert_true(pcie_root_port_plug(&port, &t.pci, true, &error_abort));
    g_assert_cmphex(slot_status(&host, &port) & 0x0148, ==, 0x0148);
    g_assert_cmpint(line_level[2], ==, 1);          /* port at slot 2, INTA */
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(1, 0, 0, 0), 4), ==, 0x10411af4);

    /* The device behind the port swizzles: (0 + 0) then slot 2 -> line 2;
     * the guest clears the events (write 1 to clear) and the port's INTx
     * drops. */
    pci_host_ecam_write(&host, ecam(0, 2, 0, port.exp + 0x1a), 0x0108, 2);
    g_assert_cmphex(slot_status(&host, &port) & 0x0148, ==, 0x0040);
    g_assert_cmpint(line_level[2], ==, 0);
    pci_set_irq(&t.pci, 1);
    g_assert_cmpint(line_level[2], ==, 1);
    pci_set_irq(&t.pci, 0);

    {
        Error *err = NULL;
        TestDev other;
        test_dev_init(&other, "nic2");
        g_assert_false(pcie_root_port_plug(&port, &other.pci, true, &err));
        g_assert_nonnull(strstr(error_get_pretty(err), "occupied"));
        error_free(err);
        g_free(other.pci.name);
    }

    /* Unplug: attention button; nothing leaves until the guest powers the
     * slot off. */
    g_assert_true(pcie_root_port_request_unplug(&port, &error_abort));
    g_assert_cmphex(slot_status(&host, &port) & 0x0001, ==, 0x0001);
    g_assert_cmpint(line_level[2], ==, 1);
    g_assert_null(deleted);
    pci_host_ecam_write(&host, ecam(0, 2, 0, port.exp + 0x1a), 0x0001, 2);
    pci_host_ecam_write(&host, ecam(0, 2, 0, sltctl),
                        0x0001 | 0x0008 | 0x0020 | 0x1000 | 0x0400 | 0x0300, 2);
    g_assert_true(deleted == &t.pci);
    g_assert_null(t.pci.bus);
    g_assert_cmphex(slot_status(&host, &port) & 0x0040, ==, 0);
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(1, 0, 0, 0), 4), ==, 0xffffffff);

    g_free(t.pci.name);
    g_free(port.dev.name);
    g_free(host.bridge.name);
}

/* Header type bit 7 of function 0 decides whether functions 1-7 exist for
 * the guest; QEMU's placement rules keep the bit and the slot consistent. */
static void test_multifunction(void)
{
    PCIHost host;
    PCIERootPort ports[4];
    Error *err = NULL;

    pci_host_init(&host, record_irq, NULL);
    for (int fn = 0; fn < 4; fn++) {
        g_autofree char *id = g_strdup_printf("pci.%d", fn + 1);

        pcie_root_port_init(&ports[fn], id, fn + 1, 0, unplug_done, NULL);
    }

    /* function 1 cannot join a single-function function 0 */
    g_assert_true(pci_bus_check_function(&host.root, &ports[0].dev,
                                         PCI_DEVFN(1, 0), &error_abort));
    g_assert_true(pci_bus_attach(&host.root, &ports[0].dev, PCI_DEVFN(1, 0)));
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 1, 0, PCI_HEADER_TYPE), 1),
                    ==, 0x01);
    g_assert_false(pci_bus_check_function(&host.root, &ports[1].dev,
                                          PCI_DEVFN(1, 1), &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "PCI: single function device "
                    "can't be populated in function 1.1");
    error_free(err);
    err = NULL;
    pci_bus_detach(&ports[0].dev);

    /* libvirt's layout: multifunction=on on function 0 only */
    pci_device_set_multifunction(&ports[0].dev, true);
    for (int fn = 0; fn < 4; fn++) {
        g_assert_true(pci_bus_check_function(&host.root, &ports[fn].dev,
                                             PCI_DEVFN(1, fn), &error_abort));
        g_assert_true(pci_bus_attach(&host.root, &ports[fn].dev,
                                     PCI_DEVFN(1, fn)));
    }
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 1, 0, PCI_HEADER_TYPE), 1),
                    ==, 0x81);
    for (int fn = 1; fn < 4; fn++) {
        g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 1, fn, 0), 4), ==,
                        0x000c1b36);
        g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 1, fn,
                                                       PCI_HEADER_TYPE), 1),
                        ==, 0x01);
    }
    /* a guest write cannot clear the bit, and reset keeps it */
    pci_host_ecam_write(&host, ecam(0, 1, 0, 0x0c), 0, 4);
    pci_device_reset(&ports[0].dev);
    g_assert_cmphex(pci_host_ecam_read(&host, ecam(0, 1, 0, PCI_HEADER_TYPE), 1),
                    ==, 0x81);

    /* a single-function function 0 cannot join populated functions */
    pci_bus_detach(&ports[0].dev);
    pci_device_set_multifunction(&ports[0].dev, false);
    g_assert_false(pci_bus_check_function(&host.root, &ports[0].dev,
                                          PCI_DEVFN(1, 0), &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "PCI: 1.0 indicates single "
                    "function, but 1.1 is already populated.");
    error_free(err);

    for (int fn = 0; fn < 4; fn++) {
        pci_bus_detach(&ports[fn].dev);
        g_free(ports[fn].dev.name);
    }
    g_free(host.bridge.name);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pci/host-and-bars", test_host_and_bars);
    g_test_add_func("/pci/intx", test_intx);
    g_test_add_func("/pci/root-port-hotplug", test_root_port_hotplug);
    g_test_add_func("/pci/multifunction", test_multifunction);
    return g_test_run();
}
