/*
 * 16550A UART (see include/hw/char/serial.h).  Register semantics from the
 * TI/National PC16550D datasheet.
 */
#include <string.h>
#include <glib.h>

#include "hw/char/serial.h"
#include "qemu/timer.h"

#define FIFO_SIZE 16

#define IER_RDI   0x01      /* received data available */
#define IER_THRI  0x02      /* THR empty */
#define IER_RLSI  0x04      /* receiver line status */
#define IER_MSI   0x08      /* modem status */

#define IIR_NO_INT  0x01
#define IIR_MSI     0x00
#define IIR_THRI    0x02
#define IIR_RDI     0x04
#define IIR_RLSI    0x06
#define IIR_CTI     0x0c
#define IIR_FIFO    0xc0

#define FCR_ENABLE  0x01
#define FCR_CLR_RX  0x02
#define FCR_CLR_TX  0x04

#define LCR_DLAB    0x80

#define MCR_DTR     0x01
#define MCR_RTS     0x02
#define MCR_OUT1    0x04
#define MCR_OUT2    0x08
#define MCR_LOOP    0x10

#define LSR_DR      0x01
#define LSR_OE      0x02
#define LSR_PE      0x04
#define LSR_FE      0x08
#define LSR_BI      0x10
#define LSR_THRE    0x20
#define LSR_TEMT    0x40
#define LSR_ERRS    (LSR_OE | LSR_PE | LSR_FE | LSR_BI)

#define MSR_DCTS    0x01
#define MSR_DDSR    0x02
#define MSR_TERI    0x04
#define MSR_DDCD    0x08
#define MSR_CTS     0x10
#define MSR_DSR     0x20
#define MSR_RI      0x40
#define MSR_DCD     0x80

struct SerialState {
    CharBackend chr;
    qemu_irq irq;
    QEMUTimer *timeout_timer;   /* character timeout (CTI) */

    uint8_t rx[FIFO_SIZE];
    unsigned rx_head, rx_count;
    bool timeout_pending;       /* CTI condition reached */
    bool thr_ipending;          /* THRE interrupt not yet acknowledged */

    uint8_t ier, fcr, lcr, mcr, lsr, msr, scr;
    uint16_t divider;
};

static unsigned rx_capacity(SerialState *s)
{
    return (s->fcr & FCR_ENABLE) ? FIFO_SIZE : 1;
}

static unsigned rx_trigger(SerialState *s)
{
    static const unsigned levels[4] = { 1, 4, 8, 14 };

    return (s->fcr & FCR_ENABLE) ? levels[s->fcr >> 6] : 1;
}

static uint8_t serial_iir(SerialState *s)
{
    uint8_t iir = IIR_NO_INT;

    if ((s->ier & IER_RLSI) && (s->lsr & LSR_ERRS)) {
        iir = IIR_RLSI;
    } else if ((s->ier & IER_RDI) && s->rx_count >= rx_trigger(s)) {
        iir = IIR_RDI;
    } else if ((s->ier & IER_RDI) && s->rx_count && s->timeout_pending) {
        iir = IIR_CTI;
    } else if ((s->ier & IER_THRI) && s->thr_ipending) {
        iir = IIR_THRI;
    } else if ((s->ier & IER_MSI) && (s->msr & 0x0f)) {
        iir = IIR_MSI;
    }
    if (s->fcr & FCR_ENABLE) {
        iir |= IIR_FIFO;
    }
    return iir;
}

static void serial_update_irq(SerialState *s)
{
    qemu_set_irq(s->irq, !(serial_iir(s) & IIR_NO_INT));
}

/* Four character times at the programmed rate, within sane bounds. */
static int64_t char_timeout_ns(SerialState *s)
{
    unsigned divider = s->divider ? s->divider : 1;
    /* 10 bits per character at SERIAL_CLOCK_FREQ / 16 / divider baud */
    int64_t ns = 4 * 10 * NANOSECONDS_PER_SECOND * 16 * (int64_t)divider /
                 SERIAL_CLOCK_FREQ;

    return CLAMP(ns, 10000, 2000000);
}

