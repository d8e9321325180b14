/*
 * Giving up root once the VM is set up: -runas USER, -chroot DIR and the
 * newer -run-with user=USER,chroot=DIR (system/vl-privileges.c).
 *
 * A management tool starts the emulator as root so that it can open what
 * needs root (taps, images, sockets in root's directories); nothing the
 * guest or a monitor client can reach should keep that power.  So, after
 * the machine and its monitors exist and before the guest runs, the
 * process enters DIR (chroot) and becomes USER: its supplementary groups,
 * then its gid, then its uid.  A uid change from root clears every
 * capability (no SECBIT_KEEP_CAPS), and the check afterwards makes sure
 * root cannot be regained.  no_new_privs is deliberately not set: a
 * bridge hot-plugged later still runs the setuid qemu-bridge-helper.
 *
 * USER is a user name (its groups come from the group database) or
 * "UID:GID" (the only group is GID), as QEMU 7.2 accepts.  Files the VM
 * opens after the drop (hot-plugged images, new sockets) are opened as
 * USER and, under -chroot, relative to DIR.
 */
#ifndef SYSTEM_VL_PRIVILEGES_H
#define SYSTEM_VL_PRIVILEGES_H

#include "system/vl.h"

extern const QemuOptionDesc vl_privilege_options[];

/* Chroot and change user as the options asked; a no-op without them. */
bool vl_drop_privileges(Error **errp);

#endif
