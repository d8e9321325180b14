/*
 * qemu-system-riscv64: everything happens in qemu_main() (system/vl.c).
 */
#include "system/vl.h"

int main(int argc, char **argv)
{
    return qemu_main(argc, argv);
}
