/*
 * Unit tests for the bridge helper runner (net/helper-runner.c), with
 * stand-in helpers: shell scripts that fail in the ways real helpers do,
 * and a Python one that sends a descriptor as qemu-bridge-helper does.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/helper-runner.h"
#include "stand-in-helpers.h"

#define DEADLINE_MS 10000

static int count_fds(void)
{
    DIR *dir = opendir("/proc/self/fd");
    int n = 0;

    g_assert_nonnull(dir);
    while (readdir(dir)) {
        n++;
    }
    closedir(dir);
    return n;
}

/* Gone, or a zombie waiting for its reaper (it runs no more). */
static bool process_gone(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *stat = NULL;
    const char *state;

    if (!g_file_get_contents(path, &stat, NULL, NULL)) {
        return true;
    }
    state = strrchr(stat, ')');
    return state && state[1] == ' ' && state[2] == 'Z';
}

static void expect_error(const char *helper, int timeout_ms, const char *want)
{
    Error *err = NULL;

    g_assert_cmpint(helper_run_sync(helper, "br0", timeout_ms, &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==, want);
    error_free(err);
}

static void test_failures(void)
{
    g_autofree char *denied = stand_in_write("denied",
        "#!/bin/sh\necho \"qemu-bridge-helper: access denied by ACL: no rule "
        "allows bridge '$3'\" >&2\necho second line\nexit 1\n");
    g_autofree char *silent = stand_in_write("silent", "#!/bin/sh\nexit 0\n");
    g_autofree char *status = stand_in_write("status", "#!/bin/sh\nexit 3\n");
    g_autofree char *crash = stand_in_write("crash", "#!/bin/sh\nkill -9 $$\n");

    expect_error(denied, DEADLINE_MS, "bridge helper failed: "
                 "qemu-bridge-helper: access denied by ACL: no rule allows "
                 "bridge '--br=br0'; second line");
    expect_error(silent, DEADLINE_MS, "bridge helper failed: it exited "
                 "without sending a file descriptor");
    expect_error(status, DEADLINE_MS, "bridge helper failed: it exited with "
                 "status 3");
    expect_error(crash, DEADLINE_MS, "bridge helper failed: it exited with "
                 "status 137");
    expect_error("/nonexistent/helper", DEADLINE_MS, "bridge helper failed: "
                 "cannot run /nonexistent/helper: No such file or directory");
}

/* Output is bounded; a helper that writes a lot is not blocked by us. */
static void test_output_bounded(void)
{
    g_autofree char *chatty = stand_in_write("chatty",
        "#!/bin/sh\nhead -c 1000000 /dev/zero | tr '\\0' x\nexit 1\n");
    Error *err = NULL;

    g_assert_cmpint(helper_run_sync(chatty, "br0", DEADLINE_MS, &err), ==, -1);
    g_assert_true(g_str_has_prefix(error_get_pretty(err),
                                   "bridge helper failed: xxx"));
    g_assert_cmpuint(strlen(error_get_pretty(err)), <, 8192);
    error_free(err);
}

static void test_arguments(void)
{
    g_autofree char *log = stand_in_path("args");
    g_autofree char *body = g_strdup_printf(
        "#!/bin/sh\necho \"$@\" > %s\nls -l /proc/$$/fd/ > %s.fds\n"
        "exit 1\n", log, log);
    g_autofree char *helper = stand_in_write("record", body);
    g_autofree char *with_br = g_strdup_printf("%s --br=qemubr0", helper);
    g_autofree char *with_args = g_strdup_printf("%s\t-v", helper);
    g_autofree char *fds_path = g_strdup_printf("%s.fds", log);
    g_autofree char *text = NULL;
    int marker = open("/dev/zero", O_RDONLY);   /* must not reach the helper */
    Error *err = NULL;

    g_assert_cmpint(helper_run_sync(helper, "br0", DEADLINE_MS, &err), ==, -1);
    g_clear_pointer(&err, error_free);
    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    g_assert_true(g_regex_match_simple("^--use-vnet --fd=[0-9]+ --br=br0\n$",
                                       text, 0, 0));
    g_free(text);
    g_assert_true(g_file_get_contents(fds_path, &text, NULL, NULL));
    g_assert_null(strstr(text, "/dev/zero"));
    g_assert_nonnull(strstr(text, "socket:"));
    g_free(text);
    close(marker);

    /* With arguments: through the shell, and its own --br= wins. */
    g_assert_cmpint(helper_run_sync(with_br, "br0", DEADLINE_MS, &err), ==, -1);
    g_clear_pointer(&err, error_free);
    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    g_assert_true(g_regex_match_simple("^--br=qemubr0 --use-vnet --fd=[0-9]+\n$",
                                       text, 0, 0));
    g_free(text);

    /* A tab counts as a space; without --br= in it, ours is added. */
    g_assert_cmpint(helper_run_sync(with_args, "br1", DEADLINE_MS, &err), ==,
                    -1);
    g_clear_pointer(&err, error_free);
    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    g_assert_true(g_regex_match_simple("^-v --use-vnet --fd=[0-9]+ --br=br1\n$",
                                       text, 0, 0));
}

static gboolean set_flag(gpointer opaque)
{
    *(bool *)opaque = true;
    return G_SOURCE_REMOVE;
}

static void test_sends_fd(void)
{
    g_autofree char *helper = stand_in_fd_sender("sender", "0");
    bool default_ran = false;
    guint idle = g_idle_add(set_flag, &default_ran);
    Error *err = NULL;
    int fd = helper_run_sync(helper, "br0", DEADLINE_MS, &err);
    int type = 0;
    socklen_t len = sizeof(type);

    g_assert_null(err);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(fcntl(fd, F_GETFD) & FD_CLOEXEC, ==, FD_CLOEXEC);
    /* The helper's datagram socket, not something of ours. */
    g_assert_cmpint(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len), ==, 0);
    g_assert_cmpint(type, ==, SOCK_DGRAM);
    close(fd);
    /* The wait iterated a private context, not the main loop's. */
    g_assert_false(default_ran);
    g_source_remove(idle);
}

