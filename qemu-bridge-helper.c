/*
 * qemu-bridge-helper: create a tap device, attach it to a Linux bridge that
 * the ACL allows, and hand the tap's file descriptor to the caller.
 *
 * Protocol (compatible with QEMU's helper): the caller passes one end of a
 * unix socket as --fd=N and names the bridge with --br=NAME; the helper sends
 * one byte carrying the tap fd as SCM_RIGHTS and exits 0.  On any failure it
 * prints one line naming the problem on stderr, exits 1, and leaves no tap
 * behind (the tap is never persistent, so closing our fd removes it).
 *
 * The helper is meant to be installed setuid root or with the cap_net_admin
 * file capability.  Before it reads anything it did not get from the kernel
 * it keeps only CAP_NET_ADMIN, clears the bounding set and becomes the real
 * user; the ACL is therefore read with the caller's own file permissions.
 *
 * The ACL path is fixed at build time (CONFIG_BRIDGE_CONF); see
 * docs/tools/qemu-bridge-helper.rst for the file format and for what is
 * stricter here than in QEMU's helper.
 *
 * This file is self-contained (libc and libcap-ng only).  The unit tests and
 * the fuzz target include it with BRIDGE_HELPER_NO_MAIN defined.
 */

#include "config-host.h"

#include <cap-ng.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define HELPER_NAME "qemu-bridge-helper"
#define USAGE "Usage: " HELPER_NAME " [--use-vnet] --br=bridge --fd=unixfd"

/* Longest ACL line, newline excluded.  QEMU silently splits longer lines;
 * here they are an error. */
#define ACL_MAX_LINE 4095
/* Largest ACL file we read; a policy file is a few lines. */
#define ACL_MAX_FILE_SIZE (1024 * 1024)
/* include nesting: the top file is depth 0. */
#define ACL_MAX_INCLUDE_DEPTH 8
#define ACL_MAX_RULES 65536

#define ERR_LEN 1024

/* ------------------------------------------------------------------------ */
/* Errors: every failing function fills a caller-owned buffer and returns -1. */

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Interface names */

/*
 * Returns why NAME cannot be a network interface name, or NULL if it can.
 * Mirrors the kernel's dev_valid_name() so that a name we accept is a name
 * the kernel accepts, and a name the kernel would truncate or refuse never
 * matches an ACL rule by accident (the CVE-2019-13164 class).
 */
