/*
 * Loading guest images: raw binaries, ELF64 executables, and the set of
 * blobs ("ROMs" in QEMU's words) that is copied into guest memory at every
 * reset.
 *
 * Loaders never write guest memory directly: they add blobs to a RomSet,
 * each checked to lie inside one of the set's target regions (RAM, the
 * reset ROM) and not to overlap another blob.  rom_set_install() copies
 * them in; the machine calls it at power-on and again at each reset, so a
 * guest that scribbled over its firmware gets it back.
 *
 * Errors name the file and say what is wrong; they are meant to be
 * printed after the option that named the file ("-bios FILE: ...").
 */
#ifndef HW_LOADER_H
#define HW_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "qapi/error.h"

typedef struct RomSet RomSet;

RomSet *rom_set_new(void);
void rom_set_free(RomSet *set);
/* A range of guest physical memory, backed by HOST, that blobs may fill. */
void rom_set_add_target(RomSet *set, const char *name, uint64_t base,
                        uint64_t size, uint8_t *host);
/*
 * Add a blob: LEN bytes of DATA at ADDR, then zeros up to MEMSZ (>= LEN).
 * The data is copied.  Fails if it lies outside every target or overlaps
 * an earlier blob.
 */
bool rom_add_blob(RomSet *set, const char *name, uint64_t addr,
                  const void *data, size_t len, uint64_t memsz,
                  Error **errp);
/* Copy every blob into its target; calls INVALIDATE for each range. */
typedef void RomInvalidateFn(void *opaque, uint64_t addr, uint64_t len);
void rom_set_install(RomSet *set, RomInvalidateFn *invalidate, void *opaque);
/* Highest address + 1 of any blob, 0 when empty. */
uint64_t rom_set_end(const RomSet *set);

/* Read a whole file (at most MAX_SIZE bytes) with a good error message. */
bool load_file(const char *path, uint64_t max_size, uint8_t **data,
               size_t *len, Error **errp);

/* True when DATA starts with the ELF magic. */
bool elf_is_elf(const uint8_t *data, size_t len);

/*
 * Load a RISC-V ELF64 little-endian executable from memory: every PT_LOAD
 * segment becomes a blob at its physical address.  Returns the entry
 * point and the lowest/highest loaded addresses.  Rejects wrong class,
 * machine, truncated headers, segments outside the file, filesz > memsz
 * and address overflow.
 */
bool elf64_load(RomSet *set, const char *name, const uint8_t *data,
                size_t len, uint64_t *entry, uint64_t *low, uint64_t *high,
                Error **errp);

#endif
