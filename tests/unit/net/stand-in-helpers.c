/*
 * Stand-in bridge helpers (see stand-in-helpers.h).
 */

#include "stand-in-helpers.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>

static char *dir;

void stand_in_init(void)
{
    dir = g_dir_make_tmp("net-helpers-XXXXXX", NULL);
    g_assert_nonnull(dir);
}

void stand_in_cleanup(void)
{
    g_autofree char *rm = g_strdup_printf("rm -rf %s", dir);

    g_assert_cmpint(system(rm), ==, 0);
    g_clear_pointer(&dir, g_free);
}

char *stand_in_path(const char *name)
{
    return g_build_filename(dir, name, NULL);
}

char *stand_in_write(const char *name, const char *body)
{
    char *path = stand_in_path(name);

    g_assert_true(g_file_set_contents(path, body, -1, NULL));
    g_assert_cmpint(g_chmod(path, 0755), ==, 0);
    return path;
}

char *stand_in_fd_sender(const char *name, const char *sleep)
{
    g_autofree char *body = g_strdup_printf(
        "#!/usr/bin/python3\n"
        "import socket, sys, time\n"
        "time.sleep(%s)\n"
        "fd = int([a for a in sys.argv if a.startswith('--fd=')][0][5:])\n"
        "a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
        "socket.send_fds(socket.socket(fileno=fd), [b'\\0'], [a.fileno()])\n",
        sleep);

    return stand_in_write(name, body);
}

char *stand_in_hanging(const char *name, const char *pidfile)
{
    g_autofree char *body = g_strdup_printf(
        "#!/bin/sh\necho $$ > %s.tmp\nmv %s.tmp %s\nexec sleep 60\n",
        pidfile, pidfile, pidfile);

    return stand_in_write(name, body);
}

pid_t stand_in_wait_pid(const char *pidfile)
{
    g_autofree char *text = NULL;

    while (!g_file_test(pidfile, G_FILE_TEST_EXISTS)) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
    g_assert_true(g_file_get_contents(pidfile, &text, NULL, NULL));
    return (pid_t)atoi(text);
}
