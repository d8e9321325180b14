/*
 * virtio-net-pci: the device type users name in -device and device_add,
 * joining virtio-net (hw/net/virtio-net.c) to the PCI transport
 * (hw/virtio/virtio-pci.c) on the PCI bus it is given.
 *
 * Properties follow QEMU's: netdev=, mac=, addr=, disable-legacy= (auto:
 * transitional on the root bus, modern-only behind a root port), and
 * romfile= / bootindex= accepted for compatibility (no option ROMs).
 *
 * Three types, as QEMU has them: virtio-net-pci (disable-legacy= decides),
 * virtio-net-pci-transitional (legacy and modern interfaces) and
 * virtio-net-pci-non-transitional (modern only); libvirt picks by
 * <model type='virtio-transitional'/'virtio-non-transitional'>.
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

/* DISABLE_LEGACY: the property's value, or what the fixed types force. */
static bool realize_with(DeviceState *dev, BusState *bus,
                         OnOffAuto disable_legacy, Error **errp)
{
    VirtIONetPCI *d = (VirtIONetPCI *)dev;
    bool express = pci_bus_is_express_slot(bus);
    bool legacy = virtio_pci_wants_legacy(disable_legacy, express);

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

static bool virtio_net_pci_realize(DeviceState *dev, BusState *bus,
                                   Error **errp)
{
    return realize_with(dev, bus, ((VirtIONetPCI *)dev)->disable_legacy,
                        errp);
}

static bool transitional_realize(DeviceState *dev, BusState *bus,
                                 Error **errp)
{
    return realize_with(dev, bus, ON_OFF_AUTO_OFF, errp);
}

static bool non_transitional_realize(DeviceState *dev, BusState *bus,
                                     Error **errp)
{
    return realize_with(dev, bus, ON_OFF_AUTO_ON, errp);
}

static void virtio_net_pci_unrealize(DeviceState *dev)
{
    VirtIONetPCI *d = (VirtIONetPCI *)dev;

    virtio_net_free(d->net);
    g_free(d->proxy.pci.name);
}

#define VIRTIO_NET_PCI_COMMON_PROPS                                         \
    DEFINE_VIRTIO_NET_PROPERTIES(VirtIONetPCI, net_props),                  \
    DEFINE_PROP_PCI_DEVFN("addr", VirtIONetPCI, addr,                       \
                          "slot[.function] on the bus"),                    \
    DEFINE_PROP_STRING("romfile", VirtIONetPCI, romfile,                    \
                       "ignored: no option ROMs here"),                     \
    DEFINE_PROP_UINT32("bootindex", VirtIONetPCI, bootindex, 0,             \
                       "ignored: the firmware picks")

static const Property virtio_net_pci_props[] = {
    VIRTIO_NET_PCI_COMMON_PROPS,
    DEFINE_PROP_ON_OFF_AUTO("disable-legacy", VirtIONetPCI, disable_legacy,
                            ON_OFF_AUTO_AUTO,
                            "modern-only device: on/off/auto (auto: on behind a root port)"),
    DEFINE_PROP_END_OF_LIST(),
};

/* The fixed-interface types have no disable-legacy, as in QEMU. */
static const Property virtio_net_pci_fixed_props[] = {
    VIRTIO_NET_PCI_COMMON_PROPS,
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

/* Legacy and modern interfaces whatever the slot (virtio 1.0's
 * "transitional device"). */
static const DeviceClass virtio_net_pci_transitional_class = {
    .name = "virtio-net-pci-transitional",
    .desc = "Virtio network device, transitional (legacy and modern)",
    .parent = "pci-device",
    .bus_type = "PCI",
    .hotpluggable = true,
    .instance_size = sizeof(VirtIONetPCI),
    .props = virtio_net_pci_fixed_props,
    .realize = transitional_realize,
    .unrealize = virtio_net_pci_unrealize,
};

qdev_type_init(virtio_net_pci_transitional_class)

/* Modern interface only, whatever the slot. */
static const DeviceClass virtio_net_pci_non_transitional_class = {
    .name = "virtio-net-pci-non-transitional",
    .desc = "Virtio network device, non-transitional (modern only)",
    .parent = "pci-device",
    .bus_type = "PCI",
    .hotpluggable = true,
    .instance_size = sizeof(VirtIONetPCI),
    .props = virtio_net_pci_fixed_props,
    .realize = non_transitional_realize,
    .unrealize = virtio_net_pci_unrealize,
};

qdev_type_init(virtio_net_pci_non_transitional_class)
