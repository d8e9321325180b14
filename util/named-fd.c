/*
 * Named file descriptors; see include/qemu/named-fd.h.
 */

#include "qemu/named-fd.h"

#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

static GHashTable *named_fds;   /* name -> fd (GINT_TO_POINTER(fd + 1)) */

static GHashTable *fds_table(void)
{
    if (!named_fds) {
        named_fds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    return named_fds;
}

static bool fd_name_valid(const char *name)
{
    /* A name that parses as a number would shadow that fd number. */
    return name[0] && !g_ascii_isdigit(name[0]);
}

bool named_fd_add(const char *name, int fd, Error **errp)
{
    gpointer old;

    if (!fd_name_valid(name)) {
        error_setg(errp, "Parameter 'fdname' expects a name not starting "
                   "with a digit");
        return false;
    }
    if (g_hash_table_lookup_extended(fds_table(), name, NULL, &old)) {
        close(GPOINTER_TO_INT(old) - 1);
    }
    g_hash_table_insert(fds_table(), g_strdup(name), GINT_TO_POINTER(fd + 1));
    return true;
}

bool named_fd_close(const char *name, Error **errp)
{
    gpointer value;

    if (!g_hash_table_lookup_extended(fds_table(), name, NULL, &value)) {
        error_setg(errp, "File descriptor named '%s' not found", name);
        return false;
    }
    close(GPOINTER_TO_INT(value) - 1);
    g_hash_table_remove(fds_table(), name);
    return true;
}

int named_fd_param(const char *text, Error **errp)
{
    gpointer key, value;

    if (g_ascii_isdigit(text[0])) {
        char *end;
        long fd;
        errno = 0;
        fd = strtol(text, &end, 10);
        if (*end || errno || fd > INT_MAX) {
            error_setg(errp, "Invalid file descriptor number '%s'", text);
            return -1;
        }
        return (int)fd;
    }
    if (!g_hash_table_steal_extended(fds_table(), text, &key, &value)) {
        error_setg(errp, "File descriptor named '%s' has not been found", text);
        return -1;
    }
    g_free(key);
    return GPOINTER_TO_INT(value) - 1;
}

void named_fds_cleanup(void)
{
    GHashTableIter iter;
    gpointer value;

    if (!named_fds) {
        return;
    }
    g_hash_table_iter_init(&iter, named_fds);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        close(GPOINTER_TO_INT(value) - 1);
    }
    g_hash_table_destroy(named_fds);
    named_fds = NULL;
}
