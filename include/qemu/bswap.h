/*
 * Loads and stores of fixed-endian integers in byte buffers, with QEMU's
 * names: ld{uw,l,q}_le_p() read a 16/32/64-bit little-endian value at P,
 * st{w,l,q}_le_p() write one.
 *
 * Everything the guest shares with us is little-endian (RISC-V memory,
 * virtio rings and config space, PCI config space, the ELF images we load,
 * the reset ROM), and the host is not assumed to be: these helpers are the
 * one place that says how such bytes become numbers.
 *
 * Rules: P need not be aligned (guest structures often are not, and
 * unaligned access is undefined behaviour in C); the helpers read or write
 * exactly the value's width and nothing else.  They are written byte by
 * byte, which compilers turn into a single load or store on hosts that
 * allow it.  Big-endian (_be_) variants belong here too when some code
 * needs them; today the device tree goes through libfdt's cpu_to_fdt32()
 * and network headers through htonl()/ntohs().
 */
#ifndef QEMU_BSWAP_H
#define QEMU_BSWAP_H

#include <stdint.h>

static inline uint16_t lduw_le_p(const void *p)
{
    const uint8_t *b = p;
    return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t ldl_le_p(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

static inline uint64_t ldq_le_p(const void *p)
{
    const uint8_t *b = p;
    return (uint64_t)ldl_le_p(b) | (uint64_t)ldl_le_p(b + 4) << 32;
}

static inline void stw_le_p(void *p, uint16_t v)
{
    uint8_t *b = p;
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}

static inline void stl_le_p(void *p, uint32_t v)
{
    uint8_t *b = p;
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

static inline void stq_le_p(void *p, uint64_t v)
{
    stl_le_p(p, (uint32_t)v);
    stl_le_p((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

#endif
