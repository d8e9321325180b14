/*
 * virtio-mmio transport slots of the virt machine.
 *
 * For now every slot is empty: it answers the probe registers (magic
 * "virt", version 1 as QEMU's legacy default, device id 0 = no device,
 * vendor "QEMU") so guests skip it, and ignores writes.  A real transport
 * (hw/virtio/virtio-mmio.c) will replace these ops for occupied slots.
 */
#ifndef HW_VIRTIO_VIRTIO_MMIO_H
#define HW_VIRTIO_VIRTIO_MMIO_H

#include "hw/mmio.h"

#define VIRTIO_MMIO_SIZE        0x1000
#define VIRTIO_MMIO_MAGIC       0x74726976      /* "virt" */
#define VIRTIO_MMIO_VENDOR_QEMU 0x554d4551      /* "QEMU" */

/* opaque: none */
const MMIORegionOps *virtio_mmio_empty_ops(void);

#endif
