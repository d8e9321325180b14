/*
 * SiFive test finisher ("sifive,test0"/"sifive,test1"): the guest's power
 * switch.  A write to offset 0 of (low 16 bits) 0x5555 powers off (exit
 * status 0), 0x7777 resets, 0x3333 fails with exit status (value >> 16).
 * 16- and 32-bit writes (OpenSBI writes 16 bits); reads return 0.
 */
#ifndef HW_MISC_SIFIVE_TEST_H
#define HW_MISC_SIFIVE_TEST_H

#include "hw/boards.h"
#include "hw/mmio.h"

#define SIFIVE_TEST_SIZE    0x1000
#define FINISHER_FAIL       0x3333
#define FINISHER_PASS       0x5555
#define FINISHER_RESET      0x7777

/* opaque: the board's const MachineServices *, which performs the request */
const MMIORegionOps *sifive_test_ops(void);

#endif
