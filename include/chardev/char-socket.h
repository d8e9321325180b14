/*
 * The socket chardev back-end (chardev/char-socket.c): listening unix or
 * tcp sockets for QMP, with file descriptor passing.
 */
#ifndef CHARDEV_CHAR_SOCKET_H
#define CHARDEV_CHAR_SOCKET_H

#include "chardev/char.h"

extern const ChardevClass char_socket_class;

/* The oldest fd the client passed with SCM_RIGHTS and nobody took yet;
 * -1 if none or CHR is not a socket. */
int qemu_chr_socket_take_fd(Chardev *chr);

#endif