static void rx_push(SerialState *s, uint8_t ch)
{
    if (s->rx_count >= rx_capacity(s)) {
        s->lsr |= LSR_OE;
        return;
    }
    s->rx[(s->rx_head + s->rx_count) % FIFO_SIZE] = ch;
    s->rx_count++;
    s->lsr |= LSR_DR;
    s->timeout_pending = false;
    if (s->fcr & FCR_ENABLE) {
        timer_mod_ns(s->timeout_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                     char_timeout_ns(s));
    }
}

static void rx_clear(SerialState *s)
{
    s->rx_head = s->rx_count = 0;
    s->lsr &= ~LSR_DR;
    s->timeout_pending = false;
    timer_del(s->timeout_timer);
}

static void timeout_cb(void *opaque)
{
    SerialState *s = opaque;

    if (s->rx_count) {
        s->timeout_pending = true;
        serial_update_irq(s);
    }
}

static uint8_t loop_msr(uint8_t mcr)
{
    return ((mcr & MCR_DTR) ? MSR_DSR : 0) | ((mcr & MCR_RTS) ? MSR_CTS : 0) |
           ((mcr & MCR_OUT1) ? MSR_RI : 0) | ((mcr & MCR_OUT2) ? MSR_DCD : 0);
}

/* New modem input levels: set the delta bits for what changed. */
static void set_msr_inputs(SerialState *s, uint8_t inputs)
{
    uint8_t old = s->msr;
    uint8_t delta = 0;

    if ((old ^ inputs) & MSR_CTS) {
        delta |= MSR_DCTS;
    }
    if ((old ^ inputs) & MSR_DSR) {
        delta |= MSR_DDSR;
    }
    if ((old & MSR_RI) && !(inputs & MSR_RI)) {
        delta |= MSR_TERI;       /* trailing edge of ring indicator */
    }
    if ((old ^ inputs) & MSR_DCD) {
        delta |= MSR_DDCD;
    }
    s->msr = inputs | (old & 0x0f) | delta;
}

static uint64_t serial_read(void *opaque, hwaddr off, unsigned size)
{
    SerialState *s = opaque;
    uint8_t ret = 0;

    switch (off) {
    case 0:
        if (s->lcr & LCR_DLAB) {
            return s->divider & 0xff;
        }
        if (s->rx_count) {
            ret = s->rx[s->rx_head];
            s->rx_head = (s->rx_head + 1) % FIFO_SIZE;
            s->rx_count--;
            s->timeout_pending = false;
            if (!s->rx_count) {
                s->lsr &= ~LSR_DR;
                timer_del(s->timeout_timer);
            } else if (s->fcr & FCR_ENABLE) {
                timer_mod_ns(s->timeout_timer,
                             qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                             char_timeout_ns(s));
            }
            serial_update_irq(s);
            if (!(s->mcr & MCR_LOOP)) {
                qemu_chr_fe_accept_input(&s->chr);
            }
        }
        return ret;
    case 1:
        return (s->lcr & LCR_DLAB) ? s->divider >> 8 : s->ier;
    case 2:
        ret = serial_iir(s);
        /* reading IIR acknowledges a THRE interrupt it reports */
        if ((ret & 0x0f) == IIR_THRI) {
            s->thr_ipending = false;
            serial_update_irq(s);
        }
        return ret;
    case 3:
        return s->lcr;
    case 4:
        return s->mcr;
    case 5:
        ret = s->lsr;
        if (ret & LSR_ERRS) {
            s->lsr &= ~LSR_ERRS;
            serial_update_irq(s);
        }
        return ret;
    case 6:
        ret = s->msr;
        if (ret & 0x0f) {
            s->msr &= 0xf0;
            serial_update_irq(s);
        }
        return ret;
    case 7:
        return s->scr;
    default:
        return 0;
    }
}

