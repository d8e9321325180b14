/*
 * Decoded-instruction cache: one DecodedPage per physical 4 KiB page of a
 * host-backed region that code has been fetched from, shared by all harts
 * (decoding depends only on the bytes).  Slots are decoded lazily on first
 * execution.
 *
 * Coherence: a page with decoded code is never mapped in any hart's write
 * TLB, so every store to it takes the slow path, which calls
 * riscv_icache_invalidate_page() before writing.  Other writers (DMA) call
 * riscv_bus_invalidate_range().  Invalidated pages are recycled through a
 * free list, never freed while the bus lives (see cpu-internal.h).
 */
#include <string.h>
#include <glib.h>

#include "target/riscv/cpu-internal.h"

/* 32 KiB each: 2048 pages is 64 MiB, plenty for a kernel's hot text. */
#define DEFAULT_MAX_PAGES 2048

static void reset_all_fetch_windows(RISCVBus *bus)
{
    for (unsigned i = 0; i < bus->nharts; i++) {
        riscv_reset_fetch(bus->harts[i]);
    }
}

static void release(RISCVBus *bus, DecodedPage *p)
{
    p->region->pages[p->index] = NULL;
    p->next_free = bus->free_pages;
    bus->free_pages = p;
    bus->live_pages--;
}

DecodedPage *riscv_icache_get(RISCVBus *bus, RISCVRegion *r, uint64_t paddr)
{
    uint64_t index = (paddr - r->base) >> PAGE_BITS;
    DecodedPage *p = r->pages[index];

    if (p) {
        return p;
    }
    if (!bus->max_pages) {
        bus->max_pages = DEFAULT_MAX_PAGES;
    }
    if (bus->live_pages >= bus->max_pages) {
        riscv_icache_flush_all(bus);
    }
    p = bus->free_pages;
    if (p) {
        bus->free_pages = p->next_free;
    } else {
        p = g_new(DecodedPage, 1);
    }
    /* OP_UNDECODED is 0: every slot decodes itself on first use */
    memset(p->insn, 0, sizeof(p->insn));
    p->host = r->host + (index << PAGE_BITS);
    p->region = r;
    p->index = index;
    p->next_free = NULL;
    r->pages[index] = p;
    bus->live_pages++;
    /* stores to this page must now take the slow path */
    riscv_tlb_drop_code_page(bus, NULL, r->base + (index << PAGE_BITS));
    return p;
}

void riscv_icache_invalidate_page(RISCVBus *bus, RISCVRegion *r,
                                  uint64_t index)
{
    DecodedPage *p = r->pages[index];

    if (!p) {
        return;
    }
    riscv_tlb_drop_code_page(bus, p, r->base + (index << PAGE_BITS));
    release(bus, p);
    reset_all_fetch_windows(bus);
}

void riscv_icache_flush_all(RISCVBus *bus)
{
    for (unsigned i = 0; i < bus->nregions; i++) {
        RISCVRegion *r = &bus->regions[i];
        for (uint64_t n = 0; n < r->size >> PAGE_BITS; n++) {
            if (r->pages[n]) {
                release(bus, r->pages[n]);
            }
        }
    }
    for (unsigned i = 0; i < bus->nharts; i++) {
        RISCVCPU *cpu = bus->harts[i];
        for (unsigned n = 0; n < TLB_NSETS; n++) {
            if (!riscv_tlb_set_live(cpu, n)) {
                continue;
            }
            for (unsigned e = 0; e < TLB_SIZE; e++) {
                cpu->tlb_sets[n].exec[e].vtag = TLB_INVALID;
            }
        }
    }
    reset_all_fetch_windows(bus);
    riscv_jit_reset(bus);       /* no slot refers to a translation now */
}

void riscv_icache_free_all(RISCVBus *bus)
{
    DecodedPage *p;

    for (unsigned i = 0; i < bus->nregions; i++) {
        RISCVRegion *r = &bus->regions[i];
        for (uint64_t n = 0; n < r->size >> PAGE_BITS; n++) {
            g_free(r->pages[n]);
            r->pages[n] = NULL;
        }
    }
    while ((p = bus->free_pages)) {
        bus->free_pages = p->next_free;
        g_free(p);
    }
    bus->live_pages = 0;
    riscv_jit_free(bus);
}

void riscv_bus_invalidate_range(RISCVBus *bus, uint64_t paddr, uint64_t len)
{
    uint64_t end;

    if (!len) {
        return;
    }
    end = paddr + len - 1;
    if (end < paddr) {
        end = UINT64_MAX;
    }
    for (unsigned i = 0; i < bus->nregions; i++) {
        RISCVRegion *r = &bus->regions[i];
        uint64_t lo, hi;
        if (end < r->base || paddr > r->base + r->size - 1) {
            continue;
        }
        lo = (MAX(paddr, r->base) - r->base) >> PAGE_BITS;
        hi = (MIN(end, r->base + r->size - 1) - r->base) >> PAGE_BITS;
        for (uint64_t n = lo; n <= hi; n++) {
            riscv_icache_invalidate_page(bus, r, n);
        }
    }
    /* a device write to a reserved address must break the reservation */
    for (unsigned i = 0; i < bus->nharts; i++) {
        RISCVCPU *cpu = bus->harts[i];
        if (cpu->res_valid && cpu->res_addr <= end &&
            cpu->res_addr + 8 > paddr) {
            cpu->res_valid = false;
        }
    }
}
