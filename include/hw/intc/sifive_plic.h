/*
 * SiFive PLIC: the platform-level interrupt controller ("sifive,plic-1.0.0").
 *
 * Sources 1..PLIC_NUM_SOURCES-1 (0 means "none"); two contexts per hart:
 * context 2h is hart h's M mode (drives MEIP), 2h+1 its S mode (SEIP).
 * Register map (offsets): priority[s] at 4s; pending bits at 0x1000;
 * enable bits of context c at 0x2000 + 0x80c; threshold of context c at
 * 0x200000 + 0x1000c, claim/complete at +4.  32-bit accesses.
 *
 * Sources are level-triggered through a gateway: a source is pending while
 * its line is high and it is not being serviced; claiming it clears
 * pending and marks it in service until the matching complete, after
 * which a still-high line makes it pending again.  Priorities and
 * thresholds have 3 bits (0..7); priority 0 never interrupts.
 */
#ifndef HW_INTC_SIFIVE_PLIC_H
#define HW_INTC_SIFIVE_PLIC_H

#include "hw/irq.h"
#include "hw/mmio.h"

#define PLIC_NUM_SOURCES        96      /* ids 0..95; riscv,ndev = 95 */
#define PLIC_NUM_PRIORITIES     7
#define PLIC_SIZE               0x600000
#define PLIC_PENDING_BASE       0x1000
#define PLIC_ENABLE_BASE        0x2000
#define PLIC_ENABLE_STRIDE      0x80
#define PLIC_CONTEXT_BASE       0x200000
#define PLIC_CONTEXT_STRIDE     0x1000

typedef struct SiFivePLIC SiFivePLIC;

/*
 * ctx_out[c] is the interrupt line of context c (2 * num_harts of them).
 */
SiFivePLIC *sifive_plic_new(unsigned num_harts, qemu_irq *ctx_out);
void sifive_plic_free(SiFivePLIC *plic);
void sifive_plic_reset(SiFivePLIC *plic);
const MMIORegionOps *sifive_plic_ops(void);
/* The input line of source IRQ (1..PLIC_NUM_SOURCES-1). */
qemu_irq sifive_plic_get_irq(SiFivePLIC *plic, unsigned irq);

#endif
