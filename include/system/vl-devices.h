/*
 * The options that create back-ends, devices and monitors (-netdev, -net,
 * -nic, -device, -chardev, -mon, -qmp; system/vl-devices.c), and the
 * start-up and shut-down of what they need: the QMP command table and
 * events, device types, and teardown at exit.
 */
#ifndef SYSTEM_VL_DEVICES_H
#define SYSTEM_VL_DEVICES_H

#include <stdbool.h>

#include "system/vl.h"

extern const QemuOptionDesc vl_device_options[];

/* Before the command line is read: command table, events, device types. */
void vl_devices_init(void);
/* A "help" argument was answered: exit 0 after parsing. */
bool vl_devices_exit_requested(void);
/* At exit: monitors, devices, back-ends (taps close, scripts run). */
void vl_devices_cleanup(void);

/* The harts' human monitor commands, `info jit` (system/hmp-cpus.c). */
void hmp_cpus_register(void);

/* QMP events from run-state changes (system/qmp-runstate.c). */
void qmp_runstate_events_init(void);

#endif
