/*
 * SiFive PLIC (see include/hw/intc/sifive_plic.h).
 */
#include <inttypes.h>
#include <string.h>
#include <glib.h>

#include "hw/intc/sifive_plic.h"
#include "qemu/log.h"

#define WORDS ((PLIC_NUM_SOURCES + 31) / 32)

typedef struct PLICContext {
    uint32_t enable[WORDS];
    uint32_t threshold;
    bool level;                 /* last level driven on the output */
} PLICContext;

struct SiFivePLIC {
    unsigned num_contexts;
    uint32_t priority[PLIC_NUM_SOURCES];
    uint32_t pending[WORDS];
    uint32_t claimed[WORDS];    /* in service: claimed, not completed */
    uint32_t line[WORDS];       /* input line levels */
    PLICContext *ctx;
    qemu_irq *out;
    qemu_irq *in;
};

static bool bit(const uint32_t *w, unsigned i)
{
    return (w[i / 32] >> (i % 32)) & 1;
}

static void set_bit(uint32_t *w, unsigned i, bool v)
{
    if (v) {
        w[i / 32] |= 1u << (i % 32);
    } else {
        w[i / 32] &= ~(1u << (i % 32));
    }
}

/* Highest-priority pending enabled source above the threshold, or 0. */
static unsigned best_source(SiFivePLIC *p, unsigned c)
{
    unsigned best = 0, best_prio = p->ctx[c].threshold;

    for (unsigned w = 0; w < WORDS; w++) {
        uint32_t cand = p->pending[w] & p->ctx[c].enable[w];

        while (cand) {
            unsigned s = w * 32 + __builtin_ctz(cand);

            cand &= cand - 1;
            /* strictly greater: ties go to the lowest id, seen first */
            if (p->priority[s] > best_prio) {
                best = s;
                best_prio = p->priority[s];
            }
        }
    }
    return best;
}

static void plic_update(SiFivePLIC *p)
{
    for (unsigned c = 0; c < p->num_contexts; c++) {
        bool level = best_source(p, c) != 0;

        if (level != p->ctx[c].level) {
            p->ctx[c].level = level;
            qemu_set_irq(p->out[c], level);
        }
    }
}

static void plic_set_irq(void *opaque, int irq, int level)
{
    SiFivePLIC *p = opaque;

    set_bit(p->line, irq, level);
    /* the gateway holds a source in service until its completion */
    if (!bit(p->claimed, irq)) {
        set_bit(p->pending, irq, level);
    }
    plic_update(p);
}

static uint32_t plic_claim(SiFivePLIC *p, unsigned c)
{
    unsigned s = best_source(p, c);

    if (s) {
        set_bit(p->pending, s, false);
        set_bit(p->claimed, s, true);
        plic_update(p);
    }
    return s;
}

static void plic_complete(SiFivePLIC *p, unsigned c, uint32_t s)
{
    if (s == 0 || s >= PLIC_NUM_SOURCES || !bit(p->ctx[c].enable, s)) {
        /* the spec ignores completions of sources not enabled here */
        qemu_log_mask(LOG_GUEST_ERROR, "plic: context %u completes "
                      "source %u, which it does not have enabled", c, s);
        return;
    }
    set_bit(p->claimed, s, false);
    if (bit(p->line, s)) {
        set_bit(p->pending, s, true);
    }
    plic_update(p);
}

static uint64_t plic_read(void *opaque, hwaddr off, unsigned size)
{
    SiFivePLIC *p = opaque;

    if (off < PLIC_PENDING_BASE) {
        if (off / 4 < PLIC_NUM_SOURCES) {
            return p->priority[off / 4];
        }
    } else if (off < PLIC_ENABLE_BASE) {
        unsigned w = (off - PLIC_PENDING_BASE) / 4;
        if (w < WORDS) {
            return p->pending[w];
        }
    } else if (off < PLIC_CONTEXT_BASE) {
        unsigned c = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
        unsigned w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;
        if (c < p->num_contexts && w < WORDS) {
            return p->ctx[c].enable[w];
        }
    } else {
        unsigned c = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
        unsigned reg = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
        if (c < p->num_contexts && reg == 0) {
            return p->ctx[c].threshold;
        }
        if (c < p->num_contexts && reg == 4) {
            return plic_claim(p, c);
        }
    }
    qemu_log_mask(LOG_GUEST_ERROR, "plic: invalid read at 0x%" PRIx64, off);
    return 0;
}

