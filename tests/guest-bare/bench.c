/*
 * CPU benchmark guest (bench/cpu): integer arithmetic, memory copies and
 * branchy code, then the instruction count (minstret) and a checksum.
 * Prints "start" and "done" around the work so the host can time it.
 */
#include "virt.h"

#define BUF 65536

static uint8_t buf_a[BUF], buf_b[BUF];

void trap_handler(uint64_t cause, uint64_t epc);
int main(void);

void trap_handler(uint64_t cause, uint64_t epc)
{
    puts_uart("unexpected trap\n");
    poweroff(3);
}

static uint64_t rdinstret(void)
{
    uint64_t v;

    __asm__ volatile("csrr %0, minstret" : "=r"(v));
    return v;
}

static uint64_t integer_mix(unsigned n)
{
    uint64_t x = 88172645463325252ULL, acc = 0;

    for (unsigned i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        acc += (x * 2654435761u) >> 7;
        acc ^= acc / 7 + i;
    }
    return acc;
}

static void copy_words(uint64_t *dst, const uint64_t *src, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        dst[i] = src[i];
    }
}

static uint64_t memory_copies(unsigned rounds)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < BUF; i++) {
        buf_a[i] = (uint8_t)(i * 31 + 7);
    }
    for (unsigned r = 0; r < rounds; r++) {
        copy_words((uint64_t *)buf_b, (const uint64_t *)buf_a, BUF / 8);
        /* a byte loop too, as string code does */
        for (unsigned i = 0; i < BUF; i += 4) {
            buf_a[i] = buf_b[(i + r) % BUF] + 1;
        }
        sum += buf_a[r % BUF] + buf_b[(r * 7) % BUF];
    }
    return sum;
}

static uint64_t branches(unsigned limit)
{
    uint64_t steps = 0;

    for (uint64_t n = 1; n < limit; n++) {
        uint64_t v = n;

        while (v != 1) {
            v = (v & 1) ? 3 * v + 1 : v / 2;
            steps++;
        }
    }
    return steps;
}

int main(void)
{
    uint64_t i0, i1, sum;

    puts_uart("start\n");
    i0 = rdinstret();
    sum = integer_mix(20000000);
    sum += memory_copies(1000);
    sum += branches(300000);
    i1 = rdinstret();
    puts_uart("done instret=");
    put_hex(i1 - i0);
    puts_uart(" sum=");
    put_hex(sum);
    putc_uart('\n');
    poweroff(0);
    return 0;
}
