/*
 * Device access to guest memory (DMA): the one way devices read and write
 * guest RAM.
 *
 * Rules:
 * - Only RAM is reachable, never MMIO: an address range that is not wholly
 *   inside RAM fails, so a guest cannot make a device re-enter device
 *   registers through DMA (impossible by construction).
 * - Every check is done on 64-bit values with overflow in mind: ADDR + LEN
 *   wrapping around fails.
 * - Writes tell the CPU that guest code may have changed (decoded
 *   instructions are dropped), through the context's invalidate hook.
 * - Header-only: these sit on every virtqueue operation.
 */
#ifndef HW_DMA_H
#define HW_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct DMAContext {
    uint64_t ram_base;          /* guest physical address of RAM */
    uint64_t ram_size;
    uint8_t *ram;               /* host mapping of RAM */
    /* Called after a device wrote [addr, addr + len); may be NULL. */
    void (*invalidate)(void *opaque, uint64_t addr, uint64_t len);
    void *opaque;
} DMAContext;

/* True if [ADDR, ADDR + LEN) lies wholly in RAM (LEN 0: ADDR in or at end). */
static inline bool dma_range_valid(const DMAContext *dma, uint64_t addr,
                                   uint64_t len)
{
    uint64_t offset = addr - dma->ram_base;

    return addr >= dma->ram_base && offset <= dma->ram_size &&
           len <= dma->ram_size - offset;
}

/* Host pointer for [ADDR, ADDR + LEN), or NULL if not wholly in RAM.  A
 * caller that writes through it must call dma_mark_written(). */
static inline void *dma_map(const DMAContext *dma, uint64_t addr, uint64_t len)
{
    return dma_range_valid(dma, addr, len)
        ? dma->ram + (addr - dma->ram_base) : NULL;
}

static inline void dma_mark_written(const DMAContext *dma, uint64_t addr,
                                    uint64_t len)
{
    if (dma->invalidate && len) {
        dma->invalidate(dma->opaque, addr, len);
    }
}

static inline bool dma_read(const DMAContext *dma, uint64_t addr, void *buf,
                            size_t len)
{
    const void *src = dma_map(dma, addr, len);

    if (!src) {
        return false;
    }
    memcpy(buf, src, len);
    return true;
}

static inline bool dma_write(const DMAContext *dma, uint64_t addr,
                             const void *buf, size_t len)
{
    void *dst = dma_map(dma, addr, len);

    if (!dst) {
        return false;
    }
    memcpy(dst, buf, len);
    dma_mark_written(dma, addr, len);
    return true;
}

#endif
