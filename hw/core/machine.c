/*
 * The machine registry (see include/hw/boards.h).
 */
#include <string.h>

#include "hw/boards.h"

const MachineClass *const machine_classes[] = {
    &none_machine_class,
    &virt_machine_class,
    NULL,
};

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
