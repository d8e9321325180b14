/*
 * Image loaders and the reset-time blob set (see include/hw/loader.h).
 * The ELF parsing follows the System V ABI's ELF64 layout; every field
 * read from the file is bounds-checked before use.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib.h>

#include "qapi/error.h"
#include "qemu/bswap.h"
#include "hw/loader.h"

typedef struct RomTarget {
    char *name;
    uint64_t base, size;
    uint8_t *host;
} RomTarget;

typedef struct Rom {
    char *name;
    uint64_t addr;
    uint8_t *data;
    size_t len;
    uint64_t memsz;
    RomTarget *target;
} Rom;

struct RomSet {
    GPtrArray *targets;
    GPtrArray *roms;
};

static void rom_target_free(gpointer p)
{
    RomTarget *t = p;

    g_free(t->name);
    g_free(t);
}

static void rom_free(gpointer p)
{
    Rom *r = p;

    g_free(r->name);
    g_free(r->data);
    g_free(r);
}

RomSet *rom_set_new(void)
{
    RomSet *set = g_new0(RomSet, 1);

    set->targets = g_ptr_array_new_with_free_func(rom_target_free);
    set->roms = g_ptr_array_new_with_free_func(rom_free);
    return set;
}

void rom_set_free(RomSet *set)
{
    if (set) {
        g_ptr_array_free(set->roms, TRUE);
        g_ptr_array_free(set->targets, TRUE);
        g_free(set);
    }
}

void rom_set_add_target(RomSet *set, const char *name, uint64_t base,
                        uint64_t size, uint8_t *host)
{
    RomTarget *t = g_new0(RomTarget, 1);

    t->name = g_strdup(name);
    t->base = base;
    t->size = size;
    t->host = host;
    g_ptr_array_add(set->targets, t);
}

bool rom_add_blob(RomSet *set, const char *name, uint64_t addr,
                  const void *data, size_t len, uint64_t memsz,
                  Error **errp)
{
    RomTarget *target = NULL;
    Rom *r;

    g_assert(memsz >= len);
    if (memsz == 0) {
        return true;
    }
    if (addr + memsz < addr) {
        error_setg(errp, "%s: address range 0x%" G_GINT64_MODIFIER "x + 0x%"
                    G_GINT64_MODIFIER "x wraps around", name, addr, memsz);
        return false;
    }
    for (guint i = 0; i < set->targets->len; i++) {
        RomTarget *t = g_ptr_array_index(set->targets, i);

        if (addr >= t->base && addr - t->base <= t->size &&
            memsz <= t->size - (addr - t->base)) {
            target = t;
            break;
        }
    }
    if (!target) {
        /* name the last target (RAM, by the machine's convention) */
        RomTarget *ram = set->targets->len ?
            g_ptr_array_index(set->targets, set->targets->len - 1) : NULL;

        if (ram) {
            error_setg(errp, "%s (0x%" G_GINT64_MODIFIER "x bytes at 0x%"
                        G_GINT64_MODIFIER "x) does not fit in %s "
                        "(0x%" G_GINT64_MODIFIER "x..0x%" G_GINT64_MODIFIER
                        "x)", name, memsz, addr, ram->name, ram->base,
                        ram->base + ram->size - 1);
        } else {
            error_setg(errp, "%s: there is no guest memory to load it into",
                        name);
        }
        return false;
    }
    for (guint i = 0; i < set->roms->len; i++) {
        Rom *o = g_ptr_array_index(set->roms, i);

        if (addr < o->addr + o->memsz && o->addr < addr + memsz) {
            error_setg(errp, "%s (0x%" G_GINT64_MODIFIER "x..0x%"
                        G_GINT64_MODIFIER "x) overlaps %s (0x%"
                        G_GINT64_MODIFIER "x..0x%" G_GINT64_MODIFIER "x)",
                        name, addr, addr + memsz - 1, o->name, o->addr,
                        o->addr + o->memsz - 1);
            return false;
        }
    }
    r = g_new0(Rom, 1);
    r->name = g_strdup(name);
    r->addr = addr;
    r->data = g_memdup2(data, len);
    r->len = len;
    r->memsz = memsz;
    r->target = target;
    g_ptr_array_add(set->roms, r);
    return true;
}

void rom_set_install(RomSet *set, RomInvalidateFn *invalidate, void *opaque)
{
    for (guint i = 0; i < set->roms->len; i++) {
        Rom *r = g_ptr_array_index(set->roms, i);
        uint8_t *dst = r->target->host + (r->addr - r->target->base);

        memcpy(dst, r->data, r->len);
        memset(dst + r->len, 0, r->memsz - r->len);
        if (invalidate) {
            invalidate(opaque, r->addr, r->memsz);
        }
    }
}

