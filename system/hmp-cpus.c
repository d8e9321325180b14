/*
 * The harts' human monitor commands (`info jit`), registered with the
 * monitor from here because the monitor sits below system/ and must not
 * reach up for the hart list.
 */
#include <glib.h>

#include "monitor/monitor.h"
#include "system/cpus.h"
#include "system/vl-devices.h"

/* `info jit`: the translated-code buffer (target/riscv/jit.c) of hart 0's
 * bus, which all harts share. */
static bool info_jit(GString *out, Error **errp)
{
    RISCVCPU *cpu = cpus_get_hart(0);
    RISCVJitStats s;

    if (!cpu) {
        g_string_append(out, "no CPU\n");
        return true;
    }
    s = riscv_bus_get_jit_stats(riscv_cpu_get_bus(cpu));
    if (!s.size) {
        g_string_append(out, "Translation is off: the CPU interprets\n");
        return true;
    }
    g_string_append_printf(out, "Translation buffer state:\n"
                           "gen code size       %zu/%zu\n"
                           "TB count            %" G_GUINT64_FORMAT "\n"
                           "TB flush count      %" G_GUINT64_FORMAT "\n",
                           s.used, s.size, s.blocks, s.restarts);
    return true;
}

void hmp_cpus_register(void)
{
    hmp_register_info("jit", "show the state of the translated-code buffer",
                      info_jit);
}

