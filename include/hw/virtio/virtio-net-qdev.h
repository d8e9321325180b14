/*
 * The virtio-net device types of the device model: virtio-net-pci
 * (hw/virtio/virtio-net-pci.c) and virtio-net-device on virtio-mmio
 * (hw/virtio/virtio-net-device.c), and what they share.
 */
#ifndef HW_VIRTIO_VIRTIO_NET_QDEV_H
#define HW_VIRTIO_VIRTIO_NET_QDEV_H

#include "hw/qdev.h"
#include "hw/virtio/virtio-net.h"

/* netdev= and mac= of DEV into CONF (model and id included), with QEMU's
 * error for a netdev that does not exist. */
bool virtio_net_qdev_conf(DeviceState *dev, const DMAContext *dma,
                          VirtIONetConf *conf, Error **errp);

void virtio_net_pci_register(void);
void virtio_net_device_register(void);

#endif
