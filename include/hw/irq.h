/*
 * Interrupt lines between devices.
 *
 * A qemu_irq is the input end of a wire: the receiver (an interrupt
 * controller, a hart) allocates it with its handler; the sender (a device)
 * holds it and drives a level with qemu_set_irq().  Lines are
 * level-triggered: the sender repeats its level freely, the receiver must
 * tolerate a level set twice.  A NULL line is an unconnected pin and is
 * ignored, so devices can be tested without wiring.
 */
#ifndef HW_IRQ_H
#define HW_IRQ_H

typedef struct IRQState *qemu_irq;
typedef void (*qemu_irq_handler)(void *opaque, int n, int level);

/* N is passed back to the handler: the input's number at the receiver. */
qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n);
void qemu_free_irq(qemu_irq irq);
void qemu_set_irq(qemu_irq irq, int level);

static inline void qemu_irq_raise(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
}

static inline void qemu_irq_lower(qemu_irq irq)
{
    qemu_set_irq(irq, 0);
}

#endif
