/*
 * SiFive CLINT (see include/hw/intc/riscv_clint.h).
 */
#include <inttypes.h>
#include <string.h>
#include <glib.h>

#include "hw/intc/riscv_clint.h"
#include "qemu/log.h"
#include "qemu/timer.h"

#define NS_PER_TICK (NANOSECONDS_PER_SECOND / CLINT_TIMEBASE_FREQ)

typedef struct ClintHart {
    RISCVClint *clint;
    unsigned index;
    uint32_t msip;
    uint64_t mtimecmp;
    QEMUTimer *timer;
    qemu_irq msip_irq;
    qemu_irq mtip_irq;
} ClintHart;

struct RISCVClint {
    unsigned num_harts;
    ClintHart *harts;
    /* mtime = virtual_ns / NS_PER_TICK + mtime_delta (guest writes shift) */
    int64_t mtime_delta;
};

uint64_t riscv_clint_get_mtime(RISCVClint *c)
{
    int64_t ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    return (uint64_t)(ns / NS_PER_TICK) + (uint64_t)c->mtime_delta;
}

/* Recompute MTIP for one hart and arm its timer for the next deadline. */
static void clint_update_timer(ClintHart *h)
{
    RISCVClint *c = h->clint;
    uint64_t now = riscv_clint_get_mtime(c);
    uint64_t ticks;
    int64_t deadline_ns;

    if (now >= h->mtimecmp) {
        timer_del(h->timer);
        qemu_irq_raise(h->mtip_irq);
        return;
    }
    qemu_irq_lower(h->mtip_irq);
    ticks = h->mtimecmp - now;
    /* beyond ~290 years: nothing to arm (mtimecmp = -1 means "never") */
    if (ticks > (uint64_t)(INT64_MAX / 2 / NS_PER_TICK)) {
        timer_del(h->timer);
        return;
    }
    /*
     * Deadline on the virtual clock: the first ns at which mtime reaches
     * mtimecmp (mtime advances at whole ticks of NS_PER_TICK ns).
     */
    deadline_ns = (int64_t)(h->mtimecmp - (uint64_t)c->mtime_delta) *
                  NS_PER_TICK;
    if (deadline_ns < qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)) {
        deadline_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                      (int64_t)ticks * NS_PER_TICK;
    }
    timer_mod_ns(h->timer, deadline_ns);
}

static void clint_timer_cb(void *opaque)
{
    clint_update_timer(opaque);
}

static uint64_t clint_read(void *opaque, hwaddr offset, unsigned size)
{
    RISCVClint *c = opaque;
    uint64_t val;
    unsigned h;

    if (offset < CLINT_MTIMECMP_BASE) {
        h = offset / 4;
        if (h < c->num_harts && size == 4 && !(offset & 3)) {
            return c->harts[h].msip;
        }
    } else if (offset < CLINT_MTIME) {
        h = (offset - CLINT_MTIMECMP_BASE) / 8;
        if (h < c->num_harts) {
            val = c->harts[h].mtimecmp;
            return (offset & 4) ? val >> 32 : val;
        }
    } else if (offset == CLINT_MTIME || offset == CLINT_MTIME + 4) {
        val = riscv_clint_get_mtime(c);
        return (offset & 4) ? val >> 32 : val;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "clint: invalid read at 0x%" PRIx64
                  " size %u", offset, size);
    return 0;
}

static void clint_write(void *opaque, hwaddr offset, uint64_t value,
                        unsigned size)
{
    RISCVClint *c = opaque;
    unsigned h;

    if (offset < CLINT_MTIMECMP_BASE) {
        h = offset / 4;
        if (h < c->num_harts && size == 4 && !(offset & 3)) {
            c->harts[h].msip = value & 1;
            qemu_set_irq(c->harts[h].msip_irq, value & 1);
            return;
        }
    } else if (offset < CLINT_MTIME) {
        h = (offset - CLINT_MTIMECMP_BASE) / 8;
        if (h < c->num_harts) {
            ClintHart *hart = &c->harts[h];

            if (size == 8) {
                hart->mtimecmp = value;
            } else if (offset & 4) {
                hart->mtimecmp = (hart->mtimecmp & 0xffffffffu) |
                                 (value << 32);
            } else {
                hart->mtimecmp = (hart->mtimecmp & ~(uint64_t)0xffffffffu) |
                                 (value & 0xffffffffu);
            }
            clint_update_timer(hart);
            return;
        }
    } else if (offset == CLINT_MTIME || offset == CLINT_MTIME + 4) {
        uint64_t now = riscv_clint_get_mtime(c), target;

        if (size == 8) {
            target = value;
        } else if (offset & 4) {
            target = (now & 0xffffffffu) | (value << 32);
        } else {
            target = (now & ~(uint64_t)0xffffffffu) | (value & 0xffffffffu);
        }
        c->mtime_delta += (int64_t)(target - now);
        for (h = 0; h < c->num_harts; h++) {
            clint_update_timer(&c->harts[h]);
        }
        return;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "clint: invalid write at 0x%" PRIx64
                  " size %u", offset, size);
}

static const MMIORegionOps clint_ops = {
    .read = clint_read,
    .write = clint_write,
    .valid_sizes = MMIO_SIZES_4_8,
};

const MMIORegionOps *riscv_clint_ops(void)
{
    return &clint_ops;
}

RISCVClint *riscv_clint_new(unsigned num_harts, qemu_irq *msip,
                            qemu_irq *mtip)
{
    RISCVClint *c = g_new0(RISCVClint, 1);

    g_assert(num_harts >= 1 && num_harts <= CLINT_MAX_HARTS);
    c->num_harts = num_harts;
    c->harts = g_new0(ClintHart, num_harts);
    for (unsigned h = 0; h < num_harts; h++) {
        c->harts[h].clint = c;
        c->harts[h].index = h;
        c->harts[h].msip_irq = msip ? msip[h] : NULL;
        c->harts[h].mtip_irq = mtip ? mtip[h] : NULL;
        c->harts[h].timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, clint_timer_cb,
                                         &c->harts[h]);
    }
    riscv_clint_reset(c);
    return c;
}

void riscv_clint_reset(RISCVClint *c)
{
    /*
     * mtime restarts from 0, as on real power-up; mtimecmp is all ones
     * so no timer interrupt is pending until the guest programs one.
     */
    c->mtime_delta = -(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) / NS_PER_TICK);
    for (unsigned h = 0; h < c->num_harts; h++) {
        c->harts[h].msip = 0;
        c->harts[h].mtimecmp = UINT64_MAX;
        qemu_irq_lower(c->harts[h].msip_irq);
        clint_update_timer(&c->harts[h]);
    }
}

void riscv_clint_free(RISCVClint *c)
{
    if (!c) {
        return;
    }
    for (unsigned h = 0; h < c->num_harts; h++) {
        timer_free(c->harts[h].timer);
    }
    g_free(c->harts);
    g_free(c);
}
