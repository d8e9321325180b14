/*
 * Loaders: ELF64 images (good and malformed), raw firmware, files that do
 * not exist or do not fit, the blob set re-installed at reset, the reset
 * vector and fw_dynamic_info.
 */
#include <string.h>
#include <unistd.h>

#include "hw/loader.h"
#include "hw/riscv/boot.h"
#include "qemu/units.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (1 * MiB)

typedef struct Fixture {
    RomSet *roms;
    uint8_t *ram;
    uint8_t rom[0x1000];
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    f->ram = g_malloc0(RAM_SIZE);
    memset(f->rom, 0, sizeof(f->rom));
    f->roms = rom_set_new();
    rom_set_add_target(f->roms, "the reset ROM", 0x1000, sizeof(f->rom),
                       f->rom);
    rom_set_add_target(f->roms, "RAM", RAM_BASE, RAM_SIZE, f->ram);
}

static void teardown(Fixture *f, gconstpointer data)
{
    rom_set_free(f->roms);
    g_free(f->ram);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, v);
    put32(p + 4, v >> 32);
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

/*
 * A RISC-V ELF64 executable with two PT_LOAD segments: 16 bytes of code
 * at 0x80000000 and 8 bytes of data at 0x80001000 with 4 KiB of bss.
 */
#define ELF_SIZE (64 + 2 * 56 + 16 + 8)

static void make_elf(uint8_t *e)
{
    uint8_t *ph;

    memset(e, 0, ELF_SIZE);
    memcpy(e, "\177ELF", 4);
    e[4] = 2;               /* ELFCLASS64 */
    e[5] = 1;               /* little-endian */
    e[6] = 1;
    put16(e + 16, 2);       /* ET_EXEC */
    put16(e + 18, 243);     /* EM_RISCV */
    put32(e + 20, 1);
    put64(e + 24, 0x80000004);      /* entry */
    put64(e + 32, 64);      /* phoff */
    put16(e + 52, 64);
    put16(e + 54, 56);
    put16(e + 56, 2);
    ph = e + 64;
    put32(ph, 1);
    put64(ph + 8, 64 + 2 * 56);
    put64(ph + 16, 0x80000000);
    put64(ph + 24, 0x80000000);
    put64(ph + 32, 16);
    put64(ph + 40, 16);
    ph += 56;
    put32(ph, 1);
    put64(ph + 8, 64 + 2 * 56 + 16);
    put64(ph + 16, 0x80001000);
    put64(ph + 24, 0x80001000);
    put64(ph + 32, 8);
    put64(ph + 40, 8 + 4096);
    memset(e + 64 + 2 * 56, 0x13, 16);
    memset(e + 64 + 2 * 56 + 16, 0xaa, 8);
}

static void test_elf_good(Fixture *f, gconstpointer data)
{
    uint8_t e[ELF_SIZE];
    uint64_t entry, low, high;
    g_autoptr(Error) err = NULL;

    make_elf(e);
    g_assert_true(elf_is_elf(e, sizeof(e)));
    g_assert_true(elf64_load(f->roms, "good.elf", e, sizeof(e), &entry,
                             &low, &high, &err));
    g_assert_null(err);
    g_assert_cmphex(entry, ==, 0x80000004);
    g_assert_cmphex(low, ==, 0x80000000);
    g_assert_cmphex(high, ==, 0x80001000 + 8 + 4096);
    /* nothing is written before install; then the bss is zeroed */
    memset(f->ram, 0x55, RAM_SIZE);
    rom_set_install(f->roms, NULL, NULL);
    g_assert_cmphex(f->ram[0], ==, 0x13);
    g_assert_cmphex(f->ram[15], ==, 0x13);
    g_assert_cmphex(f->ram[16], ==, 0x55);
    g_assert_cmphex(f->ram[0x1000], ==, 0xaa);
    g_assert_cmphex(f->ram[0x1008], ==, 0);
    g_assert_cmphex(f->ram[0x1000 + 8 + 4095], ==, 0);
    g_assert_cmphex(f->ram[0x1000 + 8 + 4096], ==, 0x55);
    /* a reset re-installs the pristine image */
    f->ram[0] = 0;
    rom_set_install(f->roms, NULL, NULL);
    g_assert_cmphex(f->ram[0], ==, 0x13);
    g_assert_cmphex(rom_set_end(f->roms), ==, high);
}

typedef void Corrupt(uint8_t *e);

