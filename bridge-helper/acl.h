/*
 * The bridge helper's access control list: which bridges a caller may
 * attach a tap to, and what counts as a valid bridge name.
 *
 * Why a unit of its own: the ACL is the helper's security policy, so it is
 * tested directly (tests/unit/test-bridge-acl.c) and fuzzed
 * (tests/fuzz/fuzz-bridge-acl.c) through this interface, built once into
 * the helper's static library.  It lives in the helper's own folder, not
 * in include/, because the helper is a separate privileged program: no
 * emulator code may use it, and it may use nothing of the emulator (libc
 * only here; scripts/check-layers enforces both directions).
 *
 * Rules of the interface:
 * - An Acl starts zeroed, is filled by acl_load() or acl_load_text(), and
 *   is released with acl_free() whether loading succeeded or not.
 * - Default deny: a bridge is allowed only if an allow rule names it (or
 *   says "all") and no deny rule does; a matching deny wins wherever it is.
 * - Errors follow bridge-helper/error.h: -1 (or false) and one line in the
 *   caller's buffer; parse errors start with "FILE:LINE: " and name every
 *   enclosing include.
 * - Parsing never trusts the file: bounded line length, file size, rule
 *   count and include depth; include loops are detected by inode.
 *
 * The file format is documented in docs/tools/qemu-bridge-helper.rst.
 */
#ifndef BRIDGE_HELPER_ACL_H
#define BRIDGE_HELPER_ACL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

/* Longest ACL line, newline excluded.  QEMU silently splits longer lines;
 * here they are an error. */
#define ACL_MAX_LINE 4095
/* Largest ACL file we read; a policy file is a few lines. */
#define ACL_MAX_FILE_SIZE (1024 * 1024)
/* include nesting: the top file is depth 0. */
#define ACL_MAX_INCLUDE_DEPTH 8
#define ACL_MAX_RULES 65536

typedef enum { ACL_ALLOW, ACL_DENY } AclVerb;

typedef struct AclRule {
    AclVerb verb;
    bool all;                   /* "allow all" / "deny all" */
    char name[IFNAMSIZ];
    const char *file;           /* points into Acl.files */
    unsigned line;
} AclRule;

typedef struct Acl {
    AclRule *rules;
    size_t nrules;
    size_t cap;
    char **files;               /* every file read, for error messages */
    size_t nfiles;
} Acl;

/* How files are read: the helper's policy, and switches for the tests. */
typedef struct AclOptions {
    /* Running with privileges the caller does not have: every ACL file must
     * be root-owned and not writable by group or others, and so must the
     * directory that holds it. */
    bool require_root_owned;
    /* The fuzz target parses buffers only and must never open paths. */
    bool forbid_include;
} AclOptions;

/*
 * Returns why NAME cannot be a network interface name, or NULL if it can
 * (e.g. "is empty"; callers put it after "it ").
 */
const char *ifname_problem(const char *name);

/* Reads the ACL rooted at PATH (and its includes) into ACL. */
int acl_load(Acl *acl, const char *path, const AclOptions *opts,
             char *err, size_t errlen);

/* Parses an in-memory ACL of LEN bytes, named NAME in messages; relative
 * includes are taken relative to the working directory. */
int acl_load_text(Acl *acl, const char *name, const char *text, size_t len,
                  const AclOptions *opts, char *err, size_t errlen);

/* Returns true if BRIDGE may be used; otherwise fills ERR with the reason
 * ("access denied by ACL: ..."). */
bool acl_allows(const Acl *acl, const char *bridge, char *err, size_t errlen);

void acl_free(Acl *acl);

#endif
