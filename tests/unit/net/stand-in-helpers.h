/*
 * Stand-in bridge helpers for the network unit tests: small scripts in a
 * private directory that fail, hang or send a descriptor the way
 * qemu-bridge-helper does, without privileges or a bridge.
 */
#ifndef TESTS_UNIT_NET_STAND_IN_HELPERS_H
#define TESTS_UNIT_NET_STAND_IN_HELPERS_H

#include <sys/types.h>

/* The directory they live in; removed by stand_in_cleanup(). */
void stand_in_init(void);
void stand_in_cleanup(void);
/* A file in that directory (not created). */
char *stand_in_path(const char *name);
/* An executable script NAME with BODY. */
char *stand_in_write(const char *name, const char *body);
/* Sends one end of a fresh datagram socketpair after SLEEP seconds. */
char *stand_in_fd_sender(const char *name, const char *sleep);
/* Writes its pid to PIDFILE (atomically), then sleeps for a minute. */
char *stand_in_hanging(const char *name, const char *pidfile);
/* Iterates the default context until PIDFILE appears; its pid. */
pid_t stand_in_wait_pid(const char *pidfile);

#endif
