/*
 * The bridge helper runner (see include/net/helper-runner.h).
 *
 * One run is a small state machine driven by four GSources: the socket
 * (the fd arrives), the output pipe (what the helper says), the child watch
 * (it exited; glib reaps it) and the deadline.  The run ends when the child
 * has been reaped: what is still buffered in the socket and the pipe is
 * read then without waiting, because a grandchild may hold them open.
 */

#include "net/helper-runner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

/* Bytes of helper output kept for the error message. */
#define HELPER_OUTPUT_MAX 4096

struct HelperRun {
    char *helper;               /* as given, for the timeout message */
    int timeout_ms;
    pid_t pid;                  /* 0 once reaped */
    int sock;                   /* our end of the socketpair, or -1 */
    int out;                    /* read end of the output pipe, or -1 */
    int fd;                     /* what the helper sent, or -1 */
    bool timed_out;
    GString *output;
    GSource *sock_source, *out_source, *child_source, *deadline_source;
    HelperRunDone *done;
    void *opaque;
};

/* Receives the one byte and, with it, the fd.  >0: got it, 0: EOF. */
static int receive_fd(int sock, int flags, int *fd)
{
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr hdr;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1,
        .msg_control = control.buf, .msg_controllen = sizeof(control.buf),
    };
    ssize_t n;

    do {
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | flags);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        return n < 0 ? -errno : 0;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len == CMSG_LEN(sizeof(int))) {
            memcpy(fd, CMSG_DATA(c), sizeof(int));
        }
    }
    return 1;
}

static char **helper_argv(const char *helper, const char *bridge, int fd)
{
    g_autofree char *fd_arg = g_strdup_printf("--fd=%d", fd);
    g_autofree char *br_arg = g_strdup_printf("--br=%s", bridge);
    GPtrArray *argv = g_ptr_array_new();

    if (strpbrk(helper, " \t")) {
        /* QEMU's rule: a helper with arguments runs through the shell, and
         * its own --br= wins over ours. */
        bool has_br = strstr(helper, "--br=") != NULL;

        g_ptr_array_add(argv, g_strdup("/bin/sh"));
        g_ptr_array_add(argv, g_strdup("-c"));
        g_ptr_array_add(argv, g_strdup_printf("%s --use-vnet %s%s%s", helper,
                                              fd_arg, has_br ? "" : " ",
                                              has_br ? "" : br_arg));
    } else {
        g_ptr_array_add(argv, g_strdup(helper));
        g_ptr_array_add(argv, g_strdup("--use-vnet"));
        g_ptr_array_add(argv, g_steal_pointer(&fd_arg));
        g_ptr_array_add(argv, g_steal_pointer(&br_arg));
    }
    g_ptr_array_add(argv, NULL);
    return (char **)g_ptr_array_free(argv, FALSE);
}

/* Only async-signal-safe calls between fork and exec. */
static void G_GNUC_NORETURN exec_helper(char **argv, int sock, int out)
{
    /* A group of its own: a deadline or a cancel kills a shell wrapper's
     * children too. */
    setpgid(0, 0);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    fcntl(sock, F_SETFD, 0);
    if (sock > 3) {
        close_range(3, (unsigned)sock - 1, 0);
    }
    close_range((unsigned)sock + 1, ~0U, 0);
    execv(argv[0], argv);
    {
        const char *why = strerror(errno);
        (void)!write(STDERR_FILENO, "cannot run ", 11);
        (void)!write(STDERR_FILENO, argv[0], strlen(argv[0]));
        (void)!write(STDERR_FILENO, ": ", 2);
        (void)!write(STDERR_FILENO, why, strlen(why));
        (void)!write(STDERR_FILENO, "\n", 1);
    }
    _exit(1);
}

/* The helper's output as one line for an error message. */
static char *summarize_output(GString *out)
{
    g_autofree char *text = g_strstrip(g_strdup(out->str));
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

    return g_strjoinv("; ", lines);
}

