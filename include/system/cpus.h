/*
 * Running the harts inside the main loop.
 *
 * The machine registers its harts with cpus_add_hart(); the loop calls
 * cpus_run_slice() between main-loop iterations while the VM runs.  One
 * slice gives each hart up to a budget of instructions, round-robin;
 * harts sleeping in WFI cost nothing.  The budget is CPUS_SLICE_BUDGET
 * while nothing happens outside the guest, and CPUS_SLICE_BUDGET_IO while
 * host I/O is flowing: a guest that busy-polls its NIC (U-Boot) then sees
 * a reply within microseconds instead of a whole long slice later.  cpus_run_slice() returns false when
 * every hart waits for an interrupt, and the loop then sleeps in poll until
 * a timer or fd wakes it.
 *
 * A hart stuck in an exception storm (the same exception at the same pc,
 * over and over, with no progress in between) is reported on stderr with
 * its pc and cause, and the emulator exits with status 1: a broken guest
 * must neither hang the host at 100% CPU forever nor fail silently.
 */
#ifndef SYSTEM_CPUS_H
#define SYSTEM_CPUS_H

#include <stdbool.h>
#include <stdint.h>

#include "target/riscv/cpu.h"

#define CPUS_SLICE_BUDGET 100000
#define CPUS_SLICE_BUDGET_IO 4096

void cpus_add_hart(RISCVCPU *cpu);
void cpus_remove_all(void);
unsigned cpus_count(void);
RISCVCPU *cpus_get_hart(unsigned index);
/* Run one slice of BUDGET instructions per hart; true while some hart has
 * work to do. */
bool cpus_run_slice(uint64_t budget);
/* Make every hart leave riscv_cpu_run() at its next boundary. */
void cpus_kick_all(void);
/* Turn on -d int / guest_errors logging for every registered hart. */
void cpus_apply_log_mask(void);

#endif
