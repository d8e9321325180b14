/*
 * The physical address space shared by the harts: a short list of
 * host-backed regions (RAM, ROM) and the machine's MMIO callbacks for the
 * rest.  Only the slow paths come here; RAM hits are served from the TLB.
 *
 * Every write to a host-backed region made on behalf of a hart goes through
 * riscv_phys_write(), which keeps the decoded-code cache coherent.
 */
#include <string.h>
#include <glib.h>

#include "target/riscv/cpu-internal.h"

RISCVBus *riscv_bus_new(const RISCVMemOps *mmio, void *opaque)
{
    RISCVBus *bus = g_new0(RISCVBus, 1);

    if (mmio) {
        bus->mmio = *mmio;
    }
    bus->opaque = opaque;
    return bus;
}

void riscv_bus_set_extensions(RISCVBus *bus, uint32_t ext)
{
    bus->ext = ext & ((1u << RISCV_EXT_COUNT) - 1);
    /* decoding depends on the set */
    riscv_icache_flush_all(bus);
    for (unsigned i = 0; i < bus->nharts; i++) {
        riscv_sstc_update(bus->harts[i]);
    }
}

uint32_t riscv_bus_get_extensions(const RISCVBus *bus)
{
    return bus->ext;
}

void riscv_bus_free(RISCVBus *bus)
{
    if (!bus) {
        return;
    }
    while (bus->nharts) {
        riscv_cpu_free(bus->harts[bus->nharts - 1]);
    }
    riscv_icache_free_all(bus);
    for (unsigned i = 0; i < bus->nregions; i++) {
        g_free(bus->regions[i].pages);
    }
    g_free(bus);
}

bool riscv_bus_add_region(RISCVBus *bus, uint64_t base, uint64_t size,
                          void *host, bool readonly)
{
    RISCVRegion *r;

    if (bus->nregions == RISCV_MAX_REGIONS || !size || !host ||
        (base | size) & (PAGE_SIZE - 1) || base + size - 1 < base) {
        return false;
    }
    for (unsigned i = 0; i < bus->nregions; i++) {
        const RISCVRegion *o = &bus->regions[i];
        if (base < o->base + o->size && o->base < base + size) {
            return false;
        }
    }
    r = &bus->regions[bus->nregions++];
    r->base = base;
    r->size = size;
    r->host = host;
    r->readonly = readonly;
    r->pages = g_new0(DecodedPage *, size >> PAGE_BITS);
    return true;
}

RISCVRegion *riscv_bus_find_region(RISCVBus *bus, uint64_t paddr,
                                   uint64_t len)
{
    for (unsigned i = 0; i < bus->nregions; i++) {
        RISCVRegion *r = &bus->regions[i];
        if (paddr - r->base < r->size && len <= r->size - (paddr - r->base)) {
            return r;
        }
    }
    return NULL;
}

bool riscv_phys_read(RISCVBus *bus, uint64_t paddr, unsigned size,
                     uint64_t *val)
{
    RISCVRegion *r = riscv_bus_find_region(bus, paddr, size);

    if (r) {
        uint64_t v = 0;
        memcpy(&v, r->host + (paddr - r->base), size); /* little-endian host */
        *val = v;
        return true;
    }
    *val = 0;
    return bus->mmio.read && bus->mmio.read(bus->opaque, paddr, size, val);
}

bool riscv_phys_write(RISCVBus *bus, uint64_t paddr, unsigned size,
                      uint64_t val)
{
    RISCVRegion *r = riscv_bus_find_region(bus, paddr, size);

    if (r) {
        uint64_t off = paddr - r->base;
        if (r->readonly) {
            return false;
        }
        riscv_icache_invalidate_page(bus, r, off >> PAGE_BITS);
        if (((off + size - 1) >> PAGE_BITS) != off >> PAGE_BITS) {
            riscv_icache_invalidate_page(bus, r, (off + size - 1) >> PAGE_BITS);
        }
        memcpy(r->host + off, &val, size);
        return true;
    }
    return bus->mmio.write && bus->mmio.write(bus->opaque, paddr, size, val);
}

bool riscv_bus_read(RISCVBus *bus, uint64_t paddr, unsigned size,
                    uint64_t *val)
{
    return riscv_phys_read(bus, paddr, size, val);
}

bool riscv_bus_write(RISCVBus *bus, uint64_t paddr, unsigned size,
                     uint64_t val)
{
    return riscv_phys_write(bus, paddr, size, val);
}
