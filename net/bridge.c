/*
 * The bridge back-end, -netdev bridge: a tap from qemu-bridge-helper.
 *
 * The helper runs with QEMU's protocol (see docs/tools/qemu-bridge-helper.rst)
 * but, unlike QEMU, with a deadline, with its stdout and stderr captured (so
 * its reason for failing reaches the user in our error message, and nothing
 * it prints lands on the guest's console), and with every other fd closed.
 */

#include "net/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/clients.h"

int net_bridge_helper_timeout_ms = BRIDGE_HELPER_TIMEOUT_MS;

/* Bytes of helper output kept for the error message. */
#define HELPER_OUTPUT_MAX 4096

static int64_t now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

/* Receives the one byte and, with it, the fd.  >0: got it, 0: EOF. */
static int receive_fd(int sock, int *fd)
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
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
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
        g_ptr_array_add(argv, g_strdup("/bin/sh"));
        g_ptr_array_add(argv, g_strdup("-c"));
        g_ptr_array_add(argv, g_strdup_printf("%s --use-vnet %s%s%s", helper,
                                              fd_arg,
                                              strstr(helper, "--br=") ? "" : " ",
                                              strstr(helper, "--br=") ? "" : br_arg));
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

int net_bridge_run_helper(const char *helper, const char *bridge, Error **errp)
{
    g_auto(GStrv) argv = NULL;
    g_autoptr(GString) output = g_string_new("");
    int sv[2], pipefd[2];
    int tapfd = -1;
    bool sock_done = false, output_done = false;
    int64_t deadline = now_ms() + net_bridge_helper_timeout_ms;
    int status;
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        error_setg_errno(errp, errno, "bridge helper: socketpair failed");
        return -1;
    }
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        error_setg_errno(errp, errno, "bridge helper: pipe failed");
        close(sv[0]);
        close(sv[1]);
        return -1;
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
        return -1;
    }

    while (!sock_done || !output_done) {
        struct pollfd pfd[2];
        int n = 0, timeout = (int)(deadline - now_ms());

        if (timeout <= 0) {
            break;
        }
        if (!sock_done) {
            pfd[n++] = (struct pollfd){ .fd = sv[0], .events = POLLIN };
        }
        if (!output_done) {
            pfd[n++] = (struct pollfd){ .fd = pipefd[0], .events = POLLIN };
        }
        if (poll(pfd, (nfds_t)n, timeout) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        for (int i = 0; i < n; i++) {
            if (!pfd[i].revents) {
                continue;
            }
            if (pfd[i].fd == sv[0]) {
                sock_done = receive_fd(sv[0], &tapfd) != -EAGAIN;
            } else {
                char buf[512];
                ssize_t len = read(pipefd[0], buf, sizeof(buf));
                if (len > 0 && output->len < HELPER_OUTPUT_MAX) {
                    g_string_append_len(output, buf, len);
                } else if (len == 0 || (len < 0 && errno != EINTR)) {
                    output_done = true;
                }
            }
        }
    }
    close(sv[0]);
    close(pipefd[0]);

    /* Whatever it is doing now, the helper has had its time. */
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (now_ms() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            if (tapfd >= 0) {
                close(tapfd);
            }
            error_setg(errp, "bridge helper failed: %s did not finish within "
                       "%d s", helper, net_bridge_helper_timeout_ms / 1000);
            return -1;
        }
        g_usleep(1000);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || tapfd < 0) {
        g_autofree char *why = summarize_output(output);
        if (tapfd >= 0) {
            close(tapfd);
        }
        if (!*why) {
            g_free(why);
            why = WIFEXITED(status) && WEXITSTATUS(status) == 0
                ? g_strdup("it exited without sending a file descriptor")
                : g_strdup_printf("it exited with status %d",
                                  WIFEXITED(status) ? WEXITSTATUS(status)
                                                    : 128 + WTERMSIG(status));
        }
        error_setg(errp, "bridge helper failed: %s", why);
        return -1;
    }
    return tapfd;
}

bool net_init_bridge(const Netdev *netdev, const char *name,
                     NetClientState *peer, Error **errp)
{
    const NetdevBridgeOptions *opts = &netdev->u.bridge;
    const char *helper = opts->helper ? opts->helper : net_default_bridge_helper();
    const char *br = opts->br ? opts->br : "br0";
    NetClientState *nc;
    int fd = net_bridge_run_helper(helper, br, errp);

    if (fd < 0) {
        return false;
    }
    nc = net_tap_fd_init(peer, "bridge", name, fd);
    snprintf(nc->info_str, sizeof(nc->info_str), "helper=%s,br=%s", helper, br);
    return true;
}
