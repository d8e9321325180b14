/*
 * Harts in the main loop (see include/system/cpus.h).
 */
#include <stdio.h>
#include <glib.h>

#include "qapi/error.h"
#include "qemu/log.h"
#include "system/cpus.h"
#include "system/runstate.h"

/*
 * Exception storm: the CPU counts consecutive identical exceptions (same
 * cause, pc and tval).  A legitimate guest can take the same exception
 * many times in a row with real work in between (an idle Linux makes the
 * same SBI ecall at every tick), so we only call it a storm when the count
 * is high *and* this slice was nearly all exceptions: more than one per
 * STORM_DENSITY instructions.
 */
#define STORM_MIN_REPEATS 100000
#define STORM_DENSITY 8

static GPtrArray *harts;
static unsigned next_hart;      /* round-robin start */

static void hart_log(void *opaque, const char *msg)
{
    qemu_log("%s", msg);
}

void cpus_add_hart(RISCVCPU *cpu)
{
    if (!harts) {
        harts = g_ptr_array_new();
    }
    g_ptr_array_add(harts, cpu);
}

void cpus_remove_all(void)
{
    if (harts) {
        g_ptr_array_set_size(harts, 0);
    }
}

unsigned cpus_count(void)
{
    return harts ? harts->len : 0;
}

RISCVCPU *cpus_get_hart(unsigned index)
{
    return index < cpus_count() ? g_ptr_array_index(harts, index) : NULL;
}

void cpus_kick_all(void)
{
    for (unsigned i = 0; i < cpus_count(); i++) {
        riscv_cpu_request_exit(cpus_get_hart(i));
    }
}

void cpus_apply_log_mask(void)
{
    unsigned mask = 0;

    if (qemu_loglevel_mask(CPU_LOG_INT)) {
        mask |= RISCV_LOG_INT;
    }
    if (qemu_loglevel_mask(LOG_GUEST_ERROR)) {
        mask |= RISCV_LOG_GUEST_ERR;
    }
    for (unsigned i = 0; i < cpus_count(); i++) {
        riscv_cpu_set_log(cpus_get_hart(i), mask, hart_log, NULL);
    }
}

static const char *exception_name(uint64_t cause)
{
    static const char *const names[] = {
        "instruction address misaligned", "instruction access fault",
        "illegal instruction", "breakpoint", "load address misaligned",
        "load access fault", "store/AMO address misaligned",
        "store/AMO access fault", "environment call from U-mode",
        "environment call from S-mode", "reserved",
        "environment call from M-mode", "instruction page fault",
        "load page fault", "reserved", "store/AMO page fault",
    };

    return cause < G_N_ELEMENTS(names) ? names[cause] : "unknown";
}

static void report_storm(RISCVCPU *cpu)
{
    bool in_s = riscv_cpu_get_priv(cpu) == RISCV_PRIV_S;
    uint64_t cause = 0, epc = 0, tval = 0;

    /* the storm's trap went to the mode the hart is in now */
    riscv_cpu_csr_read(cpu, in_s ? 0x142 : 0x342, &cause);
    riscv_cpu_csr_read(cpu, in_s ? 0x141 : 0x341, &epc);
    riscv_cpu_csr_read(cpu, in_s ? 0x143 : 0x343, &tval);
    error_report("hart %u: guest stuck in an exception loop: cause %"
                 G_GUINT64_FORMAT " (%s) at pc 0x%016" G_GINT64_MODIFIER "x, "
                 "tval 0x%" G_GINT64_MODIFIER "x, %" G_GUINT64_FORMAT " times "
                 "in a row; trap handler at pc 0x%016" G_GINT64_MODIFIER "x",
                 riscv_cpu_get_hartid(cpu), cause, exception_name(cause), epc,
                 tval, riscv_cpu_get_storm_count(cpu), riscv_cpu_get_pc(cpu));
    qemu_system_shutdown_request_status(VM_SHUTDOWN_CAUSE_HOST_ERROR, 1);
}

bool cpus_run_slice(uint64_t budget)
{
    unsigned n = cpus_count();
    bool busy = false;

    for (unsigned k = 0; k < n; k++) {
        RISCVCPU *cpu = g_ptr_array_index(harts, (next_hart + k) % n);
        uint64_t before = riscv_cpu_get_storm_count(cpu), after;
        RISCVRunResult r = riscv_cpu_run(cpu, budget);

        after = riscv_cpu_get_storm_count(cpu);
        if (r.reason == RISCV_RUN_STORM ||
            (after >= STORM_MIN_REPEATS && after > before &&
             (after - before) * STORM_DENSITY >= r.executed)) {
            report_storm(cpu);
            return false;
        }
        if (!riscv_cpu_is_waiting(cpu)) {
            busy = true;
        }
        if (qemu_system_request_pending() || !runstate_is_running()) {
            /* a reset or shutdown is due: do it before anyone runs on */
            busy = true;
            break;
        }
    }
    if (n) {
        next_hart = (next_hart + 1) % n;
    }
    return busy;
}
