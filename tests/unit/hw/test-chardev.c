/*
 * Character devices: the mux escapes (Ctrl-A h/x/c/b/Ctrl-A), input
 * buffering for a busy front-end, focus switching between two front-ends,
 * and the compact -serial syntax.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "test-chr.h"

typedef struct Front {
    GString *in;
    int room;
    int breaks;
    int mux_in;
} Front;

static int front_can_read(void *opaque)
{
    return ((Front *)opaque)->room;
}

static void front_read(void *opaque, const uint8_t *buf, int size)
{
    Front *fe = opaque;

    g_assert_cmpint(size, <=, fe->room);
    g_string_append_len(fe->in, (const char *)buf, size);
    fe->room -= size;
}

static void front_event(void *opaque, QEMUChrEvent ev)
{
    Front *fe = opaque;

    if (ev == CHR_EVENT_BREAK) {
        fe->breaks++;
    } else if (ev == CHR_EVENT_MUX_IN) {
        fe->mux_in++;
    }
}

static int quits;

static void count_quit(void)
{
    quits++;
}

static void test_mux_escapes(void)
{
    TestChardev *base = test_chr_new();
    Chardev *mux = qemu_chr_mux_new("mux0", &base->parent, NULL);
    Front fe = { g_string_new(NULL), 100, 0, 0 };
    CharBackend be;

    qemu_chr_quit_handler = count_quit;
    g_assert_true(qemu_chr_is_mux(mux));
    g_assert_true(qemu_chr_fe_init(&be, mux, NULL));
    qemu_chr_fe_set_handlers(&be, front_can_read, front_read, front_event,
                             &fe);
    g_assert_cmpint(fe.mux_in, ==, 1);

    test_chr_input(base, "ab\001\001c");
    g_assert_cmpstr(fe.in->str, ==, "ab\001c");

    test_chr_input(base, "\001h");
    g_assert_nonnull(strstr(base->out->str, "C-a x    exit emulator"));
    g_string_truncate(base->out, 0);

    test_chr_input(base, "\001c");
    g_assert_nonnull(strstr(base->out->str, "no monitor on this console"));

    test_chr_input(base, "\001b");
    g_assert_cmpint(fe.breaks, ==, 1);

    test_chr_input(base, "\001");
    test_chr_input(base, "x");
    g_assert_cmpint(quits, ==, 1);
    g_assert_nonnull(strstr(base->out->str, "QEMU: Terminated"));
    g_assert_cmpstr(fe.in->str, ==, "ab\001c");

    /* output from the front-end goes through */
    qemu_chr_fe_write_all(&be, (const uint8_t *)"out", 3);
    g_assert_true(g_str_has_suffix(base->out->str, "out"));

    qemu_chr_fe_deinit(&be);
    qemu_chr_delete(mux);
    test_chr_free(base);
    g_string_free(fe.in, TRUE);
}

static void test_mux_buffers_for_busy_frontend(void)
{
    TestChardev *base = test_chr_new();
    Chardev *mux = qemu_chr_mux_new("mux1", &base->parent, NULL);
    Front fe = { g_string_new(NULL), 0, 0, 0 };
    CharBackend be;

    qemu_chr_quit_handler = count_quit;
    quits = 0;
    g_assert_true(qemu_chr_fe_init(&be, mux, NULL));
    qemu_chr_fe_set_handlers(&be, front_can_read, front_read, front_event,
                             &fe);
    /* the guest reads nothing, yet Ctrl-A x still works */
    test_chr_input(base, "hello\001x");
    g_assert_cmpint(quits, ==, 1);
    g_assert_cmpstr(fe.in->str, ==, "");
    fe.room = 3;
    qemu_chr_fe_accept_input(&be);
    g_assert_cmpstr(fe.in->str, ==, "hel");
    g_assert_cmpint(base->accept_calls, >, 0);
    fe.room = 10;
    qemu_chr_fe_accept_input(&be);
    g_assert_cmpstr(fe.in->str, ==, "hello");

    qemu_chr_fe_deinit(&be);
    qemu_chr_delete(mux);
    test_chr_free(base);
    g_string_free(fe.in, TRUE);
}

static void test_mux_focus(void)
{
    TestChardev *base = test_chr_new();
    Chardev *mux = qemu_chr_mux_new("mux2", &base->parent, NULL);
    Front serial = { g_string_new(NULL), 100, 0, 0 };
    Front monitor = { g_string_new(NULL), 100, 0, 0 };
    CharBackend be_serial, be_monitor;

    g_assert_true(qemu_chr_fe_init(&be_serial, mux, NULL));
    qemu_chr_fe_set_handlers(&be_serial, front_can_read, front_read,
                             front_event, &serial);
    g_assert_true(qemu_chr_fe_init(&be_monitor, mux, NULL));
    qemu_chr_fe_set_handlers(&be_monitor, front_can_read, front_read,
                             front_event, &monitor);
    test_chr_input(base, "1\001c2\001c3");
    g_assert_cmpstr(serial.in->str, ==, "13");
    g_assert_cmpstr(monitor.in->str, ==, "2");
    g_assert_cmpint(monitor.mux_in, ==, 1);

    qemu_chr_fe_deinit(&be_monitor);
    qemu_chr_fe_deinit(&be_serial);
    qemu_chr_delete(mux);
    test_chr_free(base);
    g_string_free(serial.in, TRUE);
    g_string_free(monitor.in, TRUE);
}

static void test_compact_syntax(void)
{
    g_autofree char *dir = g_dir_make_tmp("chr-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "out.txt", NULL);
    g_autofree char *spec = g_strdup_printf("file:%s", path);
    g_autofree char *content = NULL;
    Error *err = NULL;
    Chardev *chr;
    CharBackend be;

    g_assert_null(qemu_chr_new("s0", "none", &err));
    g_assert_null(err);

    chr = qemu_chr_new("s1", "null", &err);
    g_assert_nonnull(chr);
    g_assert_true(qemu_chr_find("s1") == chr);
    qemu_chr_delete(chr);

    chr = qemu_chr_new("s2", spec, &err);
    g_assert_null(err);
    g_assert_true(qemu_chr_fe_init(&be, chr, NULL));
    qemu_chr_fe_write_all(&be, (const uint8_t *)"logged\n", 7);
    /* one front-end per plain back-end */
    {
        CharBackend be2;
        g_assert_false(qemu_chr_fe_init(&be2, chr, &err));
        g_assert_nonnull(strstr(error_get_pretty(err), "in use"));
        error_free_or_abort(&err);
    }
    qemu_chr_fe_deinit(&be);
    qemu_chr_delete(chr);
    g_assert_true(g_file_get_contents(path, &content, NULL, NULL));
    g_assert_cmpstr(content, ==, "logged\n");

    g_assert_null(qemu_chr_new("s3", "file:/nonexistent/dir/x", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Could not open '/nonexistent/dir/x': "
                    "No such file or directory");
    error_free_or_abort(&err);
    g_assert_null(qemu_chr_new("s4", "bogus", &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "not a valid char driver"));
    error_free_or_abort(&err);

    g_unlink(path);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/chardev/mux-escapes", test_mux_escapes);
    g_test_add_func("/chardev/mux-busy-frontend",
                    test_mux_buffers_for_busy_frontend);
    g_test_add_func("/chardev/mux-focus", test_mux_focus);
    g_test_add_func("/chardev/compact-syntax", test_compact_syntax);
    return g_test_run();
}