static const char *ifname_problem(const char *name)
{
    size_t len = strlen(name);

    if (len == 0) {
        return "is empty";
    }
    if (len >= IFNAMSIZ) {
        return "is longer than 15 bytes";
    }
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        return "is '.' or '..'";
    }
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p == '/') {
            return "contains '/'";
        }
        if (*p == ':') {
            return "contains ':'";
        }
        if (isspace(*p)) {
            return "contains whitespace";
        }
        if (*p < 0x20 || *p == 0x7f) {
            return "contains a control character";
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* The ACL */

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

typedef struct AclIncludeFrame {
    dev_t dev;
    ino_t ino;
    const char *file;
    unsigned line;              /* the include line inside this file */
} AclIncludeFrame;

typedef struct AclParser {
    Acl *acl;
    const AclOptions *opts;
    AclIncludeFrame stack[ACL_MAX_INCLUDE_DEPTH + 1];
    int depth;                  /* index of the file being read in stack */
    char *err;
    size_t errlen;
} AclParser;

static void acl_free(Acl *acl)
{
    for (size_t i = 0; i < acl->nfiles; i++) {
        free(acl->files[i]);
    }
    free(acl->files);
    free(acl->rules);
    memset(acl, 0, sizeof(*acl));
}

static const char *acl_intern_file(Acl *acl, const char *path)
{
    char **files = realloc(acl->files, (acl->nfiles + 1) * sizeof(*files));
    char *copy;

    if (!files) {
        return NULL;
    }
    acl->files = files;
    copy = strdup(path);
    if (!copy) {
        return NULL;
    }
    acl->files[acl->nfiles++] = copy;
    return copy;
}

/* Appends " (included from F:L)" for every enclosing file to the error. */
static int acl_fail_at(AclParser *p, const char *file, unsigned line,
                       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int acl_fail_at(AclParser *p, const char *file, unsigned line,
                       const char *fmt, ...)
{
    va_list ap;
    size_t used;

    used = (size_t)snprintf(p->err, p->errlen, "%s:%u: ", file, line);
    if (used < p->errlen) {
        va_start(ap, fmt);
        vsnprintf(p->err + used, p->errlen - used, fmt, ap);
        va_end(ap);
    }
    for (int d = p->depth - 1; d >= 0; d--) {
        used = strlen(p->err);
        if (used + 1 >= p->errlen) {
            break;
        }
        snprintf(p->err + used, p->errlen - used, " (included from %s:%u)",
                 p->stack[d].file, p->stack[d].line);
    }
    return -1;
}

static int acl_add_rule(AclParser *p, AclVerb verb, const char *arg,
                        const char *file, unsigned line)
{
    Acl *acl = p->acl;
    AclRule *rule;

    if (acl->nrules == ACL_MAX_RULES) {
        return acl_fail_at(p, file, line, "more than %d rules", ACL_MAX_RULES);
    }
    if (acl->nrules == acl->cap) {
        size_t cap = acl->cap ? acl->cap * 2 : 16;
        AclRule *rules = realloc(acl->rules, cap * sizeof(*rules));
        if (!rules) {
            return acl_fail_at(p, file, line, "out of memory");
        }
        acl->rules = rules;
        acl->cap = cap;
    }
    rule = &acl->rules[acl->nrules];
    memset(rule, 0, sizeof(*rule));
    rule->verb = verb;
    rule->file = file;
    rule->line = line;
    if (strcmp(arg, "all") == 0) {
        rule->all = true;
    } else {
        const char *problem = ifname_problem(arg);
        if (problem) {
            return acl_fail_at(p, file, line, "invalid bridge name '%s': it %s",
                               arg, problem);
        }
        strcpy(rule->name, arg);
    }
    acl->nrules++;
    return 0;
}

static int acl_parse_file_at(AclParser *p, const char *path,
                             const char *from_file, unsigned from_line);

/* Splits the next space- or tab-separated word off *cursor. */
static char *next_word(char **cursor)
{
    char *s = *cursor;
    char *word;

    s += strspn(s, " \t\r");
    if (*s == '\0') {
        *cursor = s;
        return NULL;
    }
    word = s;
    s += strcspn(s, " \t\r");
    if (*s) {
        *s++ = '\0';
    }
    *cursor = s;
    return word;
}

/* Parses one line (NUL-terminated, newline removed). */
static int acl_parse_line(AclParser *p, char *text, const char *file,
                          unsigned line, const char *dir)
{
    char *cursor = text;
    char *verb = next_word(&cursor);
    char *arg;
    char *extra;

    if (!verb || verb[0] == '#') {
        return 0;
    }
    arg = next_word(&cursor);
    extra = next_word(&cursor);
    if (extra && extra[0] != '#') {
        return acl_fail_at(p, file, line, "unexpected '%s' after '%s %s'",
                           extra, verb, arg);
    }

    if (strcmp(verb, "allow") == 0 || strcmp(verb, "deny") == 0) {
        if (!arg) {
            return acl_fail_at(p, file, line,
                               "'%s' needs a bridge name or 'all'", verb);
        }
        return acl_add_rule(p, verb[0] == 'a' ? ACL_ALLOW : ACL_DENY, arg,
                            file, line);
    }
    if (strcmp(verb, "include") == 0) {
        char path[PATH_MAX];

        if (!arg) {
            return acl_fail_at(p, file, line, "'include' needs a file name");
        }
        if (p->opts->forbid_include) {
            return acl_fail_at(p, file, line, "include is not allowed here");
        }
        /* Relative paths are relative to the including file, not to the
         * caller's working directory. */
        if (arg[0] == '/' || !dir) {
            if ((size_t)snprintf(path, sizeof(path), "%s", arg) >= sizeof(path)) {
                return acl_fail_at(p, file, line, "include path too long");
            }
        } else if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, arg) >=
                   sizeof(path)) {
            return acl_fail_at(p, file, line, "include path too long");
        }
        return acl_parse_file_at(p, path, file, line);
    }
    return acl_fail_at(p, file, line,
                       "unknown keyword '%s' (expected allow, deny or include)",
                       verb);
}