static void drop_source(GSource **source)
{
    if (*source) {
        g_source_destroy(*source);
        g_source_unref(*source);
        *source = NULL;
    }
}

static void close_sock(HelperRun *run)
{
    drop_source(&run->sock_source);
    if (run->sock >= 0) {
        close(run->sock);
        run->sock = -1;
    }
}

static void close_output(HelperRun *run)
{
    drop_source(&run->out_source);
    if (run->out >= 0) {
        close(run->out);
        run->out = -1;
    }
}

/* Takes what the socket holds; false once it is done with (fd or EOF). */
static bool read_sock(HelperRun *run, int flags)
{
    int ret = receive_fd(run->sock, flags, &run->fd);

    if (ret == -EAGAIN || ret == -EWOULDBLOCK) {
        return true;
    }
    close_sock(run);
    return false;
}

/* Reads what the pipe holds (the pipe is non-blocking); false at EOF. */
static bool read_output(HelperRun *run)
{
    char buf[512];
    ssize_t len;

    for (;;) {
        len = read(run->out, buf, sizeof(buf));
        if (len > 0) {
            /* Beyond the limit keep reading, so the helper never blocks. */
            if (run->output->len < HELPER_OUTPUT_MAX) {
                g_string_append_len(run->output, buf, len);
            }
            continue;
        }
        if (len < 0 && errno == EINTR) {
            continue;
        }
        if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return true;
        }
        close_output(run);
        return false;
    }
}

static gboolean on_sock(gint fd, GIOCondition cond, gpointer opaque)
{
    return read_sock(opaque, 0) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean on_output(gint fd, GIOCondition cond, gpointer opaque)
{
    return read_output(opaque) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean on_deadline(gpointer opaque)
{
    HelperRun *run = opaque;

    /* The child watch reaps it and ends the run. */
    run->timed_out = true;
    if (kill(-run->pid, SIGKILL) < 0) {
        kill(run->pid, SIGKILL);
    }
    g_source_unref(run->deadline_source);
    run->deadline_source = NULL;
    return G_SOURCE_REMOVE;
}

static void helper_run_free(HelperRun *run)
{
    close_sock(run);
    close_output(run);
    drop_source(&run->child_source);
    drop_source(&run->deadline_source);
    if (run->fd >= 0) {
        close(run->fd);
    }
    g_string_free(run->output, TRUE);
    g_free(run->helper);
    g_free(run);
}

static Error *failure(HelperRun *run, int status)
{
    g_autofree char *why = NULL;
    Error *err = NULL;

    if (run->timed_out) {
        error_setg(&err, "bridge helper failed: %s did not finish within "
                   "%d s", run->helper, run->timeout_ms / 1000);
        return err;
    }
    why = summarize_output(run->output);
    if (!*why) {
        g_free(why);
        why = WIFEXITED(status) && WEXITSTATUS(status) == 0
            ? g_strdup("it exited without sending a file descriptor")
            : g_strdup_printf("it exited with status %d",
                              WIFEXITED(status) ? WEXITSTATUS(status)
                                                : 128 + WTERMSIG(status));
    }
    error_setg(&err, "bridge helper failed: %s", why);
    return err;
}

static void on_child_exit(GPid pid, gint status, gpointer opaque)
{
    HelperRun *run = opaque;
    Error *err = NULL;
    int fd = -1;

    run->pid = 0;               /* glib reaped it */
    /* What it wrote before exiting; a grandchild keeping the pipe or the
     * socket open does not keep us waiting. */
    if (run->sock >= 0) {
        read_sock(run, MSG_DONTWAIT);
    }
    if (run->out >= 0) {
        read_output(run);
    }
    if (!run->timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
        run->fd >= 0) {
        fd = run->fd;
        run->fd = -1;
    } else {
        err = failure(run, status);
    }
    run->done(fd, err, run->opaque);
    helper_run_free(run);
}

static GSource *attach(GSource *source, GSourceFunc fn, HelperRun *run)
{
    GMainContext *ctx = g_main_context_ref_thread_default();

    g_source_set_callback(source, fn, run, NULL);
    g_source_attach(source, ctx);
    g_main_context_unref(ctx);
    return source;
}

HelperRun *helper_run_start(const char *helper, const char *bridge,
                            int timeout_ms, HelperRunDone *done, void *opaque,
                            Error **errp)
{
    g_auto(GStrv) argv = NULL;
    int sv[2], pipefd[2];
    HelperRun *run;
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        error_setg_errno(errp, errno, "bridge helper: socketpair failed");
        return NULL;
    }
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        error_setg_errno(errp, errno, "bridge helper: pipe failed");
        close(sv[0]);
        close(sv[1]);
        return NULL;
    }
    argv = helper_argv(helper, bridge, sv[1]);
    pid = fork();
    if (pid == 0) {
        exec_helper(argv, sv[1], pipefd[1]);
    }
    close(sv[1]);
    close(pipefd[1]);
    if (pid < 0) {
        error_setg_errno(errp, errno, "bridge helper: fork failed");
        close(sv[0]);
        close(pipefd[0]);
        return NULL;
    }
    /* Also here: whichever of us runs first, the group exists for kill(). */
    setpgid(pid, pid);
    fcntl(pipefd[0], F_SETFL, O_NONBLOCK);

    run = g_new0(HelperRun, 1);
    run->helper = g_strdup(helper);
    run->timeout_ms = timeout_ms;
    run->pid = pid;
    run->sock = sv[0];
    run->out = pipefd[0];
    run->fd = -1;
    run->output = g_string_new("");
    run->done = done;
    run->opaque = opaque;
    run->sock_source = attach(g_unix_fd_source_new(run->sock, G_IO_IN |
                                                   G_IO_HUP | G_IO_ERR),
                              G_SOURCE_FUNC(on_sock), run);
    run->out_source = attach(g_unix_fd_source_new(run->out, G_IO_IN |
                                                  G_IO_HUP | G_IO_ERR),
                             G_SOURCE_FUNC(on_output), run);
    run->child_source = attach(g_child_watch_source_new(pid),
                               G_SOURCE_FUNC(on_child_exit), run);
    run->deadline_source = attach(g_timeout_source_new((guint)timeout_ms),
                                  on_deadline, run);
    return run;
}

