/*
 * QMP queries about the machine this binary emulates: query-target,
 * query-kvm and query-machines, answered from the build and the machine
 * classes (hw/boards.h).
 */

#include "hw/boards.h"
#include "qapi/qapi-commands.h"

TargetInfo *qmp_query_target(Error **errp)
{
    TargetInfo *info = g_new0(TargetInfo, 1);

    info->arch = SYS_EMU_TARGET_RISCV64;
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