/*
 * Parses a whole ACL text.  FILE names it in messages; DIR (may be NULL)
 * resolves relative includes.
 */
static int acl_parse_text(AclParser *p, const char *text, size_t len,
                          const char *file, const char *dir)
{
    char line_buf[ACL_MAX_LINE + 1];
    unsigned line = 0;
    size_t pos = 0;

    const char *nul = memchr(text, '\0', len);

    if (nul) {
        unsigned nul_line = 1;
        for (const char *c = text; c < nul; c++) {
            nul_line += *c == '\n';
        }
        return acl_fail_at(p, file, nul_line, "line contains a NUL byte");
    }
    while (pos < len) {
        const char *start = text + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t linelen = nl ? (size_t)(nl - start) : len - pos;

        line++;
        if (linelen > ACL_MAX_LINE) {
            return acl_fail_at(p, file, line, "line longer than %d bytes",
                               ACL_MAX_LINE);
        }
        memcpy(line_buf, start, linelen);
        line_buf[linelen] = '\0';
        if (acl_parse_line(p, line_buf, file, line, dir) < 0) {
            return -1;
        }
        pos += linelen + (nl ? 1 : 0);
    }
    return 0;
}

/* Checks that a root-run policy file (or its directory) is root's alone. */
static const char *ownership_problem(const struct stat *st)
{
    if (st->st_uid != 0) {
        return "is not owned by root";
    }
    if (st->st_mode & (S_IWGRP | S_IWOTH)) {
        return "is writable by group or others";
    }
    return NULL;
}

/* Reads the whole file at PATH into a malloc'd buffer after checking it. */
static int acl_read_file(AclParser *p, const char *path, const char *from_file,
                         unsigned from_line, char **out, size_t *outlen,
                         struct stat *st)
{
    char *buf = NULL;
    size_t len = 0;
    int fd;

#define ACL_READ_FAIL(...)                                              \
    (from_file ? acl_fail_at(p, from_file, from_line, __VA_ARGS__)      \
               : fail(p->err, p->errlen, __VA_ARGS__))