static void serial_write(void *opaque, hwaddr off, uint64_t val64,
                         unsigned size)
{
    SerialState *s = opaque;
    uint8_t val = val64 & 0xff;

    switch (off) {
    case 0:
        if (s->lcr & LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | val;
            return;
        }
        if (s->mcr & MCR_LOOP) {
            rx_push(s, val);
        } else {
            qemu_chr_fe_write_all(&s->chr, &val, 1);
        }
        /* sent at once: THR is empty again and says so */
        s->lsr |= LSR_THRE | LSR_TEMT;
        s->thr_ipending = true;
        serial_update_irq(s);
        return;
    case 1:
        if (s->lcr & LCR_DLAB) {
            s->divider = (s->divider & 0x00ff) | (uint16_t)val << 8;
            return;
        }
        /* enabling the THRE interrupt with THR empty raises it at once */
        if (!(s->ier & IER_THRI) && (val & IER_THRI) &&
            (s->lsr & LSR_THRE)) {
            s->thr_ipending = true;
        }
        s->ier = val & 0x0f;
        serial_update_irq(s);
        return;
    case 2:
        if ((val ^ s->fcr) & FCR_ENABLE) {
            /* switching FIFO mode clears both FIFOs */
            val |= FCR_CLR_RX | FCR_CLR_TX;
        }
        if (val & FCR_CLR_RX) {
            rx_clear(s);
            if (!(s->mcr & MCR_LOOP)) {
                qemu_chr_fe_accept_input(&s->chr);
            }
        }
        s->fcr = val & 0xc1;     /* FIFO enable + trigger level */
        serial_update_irq(s);
        return;
    case 3:
        s->lcr = val;
        return;
    case 4: {
        uint8_t old = s->mcr;

        s->mcr = val & 0x1f;
        if (s->mcr & MCR_LOOP) {
            set_msr_inputs(s, loop_msr(s->mcr));
        } else if (old & MCR_LOOP) {
            set_msr_inputs(s, MSR_DCD | MSR_DSR | MSR_CTS);
            qemu_chr_fe_accept_input(&s->chr);
        }
        serial_update_irq(s);
        return;
    }
    case 5:
    case 6:
        return;     /* LSR and MSR are read-only (factory test only) */
    case 7:
        s->scr = val;
        return;
    default:
        return;
    }
}

static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;

    if (s->mcr & MCR_LOOP) {
        return 0;   /* in loopback the line is disconnected */
    }
    return rx_capacity(s) - s->rx_count;
}

static void serial_receive(void *opaque, const uint8_t *buf, int size)
{
    SerialState *s = opaque;

    for (int i = 0; i < size; i++) {
        rx_push(s, buf[i]);
    }
    serial_update_irq(s);
}

static void serial_event(void *opaque, QEMUChrEvent event)
{
    SerialState *s = opaque;

    if (event == CHR_EVENT_BREAK && !(s->mcr & MCR_LOOP)) {
        /* a break reads as a NUL character with BI set */
        rx_push(s, 0);
        s->lsr |= LSR_BI;
        serial_update_irq(s);
    }
}

static const MMIORegionOps serial_ops = {
    .read = serial_read,
    .write = serial_write,
};

const MMIORegionOps *serial_mm_ops(void)
{
    return &serial_ops;
}

void serial_reset(SerialState *s)
{
    rx_clear(s);
    s->ier = 0;
    s->fcr = 0;
    s->lcr = 0;
    s->mcr = MCR_OUT2;
    s->lsr = LSR_THRE | LSR_TEMT;
    s->msr = MSR_DCD | MSR_DSR | MSR_CTS;
    s->scr = 0;
    s->divider = 0;
    s->thr_ipending = false;
    serial_update_irq(s);
    qemu_chr_fe_accept_input(&s->chr);
}

SerialState *serial_mm_new(Chardev *chr, qemu_irq irq, Error **errp)
{
    SerialState *s = g_new0(SerialState, 1);

    if (!qemu_chr_fe_init(&s->chr, chr, errp)) {
        g_free(s);
        return NULL;
    }
    s->irq = irq;
    s->timeout_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, timeout_cb, s);
    serial_reset(s);
    qemu_chr_fe_set_handlers(&s->chr, serial_can_receive, serial_receive,
                             serial_event, s);
    return s;
}

void serial_free(SerialState *s)
{
    if (!s) {
        return;
    }
    qemu_chr_fe_deinit(&s->chr);
    timer_free(s->timeout_timer);
    g_free(s);
}
