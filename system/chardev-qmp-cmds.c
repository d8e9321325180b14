/*
 * query-chardev: the character device back-ends, as QEMU reports them;
 * libvirt learns a pty's path ("pty:/dev/pts/N") here for virsh console.
 */
#include "chardev/char.h"
#include "qapi/qapi-commands.h"

static void add_info(Chardev *chr, void *opaque)
{
    ChardevInfoList ***tail = opaque;
    ChardevInfo *info = g_new0(ChardevInfo, 1);

    info->label = g_strdup(chr->label);
    info->filename = g_strdup(chr->filename);
    /* a mux's front-ends hang off the mux, not off chr->be */
    info->frontend_open = chr->be != NULL || qemu_chr_is_mux(chr);
    **tail = g_new0(ChardevInfoList, 1);
    (**tail)->value = info;
    *tail = &(**tail)->next;
}

ChardevInfoList *qmp_query_chardev(Error **errp)
{
    ChardevInfoList *list = NULL, **tail = &list;

    qemu_chr_foreach(add_info, &tail);
    return list;
}
