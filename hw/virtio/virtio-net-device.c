/*
 * virtio-net-device: virtio-net on the board's virtio-mmio slots
 * (-device virtio-net-device,netdev=ID), the lowest free slot first.
 * Not hot-pluggable: virtio-mmio has no way to announce a new device.
 */

#include "hw/pci/pci-devices.h"
#include "hw/virtio/virtio-mmio.h"
#include "hw/virtio/virtio-net-qdev.h"

typedef struct VirtIONetMMIO {
    DeviceState qdev;
    VirtIONet *net;
    VirtIOMMIOProxy *proxy;
    int slot;
} VirtIONetMMIO;

static bool virtio_net_device_realize(DeviceState *dev, Error **errp)
{
    VirtIONetMMIO *d = (VirtIONetMMIO *)dev;
    const DMAContext *dma = pci_machine_dma();      /* the board's RAM */
    VirtIONetConf conf;

    if (!dma) {
        error_setg(errp, "No 'virtio-bus' bus found for device "
                   "'virtio-net-device'");
        return false;
    }
    if (!virtio_net_qdev_conf(dev, dma, &conf, errp)) {
        return false;
    }
    d->net = virtio_net_new(&conf, errp);
    if (!d->net) {
        return false;
    }
    d->proxy = virtio_mmio_new(virtio_net_vdev(d->net));
    d->slot = virtio_mmio_slot_plug(d->proxy, errp);
    if (d->slot < 0) {
        virtio_net_free(d->net);
        virtio_mmio_free(d->proxy);
        return false;
    }
    return true;
}

static void virtio_net_device_unrealize(DeviceState *dev)
{
    VirtIONetMMIO *d = (VirtIONetMMIO *)dev;

    virtio_mmio_slot_unplug(d->slot);
    virtio_net_free(d->net);
    virtio_mmio_free(d->proxy);
}

static const DeviceProperty virtio_net_device_props[] = {
    { "netdev", DEV_PROP_STRING, "ID of the netdev back-end" },
    { "mac", DEV_PROP_MAC, "MAC address (default 52:54:00:12:34:56, +1 per NIC)" },
    { NULL },
};

static const DeviceClass virtio_net_device_class = {
    .name = "virtio-net-device",
    .desc = "Virtio network device on a virtio-mmio slot",
    .bus_type = "virtio-bus",
    .hotpluggable = false,
    .instance_size = sizeof(VirtIONetMMIO),
    .props = virtio_net_device_props,
    .realize = virtio_net_device_realize,
    .unrealize = virtio_net_device_unrealize,
};

void virtio_net_device_register(void)
{
    qdev_register_class(&virtio_net_device_class);
}
