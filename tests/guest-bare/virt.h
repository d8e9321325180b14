/* Devices of the virt board, for the bare-metal test guests. */
#ifndef GUEST_BARE_VIRT_H
#define GUEST_BARE_VIRT_H

#include <stdint.h>

#define UART0       0x10000000UL
#define UART_RBR    0
#define UART_THR    0
#define UART_IER    1
#define UART_FCR    2
#define UART_LSR    5
#define CLINT       0x2000000UL
#define MTIMECMP0   (CLINT + 0x4000)
#define MTIME       (CLINT + 0xbff8)
#define PLIC        0xc000000UL
#define TEST_DEV    0x100000UL
#define UART0_IRQ   10

static inline void mmio_w8(unsigned long a, uint8_t v)
{
    *(volatile uint8_t *)a = v;
}

static inline uint8_t mmio_r8(unsigned long a)
{
    return *(volatile uint8_t *)a;
}

static inline void mmio_w32(unsigned long a, uint32_t v)
{
    *(volatile uint32_t *)a = v;
}

static inline uint32_t mmio_r32(unsigned long a)
{
    return *(volatile uint32_t *)a;
}

static inline void mmio_w64(unsigned long a, uint64_t v)
{
    *(volatile uint64_t *)a = v;
}

static inline uint64_t mmio_r64(unsigned long a)
{
    return *(volatile uint64_t *)a;
}

static inline void putc_uart(char c)
{
    while (!(mmio_r8(UART0 + UART_LSR) & 0x20)) {
    }
    mmio_w8(UART0 + UART_THR, c);
}

static inline void puts_uart(const char *s)
{
    while (*s) {
        putc_uart(*s++);
    }
}

static inline void put_hex(uint64_t v)
{
    for (int i = 60; i >= 0; i -= 4) {
        putc_uart("0123456789abcdef"[(v >> i) & 15]);
    }
}

static inline void poweroff(unsigned code)
{
    mmio_w32(TEST_DEV, code ? 0x3333 | (code << 16) : 0x5555);
    for (;;) {
    }
}

#endif
