/*
 * virtio-net-pci: the device type users name in -device and device_add,
 * joining virtio-net (hw/net/virtio-net.c) to the PCI transport
 * (hw/virtio/virtio-pci.c) on the PCI bus it is given.
 *
 * Properties follow QEMU's: netdev=, mac=, addr=, disable-legacy= (auto:
 * transitional on the root bus, modern-only behind a root port), and
 * romfile= / bootindex= accepted for compatibility (no option ROMs).
 */

#include <string.h>

#include "hw/pci/pci-devices.h"
#include "hw/virtio/virtio-net-qdev.h"
#include "hw/virtio/virtio-pci.h"

typedef struct VirtIONetPCI {
    DeviceState qdev;
    VirtIOPCIProxy proxy;
    VirtIONet *net;
    VirtIONetProps net_props;
    int32_t addr;
    OnOffAuto disable_legacy;
    char *romfile;
    uint32_t bootindex;
} VirtIONetPCI;

static bool virtio_net_pci_realize(DeviceState *dev, BusState *bus,
                                   Error **errp)
{
    VirtIONetPCI *d = (VirtIONetPCI *)dev;
    bool express = pci_bus_is_express_slot(bus);
    bool legacy = d->disable_legacy == ON_OFF_AUTO_AUTO
                  ? !express : d->disable_legacy == ON_OFF_AUTO_OFF;

    d->net = virtio_net_qdev_new(dev, &d->net_props, bus->dma, errp);
    if (!d->net) {
        return false;
    }
    virtio_pci_init(&d->proxy, virtio_net_vdev(d->net), "virtio-net-pci",
                    legacy, express);
    if (!qdev_bus_plug(dev, bus, &d->proxy.pci, d->addr, errp)) {
        virtio_net_free(d->net);
        g_free(d->proxy.pci.name);
        return false;
    }
    return true;
}

static void virtio_net_pci_unrealize(DeviceState *dev)
{
    VirtIONetPCI *d = (VirtIONetPCI *)dev;

    virtio_net_free(d->net);
    g_free(d->proxy.pci.name);
}

static const Property virtio_net_pci_props[] = {
    DEFINE_VIRTIO_NET_PROPERTIES(VirtIONetPCI, net_props),
    DEFINE_PROP_PCI_DEVFN("addr", VirtIONetPCI, addr,
                          "slot[.function] on the bus"),
    DEFINE_PROP_ON_OFF_AUTO("disable-legacy", VirtIONetPCI, disable_legacy,
                            ON_OFF_AUTO_AUTO,
                            "modern-only device: on/off/auto (auto: on behind a root port)"),
    DEFINE_PROP_STRING("romfile", VirtIONetPCI, romfile,
                       "ignored: no option ROMs here"),
    DEFINE_PROP_UINT32("bootindex", VirtIONetPCI, bootindex, 0,
                       "ignored: the firmware picks"),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceClass virtio_net_pci_class = {
    .name = "virtio-net-pci",
    .desc = "Virtio network device",
    .parent = "pci-device",
    .bus_type = "PCI",
    .hotpluggable = true,
    .instance_size = sizeof(VirtIONetPCI),
    .props = virtio_net_pci_props,
    .realize = virtio_net_pci_realize,
    .unrealize = virtio_net_pci_unrealize,
};

qdev_type_init(virtio_net_pci_class)
