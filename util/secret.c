/*
 * The secret store; see include/qemu/secret.h.
 */

#include "qemu/secret.h"

#include <glib.h>
#include <string.h>

static GHashTable *secrets;     /* id -> GBytes */

static void secret_free(gpointer data)
{
    gsize len;
    uint8_t *bytes = g_bytes_unref_to_data(data, &len);

    memset(bytes, 0, len);      /* keys do not linger in freed memory */
    g_free(bytes);
}

bool qemu_secret_add(const char *id, const uint8_t *data, size_t len,
                     Error **errp)
{
    if (!secrets) {
        secrets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        secret_free);
    }
    if (g_hash_table_contains(secrets, id)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type 'container')", id);
        return false;
    }
    g_hash_table_insert(secrets, g_strdup(id), g_bytes_new(data, len));
    return true;
}

const uint8_t *qemu_secret_lookup(const char *id, size_t *len)
{
    GBytes *b = secrets ? g_hash_table_lookup(secrets, id) : NULL;
    gsize n = 0;
    const uint8_t *data = b ? g_bytes_get_data(b, &n) : NULL;

    if (len) {
        *len = n;
    }
    return data;
}

bool qemu_secret_exists(const char *id)
{
    return secrets && g_hash_table_contains(secrets, id);
}

void qemu_secrets_cleanup(void)
{
    if (secrets) {
        g_hash_table_remove_all(secrets);
    }
}
