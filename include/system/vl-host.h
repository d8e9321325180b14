/*
 * Settings of the emulator process that libvirt passes on every start
 * (system/vl-host.c): -overcommit (memory locking), -msg (message format),
 * -rtc (where the guest's wall clock starts), -boot (boot order policy),
 * -uuid (the VM's identity, kept: no firmware table carries it on virt),
 * -audiodev (audio back-ends: only "none", since no audio device exists).
 *
 * Each value is either acted on or refused with a message saying why;
 * nothing is accepted and then ignored.
 */
#ifndef SYSTEM_VL_HOST_H
#define SYSTEM_VL_HOST_H

#include "system/vl.h"

extern const QemuOptionDesc vl_host_options[];

/* -uuid, in canonical form (all zeros without the option). */
const char *vl_host_uuid(void);

#endif
