/*
 * The virtio PCI transport; see include/hw/virtio/virtio-pci.h.
 * Register layouts are those of the VIRTIO 1.2 specification, 4.1.4
 * (modern) and 4.1.4.10 (legacy).
 */

#include "hw/virtio/virtio-pci.h"
#include "hw/virtio/virtio-balloon.h"

#include <glib.h>
#include <string.h>

#define VIRTIO_PCI_VENDOR       0x1af4

/* Vendor capability types (4.1.4) */
#define CAP_COMMON_CFG          1
#define CAP_NOTIFY_CFG          2
#define CAP_ISR_CFG             3
#define CAP_DEVICE_CFG          4
#define CAP_PCI_CFG             5

/* Where each area sits in BAR 4. */
#define MODERN_BAR              4
#define MODERN_BAR_SIZE         0x4000
#define AREA_COMMON             0x0000
#define AREA_ISR                0x1000
#define AREA_DEVICE             0x2000
#define AREA_NOTIFY             0x3000
#define AREA_SIZE               0x1000
#define NOTIFY_MULTIPLIER       4

/* Common configuration (4.1.4.3) */
#define COMMON_DFSELECT         0x00
#define COMMON_DF               0x04
#define COMMON_GFSELECT         0x08
#define COMMON_GF               0x0c
#define COMMON_MSIX             0x10
#define COMMON_NUMQ             0x12
#define COMMON_STATUS           0x14
#define COMMON_CFGGENERATION    0x15
#define COMMON_Q_SELECT         0x16
#define COMMON_Q_SIZE           0x18
#define COMMON_Q_MSIX           0x1a
#define COMMON_Q_ENABLE         0x1c
#define COMMON_Q_NOFF           0x1e
#define COMMON_Q_DESCLO         0x20
#define COMMON_Q_DESCHI         0x24
#define COMMON_Q_AVAILLO        0x28
#define COMMON_Q_AVAILHI        0x2c
#define COMMON_Q_USEDLO         0x30
#define COMMON_Q_USEDHI         0x34
#define COMMON_SIZE             0x38
#define NO_VECTOR               0xffff

/* Legacy I/O registers (4.1.4.10), no MSI-X: config follows at 0x14. */
#define LEGACY_HOST_FEATURES    0x00
#define LEGACY_GUEST_FEATURES   0x04
#define LEGACY_QUEUE_PFN        0x08
#define LEGACY_QUEUE_NUM        0x0c
#define LEGACY_QUEUE_SEL        0x0e
#define LEGACY_QUEUE_NOTIFY     0x10
#define LEGACY_STATUS           0x12
#define LEGACY_ISR              0x13
#define LEGACY_CONFIG           0x14

/* ---- modern common configuration ---- */

static uint64_t common_read(VirtIOPCIProxy *p, uint64_t offset, unsigned size)
{
    VirtIODevice *vdev = p->vdev;
    unsigned q = p->queue_select;

    switch (offset) {
    case COMMON_DFSELECT:
        return p->device_feature_select;
    case COMMON_DF:
        return virtio_read_device_features(vdev, p->device_feature_select);
    case COMMON_GFSELECT:
        return p->driver_feature_select;
    case COMMON_GF:
        return virtio_read_driver_features(vdev, p->driver_feature_select);
    case COMMON_MSIX:
    case COMMON_Q_MSIX:
        return NO_VECTOR;
    case COMMON_NUMQ:
        return vdev->num_queues;
    case COMMON_STATUS:
        return vdev->status;
    case COMMON_CFGGENERATION:
        return vdev->config_generation & 0xff;
    case COMMON_Q_SELECT:
        return q;
    case COMMON_Q_SIZE:
        return virtio_queue_get_size(vdev, q);
    case COMMON_Q_ENABLE:
        return virtio_queue_get_ready(vdev, q);
    case COMMON_Q_NOFF:
        return q;               /* queue n notifies at n * multiplier */
    case COMMON_Q_DESCLO:
        return (uint32_t)virtio_queue_get_desc_addr(vdev, q);
    case COMMON_Q_DESCHI:
        return virtio_queue_get_desc_addr(vdev, q) >> 32;
    case COMMON_Q_AVAILLO:
        return (uint32_t)virtio_queue_get_avail_addr(vdev, q);
    case COMMON_Q_AVAILHI:
        return virtio_queue_get_avail_addr(vdev, q) >> 32;
    case COMMON_Q_USEDLO:
        return (uint32_t)virtio_queue_get_used_addr(vdev, q);
    case COMMON_Q_USEDHI:
        return virtio_queue_get_used_addr(vdev, q) >> 32;
    default:
        return 0;
    }
}

