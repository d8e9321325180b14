/*
 * Machines: what -M selects.
 *
 * A MachineClass describes one board (name, help text, defaults, init).
 * The command line fills a MachineState with the generic configuration
 * (RAM size, harts, firmware, kernel, console back-ends) and the system
 * services a board may use (MachineServices: the layer above hands them
 * down, hw/ never calls into system/); the class's init() builds the
 * board from it, loads the images, and registers its reset handler and
 * harts through those services.  Errors
 * go back as Error values; file errors are prefixed with the option that named
 * the file, e.g. "-bios /x: Could not open '/x': No such file or
 * directory".
 *
 * Adding a machine: write hw/<arch>/<board>.c with its MachineClass and
 * machine_type_init() at the bottom, like device types (hw/qdev.h).
 *
 * Buses the board makes for -device (include/hw/qdev.h) are registered
 * with the device model during init() and live as long as the machine.
 */
#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "chardev/char.h"
#include "qapi/error.h"

#define MAX_SERIAL_PORTS 4

typedef struct MachineClass MachineClass;
typedef struct RISCVCPU RISCVCPU;

/*
 * What the system layer does for a board.  Requests (shutdown, reset) are
 * carried out later by the main loop, never inside the caller.
 */
typedef struct MachineServices {
    /* HART joins the scheduler (runs once the VM starts). */
    void (*add_hart)(RISCVCPU *hart);
    /* FN(OPAQUE) runs at every system reset, in registration order. */
    void (*register_reset)(void (*fn)(void *opaque), void *opaque);
    /* The guest powered off: exit with STATUS (0: success). */
    void (*request_shutdown)(int status);
    /* The guest asked for a reset. */
    void (*request_reset)(void);
} MachineServices;

typedef struct MachineState {
    const MachineClass *mc;
    const MachineServices *services;
    uint64_t ram_size;
    unsigned smp_cpus;

    /* -bios: NULL or "default" for the board's default, "none" for none */
    char *firmware;
    char *kernel_filename;
    char *initrd_filename;
    char *kernel_cmdline;
    char *dtb;
    char *dumpdtb;              /* -M ...,dumpdtb=FILE */
    uint64_t tb_size;           /* -accel tcg,tb-size=, bytes; 0: default */
    uint32_t cpu_ext;           /* -cpu: the CPU's optional extensions */
    unsigned satp_mode;         /* -cpu sv39/48/57: largest (0: bare only) */

    /* the option text behind each file, for error messages */
    char *firmware_opt;
    char *kernel_opt;
    char *initrd_opt;
    char *dtb_opt;

    Chardev *serial[MAX_SERIAL_PORTS];
    unsigned nserial;

    /* -M dump-guest-core=off: guest RAM stays out of core dumps */
    bool no_guest_core_dump;

    /* set by init(): exit with status 0 after init (dumpdtb done) */
    bool exit_after_init;
    void *board;                /* the board's own state */
} MachineState;

struct MachineClass {
    const char *name;
    const char *desc;
    bool is_default;
    uint64_t default_ram_size;
    uint64_t min_ram_size;      /* checked by -m; 0: no limit */
    uint64_t max_ram_size;      /* checked by -m; 0: no limit */
    unsigned max_cpus;          /* 0: the board has no harts */
    /* properties accepted in -M NAME,prop=value besides type/accel */
    const char *const *props;
    /* QOM names of the devices the board builds itself, which -device
     * cannot create (qom-list-types shows them; libvirt assigns PCI
     * addresses on riscv virt only if "gpex-pcihost" is there) */
    const char *const *board_types;
    bool (*init)(MachineState *ms, Error **errp);
};

/* All machines, NULL-terminated, by name (the order -M help lists). */
extern const MachineClass *machine_classes[];
void machine_register_class(const MachineClass *mc);
#define machine_type_init(mc)                                            \
    static void __attribute__((constructor)) machine_register_##mc(void) \
    {                                                                    \
        machine_register_class(&mc);                                     \
    }
const MachineClass *machine_find_class(const char *name);
/*
 * The boolean -machine properties every machine has (QEMU's machine base
 * class): "usb" (only off: no machine here has USB) and
 * "dump-guest-core" (MachineState.no_guest_core_dump).
 */
extern const char *const machine_common_bool_props[];
const MachineClass *machine_default_class(void);

#endif
