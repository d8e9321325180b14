/*
 * MMIO dispatch (see include/hw/mmio.h).
 *
 * Regions are kept sorted by base address in an array and found by binary
 * search; the last hit is cached because guests hammer one device at a
 * time (the UART while printing, the CLINT while polling time).
 */
#include <glib.h>

#include "qapi/error.h"
#include "hw/mmio.h"
#include "qemu/log.h"

typedef struct MMIORegion {
    char *name;
    hwaddr base;
    hwaddr size;
    const MMIORegionOps *ops;
    void *opaque;
} MMIORegion;

struct MMIOMap {
    GArray *regions;            /* MMIORegion, sorted by base */
    const MMIORegion *last;     /* cache; NULL after any change */
};

MMIOMap *mmio_map_new(void)
{
    MMIOMap *map = g_new0(MMIOMap, 1);

    map->regions = g_array_new(FALSE, FALSE, sizeof(MMIORegion));
    return map;
}

void mmio_map_free(MMIOMap *map)
{
    if (!map) {
        return;
    }
    for (guint i = 0; i < map->regions->len; i++) {
        g_free(g_array_index(map->regions, MMIORegion, i).name);
    }
    g_array_free(map->regions, TRUE);
    g_free(map);
}

bool mmio_map_add(MMIOMap *map, const char *name, hwaddr base, hwaddr size,
                  const MMIORegionOps *ops, void *opaque, Error **errp)
{
    MMIORegion r = {
        .name = g_strdup(name), .base = base, .size = size,
        .ops = ops, .opaque = opaque,
    };
    guint i;

    if (size == 0 || base + size - 1 < base) {
        error_setg(errp, "MMIO region '%s' has an invalid size", name);
        g_free(r.name);
        return false;
    }
    for (i = 0; i < map->regions->len; i++) {
        const MMIORegion *o = &g_array_index(map->regions, MMIORegion, i);

        if (base <= o->base + (o->size - 1) && o->base <= base + (size - 1)) {
            error_setg(errp, "MMIO region '%s' at 0x%" G_GINT64_MODIFIER "x "
                        "overlaps '%s'", name, base, o->name);
            g_free(r.name);
            return false;
        }
        if (o->base > base) {
            break;
        }
    }
    g_array_insert_val(map->regions, i, r);
    map->last = NULL;
    return true;
}

bool mmio_map_remove(MMIOMap *map, hwaddr base)
{
    for (guint i = 0; i < map->regions->len; i++) {
        MMIORegion *r = &g_array_index(map->regions, MMIORegion, i);

        if (r->base == base) {
            g_free(r->name);
            g_array_remove_index(map->regions, i);
            map->last = NULL;
            return true;
        }
    }
    return false;
}

static const MMIORegion *find(MMIOMap *map, hwaddr addr)
{
    const MMIORegion *r = map->last;
    guint lo = 0, hi = map->regions->len;

    if (r && addr - r->base < r->size) {
        return r;
    }
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;

        r = &g_array_index(map->regions, MMIORegion, mid);
        if (addr < r->base) {
            hi = mid;
        } else if (addr - r->base >= r->size) {
            lo = mid + 1;
        } else {
            map->last = r;
            return r;
        }
    }
    return NULL;
}

const char *mmio_map_lookup_name(MMIOMap *map, hwaddr addr)
{
    const MMIORegion *r = find(map, addr);

    return r ? r->name : NULL;
}

static const MMIORegion *check(MMIOMap *map, hwaddr addr, unsigned size,
                               bool is_write)
{
    const MMIORegion *r = find(map, addr);
    const char *why;

    if (!r) {
        why = "no device";
    } else if (r->ops->valid_sizes && !(r->ops->valid_sizes & (1u << size))) {
        why = "unsupported access size";
    } else if (addr - r->base + size > r->size) {
        why = "access crosses the end of the region";
    } else {
        return r;
    }
    qemu_log_mask(LOG_GUEST_ERROR,
                  "Invalid %s at addr 0x%" G_GINT64_MODIFIER "X, size %u, "
                  "region '%s', reason: %s",
                  is_write ? "write" : "read", addr, size,
                  r ? r->name : "(none)", why);
    return NULL;
}

bool mmio_map_read(MMIOMap *map, hwaddr addr, unsigned size, uint64_t *val)
{
    const MMIORegion *r = check(map, addr, size, false);

    if (!r) {
        return false;
    }
    *val = r->ops->read(r->opaque, addr - r->base, size);
    if (size < 8) {
        *val &= (UINT64_C(1) << (size * 8)) - 1;
    }
    return true;
}

bool mmio_map_write(MMIOMap *map, hwaddr addr, unsigned size, uint64_t val)
{
    const MMIORegion *r = check(map, addr, size, true);

    if (!r) {
        return false;
    }
    if (size < 8) {
        val &= (UINT64_C(1) << (size * 8)) - 1;
    }
    r->ops->write(r->opaque, addr - r->base, val, size);
    return true;
}

static uint64_t constant_read(void *opaque, hwaddr offset, unsigned size)
{
    return *(const uint64_t *)opaque;
}

static void constant_write(void *opaque, hwaddr offset, uint64_t value,
                           unsigned size)
{
}

const MMIORegionOps mmio_constant_ops = {
    .read = constant_read,
    .write = constant_write,
};