static void c_truncated(uint8_t *e) { (void)e; }
static void c_class32(uint8_t *e) { e[4] = 1; }
static void c_bigendian(uint8_t *e) { e[5] = 2; }
static void c_machine(uint8_t *e) { put16(e + 18, 62); }
static void c_type(uint8_t *e) { put16(e + 16, 1); }
static void c_phentsize(uint8_t *e) { put16(e + 54, 32); }
static void c_phoff(uint8_t *e) { put64(e + 32, 1ULL << 40); }
static void c_phnum(uint8_t *e) { put16(e + 56, 100); }
static void c_filesz(uint8_t *e) { put64(e + 64 + 32, 64); }
static void c_offset(uint8_t *e) { put64(e + 64 + 8, 1ULL << 62); }
static void c_outside(uint8_t *e) { put64(e + 64 + 24, 0x10000000); }
static void c_wrap(uint8_t *e)
{
    put64(e + 64 + 24, ~0ULL - 4);
}
static void c_toobig(uint8_t *e) { put64(e + 64 + 56 + 40, 2 * MiB); }
static void c_overlap(uint8_t *e) { put64(e + 64 + 56 + 24, 0x80000008); }
static void c_noload(uint8_t *e)
{
    put32(e + 64, 4);
    put32(e + 64 + 56, 4);
}

static const struct {
    const char *name;
    Corrupt *fn;
    size_t len;
    const char *msg;
} bad_elves[] = {
    { "truncated", c_truncated, 40, "truncated header" },
    { "class32", c_class32, ELF_SIZE, "not a 64-bit image" },
    { "bigendian", c_bigendian, ELF_SIZE, "not little-endian" },
    { "machine", c_machine, ELF_SIZE, "not a RISC-V image" },
    { "type", c_type, ELF_SIZE, "not an executable" },
    { "phentsize", c_phentsize, ELF_SIZE, "bad program header size" },
    { "phoff", c_phoff, ELF_SIZE, "program headers beyond end of file" },
    { "phnum", c_phnum, ELF_SIZE, "program headers beyond end of file" },
    { "filesz", c_filesz, ELF_SIZE, "file size exceeds" },
    { "offset", c_offset, ELF_SIZE, "segment beyond end of file" },
    { "outside", c_outside, ELF_SIZE, "does not fit in RAM" },
    { "wrap", c_wrap, ELF_SIZE, "overflows" },
    { "toobig", c_toobig, ELF_SIZE, "does not fit in RAM" },
    { "overlap", c_overlap, ELF_SIZE, "overlaps" },
    { "noload", c_noload, ELF_SIZE, "no loadable segment" },
};

static void test_elf_bad(Fixture *f, gconstpointer data)
{
    for (size_t i = 0; i < G_N_ELEMENTS(bad_elves); i++) {
        uint8_t e[ELF_SIZE];
        uint64_t entry;
        Error *err = NULL;
        RomSet *set = rom_set_new();

        rom_set_add_target(set, "RAM", RAM_BASE, RAM_SIZE, f->ram);
        make_elf(e);
        bad_elves[i].fn(e);
        g_assert_false(elf64_load(set, "bad.elf", e, bad_elves[i].len,
                                  &entry, NULL, NULL, &err));
        g_assert_nonnull(err);
        if (!strstr(error_get_pretty(err), bad_elves[i].msg)) {
            g_error("%s: unexpected message: %s", bad_elves[i].name,
                    error_get_pretty(err));
        }
        error_free(err);
        rom_set_free(set);
    }
}

static char *write_tmp(const void *data, size_t len)
{
    char *path = NULL;
    int fd = g_file_open_tmp("loader-XXXXXX", &path, NULL);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(write(fd, data, len), ==, (ssize_t)len);
    close(fd);
    return path;
}

static void test_firmware_raw_and_elf(Fixture *f, gconstpointer data)
{
    const uint8_t raw[] = { 1, 2, 3, 4, 5 };
    uint8_t e[ELF_SIZE];
    g_autofree char *raw_path = write_tmp(raw, sizeof(raw));
    g_autofree char *elf_path = NULL;
    uint64_t entry, end;
    g_autoptr(Error) err = NULL;

    g_assert_true(riscv_load_firmware(f->roms, raw_path, RAM_BASE, RAM_SIZE,
                                      &entry, &end, &err));
    g_assert_cmphex(entry, ==, RAM_BASE);
    g_assert_cmphex(end, ==, RAM_BASE + 5);
    rom_set_install(f->roms, NULL, NULL);
    g_assert_cmpmem(f->ram, 5, raw, 5);

    /* the same place again: the set refuses the overlap */
    make_elf(e);
    elf_path = write_tmp(e, sizeof(e));
    g_assert_false(riscv_load_kernel(f->roms, elf_path, RAM_BASE + 0x100000,
                                     RAM_SIZE, &entry, &end, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "overlaps"));
    unlink(raw_path);
    unlink(elf_path);
}

