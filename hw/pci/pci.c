/*
 * PCI core: configuration space with masks, BARs, capabilities and INTx
 * routing; see include/hw/pci/pci.h.
 */

#include "hw/pci/pci.h"
#include "hw/pci-host/gpex.h"

#include <glib.h>
#include <string.h>

void pci_device_init(PCIDevice *dev, const char *name, uint16_t vendor,
                     uint16_t device, uint32_t class_code, uint8_t revision,
                     bool express, const PCIDeviceOps *ops, void *opaque)
{
    memset(dev, 0, sizeof(*dev));
    dev->config_size = express ? PCIE_CONFIG_SPACE_SIZE : PCI_CONFIG_SPACE_SIZE;
    dev->ops = ops;
    dev->opaque = opaque;
    dev->name = g_strdup(name);
    dev->next_cap = 0x40;

    pci_set_word(dev->config + PCI_VENDOR_ID, vendor);
    pci_set_word(dev->config + PCI_DEVICE_ID, device);
    dev->config[PCI_REVISION_ID] = revision;
    dev->config[PCI_CLASS_PROG] = (uint8_t)class_code;
    pci_set_word(dev->config + PCI_CLASS_DEVICE, (uint16_t)(class_code >> 8));

    pci_set_word(dev->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                 PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
    /* Error bits of the status register are write-1-to-clear. */
    pci_set_word(dev->w1cmask + PCI_STATUS, 0xf900);
    dev->wmask[0x0c] = 0xff;                    /* cache line size */
    dev->wmask[0x0d] = 0xff;                    /* latency timer */
    dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

void pci_device_set_multifunction(PCIDevice *dev, bool on)
{
    if (on) {
        dev->config[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MULTI_FUNCTION;
    } else {
        dev->config[PCI_HEADER_TYPE] &= ~PCI_HEADER_TYPE_MULTI_FUNCTION;
    }
}

static bool is_multifunction(const PCIDevice *dev)
{
    return dev->config[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MULTI_FUNCTION;
}

bool pci_bus_check_function(PCIBus *bus, PCIDevice *dev, uint8_t devfn,
                            Error **errp)
{
    unsigned slot = PCI_SLOT(devfn);
    PCIDevice *f0 = bus->devices[PCI_DEVFN(slot, 0)];

    /* Linux reads the bit of function 0 only; other functions may have
     * it or not, as QEMU allows. */
    if (PCI_FUNC(devfn)) {
        if (f0 && !is_multifunction(f0)) {
            error_setg(errp, "PCI: single function device can't be "
                       "populated in function %x.%x", slot, PCI_FUNC(devfn));
            return false;
        }
        return true;
    }
    if (is_multifunction(dev)) {
        return true;
    }
    for (unsigned fn = 1; fn < 8; fn++) {
        if (bus->devices[PCI_DEVFN(slot, fn)]) {
            error_setg(errp, "PCI: %x.0 indicates single function, but "
                       "%x.%x is already populated.", slot, slot, fn);
            return false;
        }
    }
    return true;
}

bool pci_bus_attach(PCIBus *bus, PCIDevice *dev, uint8_t devfn)
{
    if (bus->devices[devfn]) {
        return false;
    }
    bus->devices[devfn] = dev;
    dev->bus = bus;
    dev->devfn = devfn;
    if (dev->secondary) {
        dev->secondary->host = bus->host;   /* its interrupts end up there */
    }
    return true;
}

void pci_bus_detach(PCIDevice *dev)
{
    if (!dev->bus) {
        return;
    }
    pci_set_irq(dev, 0);
    dev->bus->devices[dev->devfn] = NULL;
    dev->bus = NULL;
}

int pci_bus_free_slot(PCIBus *bus, int first_slot)
{
    for (int slot = first_slot; slot < 32; slot++) {
        if (!bus->devices[PCI_DEVFN(slot, 0)]) {
            return slot;
        }
    }
    return -1;
}

void pci_register_bar(PCIDevice *dev, int bar, uint64_t size, uint8_t flags,
                      const PCIBarOps *ops, void *opaque)
{
    uint32_t offset = PCI_BASE_ADDRESS_0 + 4 * (uint32_t)bar;
    uint64_t mask = ~(size - 1);

    g_assert(size && !(size & (size - 1)));
    g_assert(bar >= 0 && bar < PCI_NUM_BARS);
    dev->bars[bar] = (PCIBar){ .size = size, .flags = flags, .ops = ops,
                               .opaque = opaque };
    dev->config[offset] = flags;
    if (flags & PCI_BASE_ADDRESS_SPACE_IO) {
        pci_set_long(dev->wmask + offset, (uint32_t)mask & ~0x3u);
    } else {
        pci_set_long(dev->wmask + offset, (uint32_t)mask & ~0xfu);
        if (flags & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            g_assert(bar < PCI_NUM_BARS - 1);
            pci_set_long(dev->wmask + offset + 4, (uint32_t)(mask >> 32));
        }
    }
}

uint8_t pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t size)
{
    uint8_t offset = dev->next_cap;
    uint8_t *list = &dev->config[PCI_CAPABILITY_LIST];

    g_assert((unsigned)offset + size <= PCI_CONFIG_SPACE_SIZE);
    /* Append at the end of the chain so capabilities appear in order. */
    while (*list) {
        list = &dev->config[*list + 1];
    }
    *list = offset;
    dev->config[offset] = cap_id;
    dev->config[offset + 1] = 0;
    dev->config[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    dev->next_cap = (uint8_t)((offset + size + 3) & ~3);
    return offset;
}

void pci_set_intx_pin(PCIDevice *dev, uint8_t pin)
{
    dev->config[PCI_INTERRUPT_PIN] = pin;
}

/* The root-bus line (0..3) a device's INTx reaches, after the standard
 * swizzle through every bridge on the way up. */
static int pci_root_line(const PCIDevice *dev)
{
    int pin = dev->config[PCI_INTERRUPT_PIN] - 1;
    const PCIDevice *d = dev;

    while (d->bus->parent) {
        pin = (pin + PCI_SLOT(d->devfn)) % 4;
        d = d->bus->parent;
    }
    return (pin + PCI_SLOT(d->devfn)) % 4;
}

static PCIHost *pci_device_host(const PCIDevice *dev)
{
    return dev->bus ? dev->bus->host : NULL;
}

static void pci_update_intx(PCIDevice *dev)
{
    bool disabled = pci_get_word(dev->config + PCI_COMMAND) &
                    PCI_COMMAND_INTX_DISABLE;
    bool assert = dev->intx_level && !disabled;
    PCIHost *host = pci_device_host(dev);

    if (dev->intx_level) {
        dev->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    } else {
        dev->config[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
    }
    if (assert == dev->intx_asserted || !dev->config[PCI_INTERRUPT_PIN]) {
        return;
    }
    dev->intx_asserted = assert;
    if (host) {
        pci_host_intx_change(host, pci_root_line(dev), assert ? 1 : -1);
    }
}

void pci_set_irq(PCIDevice *dev, int level)
{
    dev->intx_level = level;
    pci_update_intx(dev);
}

bool pci_bar_address(const PCIDevice *dev, int bar, uint64_t *addr)
{
    const PCIBar *b = &dev->bars[bar];
    uint32_t offset = PCI_BASE_ADDRESS_0 + 4 * (uint32_t)bar;
    uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);
    uint64_t a;

    if (!b->size) {
        return false;
    }
    if (b->flags & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return false;
        }
        a = pci_get_long(dev->config + offset) & ~0x3u;
    } else {
        if (!(cmd & PCI_COMMAND_MEMORY)) {
            return false;
        }
        a = pci_get_long(dev->config + offset) & ~0xfu;
        if (b->flags & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            a |= (uint64_t)pci_get_long(dev->config + offset + 4) << 32;
        }
    }
    /* 0 is where an unprogrammed BAR sits: not decoded. */
    if (a == 0) {
        return false;
    }
    *addr = a;
    return true;
}

static bool pci_access_ok(const PCIDevice *dev, uint32_t offset, unsigned size)
{
    return (size == 1 || size == 2 || size == 4) && !(offset & (size - 1)) &&
           offset + size <= dev->config_size;
}

uint32_t pci_config_read(PCIDevice *dev, uint32_t offset, unsigned size)
{
    uint32_t value = 0;

    if (!pci_access_ok(dev, offset, size)) {
        return ~0u;
    }
    if (dev->ops && dev->ops->config_read) {
        dev->ops->config_read(dev, offset, size);
    }
    for (unsigned i = 0; i < size; i++) {
        value |= (uint32_t)dev->config[offset + i] << (8 * i);
    }
    return value;
}

void pci_config_write(PCIDevice *dev, uint32_t offset, uint32_t value,
                      unsigned size)
{
    if (!pci_access_ok(dev, offset, size)) {
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        uint8_t byte = (uint8_t)(value >> (8 * i));
        uint8_t wmask = dev->wmask[offset + i];
        uint8_t w1c = dev->w1cmask[offset + i];
        uint8_t *reg = &dev->config[offset + i];

        *reg = (uint8_t)((*reg & ~wmask) | (byte & wmask));
        *reg &= (uint8_t)~(byte & w1c);
    }
    if (offset < PCI_COMMAND + 2 && offset + size > PCI_COMMAND) {
        pci_update_intx(dev);
    }
    if (dev->ops && dev->ops->config_written) {
        dev->ops->config_written(dev, offset, size);
    }
}

void pci_device_reset(PCIDevice *dev)
{
    pci_set_word(dev->config + PCI_COMMAND, 0);
    for (int bar = 0; bar < PCI_NUM_BARS; bar++) {
        uint32_t offset = PCI_BASE_ADDRESS_0 + 4 * (uint32_t)bar;
        if (dev->bars[bar].size) {
            pci_set_long(dev->config + offset, dev->bars[bar].flags);
            if (dev->bars[bar].flags & PCI_BASE_ADDRESS_MEM_TYPE_64) {
                pci_set_long(dev->config + offset + 4, 0);
            }
        }
    }
    dev->config[PCI_INTERRUPT_LINE] = 0;
    pci_set_irq(dev, 0);
    if (dev->ops && dev->ops->reset) {
        dev->ops->reset(dev);
    }
}
