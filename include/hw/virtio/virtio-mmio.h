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

#include <glib.h>

#include "hw/mmio.h"
#include "qapi/error.h"

#define VIRTIO_MMIO_SIZE        0x1000
#define VIRTIO_MMIO_MAGIC       0x74726976      /* "virt" */
#define VIRTIO_MMIO_VENDOR_QEMU 0x554d4551      /* "QEMU" */

/* opaque: none */
const MMIORegionOps *virtio_mmio_empty_ops(void);

/*
 * The transport proper (hw/virtio/virtio-mmio.c): the VIRTIO 1.2 "MMIO
 * device register layout" (version 2, modern only) in front of a
 * VirtIODevice; its interrupt is the line of the slot it is plugged into.
 */
typedef struct VirtIODevice VirtIODevice;
typedef struct IRQState *qemu_irq;
typedef struct VirtIOMMIOProxy VirtIOMMIOProxy;

VirtIOMMIOProxy *virtio_mmio_new(VirtIODevice *vdev);
void virtio_mmio_free(VirtIOMMIOProxy *proxy);
const MMIORegionOps *virtio_mmio_ops(void);  /* opaque: the proxy */

/*
 * The board's slots, for the device model: the board registers them; a
 * virtio-*-device takes the lowest free one and gives it back at exit.
 */
void virtio_mmio_slots_set(MMIOMap *map, const hwaddr *bases,
                           qemu_irq *irqs, unsigned count);
/* Puts PROXY in a free slot; returns the slot index or -1 if all are taken. */
int virtio_mmio_slot_plug(VirtIOMMIOProxy *proxy, Error **errp);
void virtio_mmio_slot_unplug(int slot);

#endif
