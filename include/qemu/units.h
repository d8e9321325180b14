/* Binary size units, as QEMU spells them. */
#ifndef QEMU_UNITS_H
#define QEMU_UNITS_H

#define KiB (INT64_C(1) << 10)
#define MiB (INT64_C(1) << 20)
#define GiB (INT64_C(1) << 30)
#define TiB (INT64_C(1) << 40)

#endif