void helper_run_cancel(HelperRun *run)
{
    /* Reaped by us, not glib: its watch must go first. */
    drop_source(&run->child_source);
    if (run->pid > 0) {
        int status;

        if (kill(-run->pid, SIGKILL) < 0) {
            kill(run->pid, SIGKILL);
        }
        while (waitpid(run->pid, &status, 0) < 0 && errno == EINTR) {
            /* SIGKILL cannot be caught: this wait is short */
        }
    }
    helper_run_free(run);
}

/* ---- the synchronous form, for start-up ---- */

typedef struct SyncRun {
    bool finished;
    int fd;
    Error *err;
} SyncRun;

static void sync_done(int fd, Error *err, void *opaque)
{
    SyncRun *s = opaque;

    s->finished = true;
    s->fd = fd;
    s->err = err;
}

int helper_run_sync(const char *helper, const char *bridge, int timeout_ms,
                    Error **errp)
{
    GMainContext *ctx = g_main_context_new();
    SyncRun s = { .fd = -1 };

    /* A private context: nothing else of the emulator runs meanwhile. */
    g_main_context_push_thread_default(ctx);
    if (helper_run_start(helper, bridge, timeout_ms, sync_done, &s, errp)) {
        while (!s.finished) {
            g_main_context_iteration(ctx, TRUE);
        }
    }
    g_main_context_pop_thread_default(ctx);
    g_main_context_unref(ctx);
    if (s.err) {
        error_propagate(errp, s.err);
    }
    return s.fd;
}
