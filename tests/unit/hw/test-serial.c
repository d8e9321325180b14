/*
 * 16550A: reset values, transmit path and THRE interrupt, receive FIFO
 * with trigger levels and character timeout, line status, loopback,
 * divisor latch, flow control towards the back-end.
 */
#include "hw-test.h"
#include "test-chr.h"
#include "hw/char/serial.h"

int64_t fake_clock_ns;

enum { RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4,
       LSR = 5, MSR = 6, SCR = 7 };

typedef struct Fixture {
    SerialState *s;
    TestChardev *chr;
    TestLine line;
    qemu_irq irq;
    const MMIORegionOps *ops;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    fake_clock_install();
    test_lines_init(&f->irq, &f->line, 1);
    f->chr = test_chr_new();
    f->s = serial_mm_new(&f->chr->parent, f->irq, NULL);
    g_assert_nonnull(f->s);
    f->ops = serial_mm_ops();
}

static void teardown(Fixture *f, gconstpointer data)
{
    serial_free(f->s);
    test_chr_free(f->chr);
    qemu_free_irq(f->irq);
}

static uint8_t rd(Fixture *f, hwaddr off)
{
    return f->ops->read(f->s, off, 1);
}

static void wr(Fixture *f, hwaddr off, uint8_t val)
{
    f->ops->write(f->s, off, val, 1);
}

static void test_reset_values(Fixture *f, gconstpointer data)
{
    g_assert_cmphex(rd(f, LSR), ==, 0x60);          /* THRE | TEMT */
    g_assert_cmphex(rd(f, IIR), ==, 0x01);          /* no interrupt */
    g_assert_cmphex(rd(f, IER), ==, 0x00);
    g_assert_cmphex(rd(f, LCR), ==, 0x00);
    g_assert_cmpint(f->line.level, ==, 0);
    wr(f, SCR, 0x5a);
    g_assert_cmphex(rd(f, SCR), ==, 0x5a);
    wr(f, FCR, 0x01);
    g_assert_cmphex(rd(f, IIR), ==, 0xc1);          /* FIFOs enabled */
}

static void test_transmit(Fixture *f, gconstpointer data)
{
    wr(f, THR, 'h');
    wr(f, THR, 'i');
    g_assert_cmpstr(f->chr->out->str, ==, "hi");
    g_assert_cmphex(rd(f, LSR) & 0x60, ==, 0x60);
    /* THRE interrupt only when enabled */
    g_assert_cmpint(f->line.level, ==, 0);
    wr(f, IER, 0x02);
    g_assert_cmpint(f->line.level, ==, 1);
    g_assert_cmphex(rd(f, IIR) & 0x0f, ==, 0x02);
    /* reading IIR acknowledged it */
    g_assert_cmpint(f->line.level, ==, 0);
    g_assert_cmphex(rd(f, IIR) & 0x0f, ==, 0x01);
    /* the next byte sent raises it again */
    wr(f, THR, '!');
    g_assert_cmpint(f->line.level, ==, 1);
    wr(f, IER, 0x00);
    g_assert_cmpint(f->line.level, ==, 0);
}

static void test_receive_no_fifo(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(qemu_chr_be_can_write(&f->chr->parent), ==, 1);
    g_assert_cmpint(test_chr_input(f->chr, "ab"), ==, 1);
    g_assert_cmpint(qemu_chr_be_can_write(&f->chr->parent), ==, 0);
    g_assert_cmphex(rd(f, LSR) & 0x01, ==, 0x01);
    g_assert_cmpint(f->line.level, ==, 0);
    wr(f, IER, 0x01);
    g_assert_cmpint(f->line.level, ==, 1);
    g_assert_cmphex(rd(f, IIR), ==, 0x04);
    f->chr->accept_calls = 0;
    g_assert_cmpint(rd(f, RBR), ==, 'a');
    /* room again: the back-end is told to resume */
    g_assert_cmpint(f->chr->accept_calls, >, 0);
    g_assert_cmpint(f->line.level, ==, 0);
    g_assert_cmphex(rd(f, LSR) & 0x01, ==, 0);
}

