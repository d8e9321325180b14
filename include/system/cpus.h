/*
 * Running the harts inside the main loop.
 *
 * The machine registers its harts with cpus_add_hart(); the loop calls
 * cpus_run_slice() between main-loop iterations while the VM runs.  One
 * slice gives each hart up to CPUS_SLICE_BUDGET instructions, round-robin;
 * harts sleeping in WFI cost nothing.  cpus_run_slice() returns false when
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

void cpus_add_hart(RISCVCPU *cpu);
void cpus_remove_all(void);
unsigned cpus_count(void);
RISCVCPU *cpus_get_hart(unsigned index);
/* Run one slice; true while some hart has work to do. */
bool cpus_run_slice(void);
/* Make every hart leave riscv_cpu_run() at its next boundary. */
void cpus_kick_all(void);
/* Turn on -d int / guest_errors logging for every registered hart. */
void cpus_apply_log_mask(void);

#endif
