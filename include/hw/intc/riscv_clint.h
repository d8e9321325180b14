/*
 * SiFive CLINT: per-hart software interrupts (msip) and the machine timer
 * (mtime, mtimecmp), as the "sifive,clint0" binding describes.
 *
 * Register map (offsets): msip[h] at 0x0 + 4h (bit 0), mtimecmp[h] at
 * 0x4000 + 8h, mtime at 0xbff8; 4- and 8-byte accesses.
 *
 * mtime counts at CLINT_TIMEBASE_FREQ from the virtual clock (it stands
 * still while the VM is paused).  A guest write to mtime shifts it.  MTIP
 * is level: high exactly while mtime >= mtimecmp; a main-loop timer raises
 * it at the deadline so a hart in WFI sleeps on the host until then.
 */
#ifndef HW_INTC_RISCV_CLINT_H
#define HW_INTC_RISCV_CLINT_H

#include <stdint.h>

#include "hw/irq.h"
#include "hw/mmio.h"

#define CLINT_SIZE              0x10000
#define CLINT_MSIP_BASE         0x0
#define CLINT_MTIMECMP_BASE     0x4000
#define CLINT_MTIME             0xbff8
#define CLINT_TIMEBASE_FREQ     10000000
#define CLINT_MAX_HARTS         4095

typedef struct RISCVClint RISCVClint;

/* msip[h] and mtip[h] are the harts' MSIP and MTIP inputs. */
RISCVClint *riscv_clint_new(unsigned num_harts, qemu_irq *msip,
                            qemu_irq *mtip);
void riscv_clint_free(RISCVClint *c);
void riscv_clint_reset(RISCVClint *c);
const MMIORegionOps *riscv_clint_ops(void);
/* The current mtime: the `time` CSR of every hart reads this. */
uint64_t riscv_clint_get_mtime(RISCVClint *c);

#endif
