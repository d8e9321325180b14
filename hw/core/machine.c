/*
 * The machine registry (see include/hw/boards.h).
 */
#include <string.h>

#include "hw/boards.h"

#define MACHINE_CLASSES_MAX 8

/* Filled by machine_type_init() constructors, kept sorted by name. */
const MachineClass *machine_classes[MACHINE_CLASSES_MAX + 1];

const char *const machine_common_bool_props[] = {
    "usb", "dump-guest-core", NULL
};

void machine_register_class(const MachineClass *mc)
{
    int n = 0;

    while (machine_classes[n]) {
        n++;
    }
    g_assert(n < MACHINE_CLASSES_MAX);
    /* insertion sort: -M help lists by name whatever the link order */
    while (n > 0 && strcmp(machine_classes[n - 1]->name, mc->name) > 0) {
        machine_classes[n] = machine_classes[n - 1];
        n--;
    }
    machine_classes[n] = mc;
}

const MachineClass *machine_find_class(const char *name)
{
    for (int i = 0; machine_classes[i]; i++) {
        if (!strcmp(machine_classes[i]->name, name)) {
            return machine_classes[i];
        }
    }
    return NULL;
}

const MachineClass *machine_default_class(void)
{
    for (int i = 0; machine_classes[i]; i++) {
        if (machine_classes[i]->is_default) {
            return machine_classes[i];
        }
    }
    return NULL;
}
