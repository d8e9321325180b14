/*
 * virtio-net in the device model: the netdev= property and the device's
 * configuration from its properties; see
 * include/hw/virtio/virtio-net-qdev.h.
 */

#include "hw/virtio/virtio-net-qdev.h"

#include <string.h>

#include "net/net.h"

static bool set_netdev(DeviceState *dev, const Property *prop,
                       JsonNode *value, bool from_json, void *field,
                       Error **errp)
{
    const char *id = qdev_prop_value_string(prop, value, from_json, errp);
    NetClientState *peer;

    if (!id) {
        return false;
    }
    peer = qemu_find_netdev(id);
    if (!peer || peer->is_nic) {
        error_setg(errp, "Property '%s.%s' can't find value '%s'",
                   dev->cls->name, prop->name, id);
        return false;
    }
    *(NetClientState **)field = peer;
    return true;
}

const PropertyInfo qdev_prop_netdev = {
    .name = "str",
    .set = set_netdev,
};

VirtIONet *virtio_net_qdev_new(DeviceState *dev, const VirtIONetProps *props,
                               const DMAContext *dma, Error **errp)
{
    VirtIONetConf conf = {
        .dma = dma,
        .peer = props->netdev,
        .model = dev->cls->name,
        .id = dev->id,
        .has_mac = props->mac.set,
    };

    memcpy(conf.mac, props->mac.a, sizeof(conf.mac));
    return virtio_net_new(&conf, errp);
}