    /* O_NONBLOCK: opening a FIFO must not hang the helper. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        return ACL_READ_FAIL("cannot open ACL file %s: %s", path,
                             strerror(errno));
    }
    if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return ACL_READ_FAIL("ACL file %s is not a regular file", path);
    }
    if (p->opts->require_root_owned) {
        const char *problem = ownership_problem(st);
        char dirpath[PATH_MAX];
        struct stat dst;
        char *slash;

        if (problem) {
            close(fd);
            return ACL_READ_FAIL("ACL file %s %s", path, problem);
        }
        snprintf(dirpath, sizeof(dirpath), "%s", path);
        slash = strrchr(dirpath, '/');
        if (slash == dirpath) {
            slash[1] = '\0';
        } else if (slash) {
            *slash = '\0';
        } else {
            strcpy(dirpath, ".");
        }
        if (stat(dirpath, &dst) < 0) {
            close(fd);
            return ACL_READ_FAIL("cannot check directory %s: %s", dirpath,
                                 strerror(errno));
        }
        problem = ownership_problem(&dst);
        if (problem) {
            close(fd);
            return ACL_READ_FAIL("directory %s holding an ACL file %s",
                                 dirpath, problem);
        }
    }
    if (st->st_size > ACL_MAX_FILE_SIZE) {
        close(fd);
        return ACL_READ_FAIL("ACL file %s is larger than %d bytes", path,
                             ACL_MAX_FILE_SIZE);
    }
    buf = malloc((size_t)st->st_size + 1);
    if (!buf) {
        close(fd);
        return ACL_READ_FAIL("out of memory reading %s", path);
    }
    while (len <= (size_t)st->st_size) {
        ssize_t n = read(fd, buf + len, (size_t)st->st_size + 1 - len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return ACL_READ_FAIL("cannot read ACL file %s: %s", path,
                                 strerror(e));
        }
        if (n == 0) {
            break;
        }
        len += (size_t)n;
    }
    close(fd);
    if (len > (size_t)st->st_size) {
        free(buf);
        return ACL_READ_FAIL("ACL file %s changed while being read", path);
    }
#undef ACL_READ_FAIL
    *out = buf;
    *outlen = len;
    return 0;
}

static int acl_parse_file_at(AclParser *p, const char *path,
                             const char *from_file, unsigned from_line)
{
    AclIncludeFrame *frame;
    const char *file;
    char dir[PATH_MAX];
    char *slash;
    struct stat st;
    char *text = NULL;
    size_t len = 0;
    int ret;

    if (from_file) {
        if (p->depth + 1 > ACL_MAX_INCLUDE_DEPTH) {
            return acl_fail_at(p, from_file, from_line,
                               "includes nested deeper than %d levels",
                               ACL_MAX_INCLUDE_DEPTH);
        }
    }
    if (acl_read_file(p, path, from_file, from_line, &text, &len, &st) < 0) {
        return -1;
    }
    for (int d = 0; from_file && d <= p->depth; d++) {
        if (p->stack[d].dev == st.st_dev && p->stack[d].ino == st.st_ino) {
            free(text);
            return acl_fail_at(p, from_file, from_line,
                               "include loop: %s is already being read", path);
        }
    }
    file = acl_intern_file(p->acl, path);
    if (!file) {
        free(text);
        return fail(p->err, p->errlen, "out of memory");
    }
    if (from_file) {
        p->stack[p->depth].line = from_line;
        p->depth++;
    }
    frame = &p->stack[p->depth];
    frame->dev = st.st_dev;
    frame->ino = st.st_ino;
    frame->file = file;
    frame->line = 0;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (slash) {
        slash[slash == dir ? 1 : 0] = '\0';
    }
    ret = acl_parse_text(p, text, len, file, slash ? dir : NULL);
    free(text);
    if (from_file) {
        p->depth--;
    }
    return ret;
}

/* Reads the ACL rooted at PATH (and its includes) into ACL. */
static int acl_load(Acl *acl, const char *path, const AclOptions *opts,
                    char *err, size_t errlen)
{
    AclParser p = {
        .acl = acl, .opts = opts, .err = err, .errlen = errlen,
    };

    return acl_parse_file_at(&p, path, NULL, 0);
}

#ifdef BRIDGE_HELPER_NO_MAIN
/* Parses an in-memory ACL (for the unit tests and the fuzz target). */
static int acl_load_text(Acl *acl, const char *name, const char *text,
                         size_t len, const AclOptions *opts,
                         char *err, size_t errlen)
{
    AclParser p = {
        .acl = acl, .opts = opts, .err = err, .errlen = errlen,
    };
    const char *file = acl_intern_file(acl, name);

    if (!file) {
        return fail(err, errlen, "out of memory");
    }
    p.stack[0].file = file;
    return acl_parse_text(&p, text, len, file, NULL);
}
#endif

/*
 * Default deny; a matching deny rule wins over any allow, wherever it is.
 * Returns true if BRIDGE may be used; otherwise fills ERR with the reason.
 */
static bool acl_allows(const Acl *acl, const char *bridge, char *err,
                       size_t errlen)
{
    const AclRule *allowed_by = NULL;

    for (size_t i = 0; i < acl->nrules; i++) {
        const AclRule *r = &acl->rules[i];
        if (!r->all && strcmp(r->name, bridge) != 0) {
            continue;
        }
        if (r->verb == ACL_DENY) {
            fail(err, errlen, "access denied by ACL: bridge '%s' is denied "
                 "at %s:%u", bridge, r->file, r->line);
            return false;
        }
        allowed_by = allowed_by ? allowed_by : r;
    }
    if (!allowed_by) {
        fail(err, errlen, "access denied by ACL: no rule allows bridge '%s'",
             bridge);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* Command line */

typedef struct HelperArgs {
    bool use_vnet;
    const char *bridge;
    int unix_fd;
} HelperArgs;

typedef enum { ARGS_RUN, ARGS_EXIT_OK, ARGS_ERROR } ArgsResult;

static void print_help(FILE *out)
{
    fprintf(out,
            USAGE "\n"
            "\n"
            "Create a tap device, attach it to BRIDGE if the ACL allows it,\n"
            "and send the tap's file descriptor over the unix socket UNIXFD\n"
            "(one byte with SCM_RIGHTS).  Exit 0 only once the fd was sent.\n"
            "\n"
            "  --br=BRIDGE    Linux bridge to attach the tap to\n"
            "  --fd=UNIXFD    open unix socket to send the tap fd over\n"
            "  --use-vnet     open the tap with IFF_VNET_HDR when supported\n"
            "  --help         print this help and exit\n"
            "  --version      print the version and exit\n"
            "\n"
            "ACL file: %s\n"
            "See the qemu-bridge-helper(8) manual page for its format.\n",
            CONFIG_BRIDGE_CONF);
}

/* Parses a decimal fd number: digits only, no sign, no spaces. */
static bool parse_fd_number(const char *s, int *fd)
{
    long value = 0;

    if (*s == '\0') {
        return false;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
        value = value * 10 + (*s - '0');
        if (value > INT_MAX) {
            return false;
        }
    }
    *fd = (int)value;
    return true;
}

static ArgsResult parse_args(int argc, char **argv, HelperArgs *args,
                             char *err, size_t errlen)
{
    const char *fd_text = NULL;

    memset(args, 0, sizeof(*args));
    args->unix_fd = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help(stdout);
            return ARGS_EXIT_OK;
        } else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            printf(HELPER_NAME " version " QEMU_VERSION "\n");
            return ARGS_EXIT_OK;
        } else if (strcmp(a, "--use-vnet") == 0) {
            args->use_vnet = true;
        } else if (strncmp(a, "--br=", 5) == 0) {
            if (args->bridge) {
                fail(err, errlen, "--br given twice");
                return ARGS_ERROR;
            }
            args->bridge = a + 5;
        } else if (strncmp(a, "--fd=", 5) == 0) {
            if (fd_text) {
                fail(err, errlen, "--fd given twice");
                return ARGS_ERROR;
            }
            fd_text = a + 5;
        } else {
            fail(err, errlen, "unknown argument '%s'", a);
            return ARGS_ERROR;
        }
    }
    if (!args->bridge) {
        fail(err, errlen, "missing --br=BRIDGE");
        return ARGS_ERROR;
    } else {
        const char *problem = ifname_problem(args->bridge);
        if (problem) {
            fail(err, errlen, "invalid bridge name '%s': it %s", args->bridge,
                 problem);
            return ARGS_ERROR;
        }
    }
    if (!fd_text) {
        fail(err, errlen, "missing --fd=UNIXFD");
        return ARGS_ERROR;
    }
    if (!parse_fd_number(fd_text, &args->unix_fd)) {
        fail(err, errlen, "--fd=%s: not a decimal file descriptor number",
             fd_text);
        return ARGS_ERROR;
    }
    return ARGS_RUN;
}

