/*
 * The system layer's implementation of MachineServices (hw/boards.h):
 * what a board may ask of the emulator around it.
 */
#ifndef SYSTEM_MACHINE_SERVICES_H
#define SYSTEM_MACHINE_SERVICES_H

#include "hw/boards.h"

extern const MachineServices system_machine_services;

#endif
