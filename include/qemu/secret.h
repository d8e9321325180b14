/*
 * Secrets: byte strings kept by id (-object secret,id=ID,file=..|data=..),
 * for whatever needs a password or key later (libvirt passes its master
 * key this way at every start).  A secret is read once, when created, and
 * kept in memory until exit; it is never printed.
 */
#ifndef QEMU_SECRET_H
#define QEMU_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qapi/error.h"

/* Keeps LEN bytes of DATA as ID; an existing ID is an error. */
bool qemu_secret_add(const char *id, const uint8_t *data, size_t len,
                     Error **errp);
/* The bytes of ID (and their count in *LEN), or NULL. */
const uint8_t *qemu_secret_lookup(const char *id, size_t *len);
bool qemu_secret_exists(const char *id);
/* Forgets every secret, wiping the bytes (at exit). */
void qemu_secrets_cleanup(void);

#endif
