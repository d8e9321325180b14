/*
 * virtio-net-device: virtio-net on a virtio-mmio slot of the board
 * (-device virtio-net-device,netdev=ID), the lowest free slot unless
 * bus=virtio-mmio-bus.N names one.  Not hot-pluggable: virtio-mmio has no
 * way to announce a new device.
 */

#include "hw/virtio/virtio-mmio.h"
#include "hw/virtio/virtio-net-qdev.h"

typedef struct VirtIONetMMIO {
    DeviceState qdev;
    VirtIONet *net;
    VirtIOMMIOProxy *proxy;
    VirtIONetProps net_props;
} VirtIONetMMIO;

static bool virtio_net_device_realize(DeviceState *dev, BusState *bus,
                                      Error **errp)
{
    VirtIONetMMIO *d = (VirtIONetMMIO *)dev;

    d->net = virtio_net_qdev_new(dev, &d->net_props, bus->dma, errp);
    if (!d->net) {
        return false;
    }
    d->proxy = virtio_mmio_new(virtio_net_vdev(d->net));
    if (!qdev_bus_plug(dev, bus, d->proxy, -1, errp)) {
        virtio_net_free(d->net);
        virtio_mmio_free(d->proxy);
        return false;
    }
    return true;
}

static void virtio_net_device_unrealize(DeviceState *dev)
{
    VirtIONetMMIO *d = (VirtIONetMMIO *)dev;

    virtio_net_free(d->net);
    virtio_mmio_free(d->proxy);
}

static const Property virtio_net_device_props[] = {
    DEFINE_VIRTIO_NET_PROPERTIES(VirtIONetMMIO, net_props),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceClass virtio_net_device_class = {
    .name = "virtio-net-device",
    .desc = "Virtio network device on a virtio-mmio slot",
    .parent = "virtio-device",
    .bus_type = "virtio-bus",
    .hotpluggable = false,
    .instance_size = sizeof(VirtIONetMMIO),
    .props = virtio_net_device_props,
    .realize = virtio_net_device_realize,
    .unrealize = virtio_net_device_unrealize,
};

qdev_type_init(virtio_net_device_class)