static void test_file_errors(Fixture *f, gconstpointer data)
{
    g_autofree uint8_t *big = g_malloc0(RAM_SIZE + 1);
    g_autofree char *big_path = write_tmp(big, RAM_SIZE + 1);
    g_autofree char *empty_path = write_tmp("", 0);
    uint64_t entry, end;
    Error *err = NULL;

    g_assert_false(riscv_load_firmware(f->roms, "/nonexistent/fw.bin",
                                       RAM_BASE, RAM_SIZE, &entry, &end,
                                       &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Could not open '/nonexistent/fw.bin': "
                    "No such file or directory");
    error_free_or_abort(&err);

    g_assert_false(riscv_load_firmware(f->roms, big_path, RAM_BASE, RAM_SIZE,
                                       &entry, &end, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "is too large"));
    error_free_or_abort(&err);

    g_assert_false(riscv_load_firmware(f->roms, empty_path, RAM_BASE,
                                       RAM_SIZE, &entry, &end, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "is empty"));
    error_free_or_abort(&err);

    g_assert_false(riscv_load_firmware(f->roms, "/", RAM_BASE, RAM_SIZE,
                                       &entry, &end, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "not a regular file"));
    error_free_or_abort(&err);

    /* fits in size, but not at the end of RAM */
    {
        g_autofree uint8_t *half = g_malloc0(RAM_SIZE / 2 + 1);
        g_autofree char *half_path = write_tmp(half, RAM_SIZE / 2 + 1);

        g_assert_false(riscv_load_kernel(f->roms, half_path,
                                         RAM_BASE + RAM_SIZE / 2, RAM_SIZE,
                                         &entry, &end, &err));
        g_assert_nonnull(strstr(error_get_pretty(err), "does not fit in RAM"));
        error_free_or_abort(&err);
        unlink(half_path);
    }
    unlink(big_path);
    unlink(empty_path);
}

static void test_reset_vector(Fixture *f, gconstpointer data)
{
    g_autoptr(Error) err = NULL;
    const uint8_t *r = f->rom;

    g_assert_true(riscv_setup_rom_reset_vec(f->roms, 0x1000, sizeof(f->rom),
                                            0x80000000, 0x87e00000,
                                            0x80200000, &err));
    rom_set_install(f->roms, NULL, NULL);
    /* auipc t0,0; addi a2,t0,40; csrr a0,mhartid; ld a1,32(t0);
     * ld t0,24(t0); jr t0 -- checked as encodings */
    g_assert_cmphex(get64(r) & 0xffffffff, ==, 0x00000297);
    g_assert_cmphex(get64(r + 4) & 0xffffffff, ==, 0x02828613);
    g_assert_cmphex(get64(r + 8) & 0xffffffff, ==, 0xf1402573);
    g_assert_cmphex(get64(r + 12) & 0xffffffff, ==, 0x0202b583);
    g_assert_cmphex(get64(r + 16) & 0xffffffff, ==, 0x0182b283);
    g_assert_cmphex(get64(r + 20) & 0xffffffff, ==, 0x00028067);
    g_assert_cmphex(get64(r + 0x18), ==, 0x80000000);
    g_assert_cmphex(get64(r + 0x20), ==, 0x87e00000);
    /* fw_dynamic_info at a2 = 0x1028 */
    g_assert_cmphex(get64(r + 0x28), ==, 0x4942534f);
    g_assert_cmphex(get64(r + 0x30), ==, 2);
    g_assert_cmphex(get64(r + 0x38), ==, 0x80200000);
    g_assert_cmphex(get64(r + 0x40), ==, 1);
    g_assert_cmphex(get64(r + 0x48), ==, 0);
    g_assert_cmphex(get64(r + 0x50), ==, 0);
}

static void test_fdt_addr(void)
{
    g_assert_cmphex(riscv_compute_fdt_addr(0x80000000, 128 * MiB, 0x2000), ==,
                    0x87e00000);
    /* above 3 GiB of address space it stays below 3 GiB */
    g_assert_cmphex(riscv_compute_fdt_addr(0x80000000, 8 * GiB, 0x2000), ==,
                    0xbfe00000);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) \
    g_test_add("/loader/" name, Fixture, NULL, setup, fn, teardown)
    ADD("elf-good", test_elf_good);
    ADD("elf-bad", test_elf_bad);
    ADD("firmware-raw-elf", test_firmware_raw_and_elf);
    ADD("file-errors", test_file_errors);
    ADD("reset-vector", test_reset_vector);
    g_test_add_func("/loader/fdt-addr", test_fdt_addr);
    return g_test_run();
}
