/*
 * The bridge helper's ACL: interface name checks, the parser (with
 * includes) and the matcher.  Interface and rules: acl.h.
 */

#include "bridge-helper/acl.h"
#include "bridge-helper/error.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Returns why NAME cannot be a network interface name, or NULL if it can.
 * Mirrors the kernel's dev_valid_name() so that a name we accept is a name
 * the kernel accepts, and a name the kernel would truncate or refuse never
 * matches an ACL rule by accident (the CVE-2019-13164 class).
 */
const char *ifname_problem(const char *name)
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

void acl_free(Acl *acl)
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
               : helper_fail(p->err, p->errlen, __VA_ARGS__))

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
        return helper_fail(p->err, p->errlen, "out of memory");
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
int acl_load(Acl *acl, const char *path, const AclOptions *opts,
             char *err, size_t errlen)
{
    AclParser p = {
        .acl = acl, .opts = opts, .err = err, .errlen = errlen,
    };

    return acl_parse_file_at(&p, path, NULL, 0);
}

/* For the unit tests and the fuzz target: the helper itself reads files. */
int acl_load_text(Acl *acl, const char *name, const char *text, size_t len,
                  const AclOptions *opts, char *err, size_t errlen)
{
    AclParser p = {
        .acl = acl, .opts = opts, .err = err, .errlen = errlen,
    };
    const char *file = acl_intern_file(acl, name);

    if (!file) {
        return helper_fail(err, errlen, "out of memory");
    }
    p.stack[0].file = file;
    return acl_parse_text(&p, text, len, file, NULL);
}

/*
 * Default deny; a matching deny rule wins over any allow, wherever it is.
 * Returns true if BRIDGE may be used; otherwise fills ERR with the reason.
 */
bool acl_allows(const Acl *acl, const char *bridge, char *err, size_t errlen)
{
    const AclRule *allowed_by = NULL;

    for (size_t i = 0; i < acl->nrules; i++) {
        const AclRule *r = &acl->rules[i];
        if (!r->all && strcmp(r->name, bridge) != 0) {
            continue;
        }
        if (r->verb == ACL_DENY) {
            helper_fail(err, errlen, "access denied by ACL: bridge '%s' is "
                        "denied at %s:%u", bridge, r->file, r->line);
            return false;
        }
        allowed_by = allowed_by ? allowed_by : r;
    }
    if (!allowed_by) {
        helper_fail(err, errlen,
                    "access denied by ACL: no rule allows bridge '%s'", bridge);
        return false;
    }
    return true;
}