static void common_write(VirtIOPCIProxy *p, uint64_t offset, uint32_t value)
{
    VirtIODevice *vdev = p->vdev;
    unsigned q = p->queue_select;

    switch (offset) {
    case COMMON_DFSELECT:
        p->device_feature_select = value;
        break;
    case COMMON_GFSELECT:
        p->driver_feature_select = value;
        break;
    case COMMON_GF:
        virtio_write_driver_features(vdev, p->driver_feature_select, value);
        break;
    case COMMON_STATUS:
        virtio_set_status(vdev, (uint8_t)value);
        if (vdev->status == 0) {
            p->device_feature_select = p->driver_feature_select = 0;
            p->queue_select = 0;
        }
        break;
    case COMMON_Q_SELECT:
        p->queue_select = (uint16_t)value;
        break;
    case COMMON_Q_SIZE:
        virtio_queue_set_size(vdev, q, value);
        break;
    case COMMON_Q_ENABLE:
        if (value == 1) {
            virtio_queue_set_ready(vdev, q, true);
        }
        break;
    case COMMON_Q_DESCLO:
    case COMMON_Q_DESCHI:
        virtio_queue_set_desc_addr(vdev, q, virtio_set_half(
            virtio_queue_get_desc_addr(vdev, q), offset == COMMON_Q_DESCHI, value));
        break;
    case COMMON_Q_AVAILLO:
    case COMMON_Q_AVAILHI:
        virtio_queue_set_avail_addr(vdev, q, virtio_set_half(
            virtio_queue_get_avail_addr(vdev, q), offset == COMMON_Q_AVAILHI, value));
        break;
    case COMMON_Q_USEDLO:
    case COMMON_Q_USEDHI:
        virtio_queue_set_used_addr(vdev, q, virtio_set_half(
            virtio_queue_get_used_addr(vdev, q), offset == COMMON_Q_USEDHI, value));
        break;
    default:
        break;                  /* read-only or MSI-X: ignored */
    }
}

/* ---- BAR 4: the modern areas ---- */

static uint64_t modern_read(void *opaque, uint64_t offset, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    uint64_t area = offset & ~(uint64_t)(AREA_SIZE - 1);
    uint64_t off = offset - area;

    if (size == 8) {
        return modern_read(p, offset, 4) | modern_read(p, offset + 4, 4) << 32;
    }
    switch (area) {
    case AREA_COMMON:
        return off < COMMON_SIZE ? common_read(p, off, size) : 0;
    case AREA_ISR:
        return off == 0 ? virtio_isr_read_clear(p->vdev) : 0;
    case AREA_DEVICE:
        return virtio_config_read(p->vdev, (uint32_t)off, size);
    default:
        return 0;
    }
}

static void modern_write(void *opaque, uint64_t offset, uint64_t value,
                         unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    uint64_t area = offset & ~(uint64_t)(AREA_SIZE - 1);
    uint64_t off = offset - area;

    if (size == 8) {
        modern_write(p, offset, (uint32_t)value, 4);
        modern_write(p, offset + 4, value >> 32, 4);
        return;
    }
    switch (area) {
    case AREA_COMMON:
        if (off < COMMON_SIZE) {
            common_write(p, off, (uint32_t)value);
        }
        break;
    case AREA_DEVICE:
        virtio_config_write(p->vdev, (uint32_t)off, size, (uint32_t)value);
        break;
    case AREA_NOTIFY:
        if (off % NOTIFY_MULTIPLIER == 0) {
            virtio_queue_notify(p->vdev, (unsigned)(off / NOTIFY_MULTIPLIER));
        }
        break;
    default:
        break;
    }
}

static const PCIBarOps modern_bar_ops = {
    .read = modern_read,
    .write = modern_write,
};

/* ---- BAR 0: the legacy interface ---- */

static uint64_t legacy_read(void *opaque, uint64_t offset, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    VirtIODevice *vdev = p->vdev;

    if (offset >= LEGACY_CONFIG) {
        return virtio_config_read(vdev, (uint32_t)(offset - LEGACY_CONFIG), size);
    }
    switch (offset) {
    case LEGACY_HOST_FEATURES:
        return virtio_read_device_features(vdev, 0);
    case LEGACY_GUEST_FEATURES:
        return (uint32_t)vdev->guest_features;
    case LEGACY_QUEUE_PFN:
        return virtio_queue_get_legacy_pfn(vdev, p->queue_select);
    case LEGACY_QUEUE_NUM:
        return virtio_queue_max_size(vdev, p->queue_select);
    case LEGACY_QUEUE_SEL:
        return p->queue_select;
    case LEGACY_STATUS:
        return vdev->status;
    case LEGACY_ISR:
        return virtio_isr_read_clear(vdev);
    default:
        return 0;
    }
}

