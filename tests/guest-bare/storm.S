/*
 * Exception-storm test guests (built with -DKIND=n):
 *   1: jump to unmapped memory with mtvec also unmapped (fetch faults
 *      forever at the same pc);
 *   2: a trap handler that returns to the faulting illegal instruction.
 */
    .section .text.start
    .globl _start
_start:
#if KIND == 1
    li      t0, 0x20000000
    csrw    mtvec, t0
    li      t0, 0x20000000
    jr      t0
#else
    la      t0, handler
    csrw    mtvec, t0
    .word   0               /* illegal instruction */
handler:
    mret                    /* back to it, forever */
#endif
