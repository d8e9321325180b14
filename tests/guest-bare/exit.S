/*
 * Exit-status test guest: tells the sifive_test finisher "fail with
 * status 5" (0x3333 | 5 << 16).
 */
    .section .text.start
    .globl _start
_start:
    li      t0, 0x100000
    li      t1, 0x53333
    sw      t1, 0(t0)
1:  j       1b
