/*
 * PCI core: configuration space, BARs, capabilities, INTx.
 *
 * A PCIDevice owns a 4 KiB configuration space with masks that say which
 * bits the guest may write (wmask) and which it clears by writing 1
 * (w1cmask); the core applies them, so devices only react to writes they
 * care about.  BARs are declared with a size and an ops table; the core
 * handles sizing (the all-ones probe), decoding and the command register,
 * and the host bridge routes window accesses to whichever BAR holds the
 * address.
 *
 * Buses: the host bridge's root bus is bus 0; a bridge (pcie-root-port)
 * owns a secondary bus numbered by the guest.  Interrupts: a device drives
 * its INTx pin; the core swizzles it through bridges to a root-bus slot
 * and pin, and the host bridge turns that into a PLIC line.
 *
 * All guest-visible registers are little-endian; accesses are 1, 2 or 4
 * bytes, naturally aligned (the host bridge enforces it).
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "qapi/error.h"
#include "qemu/bswap.h"

#define PCI_CONFIG_SPACE_SIZE   0x100
#define PCIE_CONFIG_SPACE_SIZE  0x1000
#define PCI_NUM_BARS            6
#define PCI_DEVFN(slot, fn)     ((uint8_t)(((slot) << 3) | (fn)))
#define PCI_SLOT(devfn)         (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)         ((devfn) & 7)

/* Standard header offsets and bits used across the tree. */
#define PCI_VENDOR_ID           0x00
#define PCI_DEVICE_ID           0x02
#define PCI_COMMAND             0x04
#define  PCI_COMMAND_IO         0x1
#define  PCI_COMMAND_MEMORY     0x2
#define  PCI_COMMAND_MASTER     0x4
#define  PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS              0x06
#define  PCI_STATUS_INTERRUPT   0x08
#define  PCI_STATUS_CAP_LIST    0x10
#define PCI_REVISION_ID         0x08
#define PCI_CLASS_PROG          0x09
#define PCI_CLASS_DEVICE        0x0a
#define PCI_HEADER_TYPE         0x0e
#define  PCI_HEADER_TYPE_BRIDGE 0x01
#define  PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BASE_ADDRESS_0      0x10
#define  PCI_BASE_ADDRESS_SPACE_IO      0x1
#define  PCI_BASE_ADDRESS_MEM_TYPE_64   0x4
#define  PCI_BASE_ADDRESS_MEM_PREFETCH  0x8
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID        0x2e
#define PCI_CAPABILITY_LIST     0x34
#define PCI_INTERRUPT_LINE      0x3c
#define PCI_INTERRUPT_PIN       0x3d
/* Type 1 (bridge) header */
#define PCI_PRIMARY_BUS         0x18
#define PCI_SECONDARY_BUS       0x19
#define PCI_SUBORDINATE_BUS     0x1a
#define PCI_BRIDGE_CONTROL      0x3e

#define PCI_CAP_ID_VNDR         0x09
#define PCI_CAP_ID_EXP          0x10

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;
typedef struct PCIHost PCIHost;

/* A BAR's registers, as the guest sees them through the BAR's window. */
typedef struct PCIBarOps {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
} PCIBarOps;

typedef struct PCIBar {
    uint64_t size;              /* power of two; 0: unused */
    uint8_t flags;              /* low bits of the BAR: IO, 64-bit, prefetch */
    const PCIBarOps *ops;
    void *opaque;
} PCIBar;

typedef struct PCIDeviceOps {
    /* After the core applied a config write (masks already honoured). */
    void (*config_written)(PCIDevice *dev, uint32_t offset, unsigned size);
    /* Optional: produce config reads the core cannot (dynamic registers). */
    void (*config_read)(PCIDevice *dev, uint32_t offset, unsigned size);
    void (*reset)(PCIDevice *dev);
} PCIDeviceOps;

struct PCIDevice {
    uint8_t config[PCIE_CONFIG_SPACE_SIZE];
    uint8_t wmask[PCIE_CONFIG_SPACE_SIZE];
    uint8_t w1cmask[PCIE_CONFIG_SPACE_SIZE];
    uint32_t config_size;       /* 256, or 4096 for PCIe */
    PCIBus *bus;
    uint8_t devfn;
    PCIBar bars[PCI_NUM_BARS];
    uint8_t next_cap;           /* where the next capability goes */
    int intx_level;             /* what the device drives on its pin */
    bool intx_asserted;         /* what reaches the bus (after disable) */
    PCIBus *secondary;          /* bridges only */
    const PCIDeviceOps *ops;
    void *opaque;
    char *name;
    void *owner;                /* the DeviceState holding it, if any */
};

struct PCIBus {
    PCIHost *host;
    PCIDevice *parent;          /* NULL for the root bus */
    PCIDevice *devices[256];    /* by devfn */
};

/* Fills the identity of DEV (vendor/device/class, type 0 header). */
void pci_device_init(PCIDevice *dev, const char *name, uint16_t vendor,
                     uint16_t device, uint32_t class_code, uint8_t revision,
                     bool express, const PCIDeviceOps *ops, void *opaque);
/*
 * Sets the multifunction bit of DEV's header type (QEMU's multifunction=
 * property): guests (Linux, U-Boot) look at functions 1-7 of a slot only
 * when function 0 has it.
 */
void pci_device_set_multifunction(PCIDevice *dev, bool on);
/*
 * Whether DEV may go at DEVFN of BUS as far as functions go (QEMU's rule):
 * a function > 0 needs a multifunction function 0 if one is there, and a
 * single-function function 0 needs the slot's other functions empty.
 */
bool pci_bus_check_function(PCIBus *bus, PCIDevice *dev, uint8_t devfn,
                            Error **errp);
/* Plugs DEV at DEVFN of BUS; false if the slot is taken. */
bool pci_bus_attach(PCIBus *bus, PCIDevice *dev, uint8_t devfn);
void pci_bus_detach(PCIDevice *dev);
/* Lowest free function-0 slot on BUS (-1 if full). */
int pci_bus_free_slot(PCIBus *bus, int first_slot);

void pci_register_bar(PCIDevice *dev, int bar, uint64_t size, uint8_t flags,
                      const PCIBarOps *ops, void *opaque);
/* Adds a capability of SIZE bytes; returns its offset in config space. */
uint8_t pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t size);
void pci_set_intx_pin(PCIDevice *dev, uint8_t pin /* 1 = INTA */);
void pci_set_irq(PCIDevice *dev, int level);

/* The guest's view of a BAR: the address it programmed, if decoding. */
bool pci_bar_address(const PCIDevice *dev, int bar, uint64_t *addr);

uint32_t pci_config_read(PCIDevice *dev, uint32_t offset, unsigned size);
void pci_config_write(PCIDevice *dev, uint32_t offset, uint32_t value,
                      unsigned size);
void pci_device_reset(PCIDevice *dev);

/* Config space is little-endian; QEMU's names for its accessors. */
static inline uint16_t pci_get_word(const uint8_t *p)
{
    return lduw_le_p(p);
}

static inline uint32_t pci_get_long(const uint8_t *p)
{
    return ldl_le_p(p);
}

static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    stw_le_p(p, v);
}

static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    stl_le_p(p, v);
}

#endif
