/*
 * virtio-balloon-pci: the balloon (hw/virtio/virtio-balloon.c) on the PCI
 * transport; libvirt adds one to every domain unless <memballoon
 * model='none'/>.  Properties: addr=, disable-legacy= as virtio-net-pci
 * has them.
 */
#include "hw/pci/pci-devices.h"
#include "hw/qdev-properties.h"
#include "hw/virtio/virtio-balloon.h"
#include "hw/virtio/virtio-pci.h"

typedef struct VirtIOBalloonPCI {
    DeviceState qdev;
    VirtIOPCIProxy proxy;
    VirtIOBalloon *balloon;
    int32_t addr;
    OnOffAuto disable_legacy;
} VirtIOBalloonPCI;

static bool balloon_pci_realize(DeviceState *dev, BusState *bus,
                                Error **errp)
{
    VirtIOBalloonPCI *d = (VirtIOBalloonPCI *)dev;
    bool express = pci_bus_is_express_slot(bus);
    bool legacy = virtio_pci_wants_legacy(d->disable_legacy, express);

    d->balloon = virtio_balloon_new(bus->dma, errp);
    if (!d->balloon) {
        return false;
    }
    virtio_pci_init(&d->proxy, virtio_balloon_vdev(d->balloon),
                    "virtio-balloon-pci", legacy, express);
    if (!qdev_bus_plug(dev, bus, &d->proxy.pci, d->addr, errp)) {
        virtio_balloon_free(d->balloon);
        g_free(d->proxy.pci.name);
        return false;
    }
    return true;
}

static void balloon_pci_unrealize(DeviceState *dev)
{
    VirtIOBalloonPCI *d = (VirtIOBalloonPCI *)dev;

    virtio_balloon_free(d->balloon);
    g_free(d->proxy.pci.name);
}

static const Property balloon_pci_props[] = {
    DEFINE_PROP_PCI_DEVFN("addr", VirtIOBalloonPCI, addr,
                          "slot[.function] on the bus"),
    DEFINE_PROP_ON_OFF_AUTO("disable-legacy", VirtIOBalloonPCI,
                            disable_legacy, ON_OFF_AUTO_AUTO,
                            "modern-only device: on/off/auto (auto: on "
                            "behind a root port)"),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceClass virtio_balloon_pci_class = {
    .name = "virtio-balloon-pci",
    .desc = "Virtio memory balloon",
    .parent = "pci-device",
    .bus_type = "PCI",
    .hotpluggable = true,
    .instance_size = sizeof(VirtIOBalloonPCI),
    .props = balloon_pci_props,
    .realize = balloon_pci_realize,
    .unrealize = balloon_pci_unrealize,
};

qdev_type_init(virtio_balloon_pci_class)
