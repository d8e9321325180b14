/*
 * WFI test guest: arms the CLINT timer for 0.2 s and the UART receive
 * interrupt through the PLIC, then sleeps in WFI.  It prints "tick" when
 * the timer fires (once: the next deadline is never) and "got X" for each
 * received character; 'q' powers off.  The host must stay idle meanwhile.
 */
#include "virt.h"

#define MIE_MTIE (1UL << 7)
#define MIE_MEIE (1UL << 11)
#define MSTATUS_MIE (1UL << 3)

void trap_handler(uint64_t cause, uint64_t epc);
int main(void);

void trap_handler(uint64_t cause, uint64_t epc)
{
    if (cause == ((1UL << 63) | 7)) {
        mmio_w64(MTIMECMP0, ~0UL);
        puts_uart("tick\n");
    } else if (cause == ((1UL << 63) | 11)) {
        uint32_t irq = mmio_r32(PLIC + 0x200004);

        while (mmio_r8(UART0 + UART_LSR) & 1) {
            char c = mmio_r8(UART0 + UART_RBR);

            puts_uart("got ");
            putc_uart(c);
            putc_uart('\n');
            if (c == 'q') {
                poweroff(0);
            }
        }
        mmio_w32(PLIC + 0x200004, irq);
    } else {
        puts_uart("unexpected trap ");
        put_hex(cause);
        putc_uart(' ');
        put_hex(epc);
        putc_uart('\n');
        poweroff(3);
    }
}

int main(void)
{
    mmio_w8(UART0 + UART_FCR, 0x01);
    mmio_w8(UART0 + UART_IER, 0x01);
    mmio_w32(PLIC + 4 * UART0_IRQ, 1);
    mmio_w32(PLIC + 0x2000, 1u << UART0_IRQ);
    mmio_w32(PLIC + 0x200000, 0);
    mmio_w64(MTIMECMP0, mmio_r64(MTIME) + 2000000);
    __asm__ volatile("csrw mie, %0" :: "r"(MIE_MTIE | MIE_MEIE));
    __asm__ volatile("csrs mstatus, %0" :: "r"(MSTATUS_MIE));
    puts_uart("wfi-guest ready\n");
    for (;;) {
        __asm__ volatile("wfi");
    }
}
