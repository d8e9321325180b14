/*
 * QMP queries about the machine this binary emulates: query-target,
 * query-kvm and query-machines, answered from the build and the machine
 * classes (hw/boards.h); query-cpus-fast from the running machine;
 * query-uuid from -uuid.
 */

#include <unistd.h>

#include "hw/boards.h"
#include "qapi/qapi-commands.h"
#include "system/vl.h"
#include "system/vl-host.h"

TargetInfo *qmp_query_target(Error **errp)
{
    TargetInfo *info = g_new0(TargetInfo, 1);

    info->arch = SYS_EMU_TARGET_RISCV64;
    return info;
}

UuidInfo *qmp_query_uuid(Error **errp)
{
    UuidInfo *info = g_new0(UuidInfo, 1);

    info->UUID = g_strdup(vl_host_uuid());
    return info;
}

/* Guest code is interpreted and translated here; there is no KVM. */
KvmInfo *qmp_query_kvm(Error **errp)
{
    return g_new0(KvmInfo, 1);
}

MachineInfoList *qmp_query_machines(Error **errp)
{
    MachineInfoList *list = NULL, **tail = &list;

    for (int i = 0; machine_classes[i]; i++) {
        const MachineClass *mc = machine_classes[i];
        MachineInfo *info = g_new0(MachineInfo, 1);

        info->name = g_strdup(mc->name);
        info->has_is_default = mc->is_default;
        info->is_default = mc->is_default;
        info->cpu_max = mc->max_cpus;
        /* RAM is one host mapping, not a memory backend object: no
         * default-ram-id, so clients do not pass memory-backend= */
        *tail = g_new0(MachineInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return list;
}

/*
 * The harts, named as QEMU's riscv virt names them.  They all run in
 * slices on the main loop's thread, so that is every hart's thread.
 */
CpuInfoFastList *qmp_query_cpus_fast(Error **errp)
{
    CpuInfoFastList *list = NULL, **tail = &list;
    unsigned harts = current_machine ? current_machine->smp_cpus : 0;

    for (unsigned i = 0; i < harts; i++) {
        CpuInfoFast *info = g_new0(CpuInfoFast, 1);

        info->cpu_index = i;
        info->qom_path = g_strdup_printf("/machine/soc0/harts[%u]", i);
        info->thread_id = getpid();
        info->target = SYS_EMU_TARGET_RISCV64;
        *tail = g_new0(CpuInfoFastList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return list;
}