/* A hanging helper (and its shell's child) is killed at the deadline. */
static void test_deadline(void)
{
    g_autofree char *pids = stand_in_path("hang.pids");
    g_autofree char *body = g_strdup_printf(
        "#!/bin/sh\nsleep 60 &\necho $$ $! > %s\nwait\n", pids);
    g_autofree char *helper = stand_in_write("hang", body);
    g_autofree char *want = g_strdup_printf(
        "bridge helper failed: %s did not finish within 0 s", helper);
    gint64 start = g_get_monotonic_time(), elapsed;
    g_autofree char *text = NULL;
    int shell, child;

    expect_error(helper, 300, want);
    elapsed = g_get_monotonic_time() - start;
    g_assert_cmpint(elapsed, >=, 300 * 1000);
    g_assert_cmpint(elapsed, <, 2 * G_USEC_PER_SEC);

    g_assert_true(g_file_get_contents(pids, &text, NULL, NULL));
    g_assert_cmpint(sscanf(text, "%d %d", &shell, &child), ==, 2);
    g_assert_true(process_gone(shell));     /* reaped by the runner */
    for (int i = 0; i < 200 && !process_gone(child); i++) {
        g_usleep(10 * 1000);                /* its reaper is not us */
    }
    g_assert_true(process_gone(child));
}

typedef struct Outcome {
    bool done;
    int fd;
    Error *err;
} Outcome;

static void record(int fd, Error *err, void *opaque)
{
    Outcome *o = opaque;

    o->done = true;
    o->fd = fd;
    o->err = err;
}

static gboolean tick(gpointer opaque)
{
    (*(int *)opaque)++;
    return G_SOURCE_CONTINUE;
}

/* The default context keeps dispatching while the helper works. */
static void test_async(void)
{
    g_autofree char *helper = stand_in_fd_sender("slow-sender", "0.5");
    Outcome o = { .fd = -1 };
    int ticks = 0;
    guint timer = g_timeout_add(10, tick, &ticks);
    int fds = count_fds();
    HelperRun *run = helper_run_start(helper, "br0", DEADLINE_MS, record, &o,
                                      &error_abort);

    g_assert_nonnull(run);
    g_assert_false(o.done);                 /* never from inside start */
    while (!o.done) {
        g_main_context_iteration(NULL, TRUE);
    }
    g_source_remove(timer);
    g_assert_null(o.err);
    g_assert_cmpint(o.fd, >=, 0);
    g_assert_cmpint(ticks, >=, 10);         /* ~50 in 0.5 s */
    close(o.fd);
    g_assert_cmpint(count_fds(), ==, fds);
}

static void test_cancel(void)
{
    g_autofree char *pidfile = stand_in_path("cancel.pid");
    g_autofree char *helper = stand_in_hanging("cancelled", pidfile);
    Outcome o = { .fd = -1 };
    int fds = count_fds();
    HelperRun *run = helper_run_start(helper, "br0", DEADLINE_MS, record, &o,
                                      &error_abort);
    pid_t pid;

    pid = stand_in_wait_pid(pidfile);
    helper_run_cancel(run);
    /* Reaped already: not even a zombie is left. */
    g_assert_cmpint(kill(pid, 0), ==, -1);
    g_assert_cmpint(errno, ==, ESRCH);
    g_assert_cmpint(count_fds(), ==, fds);
    for (int i = 0; i < 20; i++) {
        g_main_context_iteration(NULL, FALSE);
    }
    g_assert_false(o.done);
}

/* Every way a run ends gives back every descriptor it opened. */
static void test_no_fd_leaks(void)
{
    g_autofree char *sender = stand_in_fd_sender("leak-sender", "0");
    g_autofree char *denied = stand_in_write("leak-denied",
                                           "#!/bin/sh\necho no >&2\nexit 1\n");
    g_autofree char *hang = stand_in_write("leak-hang",
                                         "#!/bin/sh\nexec sleep 60\n");
    int before = count_fds();
    Error *err = NULL;

    for (int i = 0; i < 5; i++) {
        int fd = helper_run_sync(sender, "br0", DEADLINE_MS, &error_abort);

        close(fd);
        g_assert_cmpint(helper_run_sync(denied, "br0", DEADLINE_MS, &err), ==,
                        -1);
        g_clear_pointer(&err, error_free);
    }
    g_assert_cmpint(helper_run_sync(hang, "br0", 100, &err), ==, -1);
    g_clear_pointer(&err, error_free);
    g_assert_cmpint(count_fds(), ==, before);
}

int main(int argc, char **argv)
{
    int status;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/helper-runner/failures", test_failures);
    g_test_add_func("/helper-runner/output-bounded", test_output_bounded);
    g_test_add_func("/helper-runner/arguments", test_arguments);
    g_test_add_func("/helper-runner/sends-fd", test_sends_fd);
    g_test_add_func("/helper-runner/deadline", test_deadline);
    g_test_add_func("/helper-runner/async", test_async);
    g_test_add_func("/helper-runner/cancel", test_cancel);
    g_test_add_func("/helper-runner/no-fd-leaks", test_no_fd_leaks);
    stand_in_init();
    status = g_test_run();
    stand_in_cleanup();
    return status;
}