static void plic_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    SiFivePLIC *p = opaque;

    if (off < PLIC_PENDING_BASE) {
        unsigned s = off / 4;
        if (s > 0 && s < PLIC_NUM_SOURCES) {
            p->priority[s] = val & 7;
            plic_update(p);
            return;
        }
        if (s == 0) {
            return;     /* source 0 does not exist; its priority is 0 */
        }
    } else if (off < PLIC_ENABLE_BASE) {
        /* pending bits are read-only */
    } else if (off < PLIC_CONTEXT_BASE) {
        unsigned c = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
        unsigned w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;
        if (c < p->num_contexts && w < WORDS) {
            /* source 0 cannot be enabled */
            p->ctx[c].enable[w] = (uint32_t)val & (w == 0 ? ~1u : ~0u);
            plic_update(p);
            return;
        }
    } else {
        unsigned c = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
        unsigned reg = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
        if (c < p->num_contexts && reg == 0) {
            p->ctx[c].threshold = val & 7;
            plic_update(p);
            return;
        }
        if (c < p->num_contexts && reg == 4) {
            plic_complete(p, c, (uint32_t)val);
            return;
        }
    }
    qemu_log_mask(LOG_GUEST_ERROR, "plic: invalid write at 0x%" PRIx64, off);
}

static const MMIORegionOps plic_ops = {
    .read = plic_read,
    .write = plic_write,
    .valid_sizes = MMIO_SIZE_4,
};

const MMIORegionOps *sifive_plic_ops(void)
{
    return &plic_ops;
}

SiFivePLIC *sifive_plic_new(unsigned num_harts, qemu_irq *ctx_out)
{
    SiFivePLIC *p = g_new0(SiFivePLIC, 1);

    p->num_contexts = num_harts * 2;
    g_assert(p->num_contexts <=
             (PLIC_SIZE - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
    p->ctx = g_new0(PLICContext, p->num_contexts);
    p->out = g_new0(qemu_irq, p->num_contexts);
    for (unsigned c = 0; c < p->num_contexts; c++) {
        p->out[c] = ctx_out ? ctx_out[c] : NULL;
    }
    p->in = g_new0(qemu_irq, PLIC_NUM_SOURCES);
    for (unsigned s = 1; s < PLIC_NUM_SOURCES; s++) {
        p->in[s] = qemu_allocate_irq(plic_set_irq, p, s);
    }
    return p;
}

void sifive_plic_reset(SiFivePLIC *p)
{
    memset(p->priority, 0, sizeof(p->priority));
    memset(p->claimed, 0, sizeof(p->claimed));
    /* a line still held high by its device is pending again at once */
    memcpy(p->pending, p->line, sizeof(p->pending));
    for (unsigned c = 0; c < p->num_contexts; c++) {
        memset(p->ctx[c].enable, 0, sizeof(p->ctx[c].enable));
        p->ctx[c].threshold = 0;
    }
    plic_update(p);
}

qemu_irq sifive_plic_get_irq(SiFivePLIC *p, unsigned irq)
{
    g_assert(irq > 0 && irq < PLIC_NUM_SOURCES);
    return p->in[irq];
}

void sifive_plic_free(SiFivePLIC *p)
{
    if (!p) {
        return;
    }
    for (unsigned s = 1; s < PLIC_NUM_SOURCES; s++) {
        qemu_free_irq(p->in[s]);
    }
    g_free(p->in);
    g_free(p->out);
    g_free(p->ctx);
    g_free(p);
}
