/*
 * Buses of the device model: the registry bus= searches and plugging a
 * device's bus-specific part; see include/hw/qdev.h.
 */

#include "hw/qdev.h"

#include <string.h>

/* Registration order: the board's buses first, so they are the defaults. */
static GQueue buses = G_QUEUE_INIT;

void qbus_register(BusState *bus)
{
    g_queue_push_tail(&buses, bus);
}

void qbus_unregister(BusState *bus)
{
    g_queue_remove(&buses, bus);
}

BusState *qbus_find(const char *name)
{
    for (GList *l = buses.head; l; l = l->next) {
        BusState *bus = l->data;
        if (!strcmp(bus->name, name)) {
            return bus;
        }
    }
    return NULL;
}

bool qbus_accepts(const BusState *bus, const char *bus_type)
{
    /* a PCI Express bus is a PCI bus too */
    return !strcmp(bus->type, bus_type) ||
           (!strcmp(bus_type, "PCI") && !strcmp(bus->type, "PCIE"));
}

BusState *qbus_find_free(const char *bus_type)
{
    for (GList *l = buses.head; l; l = l->next) {
        BusState *bus = l->data;
        if (qbus_accepts(bus, bus_type) &&
            (!bus->max_devices || bus->num_devices < bus->max_devices)) {
            return bus;
        }
    }
    return NULL;
}

bool qdev_bus_plug(DeviceState *dev, BusState *bus, void *child, int addr,
                   Error **errp)
{
    if (!bus->ops->plug(bus, dev, child, addr, dev->hotplugged, errp)) {
        return false;
    }
    dev->parent_bus = bus;
    dev->bus_child = child;
    bus->num_devices++;
    return true;
}