static void test_receive_fifo_trigger_and_timeout(Fixture *f, gconstpointer data)
{
    wr(f, FCR, 0x81);           /* FIFO on, trigger level 8 */
    wr(f, IER, 0x01);
    g_assert_cmpint(qemu_chr_be_can_write(&f->chr->parent), ==, 16);
    g_assert_cmpint(test_chr_input(f->chr, "1234"), ==, 4);
    /* below the trigger: no interrupt until the character timeout */
    g_assert_cmpint(f->line.level, ==, 0);
    fake_clock_advance(3000000);
    g_assert_cmpint(f->line.level, ==, 1);
    g_assert_cmphex(rd(f, IIR), ==, 0xcc);          /* timeout */
    g_assert_cmpint(rd(f, RBR), ==, '1');
    g_assert_cmpint(f->line.level, ==, 0);          /* reading restarts it */
    /* reaching the trigger interrupts at once */
    g_assert_cmpint(test_chr_input(f->chr, "56789"), ==, 5);
    g_assert_cmpint(f->line.level, ==, 1);
    g_assert_cmphex(rd(f, IIR), ==, 0xc4);
    for (const char *p = "23456789"; *p; p++) {
        g_assert_cmpint(rd(f, RBR), ==, *p);
    }
    g_assert_cmphex(rd(f, LSR) & 0x01, ==, 0);
    g_assert_cmpint(f->line.level, ==, 0);
    /* a full FIFO takes nothing more */
    g_assert_cmpint(test_chr_input(f->chr, "0123456789abcdefXYZ"), ==, 16);
    g_assert_cmpint(qemu_chr_be_can_write(&f->chr->parent), ==, 0);
    /* clearing the receive FIFO */
    wr(f, FCR, 0x83);
    g_assert_cmphex(rd(f, LSR) & 0x01, ==, 0);
    g_assert_cmpint(qemu_chr_be_can_write(&f->chr->parent), ==, 16);
}

static void test_line_status(Fixture *f, gconstpointer data)
{
    wr(f, IER, 0x05);
    qemu_chr_be_event(&f->chr->parent, CHR_EVENT_BREAK);
    g_assert_cmpint(f->line.level, ==, 1);
    g_assert_cmphex(rd(f, IIR), ==, 0x06);          /* line status first */
    g_assert_cmphex(rd(f, LSR) & 0x11, ==, 0x11);   /* BI | DR */
    /* reading LSR cleared the error; data remains */
    g_assert_cmphex(rd(f, LSR) & 0x10, ==, 0);
    g_assert_cmphex(rd(f, IIR), ==, 0x04);
    g_assert_cmpint(rd(f, RBR), ==, 0);
    g_assert_cmpint(f->line.level, ==, 0);
}

static void test_loopback(Fixture *f, gconstpointer data)
{
    wr(f, FCR, 0x01);
    wr(f, MCR, 0x10 | 0x03);        /* loop, DTR, RTS */
    g_assert_cmphex(rd(f, MSR) & 0xf0, ==, 0x30);   /* DSR | CTS */
    wr(f, THR, 'L');
    g_assert_cmpstr(f->chr->out->str, ==, "");
    g_assert_cmphex(rd(f, LSR) & 0x01, ==, 1);
    g_assert_cmpint(rd(f, RBR), ==, 'L');
    /* the outside world is disconnected meanwhile */
    g_assert_cmpint(qemu_chr_be_can_write(&f->chr->parent), ==, 0);
    wr(f, MCR, 0x08);
    wr(f, THR, 'x');
    g_assert_cmpstr(f->chr->out->str, ==, "x");
}

static void test_divisor_latch(Fixture *f, gconstpointer data)
{
    wr(f, IER, 0x01);
    wr(f, LCR, 0x83);
    wr(f, 0, 0x02);
    wr(f, 1, 0x00);
    g_assert_cmphex(rd(f, 0), ==, 0x02);
    g_assert_cmphex(rd(f, 1), ==, 0x00);
    wr(f, LCR, 0x03);
    g_assert_cmphex(rd(f, IER), ==, 0x01);          /* untouched by DLM */
    g_assert_cmphex(rd(f, LCR), ==, 0x03);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) \
    g_test_add("/serial/" name, Fixture, NULL, setup, fn, teardown)
    ADD("reset-values", test_reset_values);
    ADD("transmit", test_transmit);
    ADD("receive-no-fifo", test_receive_no_fifo);
    ADD("receive-fifo", test_receive_fifo_trigger_and_timeout);
    ADD("line-status", test_line_status);
    ADD("loopback", test_loopback);
    ADD("divisor-latch", test_divisor_latch);
    return g_test_run();
}
