/*
 * virtio-net-pci: the device type users name in -device and device_add,
 * joining virtio-net (hw/net/virtio-net.c) to the PCI transport
 * (hw/virtio/virtio-pci.c) on the bus they choose.
 *
 * Properties follow QEMU's: netdev=, mac=, addr=, bus=, disable-legacy=
 * (auto: transitional on the root bus, modern-only behind a root port),
 * and romfile= / bootindex= accepted for compatibility (no option ROMs).
 */

#include <string.h>

#include "hw/pci/pci-devices.h"
#include "hw/virtio/virtio-net-qdev.h"
#include "hw/virtio/virtio-pci.h"

typedef struct VirtIONetPCI {
    DeviceState qdev;
    VirtIOPCIProxy proxy;
    VirtIONet *net;
} VirtIONetPCI;

bool virtio_net_qdev_conf(DeviceState *dev, const DMAContext *dma,
                          VirtIONetConf *conf, Error **errp)
{
    const char *netdev = qdev_prop_string(dev, "netdev");

    *conf = (VirtIONetConf){ .dma = dma, .model = dev->cls->name, .id = dev->id };
    if (netdev) {
        conf->peer = qemu_find_netdev(netdev);
        if (!conf->peer || conf->peer->is_nic) {
            error_setg(errp, "Property '%s.netdev' can't find value '%s'",
                       dev->cls->name, netdev);
            return false;
        }
    }
    conf->has_mac = qdev_prop_mac(dev, "mac", conf->mac);
    return true;
}

static bool virtio_net_pci_realize(DeviceState *dev, Error **errp)
{
    VirtIONetPCI *d = (VirtIONetPCI *)dev;
    const char *legacy_opt = qdev_prop_string(dev, "disable-legacy");
    bool express = pci_qdev_bus_is_express(dev);
    VirtIONetConf conf;
    bool legacy;

    if (!pci_machine_host()) {
        error_setg(errp, "No 'PCI' bus found for device 'virtio-net-pci'");
        return false;
    }
    if (legacy_opt && strcmp(legacy_opt, "on") && strcmp(legacy_opt, "off") &&
        strcmp(legacy_opt, "auto")) {
        error_setg(errp, "Property 'virtio-net-pci.disable-legacy' doesn't "
                   "take value '%s'", legacy_opt);
        return false;
    }
    legacy = legacy_opt && strcmp(legacy_opt, "auto") ?
             strcmp(legacy_opt, "on") != 0 : !express;
    if (!virtio_net_qdev_conf(dev, pci_machine_dma(), &conf, errp)) {
        return false;
    }
    d->net = virtio_net_new(&conf, errp);
    if (!d->net) {
        return false;
    }
    virtio_pci_init(&d->proxy, virtio_net_vdev(d->net), "virtio-net-pci",
                    legacy, express);
    if (!pci_qdev_plug(dev, &d->proxy.pci, dev->hotplugged, errp)) {
        virtio_net_free(d->net);
        g_free(d->proxy.pci.name);
        return false;
    }
    return true;
}

static void virtio_net_pci_unrealize(DeviceState *dev)
{
    VirtIONetPCI *d = (VirtIONetPCI *)dev;

    if (d->proxy.pci.bus) {
        pci_qdev_unplug_now(&d->proxy.pci);
    }
    virtio_net_free(d->net);
    g_free(d->proxy.pci.name);
}

static bool virtio_net_pci_request_unplug(DeviceState *dev, Error **errp)
{
    return pci_qdev_request_unplug(&((VirtIONetPCI *)dev)->proxy.pci, errp);
}

static const DeviceProperty virtio_net_pci_props[] = {
    { "netdev", DEV_PROP_STRING, "ID of the netdev back-end" },
    { "mac", DEV_PROP_MAC, "MAC address (default 52:54:00:12:34:56, +1 per NIC)" },
    { "addr", DEV_PROP_PCI_ADDR, "slot[.function] on the bus" },
    { "disable-legacy", DEV_PROP_STRING, "on/off/auto (default auto)" },
    { "romfile", DEV_PROP_STRING, "ignored: no option ROMs here" },
    { "bootindex", DEV_PROP_UINT32, "ignored: the firmware picks" },
    { NULL },
};

static const DeviceClass virtio_net_pci_class = {
    .name = "virtio-net-pci",
    .desc = "Virtio network device",
    .bus_type = "PCI",
    .hotpluggable = true,
    .instance_size = sizeof(VirtIONetPCI),
    .props = virtio_net_pci_props,
    .realize = virtio_net_pci_realize,
    .unrealize = virtio_net_pci_unrealize,
    .request_unplug = virtio_net_pci_request_unplug,
};

void virtio_net_pci_register(void)
{
    qdev_register_class(&virtio_net_pci_class);
}
