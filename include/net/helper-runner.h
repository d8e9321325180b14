/*
 * The bridge helper runner: runs a helper program with QEMU's protocol and
 * returns the file descriptor it sends.  It knows nothing of taps: what the
 * fd is for is the caller's business (net/tap.c).
 *
 * The protocol (see docs/tools/qemu-bridge-helper.rst): a socketpair; the
 * helper gets "--use-vnet --fd=N --br=BRIDGE" and sends one byte with the fd
 * as SCM_RIGHTS.  A helper string holding a space or tab runs through
 * /bin/sh -c, and gets --br= only when the string has none (QEMU's rule).
 *
 * Rules:
 * - The helper's stdout and stderr are captured (bounded) so its reason for
 *   failing reaches the user: "bridge helper failed: <its output joined with
 *   '; '>".  Every other fd of ours is closed in the child.
 * - A helper gets TIMEOUT_MS to exit; then it is killed (with its process
 *   group, so children of a shell wrapper go too) and reaped.
 * - Nothing here blocks the main loop: helper_run_start() watches the
 *   socket, the output pipe, the child's exit and the deadline with
 *   GSources on the thread-default GMainContext.  helper_run_sync() is for
 *   start-up: it pushes a private context and iterates it until done.
 */
#ifndef NET_HELPER_RUNNER_H
#define NET_HELPER_RUNNER_H

#include <glib.h>

#include "qapi/error.h"

typedef struct HelperRun HelperRun;

/*
 * The run is over: FD >= 0 is the descriptor the helper sent (the callee
 * owns it), or FD is -1 and ERR (owned by the callee) says why.  Runs once,
 * from the context's dispatch, never from inside helper_run_start(); the
 * HelperRun is freed right after it returns.
 */
typedef void HelperRunDone(int fd, Error *err, void *opaque);

/*
 * Starts HELPER for BRIDGE.  Returns NULL with *errp set when it could not
 * even start (socketpair, pipe or fork failed); DONE is not called then.
 */
HelperRun *helper_run_start(const char *helper, const char *bridge,
                            int timeout_ms, HelperRunDone *done, void *opaque,
                            Error **errp);

/*
 * Abandons a run whose DONE has not been called: kills the helper and its
 * process group, reaps it, closes whatever fd arrived, frees RUN.  DONE is
 * not called.
 */
void helper_run_cancel(HelperRun *run);

/* Runs HELPER to the end; the fd it sent, or -1 with *errp set. */
int helper_run_sync(const char *helper, const char *bridge, int timeout_ms,
                    Error **errp);

#endif
