/*
 * An empty virtio-mmio slot (see include/hw/virtio/virtio-mmio.h).
 */
#include "hw/virtio/virtio-mmio.h"

static uint64_t empty_read(void *opaque, hwaddr off, unsigned size)
{
    switch (off) {
    case 0x000:
        return VIRTIO_MMIO_MAGIC;
    case 0x004:
        return 1;                       /* version: legacy, as QEMU 7.2 */
    case 0x008:
        return 0;                       /* device id 0: nothing here */
    case 0x00c:
        return VIRTIO_MMIO_VENDOR_QEMU;
    default:
        return 0;
    }
}

static void empty_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
}

static const MMIORegionOps empty_ops = {
    .read = empty_read,
    .write = empty_write,
};

const MMIORegionOps *virtio_mmio_empty_ops(void)
{
    return &empty_ops;
}
