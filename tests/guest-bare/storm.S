/*
 * Exception-storm test guests (built with -DKIND=n):
 *   1: jump to unmapped memory with mtvec also unmapped (fetch faults
 *      forever at the same pc);
 *   2: a trap handler that returns to the faulting illegal instruction;
 *   3: a machine timer interrupt that never stops (mtimecmp 0, a handler
 *      that returns at once);
 *   4: queue notifications (kicks) to every virtio-mmio slot, in a tight
 *      loop.
 */
    .section .text.start
    .globl _start
_start:
#if KIND == 1
    li      t0, 0x20000000
    csrw    mtvec, t0
    li      t0, 0x20000000
    jr      t0
#elif KIND == 2
    la      t0, handler
    csrw    mtvec, t0
    .word   0               /* illegal instruction */
handler:
    mret                    /* back to it, forever */
#elif KIND == 3
    la      t0, handler
    csrw    mtvec, t0
    li      t0, 0x2004000   /* CLINT mtimecmp of hart 0 */
    sd      zero, 0(t0)     /* always due */
    li      t0, 0x80        /* MTIE */
    csrw    mie, t0
    csrsi   mstatus, 8      /* MIE */
1:  j       1b
handler:
    mret                    /* still due: taken again at once */
#else
    li      t1, 0x1000      /* slot stride */
1:  li      t0, 0x10001050  /* slot 0's QueueNotify */
    li      t2, 8
2:  sw      zero, 0(t0)
    add     t0, t0, t1
    addi    t2, t2, -1
    bnez    t2, 2b
    j       1b
#endif