static void legacy_write(void *opaque, uint64_t offset, uint64_t value,
                         unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    VirtIODevice *vdev = p->vdev;

    if (offset >= LEGACY_CONFIG) {
        virtio_config_write(vdev, (uint32_t)(offset - LEGACY_CONFIG), size,
                            (uint32_t)value);
        return;
    }
    switch (offset) {
    case LEGACY_GUEST_FEATURES:
        virtio_set_features_legacy(vdev, (uint32_t)value);
        break;
    case LEGACY_QUEUE_PFN:
        virtio_queue_set_legacy_pfn(vdev, p->queue_select, (uint32_t)value);
        break;
    case LEGACY_QUEUE_SEL:
        p->queue_select = (uint16_t)value;
        break;
    case LEGACY_QUEUE_NOTIFY:
        virtio_queue_notify(vdev, (unsigned)value);
        break;
    case LEGACY_STATUS:
        virtio_set_status(vdev, (uint8_t)value);
        if (vdev->status == 0) {
            p->queue_select = 0;
        }
        break;
    default:
        break;
    }
}

static const PCIBarOps legacy_bar_ops = {
    .read = legacy_read,
    .write = legacy_write,
};

/* ---- capabilities and config space ---- */

static void add_vendor_cap(VirtIOPCIProxy *p, uint8_t type, uint32_t offset,
                           uint32_t length, bool notify)
{
    uint8_t cap_len = notify ? 20 : 16;
    uint8_t pos = pci_add_capability(&p->pci, PCI_CAP_ID_VNDR, cap_len);
    uint8_t *c = p->pci.config + pos;

    c[2] = cap_len;
    c[3] = type;
    c[4] = MODERN_BAR;
    pci_set_long(c + 8, offset);
    pci_set_long(c + 12, length);
    if (notify) {
        pci_set_long(c + 16, NOTIFY_MULTIPLIER);
    }
}

/* VIRTIO_PCI_CAP_PCI_CFG: a window into the BARs through config space
 * (4.1.4.9): the driver sets bar, offset and length, then reads or writes
 * pci_cfg_data. */
static void add_cfg_access_cap(VirtIOPCIProxy *p)
{
    uint8_t pos = pci_add_capability(&p->pci, PCI_CAP_ID_VNDR, 20);
    uint8_t *c = p->pci.config + pos;

    c[2] = 20;
    c[3] = CAP_PCI_CFG;
    p->pci.wmask[pos + 4] = 0xff;                       /* bar */
    pci_set_long(p->pci.wmask + pos + 8, 0xffffffff);   /* offset */
    pci_set_long(p->pci.wmask + pos + 12, 0xffffffff);  /* length */
    pci_set_long(p->pci.wmask + pos + 16, 0xffffffff);  /* data */
    p->cfg_cap = pos;
}

/* The window's current target, if it points at BAR 4 sensibly. */
static bool cfg_window(VirtIOPCIProxy *p, uint32_t *offset, unsigned *len)
{
    uint8_t *c = p->pci.config + p->cfg_cap;

    *offset = pci_get_long(c + 8);
    *len = pci_get_long(c + 12);
    return c[4] == MODERN_BAR && (*len == 1 || *len == 2 || *len == 4) &&
           *offset < MODERN_BAR_SIZE && *offset % *len == 0;
}

static bool touches_cfg_data(VirtIOPCIProxy *p, uint32_t offset, unsigned size)
{
    uint32_t data = p->cfg_cap + 16u;

    return p->cfg_cap && offset < data + 4 && offset + size > data;
}

static void proxy_config_read(PCIDevice *dev, uint32_t offset, unsigned size)
{
    VirtIOPCIProxy *p = dev->opaque;
    uint32_t bar_offset;
    unsigned len;

    if (touches_cfg_data(p, offset, size) && cfg_window(p, &bar_offset, &len)) {
        pci_set_long(dev->config + p->cfg_cap + 16,
                     (uint32_t)modern_read(p, bar_offset, len));
    }
}

