/*
 * 16550A UART ("ns16550a"), memory-mapped with reg-shift 0.
 *
 * Registers (offset, DLAB=0 / DLAB=1): 0 RBR/THR / DLL, 1 IER / DLM,
 * 2 IIR (read) / FCR (write), 3 LCR, 4 MCR, 5 LSR, 6 MSR, 7 SCR.
 * 16-byte receive FIFO with trigger levels 1/4/8/14 and the character
 * timeout interrupt; transmission is immediate (a written byte goes to the
 * back-end at once and THRE is set again), which both polling drivers
 * (U-Boot) and interrupt-driven ones (Linux 8250) accept.  MCR loopback
 * routes THR to RBR and MCR outputs to MSR inputs, as the datasheet says.
 * Input flow control: the UART reports its free FIFO space to the
 * back-end, so nothing is dropped while the guest is slow to read.
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "chardev/char.h"
#include "hw/irq.h"
#include "hw/mmio.h"
#include "qapi/error.h"

#define SERIAL_MMIO_SIZE        0x100
#define SERIAL_CLOCK_FREQ       3686400

typedef struct SerialState SerialState;

/* CHR may be NULL (no host side); IRQ is the interrupt output. */
SerialState *serial_mm_new(Chardev *chr, qemu_irq irq, Error **errp);
void serial_free(SerialState *s);
void serial_reset(SerialState *s);
const MMIORegionOps *serial_mm_ops(void);

#endif
