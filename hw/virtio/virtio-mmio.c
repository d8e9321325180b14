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

/* ---- the board's slots ---- */

#define MAX_SLOTS 8

static struct {
    MMIOMap *map;
    hwaddr base[MAX_SLOTS];
    qemu_irq irq[MAX_SLOTS];
    VirtIOMMIOProxy *proxy[MAX_SLOTS];
    unsigned count;
} slots;

void virtio_mmio_slots_set(MMIOMap *map, const hwaddr *bases, qemu_irq *irqs,
                           unsigned count)
{
    slots.map = map;
    slots.count = MIN(count, MAX_SLOTS);
    for (unsigned i = 0; i < slots.count; i++) {
        slots.base[i] = bases[i];
        slots.irq[i] = irqs[i];
        slots.proxy[i] = NULL;
    }
}

int virtio_mmio_slot_plug(VirtIOMMIOProxy *proxy, Error **errp)
{
    for (unsigned i = 0; i < slots.count; i++) {
        if (slots.proxy[i]) {
            continue;
        }
        mmio_map_remove(slots.map, slots.base[i]);
        if (!mmio_map_add(slots.map, "virtio-mmio", slots.base[i],
                          VIRTIO_MMIO_SIZE, &virtio_mmio_region_ops, proxy,
                          errp)) {
            return -1;
        }
        proxy->irq = slots.irq[i];
        slots.proxy[i] = proxy;
        return (int)i;
    }
    if (slots.count) {
        error_setg(errp, "all %u virtio-mmio slots are in use", slots.count);
    } else {
        error_setg(errp, "no virtio-mmio slots on this machine");
    }
    return -1;
}

void virtio_mmio_slot_unplug(int slot)
{
    if (slot < 0 || (unsigned)slot >= slots.count || !slots.proxy[slot]) {
        return;
    }
    qemu_set_irq(slots.irq[slot], 0);
    mmio_map_remove(slots.map, slots.base[slot]);
    mmio_map_add(slots.map, "virtio-mmio (empty)", slots.base[slot],
                 VIRTIO_MMIO_SIZE, virtio_mmio_empty_ops(), NULL, NULL);
    slots.proxy[slot] = NULL;
}
