/*
 * The virtio MMIO transport, version 2 (VIRTIO 1.2, 4.2.2), and the board
 * slots it plugs into; see include/hw/virtio/virtio-mmio.h.
 */

#include "hw/virtio/virtio-mmio.h"

#include <glib.h>

#include "hw/irq.h"
#include "hw/virtio/virtio.h"
#include "qapi/error.h"

#define REG_MAGIC               0x000
#define REG_VERSION             0x004
#define REG_DEVICE_ID           0x008
#define REG_VENDOR_ID           0x00c
#define REG_DEVICE_FEATURES     0x010
#define REG_DEVICE_FEATURES_SEL 0x014
#define REG_DRIVER_FEATURES     0x020
#define REG_DRIVER_FEATURES_SEL 0x024
#define REG_QUEUE_SEL           0x030
#define REG_QUEUE_NUM_MAX       0x034
#define REG_QUEUE_NUM           0x038
#define REG_QUEUE_READY         0x044
#define REG_QUEUE_NOTIFY        0x050
#define REG_INTERRUPT_STATUS    0x060
#define REG_INTERRUPT_ACK       0x064
#define REG_STATUS              0x070
#define REG_QUEUE_DESC_LOW      0x080
#define REG_QUEUE_DESC_HIGH     0x084
#define REG_QUEUE_DRIVER_LOW    0x090
#define REG_QUEUE_DRIVER_HIGH   0x094
#define REG_QUEUE_DEVICE_LOW    0x0a0
#define REG_QUEUE_DEVICE_HIGH   0x0a4
#define REG_CONFIG_GENERATION   0x0fc
#define REG_CONFIG              0x100

struct VirtIOMMIOProxy {
    VirtIODevice *vdev;
    qemu_irq irq;
    uint32_t device_features_sel;
    uint32_t driver_features_sel;
    uint32_t queue_sel;
};

static uint64_t mmio_read(void *opaque, hwaddr off, unsigned size)
{
    VirtIOMMIOProxy *p = opaque;
    VirtIODevice *vdev = p->vdev;
    unsigned q = p->queue_sel;

    if (off >= REG_CONFIG) {
        return virtio_config_read(vdev, (uint32_t)(off - REG_CONFIG), size);
    }
    if (size != 4) {
        return 0;               /* registers are 32-bit wide (4.2.2.2) */
    }
    switch (off) {
    case REG_MAGIC:
        return VIRTIO_MMIO_MAGIC;
    case REG_VERSION:
        return 2;
    case REG_DEVICE_ID:
        return vdev->device_id;
    case REG_VENDOR_ID:
        return VIRTIO_MMIO_VENDOR_QEMU;
    case REG_DEVICE_FEATURES:
        return virtio_read_device_features(vdev, p->device_features_sel);
    case REG_QUEUE_NUM_MAX:
        return virtio_queue_max_size(vdev, q);
    case REG_QUEUE_READY:
        return virtio_queue_get_ready(vdev, q);
    case REG_INTERRUPT_STATUS:
        return vdev->isr;
    case REG_STATUS:
        return vdev->status;
    case REG_QUEUE_DESC_LOW:
        return (uint32_t)virtio_queue_get_desc_addr(vdev, q);
    case REG_QUEUE_DESC_HIGH:
        return virtio_queue_get_desc_addr(vdev, q) >> 32;
    case REG_QUEUE_DRIVER_LOW:
        return (uint32_t)virtio_queue_get_avail_addr(vdev, q);
    case REG_QUEUE_DRIVER_HIGH:
        return virtio_queue_get_avail_addr(vdev, q) >> 32;
    case REG_QUEUE_DEVICE_LOW:
        return (uint32_t)virtio_queue_get_used_addr(vdev, q);
    case REG_QUEUE_DEVICE_HIGH:
        return virtio_queue_get_used_addr(vdev, q) >> 32;
    case REG_CONFIG_GENERATION:
        return vdev->config_generation;
    default:
        return 0;
    }
}

