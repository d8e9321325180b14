/*
 * -object and -add-fd (see include/system/vl-objects.h).
 *
 * -object takes QEMU's two forms, key=value and JSON.  The object types
 * are a table; a type this binary lacks (memory-backend-ram, ...) gets
 * QEMU's "invalid object type", which is also what query-qmp-schema and
 * qom-list-types say by not listing it.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "qapi/util.h"
#include "qemu/fdset.h"
#include "qemu/secret.h"
#include "system/vl-objects.h"
#include "util/keyval.h"

typedef struct ObjectType {
    const char *name;
    const char *const *props;           /* besides qom-type and id */
    bool (*create)(const char *id, GHashTable *props, Error **errp);
} ObjectType;

/* ---- secret: bytes from data= or file=, raw or base64 ---- */

static const char *const secret_props[] = {
    "data", "file", "format", "keyid", "iv", "loaded", NULL
};

static bool secret_create(const char *id, GHashTable *props, Error **errp)
{
    const char *data = g_hash_table_lookup(props, "data");
    const char *file = g_hash_table_lookup(props, "file");
    const char *format = g_hash_table_lookup(props, "format");
    g_autofree char *contents = NULL;
    g_autofree guchar *decoded = NULL;
    const uint8_t *bytes;
    gsize len;
    bool ok;

    if (g_hash_table_lookup(props, "keyid") ||
        g_hash_table_lookup(props, "iv")) {
        /* libvirt encrypts other secrets with the master key; none of
         * them has a user here yet, so there is nothing to decrypt */
        error_setg(errp, "secret '%s': encrypted secrets (keyid=, iv=) "
                   "are not supported", id);
        return false;
    }
    if (format && strcmp(format, "raw") && strcmp(format, "base64")) {
        error_setg(errp, "Parameter 'format' does not accept value '%s'",
                   format);
        return false;
    }
    if (data && file) {
        error_setg(errp, "'data' and 'file' are mutually exclusive");
        return false;
    }
    if (!data && !file) {
        error_setg(errp, "Either 'data' or 'file' must be provided");
        return false;
    }
    if (file) {
        GError *gerr = NULL;

        if (!g_file_get_contents(file, &contents, &len, &gerr)) {
            error_setg(errp, "Unable to read %s: %s", file, gerr->message);
            g_error_free(gerr);
            return false;
        }
        bytes = (const uint8_t *)contents;
    } else {
        bytes = (const uint8_t *)data;
        len = strlen(data);
    }
    if (format && !strcmp(format, "base64")) {
        g_autofree char *text = g_strndup((const char *)bytes, len);

        /* g_base64_decode() skips junk: check the alphabet first */
        if (strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                   "0123456789+/=") != len) {
            error_setg(errp, "Unable to decode base64 data");
            return false;
        }
        decoded = g_base64_decode(text, &len);
        bytes = decoded;
    }
    ok = qemu_secret_add(id, bytes, len, errp);
    if (contents) {
        memset(contents, 0, strlen(contents));
    }
    return ok;
}

static const ObjectType object_types[] = {
    { "secret", secret_props, secret_create },
};

static const ObjectType *find_object_type(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(object_types); i++) {
        if (!strcmp(object_types[i].name, name)) {
            return &object_types[i];
        }
    }
    return NULL;
}

static void print_object_types(void)
{
    printf("List of user creatable objects:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(object_types); i++) {
        printf("  %s\n", object_types[i].name);
    }
}

static bool opt_object(const char *arg, const char *loc, Error **errp)
{
    bool help = false;
    g_autoptr(GHashTable) props = keyval_or_json_strings(arg, "qom-type",
                                                         &help, errp);
    const char *type, *id;
    const ObjectType *ot;
    GHashTableIter it;
    gpointer key;

    if (!props) {
        return false;
    }
    type = g_hash_table_lookup(props, "qom-type");
    if (help && (!type || !strcmp(type, "help"))) {
        print_object_types();
        vl_request_exit();
        return true;
    }
    if (!type) {
        error_setg(errp, "Parameter 'qom-type' is missing");
        return false;
    }
    ot = find_object_type(type);
    if (!ot) {
        error_setg(errp, "invalid object type: %s", type);
        return false;
    }
    if (help) {
        printf("%s options:\n", ot->name);
        for (int i = 0; ot->props[i]; i++) {
            printf("  %s=<str>\n", ot->props[i]);
        }
        vl_request_exit();
        return true;
    }
    id = g_hash_table_lookup(props, "id");
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return false;
    }
    g_hash_table_iter_init(&it, props);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (strcmp(key, "qom-type") && strcmp(key, "id") &&
            !g_strv_contains(ot->props, key)) {
            error_setg(errp, "Property '%s.%s' not found", ot->name,
                       (const char *)key);
            return false;
        }
    }
    return ot->create(id, props, errp);
}

/* ---- -add-fd set=N,fd=M[,opaque=TEXT] ---- */

static bool opt_add_fd(const char *arg, const char *loc, Error **errp)
{
    static const char *const keys[] = { "set", "fd", "opaque", NULL };
    g_autoptr(GHashTable) opts = keyval_parse_strings(arg, NULL, NULL, errp);
    const char *set_text, *fd_text;
    uint64_t set, fd;

    if (!opts) {
        return false;
    }
    if (!keyval_check_keys(opts, keys, errp)) {
        return false;
    }
    fd_text = g_hash_table_lookup(opts, "fd");
    set_text = g_hash_table_lookup(opts, "set");
    if (!fd_text || !qapi_str_to_uint64(fd_text, &fd) || fd > INT_MAX) {
        error_setg(errp, "fd option is required and must be non-negative");
        return false;
    }
    if (!set_text || !qapi_str_to_uint64(set_text, &set) ||
        set > INT64_MAX) {
        error_setg(errp, "set option is required and must be non-negative");
        return false;
    }
    return fdset_add_fd((int64_t)set, (int)fd,
                        g_hash_table_lookup(opts, "opaque"), errp);
}

const QemuOptionDesc vl_object_options[] = {
    { "object", true, opt_object, "TYPE,id=ID[,prop=value...]|{JSON}",
      "create an object: secret,id=ID,data=TEXT|file=PATH[,format=raw|"
      "base64]" },
    { "add-fd", true, opt_add_fd, "fd=fd,set=set[,opaque=opaque]",
      "keep fd in fd set 'set'; open it as /dev/fdset/set" },
    { NULL },
};
