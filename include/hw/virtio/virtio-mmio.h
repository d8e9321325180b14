/*
 * virtio-mmio transport slots of the virt machine.
 *
 * An empty slot answers the probe registers (magic "virt", version 1 as
 * QEMU's legacy default, device id 0 = no device, vendor "QEMU") so guests
 * skip it, and ignores writes; an occupied one is the transport proper.
 */
#ifndef HW_VIRTIO_VIRTIO_MMIO_H
#define HW_VIRTIO_VIRTIO_MMIO_H

#include <glib.h>

#include "hw/mmio.h"
#include "hw/qdev.h"
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
 * One slot of the board (at BASE, interrupting on IRQ, its device reaching
 * DMA) as a bus of one device: empty until a virtio-*-device plugs in,
 * empty again when it goes.  Buses are per slot, as QEMU's
 * "virtio-mmio-bus.N", so bus= picks a slot and the default is the first
 * free one.
 */
BusState *virtio_mmio_bus_new(const char *name, MMIOMap *map, hwaddr base,
                              qemu_irq irq, const DMAContext *dma,
                              Error **errp);

#endif