static void proxy_config_written(PCIDevice *dev, uint32_t offset, unsigned size)
{
    VirtIOPCIProxy *p = dev->opaque;
    uint32_t bar_offset;
    unsigned len;

    if (touches_cfg_data(p, offset, size) && cfg_window(p, &bar_offset, &len)) {
        modern_write(p, bar_offset,
                     pci_get_long(dev->config + p->cfg_cap + 16), len);
    }
}

static void proxy_reset(PCIDevice *dev)
{
    VirtIOPCIProxy *p = dev->opaque;

    virtio_reset(p->vdev);
    p->device_feature_select = p->driver_feature_select = 0;
    p->queue_select = 0;
}

static const PCIDeviceOps proxy_pci_ops = {
    .config_written = proxy_config_written,
    .config_read = proxy_config_read,
    .reset = proxy_reset,
};

static void proxy_set_irq(void *opaque, bool level)
{
    VirtIOPCIProxy *p = opaque;

    pci_set_irq(&p->pci, level);
}

static const VirtIOTransportOps proxy_transport_ops = {
    .set_irq = proxy_set_irq,
};

/* A minimal PCI Express endpoint capability, for a function behind a
 * root port. */
static void add_express_endpoint_cap(VirtIOPCIProxy *p)
{
    uint8_t pos = pci_add_capability(&p->pci, PCI_CAP_ID_EXP, 0x3c);
    uint8_t *c = p->pci.config + pos;

    pci_set_word(c + 2, 2);                         /* v2, endpoint */
    pci_set_word(p->pci.wmask + pos + 8, 0xffff);   /* device control */
    pci_set_long(c + 0x0c, 0x11);                   /* 2.5 GT/s, x1 */
    pci_set_word(c + 0x12, 0x11);
}

static uint64_t pow2_at_least(uint64_t n)
{
    uint64_t p = 4;

    while (p < n) {
        p <<= 1;
    }
    return p;
}

void virtio_pci_init(VirtIOPCIProxy *proxy, VirtIODevice *vdev,
                     const char *name, bool legacy, bool express)
{
    uint16_t device_id = legacy ? (uint16_t)(0x1000 + vdev->device_id - 1)
                                : (uint16_t)(0x1040 + vdev->device_id);
    /* The PCI class follows the device type: network, or "other" (the
     * balloon: QEMU gives it 0x00ff00) */
    uint32_t class_code = vdev->device_id == VIRTIO_ID_NET ? 0x020000 :
                          vdev->device_id == VIRTIO_ID_BALLOON ? 0x00ff00 :
                          0xff0000;

    proxy->vdev = vdev;
    proxy->legacy = legacy;
    proxy->express = express;
    proxy->device_feature_select = proxy->driver_feature_select = 0;
    proxy->queue_select = 0;
    pci_device_init(&proxy->pci, name, VIRTIO_PCI_VENDOR, device_id,
                    class_code, legacy ? 0 : 1, express, &proxy_pci_ops, proxy);
    pci_set_word(proxy->pci.config + PCI_SUBSYSTEM_VENDOR_ID, VIRTIO_PCI_VENDOR);
    pci_set_word(proxy->pci.config + PCI_SUBSYSTEM_ID,
                 legacy ? vdev->device_id : 0x1100);
    pci_set_intx_pin(&proxy->pci, 1);

    if (legacy) {
        pci_register_bar(&proxy->pci, 0,
                         pow2_at_least(LEGACY_CONFIG + vdev->config_len),
                         PCI_BASE_ADDRESS_SPACE_IO, &legacy_bar_ops, proxy);
    }
    pci_register_bar(&proxy->pci, MODERN_BAR, MODERN_BAR_SIZE,
                     PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH,
                     &modern_bar_ops, proxy);
    if (express) {
        add_express_endpoint_cap(proxy);
    }
    add_vendor_cap(proxy, CAP_COMMON_CFG, AREA_COMMON, COMMON_SIZE, false);
    add_vendor_cap(proxy, CAP_ISR_CFG, AREA_ISR, AREA_SIZE, false);
    add_vendor_cap(proxy, CAP_DEVICE_CFG, AREA_DEVICE, AREA_SIZE, false);
    /* U-Boot takes the device-config length from the notify capability:
     * a whole area keeps that read large enough. */
    add_vendor_cap(proxy, CAP_NOTIFY_CFG, AREA_NOTIFY, AREA_SIZE, true);
    add_cfg_access_cap(proxy);

    virtio_bind_transport(vdev, &proxy_transport_ops, proxy);
}