uint64_t rom_set_end(const RomSet *set)
{
    uint64_t end = 0;

    for (guint i = 0; i < set->roms->len; i++) {
        Rom *r = g_ptr_array_index(set->roms, i);
        end = MAX(end, r->addr + r->memsz);
    }
    return end;
}

bool load_file(const char *path, uint64_t max_size, uint8_t **data,
               size_t *len, Error **errp)
{
    struct stat st;
    uint8_t *buf;
    size_t done = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        error_setg(errp, "Could not open '%s': %s", path, g_strerror(errno));
        return false;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        error_setg(errp, "'%s' is not a regular file", path);
        close(fd);
        return false;
    }
    if ((uint64_t)st.st_size > max_size) {
        error_setg(errp, "'%s' is too large (%lld bytes; guest memory is "
                    "%" G_GUINT64_FORMAT " bytes)", path,
                    (long long)st.st_size, max_size);
        close(fd);
        return false;
    }
    buf = g_malloc(st.st_size ? st.st_size : 1);
    while (done < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + done, st.st_size - done);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            error_setg(errp, "Could not read '%s': %s", path,
                        n < 0 ? g_strerror(errno) : "file shrank");
            g_free(buf);
            close(fd);
            return false;
        }
        done += n;
    }
    close(fd);
    *data = buf;
    *len = done;
    return true;
}

/* ---- ELF64 ---- */

#define EI_NIDENT   16
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define ET_EXEC     2
#define ET_DYN      3
#define EM_RISCV    243
#define PT_LOAD     1

bool elf_is_elf(const uint8_t *data, size_t len)
{
    return len >= 4 && !memcmp(data, "\177ELF", 4);
}

static bool elf_fail(Error **errp, const char *name, const char *why)
{
    error_setg(errp, "'%s' is not a valid RISC-V ELF64 executable: %s", name, why);
    return false;
}

bool elf64_load(RomSet *set, const char *name, const uint8_t *data,
                size_t len, uint64_t *entry, uint64_t *low, uint64_t *high,
                Error **errp)
{
    uint64_t phoff, lo = UINT64_MAX, hi = 0;
    unsigned phentsize, phnum, loaded = 0;
    uint16_t type;

    if (len < 64 || !elf_is_elf(data, len)) {
        return elf_fail(errp, name, "truncated header");
    }
    if (data[4] != ELFCLASS64) {
        return elf_fail(errp, name, "not a 64-bit image");
    }
    if (data[5] != ELFDATA2LSB) {
        return elf_fail(errp, name, "not little-endian");
    }
    type = lduw_le_p(data + 16);
    if (type != ET_EXEC && type != ET_DYN) {
        return elf_fail(errp, name, "not an executable");
    }
    if (lduw_le_p(data + 18) != EM_RISCV) {
        return elf_fail(errp, name, "not a RISC-V image");
    }
    phoff = ldq_le_p(data + 32);
    phentsize = lduw_le_p(data + 54);
    phnum = lduw_le_p(data + 56);
    if (phentsize != 56) {
        return elf_fail(errp, name, "bad program header size");
    }
    if (phnum == 0) {
        return elf_fail(errp, name, "no program headers");
    }
    if (phoff > len || (uint64_t)phnum * phentsize > len - phoff) {
        return elf_fail(errp, name, "program headers beyond end of file");
    }
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = data + phoff + (uint64_t)i * phentsize;
        uint64_t off = ldq_le_p(ph + 8), paddr = ldq_le_p(ph + 24);
        uint64_t filesz = ldq_le_p(ph + 32), memsz = ldq_le_p(ph + 40);

        if (ldl_le_p(ph) != PT_LOAD || memsz == 0) {
            continue;
        }
        if (filesz > memsz) {
            return elf_fail(errp, name, "segment file size exceeds its "
                            "memory size");
        }
        if (off > len || filesz > len - off) {
            return elf_fail(errp, name, "segment beyond end of file");
        }
        if (paddr + memsz < paddr) {
            return elf_fail(errp, name, "segment address overflows");
        }
        if (!rom_add_blob(set, name, paddr, data + off, filesz, memsz,
                          errp)) {
            return false;
        }
        lo = MIN(lo, paddr);
        hi = MAX(hi, paddr + memsz);
        loaded++;
    }
    if (!loaded) {
        return elf_fail(errp, name, "no loadable segment");
    }
    *entry = ldq_le_p(data + 24);
    if (low) {
        *low = lo;
    }
    if (high) {
        *high = hi;
    }
    return true;
}
