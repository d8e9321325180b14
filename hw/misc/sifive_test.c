/*
 * SiFive test finisher (see include/hw/misc/sifive_test.h).  It only
 * requests the shutdown or reset; the main loop carries it out.
 */
#include <inttypes.h>

#include "hw/misc/sifive_test.h"
#include "qemu/log.h"

static uint64_t sifive_test_read(void *opaque, hwaddr off, unsigned size)
{
    return 0;
}

static void sifive_test_write(void *opaque, hwaddr off, uint64_t val,
                              unsigned size)
{
    const MachineServices *sys = opaque;

    if (off == 0) {
        switch (val & 0xffff) {
        case FINISHER_FAIL:
            sys->request_shutdown((int)((val >> 16) & 0xffff));
            return;
        case FINISHER_PASS:
            sys->request_shutdown(0);
            return;
        case FINISHER_RESET:
            sys->request_reset();
            return;
        default:
            break;
        }
    }
    qemu_log_mask(LOG_GUEST_ERROR, "sifive_test: invalid write of 0x%" PRIx64
                  " at offset 0x%" PRIx64, val, off);
}

static const MMIORegionOps sifive_test_mmio_ops = {
    .read = sifive_test_read,
    .write = sifive_test_write,
    .valid_sizes = MMIO_SIZE_2 | MMIO_SIZE_4,
};

const MMIORegionOps *sifive_test_ops(void)
{
    return &sifive_test_mmio_ops;
}