static void mmio_write(void *opaque, hwaddr off, uint64_t value, unsigned size)
{
    VirtIOMMIOProxy *p = opaque;
    VirtIODevice *vdev = p->vdev;
    uint32_t v = (uint32_t)value;
    unsigned q = p->queue_sel;

    if (off >= REG_CONFIG) {
        virtio_config_write(vdev, (uint32_t)(off - REG_CONFIG), size, v);
        return;
    }
    if (size != 4) {
        return;
    }
    switch (off) {
    case REG_DEVICE_FEATURES_SEL:
        p->device_features_sel = v;
        break;
    case REG_DRIVER_FEATURES:
        virtio_write_driver_features(vdev, p->driver_features_sel, v);
        break;
    case REG_DRIVER_FEATURES_SEL:
        p->driver_features_sel = v;
        break;
    case REG_QUEUE_SEL:
        p->queue_sel = v;
        break;
    case REG_QUEUE_NUM:
        virtio_queue_set_size(vdev, q, v);
        break;
    case REG_QUEUE_READY:
        virtio_queue_set_ready(vdev, q, v & 1);
        break;
    case REG_QUEUE_NOTIFY:
        virtio_queue_notify(vdev, v & 0xffff);
        break;
    case REG_INTERRUPT_ACK:
        virtio_isr_ack(vdev, (uint8_t)v);
        break;
    case REG_STATUS:
        virtio_set_status(vdev, (uint8_t)v);
        if (vdev->status == 0) {
            p->device_features_sel = p->driver_features_sel = p->queue_sel = 0;
        }
        break;
    case REG_QUEUE_DESC_LOW:
    case REG_QUEUE_DESC_HIGH:
        virtio_queue_set_desc_addr(vdev, q, virtio_set_half(
            virtio_queue_get_desc_addr(vdev, q), off == REG_QUEUE_DESC_HIGH, v));
        break;
    case REG_QUEUE_DRIVER_LOW:
    case REG_QUEUE_DRIVER_HIGH:
        virtio_queue_set_avail_addr(vdev, q, virtio_set_half(
            virtio_queue_get_avail_addr(vdev, q), off == REG_QUEUE_DRIVER_HIGH, v));
        break;
    case REG_QUEUE_DEVICE_LOW:
    case REG_QUEUE_DEVICE_HIGH:
        virtio_queue_set_used_addr(vdev, q, virtio_set_half(
            virtio_queue_get_used_addr(vdev, q), off == REG_QUEUE_DEVICE_HIGH, v));
        break;
    default:
        break;                  /* read-only or reserved */
    }
}

static const MMIORegionOps virtio_mmio_region_ops = {
    .read = mmio_read,
    .write = mmio_write,
};

const MMIORegionOps *virtio_mmio_ops(void)
{
    return &virtio_mmio_region_ops;
}

static void proxy_set_irq(void *opaque, bool level)
{
    VirtIOMMIOProxy *p = opaque;

    if (p->irq) {
        qemu_set_irq(p->irq, level);
    }
}

static const VirtIOTransportOps proxy_transport_ops = {
    .set_irq = proxy_set_irq,
};

VirtIOMMIOProxy *virtio_mmio_new(VirtIODevice *vdev)
{
    VirtIOMMIOProxy *p = g_new0(VirtIOMMIOProxy, 1);

    p->vdev = vdev;
    virtio_bind_transport(vdev, &proxy_transport_ops, p);
    return p;
}

void virtio_mmio_free(VirtIOMMIOProxy *proxy)
{
    g_free(proxy);
}

/* ---- a slot of the board, as a bus ---- */

typedef struct VirtIOMMIOSlot {
    MMIOMap *map;
    hwaddr base;
    qemu_irq irq;
} VirtIOMMIOSlot;

static bool map_empty(VirtIOMMIOSlot *slot, Error **errp)
{
    return mmio_map_add(slot->map, "virtio-mmio (empty)", slot->base,
                        VIRTIO_MMIO_SIZE, virtio_mmio_empty_ops(), NULL, errp);
}

static bool slot_plug(BusState *bus, DeviceState *dev, void *child, int addr,
                      bool hot, Error **errp)
{
    VirtIOMMIOSlot *slot = bus->opaque;
    VirtIOMMIOProxy *proxy = child;

    mmio_map_remove(slot->map, slot->base);
    if (!mmio_map_add(slot->map, "virtio-mmio", slot->base, VIRTIO_MMIO_SIZE,
                      &virtio_mmio_region_ops, proxy, errp)) {
        map_empty(slot, NULL);
        return false;
    }
    proxy->irq = slot->irq;
    return true;
}

static void slot_unplug(BusState *bus, void *child)
{
    VirtIOMMIOSlot *slot = bus->opaque;

    qemu_set_irq(slot->irq, 0);
    mmio_map_remove(slot->map, slot->base);
    map_empty(slot, NULL);
}

static const BusOps slot_bus_ops = {
    .plug = slot_plug,
    .unplug = slot_unplug,
};

BusState *virtio_mmio_bus_new(const char *name, MMIOMap *map, hwaddr base,
                              qemu_irq irq, const DMAContext *dma,
                              Error **errp)
{
    VirtIOMMIOSlot *slot = g_new0(VirtIOMMIOSlot, 1);
    BusState *bus;

    *slot = (VirtIOMMIOSlot){ .map = map, .base = base, .irq = irq };
    if (!map_empty(slot, errp)) {
        g_free(slot);
        return NULL;
    }
    bus = g_new0(BusState, 1);
    *bus = (BusState){
        .name = g_strdup(name),
        .type = "virtio-bus",
        .ops = &slot_bus_ops,
        .opaque = slot,
        .dma = dma,
        .max_devices = 1,
    };
    return bus;
}
