/*
 * MMIO dispatch: the physical address ranges that are devices, not RAM.
 *
 * A device describes its registers with an MMIORegionOps (read/write
 * callbacks taking an offset into the region) and is mapped into an
 * MMIOMap at a base address.  The machine hands every CPU access that
 * misses RAM to mmio_map_read()/mmio_map_write().
 *
 * Interface rules:
 * - Regions never overlap; mmio_map_add() refuses an overlap.  Regions
 *   can be added and removed at any time (PCI BARs move), but not from
 *   inside a callback of the region being removed.
 * - valid_sizes is a bitmask of the access sizes (1, 2, 4, 8) a device
 *   accepts; 0 means all.  Other sizes, accesses crossing the region's
 *   end and accesses where nothing is mapped are rejected: the dispatch
 *   returns false (the hart takes an access fault) and, with
 *   -d guest_errors, logs the access.
 * - Callbacks run in the main loop thread, inside a CPU slice; they may
 *   raise interrupts, arm timers and schedule bottom halves, never reset
 *   the machine themselves (use qemu_system_reset_request()).
 */
#ifndef HW_MMIO_H
#define HW_MMIO_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "qapi/error.h"

typedef uint64_t hwaddr;

#define MMIO_SIZE_1 (1u << 1)
#define MMIO_SIZE_2 (1u << 2)
#define MMIO_SIZE_4 (1u << 4)
#define MMIO_SIZE_8 (1u << 8)
#define MMIO_SIZES_4_8 (MMIO_SIZE_4 | MMIO_SIZE_8)

typedef struct MMIORegionOps {
    uint64_t (*read)(void *opaque, hwaddr offset, unsigned size);
    void (*write)(void *opaque, hwaddr offset, uint64_t value, unsigned size);
    unsigned valid_sizes;       /* MMIO_SIZE_* mask; 0 = any */
} MMIORegionOps;

typedef struct MMIOMap MMIOMap;

MMIOMap *mmio_map_new(void);
void mmio_map_free(MMIOMap *map);
bool mmio_map_add(MMIOMap *map, const char *name, hwaddr base, hwaddr size,
                  const MMIORegionOps *ops, void *opaque, Error **errp);
/* Remove the region starting at BASE; false if there is none. */
bool mmio_map_remove(MMIOMap *map, hwaddr base);
/* Name of the region covering ADDR, or NULL. */
const char *mmio_map_lookup_name(MMIOMap *map, hwaddr addr);

bool mmio_map_read(MMIOMap *map, hwaddr addr, unsigned size, uint64_t *val);
bool mmio_map_write(MMIOMap *map, hwaddr addr, unsigned size, uint64_t val);

/*
 * A region that reads as VALUE (all bits of the access) and ignores
 * writes, for windows that exist in the memory map but have nothing behind
 * them yet.  Pass a pointer to a uint64_t as opaque.
 */
extern const MMIORegionOps mmio_constant_ops;

#endif
