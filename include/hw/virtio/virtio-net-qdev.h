/*
 * virtio-net in the device model: what its device types share, whatever
 * the transport (virtio-net-pci in hw/net/virtio-net-pci.c,
 * virtio-net-device on virtio-mmio in hw/net/virtio-net-device.c).
 *
 * netdev= is a reference: the property resolves the back-end when it is
 * set (QEMU's "can't find value" error comes from there), so realize only
 * reads the NetClientState.
 */
#ifndef HW_VIRTIO_VIRTIO_NET_QDEV_H
#define HW_VIRTIO_VIRTIO_NET_QDEV_H

#include "hw/qdev-properties.h"
#include "hw/virtio/virtio-net.h"

extern const PropertyInfo qdev_prop_netdev;     /* NetClientState * */

/* The properties every virtio-net type has. */
typedef struct VirtIONetProps {
    NetClientState *netdev;
    MACAddrProp mac;
} VirtIONetProps;

#define DEFINE_VIRTIO_NET_PROPERTIES(_state, _field)                     \
    DEFINE_PROP("netdev", _state, _field.netdev, qdev_prop_netdev,       \
                NetClientState *, false, 0, "ID of the netdev back-end"), \
    DEFINE_PROP_MACADDR("mac", _state, _field.mac,                        \
                        "MAC address (default 52:54:00:12:34:56, +1 per NIC)")

/* The virtio-net device of DEV (id and model from it) on DMA. */
VirtIONet *virtio_net_qdev_new(DeviceState *dev, const VirtIONetProps *props,
                               const DMAContext *dma, Error **errp);

#endif