/* The fd must be an open unix socket: anything else cannot carry the tap. */
static int check_unix_socket(int fd, char *err, size_t errlen)
{
    struct stat st;
    int domain;
    socklen_t len = sizeof(domain);

    if (fstat(fd, &st) < 0) {
        return fail(err, errlen, "--fd=%d: %s", fd, strerror(errno));
    }
    if (!S_ISSOCK(st.st_mode)) {
        return fail(err, errlen, "--fd=%d is not a socket", fd);
    }
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
        domain != AF_UNIX) {
        return fail(err, errlen, "--fd=%d is not a unix socket", fd);
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Privileges */

/*
 * Keeps only CAP_NET_ADMIN and, when we run setuid, becomes the real user.
 * *PRIVILEGED tells whether the kernel gave us privileges the caller does
 * not have (setuid/setgid or file capabilities: AT_SECURE), which is when
 * the ACL must be root's alone.
 */
static int drop_privileges(bool *privileged, char *err, size_t errlen)
{
    uid_t uid = getuid();
    gid_t gid = getgid();
    bool change_id = uid != geteuid() || gid != getegid();

    *privileged = getauxval(AT_SECURE) != 0;

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        return fail(err, errlen, "cannot set no_new_privs: %s",
                    strerror(errno));
    }
    capng_get_caps_process();
    if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE && !change_id) {
        /* Nothing to give up; creating the tap will say what is missing. */
        return 0;
    }
    bool can_clear_bounding =
        capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);

    capng_clear(CAPNG_SELECT_BOTH);
    if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
                     CAP_NET_ADMIN) < 0) {
        return fail(err, errlen, "cannot select CAP_NET_ADMIN");
    }
    if (change_id) {
        int rc = capng_change_id((int)uid, (int)gid,
                                 CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING);
        if (rc < 0) {
            return fail(err, errlen,
                        "cannot drop privileges to uid %u (libcap-ng error %d)",
                        (unsigned)uid, rc);
        }
    } else if (capng_apply(can_clear_bounding ? CAPNG_SELECT_BOTH
                                              : CAPNG_SELECT_CAPS) < 0) {
        return fail(err, errlen, "cannot drop capabilities");
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* rtnetlink: just enough to look up, change and attach one link. */

typedef struct LinkInfo {
    int index;
    unsigned mtu;
    char kind[32];              /* IFLA_INFO_KIND, "" if none */
    unsigned char addr[6];
    bool has_addr;
} LinkInfo;

typedef struct NlRequest {
    struct nlmsghdr hdr;
    struct ifinfomsg ifi;
    char attrs[256];
} NlRequest;

static void nl_init(NlRequest *req, int type, int flags, int index)
{
    memset(req, 0, sizeof(*req));
    req->hdr.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    req->hdr.nlmsg_type = (unsigned short)type;
    req->hdr.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
    req->ifi.ifi_family = AF_UNSPEC;
    req->ifi.ifi_index = index;
}

static void nl_put(NlRequest *req, int type, const void *data, size_t len)
{
    struct rtattr *rta = (struct rtattr *)((char *)req +
                                           NLMSG_ALIGN(req->hdr.nlmsg_len));

    rta->rta_type = (unsigned short)type;
    rta->rta_len = (unsigned short)RTA_LENGTH(len);
    memcpy(RTA_DATA(rta), data, len);
    req->hdr.nlmsg_len = NLMSG_ALIGN(req->hdr.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/*
 * Sends REQ and waits for its answer.  With REPLY, the RTM_NEWLINK answer is
 * copied there; otherwise an ACK is expected.  Returns 0 or -errno.
 */
static int nl_talk(int nl, NlRequest *req, char *reply, size_t replylen,
                   size_t *replyused)
{
    static unsigned seq;
    char buf[8192];
    ssize_t n;

    req->hdr.nlmsg_seq = ++seq;
    if (!reply) {
        req->hdr.nlmsg_flags |= NLM_F_ACK;
    }
    do {
        n = send(nl, req, req->hdr.nlmsg_len, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return -errno;
    }
    for (;;) {
        do {
            n = recv(nl, buf, sizeof(buf), 0);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            return -errno;
        }
        if (n == 0) {
            return -EIO;
        }
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n);
             h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != req->hdr.nlmsg_seq) {
                continue;
            }
            if (h->nlmsg_type == NLMSG_ERROR) {
                struct nlmsgerr *e = NLMSG_DATA(h);
                return e->error;
            }
            if (reply && h->nlmsg_type == RTM_NEWLINK) {
                size_t len = h->nlmsg_len < replylen ? h->nlmsg_len : replylen;
                memcpy(reply, h, len);
                *replyused = len;
                return 0;
            }
        }
    }
}

static int nl_get_link(int nl, const char *name, LinkInfo *info)
{
    char reply[8192];
    size_t used = 0;
    NlRequest req;
    struct nlmsghdr *h = (struct nlmsghdr *)reply;
    struct ifinfomsg *ifi;
    int attrlen;
    int rc;

    nl_init(&req, RTM_GETLINK, 0, 0);
    nl_put(&req, IFLA_IFNAME, name, strlen(name) + 1);
    rc = nl_talk(nl, &req, reply, sizeof(reply), &used);
    if (rc < 0) {
        return rc;
    }
    memset(info, 0, sizeof(*info));
    ifi = NLMSG_DATA(h);
    info->index = ifi->ifi_index;
    attrlen = (int)used - (int)NLMSG_LENGTH(sizeof(*ifi));
    for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, attrlen);
         a = RTA_NEXT(a, attrlen)) {
        if (a->rta_type == IFLA_MTU && RTA_PAYLOAD(a) >= 4) {
            memcpy(&info->mtu, RTA_DATA(a), 4);
        } else if (a->rta_type == IFLA_ADDRESS && RTA_PAYLOAD(a) == 6) {
            memcpy(info->addr, RTA_DATA(a), 6);
            info->has_addr = true;
        } else if (a->rta_type == IFLA_LINKINFO) {
            int inner = (int)RTA_PAYLOAD(a);
            for (struct rtattr *b = RTA_DATA(a); RTA_OK(b, inner);
                 b = RTA_NEXT(b, inner)) {
                if (b->rta_type == IFLA_INFO_KIND) {
                    size_t len = RTA_PAYLOAD(b);
                    if (len >= sizeof(info->kind)) {
                        len = sizeof(info->kind) - 1;
                    }
                    memcpy(info->kind, RTA_DATA(b), len);
                    info->kind[len] = '\0';
                }
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The tap */

static int open_tap(bool use_vnet, char *ifname, char *err, size_t errlen)
{
    struct ifreq ifr;
    unsigned features = 0;
    int fd;

    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return fail(err, errlen, "cannot open /dev/net/tun: %s",
                    strerror(errno));
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (use_vnet && ioctl(fd, TUNGETFEATURES, &features) == 0 &&
        (features & IFF_VNET_HDR)) {
        ifr.ifr_flags |= IFF_VNET_HDR;
    }
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "tap%%d");
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        close(fd);
        if (e == EPERM) {
            return fail(err, errlen, "cannot create a tap device: %s (the "
                        "helper needs CAP_NET_ADMIN: install it setuid root "
                        "or with the cap_net_admin file capability)",
                        strerror(e));
        }
        return fail(err, errlen, "cannot create a tap device: %s",
                    strerror(e));
    }
    memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
    ifname[IFNAMSIZ - 1] = '\0';
    return fd;
}

/* MTU from the bridge, MAC starting with 0xFE, enslaved, up. */
static int setup_tap(int nl, const char *tap, const LinkInfo *bridge,
                     const char *brname, char *err, size_t errlen)
{
    LinkInfo tapinfo;
    NlRequest req;
    int master = bridge->index;
    int rc;

    rc = nl_get_link(nl, tap, &tapinfo);
    if (rc < 0) {
        return fail(err, errlen, "cannot read tap %s: %s", tap, strerror(-rc));
    }

    /* 0xFE as first byte: the bridge takes the lowest port MAC as its own,
     * and a tap must never become it. */
    tapinfo.addr[0] = 0xfe;
    nl_init(&req, RTM_NEWLINK, 0, tapinfo.index);
    nl_put(&req, IFLA_ADDRESS, tapinfo.addr, 6);
    rc = nl_talk(nl, &req, NULL, 0, NULL);
    if (rc < 0) {
        return fail(err, errlen, "cannot set the MAC address of %s: %s", tap,
                    strerror(-rc));
    }

    nl_init(&req, RTM_NEWLINK, 0, tapinfo.index);
    nl_put(&req, IFLA_MTU, &bridge->mtu, 4);
    rc = nl_talk(nl, &req, NULL, 0, NULL);
    if (rc < 0) {
        return fail(err, errlen, "cannot set MTU %u on %s: %s", bridge->mtu,
                    tap, strerror(-rc));
    }

    nl_init(&req, RTM_NEWLINK, 0, tapinfo.index);
    nl_put(&req, IFLA_MASTER, &master, 4);
    rc = nl_talk(nl, &req, NULL, 0, NULL);
    if (rc < 0) {
        return fail(err, errlen, "cannot attach %s to bridge %s: %s", tap,
                    brname, strerror(-rc));
    }

    nl_init(&req, RTM_NEWLINK, 0, tapinfo.index);
    req.ifi.ifi_flags = IFF_UP;
    req.ifi.ifi_change = IFF_UP;
    rc = nl_talk(nl, &req, NULL, 0, NULL);
    if (rc < 0) {
        return fail(err, errlen, "cannot bring %s up: %s", tap, strerror(-rc));
    }
    return 0;
}

static int send_fd(int unix_fd, int fd, char *err, size_t errlen)
{
    char byte = 0;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr hdr;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control.buf,
        .msg_controllen = sizeof(control.buf),
    };
    struct cmsghdr *cmsg;
    ssize_t n;

    memset(&control, 0, sizeof(control));
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    do {
        n = sendmsg(unix_fd, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n != 1) {
        return fail(err, errlen, "cannot send the tap fd over --fd=%d: %s",
                    unix_fd, n < 0 ? strerror(errno) : "short write");
    }
    return 0;
}

/* ------------------------------------------------------------------------ */

/* Everything after argument parsing; returns the exit status. */
static int run_helper(const HelperArgs *args, char *err, size_t errlen)
{
    AclOptions opts = { 0 };
    Acl acl = { 0 };
    LinkInfo bridge;
    char tap[IFNAMSIZ];
    int nl, tapfd, rc;

    if (check_unix_socket(args->unix_fd, err, errlen) < 0) {
        return 1;
    }
    if (drop_privileges(&opts.require_root_owned, err, errlen) < 0) {
        return 1;
    }
    if (acl_load(&acl, CONFIG_BRIDGE_CONF, &opts, err, errlen) < 0) {
        acl_free(&acl);
        return 1;
    }
    if (!acl_allows(&acl, args->bridge, err, errlen)) {
        acl_free(&acl);
        return 1;
    }
    acl_free(&acl);

    nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (nl < 0) {
        fail(err, errlen, "cannot open a netlink socket: %s", strerror(errno));
        return 1;
    }
    rc = nl_get_link(nl, args->bridge, &bridge);
    if (rc == -ENODEV) {
        fail(err, errlen, "bridge '%s' does not exist", args->bridge);
        close(nl);
        return 1;
    } else if (rc < 0) {
        fail(err, errlen, "cannot look up bridge '%s': %s", args->bridge,
             strerror(-rc));
        close(nl);
        return 1;
    }
    if (strcmp(bridge.kind, "bridge") != 0) {
        fail(err, errlen, "'%s' is not a bridge (it is %s%s)", args->bridge,
             bridge.kind[0] ? "a " : "a device without a link kind",
             bridge.kind);
        close(nl);
        return 1;
    }

    tapfd = open_tap(args->use_vnet, tap, err, errlen);
    if (tapfd < 0) {
        close(nl);
        return 1;
    }
    /* From here on, closing tapfd is all the cleanup a failure needs. */
    if (setup_tap(nl, tap, &bridge, args->bridge, err, errlen) < 0 ||
        send_fd(args->unix_fd, tapfd, err, errlen) < 0) {
        close(tapfd);
        close(nl);
        return 1;
    }
    close(tapfd);
    close(nl);
    return 0;
}

int bridge_helper_main(int argc, char **argv);

int bridge_helper_main(int argc, char **argv)
{
    char err[ERR_LEN] = "";
    HelperArgs args;
    int status;

    switch (parse_args(argc, argv, &args, err, sizeof(err))) {
    case ARGS_EXIT_OK:
        return 0;
    case ARGS_ERROR:
        fprintf(stderr, HELPER_NAME ": %s\n" USAGE "\n", err);
        return 1;
    case ARGS_RUN:
        break;
    }
    status = run_helper(&args, err, sizeof(err));
    if (status != 0) {
        fprintf(stderr, HELPER_NAME ": %s\n", err);
    }
    return status;
}

#ifndef BRIDGE_HELPER_NO_MAIN
int main(int argc, char **argv)
{
    return bridge_helper_main(argc, argv);
}
#endif
