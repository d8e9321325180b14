/*
 * Unit tests for qemu-bridge-helper's pure parts: interface name checks, the
 * ACL parser and matcher (bridge-helper/acl.h), and argument parsing
 * (bridge-helper/args.h).
 */

#include "bridge-helper/acl.h"
#include "bridge-helper/args.h"
#include "bridge-helper/error.h"

#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <sys/types.h>

static const AclOptions plain_opts = { 0 };

/* Parses TEXT as an ACL; returns 0/-1 and leaves the message in ERR. */
static int parse(Acl *acl, const char *text, char *err)
{
    memset(acl, 0, sizeof(*acl));
    err[0] = '\0';
    return acl_load_text(acl, "test.conf", text, strlen(text), &plain_opts,
                         err, HELPER_ERR_LEN);
}

/* Expects TEXT to parse and BRIDGE to be allowed (or not). */
static void check_allows(const char *text, const char *bridge, bool expected)
{
    char err[HELPER_ERR_LEN];
    Acl acl;

    g_assert_cmpint(parse(&acl, text, err), ==, 0);
    g_assert_cmpint(acl_allows(&acl, bridge, err, sizeof(err)), ==, expected);
    if (!expected) {
        g_assert_true(g_str_has_prefix(err, "access denied by ACL"));
    }
    acl_free(&acl);
}

/* Expects TEXT to fail with a message that contains WANT. */
static void check_parse_error(const char *text, const char *want)
{
    char err[HELPER_ERR_LEN];
    Acl acl;

    g_assert_cmpint(parse(&acl, text, err), ==, -1);
    if (!strstr(err, want)) {
        g_error("error '%s' does not contain '%s'", err, want);
    }
    acl_free(&acl);
}

static void test_ifname(void)
{
    g_assert_null(ifname_problem("br0"));
    g_assert_null(ifname_problem("a"));
    g_assert_null(ifname_problem("123456789012345"));   /* 15 bytes */
    g_assert_null(ifname_problem("br-lan.10"));
    g_assert_cmpstr(ifname_problem(""), ==, "is empty");
    g_assert_cmpstr(ifname_problem("1234567890123456"), ==,
                    "is longer than 15 bytes");
    g_assert_cmpstr(ifname_problem("."), ==, "is '.' or '..'");
    g_assert_cmpstr(ifname_problem(".."), ==, "is '.' or '..'");
    g_assert_null(ifname_problem("..."));
    g_assert_cmpstr(ifname_problem("br/0"), ==, "contains '/'");
    g_assert_cmpstr(ifname_problem("br:0"), ==, "contains ':'");
    g_assert_cmpstr(ifname_problem("br 0"), ==, "contains whitespace");
    g_assert_cmpstr(ifname_problem("br\t0"), ==, "contains whitespace");
    g_assert_cmpstr(ifname_problem("br\n"), ==, "contains whitespace");
    g_assert_cmpstr(ifname_problem("br\x01"), ==, "contains a control character");
    g_assert_cmpstr(ifname_problem("br\x7f"), ==, "contains a control character");
}

static void test_default_deny(void)
{
    check_allows("", "br0", false);
    check_allows("# nothing here\n\n", "br0", false);
    check_allows("allow br1\n", "br0", false);
}

static void test_allow(void)
{
    check_allows("allow br0\n", "br0", true);
    check_allows("allow br0", "br0", true);          /* no final newline */
    check_allows("allow br0\n", "br00", false);
    check_allows("allow br00\n", "br0", false);
    check_allows("allow all\n", "anything", true);
    check_allows("allow\tbr0\n", "br0", true);       /* tab separated */
    check_allows("  \t allow \t br0 \t \n", "br0", true);
    check_allows("allow br0\r\n", "br0", true);      /* CRLF */
    check_allows("allow br0 # lab bridge\n", "br0", true);
    check_allows("allow br0\t#comment\n", "br0", true);
    check_allows("#allow br0\n", "br0", false);
    check_allows("   # allow br0\n", "br0", false);
    check_allows("allow 123456789012345\n", "123456789012345", true);
}

static void test_deny_wins(void)
{
    check_allows("allow br0\ndeny br0\n", "br0", false);
    check_allows("deny br0\nallow br0\n", "br0", false);
    check_allows("allow all\ndeny br0\n", "br0", false);
    check_allows("allow all\ndeny br0\n", "br1", true);
    check_allows("deny all\nallow br0\n", "br0", false);
    check_allows("allow br0\ndeny all\n", "br0", false);
    check_allows("deny br1\nallow br0\n", "br0", true);
}

static void test_deny_message(void)
{
    char err[HELPER_ERR_LEN];
    Acl acl;

    g_assert_cmpint(parse(&acl, "allow all\n# x\ndeny br0\n", err), ==, 0);
    g_assert_false(acl_allows(&acl, "br0", err, sizeof(err)));
    g_assert_cmpstr(err, ==,
                    "access denied by ACL: bridge 'br0' is denied at test.conf:3");
    g_assert_false(acl_allows(&acl, "br0", err, sizeof(err)));
    acl_free(&acl);

    g_assert_cmpint(parse(&acl, "", err), ==, 0);
    g_assert_false(acl_allows(&acl, "br0", err, sizeof(err)));
    g_assert_cmpstr(err, ==,
                    "access denied by ACL: no rule allows bridge 'br0'");
    acl_free(&acl);
}

static void test_syntax_errors(void)
{
    check_parse_error("allow br0\nalow br1\n",
                      "test.conf:2: unknown keyword 'alow' (expected allow, "
                      "deny or include)");
    check_parse_error("ALLOW br0\n", "test.conf:1: unknown keyword 'ALLOW'");
    check_parse_error("allow\n", "test.conf:1: 'allow' needs a bridge name or 'all'");
    check_parse_error("deny   \t\n", "test.conf:1: 'deny' needs a bridge name");
    check_parse_error("include\n", "test.conf:1: 'include' needs a file name");
    check_parse_error("allow br0 br1\n",
                      "test.conf:1: unexpected 'br1' after 'allow br0'");
    check_parse_error("\n\n\nallow br/0\n",
                      "test.conf:4: invalid bridge name 'br/0': it contains '/'");
    check_parse_error("allow ..\n", "invalid bridge name '..'");
    check_parse_error("allow br:1\n", "contains ':'");
    check_parse_error("allow br\x01\n", "contains a control character");

    /* A NUL byte would end the line early for a C-string parser. */
    {
        static const char nul_text[] = "allow br0\nallow a\0ll\n";
        char err[HELPER_ERR_LEN];
        Acl acl = { 0 };
        g_assert_cmpint(acl_load_text(&acl, "test.conf", nul_text,
                                      sizeof(nul_text) - 1, &plain_opts,
                                      err, sizeof(err)), ==, -1);
        g_assert_cmpstr(err, ==, "test.conf:2: line contains a NUL byte");
        acl_free(&acl);
    }
}

/* CVE-2019-13164: an over-long name must never match by truncation. */
static void test_long_names(void)
{
    check_parse_error("allow 1234567890123456\n",
                      "test.conf:1: invalid bridge name '1234567890123456': "
                      "it is longer than 15 bytes");
    check_parse_error("deny br0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
                      "is longer than 15 bytes");
}

static void test_long_lines(void)
{
    char err[HELPER_ERR_LEN];
    GString *text = g_string_new("allow br0\n# ");
    Acl acl;

    /* A comment line of exactly ACL_MAX_LINE bytes is fine... */
    while (text->len < strlen("allow br0\n") + ACL_MAX_LINE) {
        g_string_append_c(text, 'x');
    }
    g_string_append(text, "\nallow br1\n");
    g_assert_cmpint(parse(&acl, text->str, err), ==, 0);
    g_assert_true(acl_allows(&acl, "br1", err, sizeof(err)));
    acl_free(&acl);

    /* ...one more byte is an error naming the line, never a split line. */
    g_string_insert_c(text, strlen("allow br0\n# "), 'y');
    g_assert_cmpint(parse(&acl, text->str, err), ==, -1);
    g_assert_cmpstr(err, ==, "test.conf:2: line longer than 4095 bytes");
    acl_free(&acl);

    /* The trick QEMU's splitting allowed: a rule hidden past the limit. */
    g_string_assign(text, "#");
    for (int i = 0; i < 4095; i++) {
        g_string_append_c(text, ' ');
    }
    g_string_append(text, "allow all\n");
    g_assert_cmpint(parse(&acl, text->str, err), ==, -1);
    g_assert_true(strstr(err, "test.conf:1: line longer") != NULL);
    acl_free(&acl);
    g_string_free(text, TRUE);
}

/* ---------------------------------------------------------------------- */
/* Files and includes, in a private temporary directory. */

typedef struct FileFixture {
    char *dir;
} FileFixture;

static char *write_conf(FileFixture *f, const char *name, const char *text)
{
    char *path = g_build_filename(f->dir, name, NULL);
    GError *error = NULL;

    g_assert_true(g_file_set_contents(path, text, -1, &error));
    g_assert_no_error(error);
    g_assert_cmpint(chmod(path, 0644), ==, 0);
    return path;
}

static void fixture_setup(FileFixture *f, gconstpointer data)
{
    GError *error = NULL;

    f->dir = g_dir_make_tmp("bridge-acl-XXXXXX", &error);
    g_assert_no_error(error);
    g_assert_cmpint(chmod(f->dir, 0755), ==, 0);
}

static int remove_tree_entry(const char *path)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR) &&
        !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
        GDir *d = g_dir_open(path, 0, NULL);
        const char *name;
        while (d && (name = g_dir_read_name(d))) {
            char *child = g_build_filename(path, name, NULL);
            remove_tree_entry(child);
            g_free(child);
        }
        if (d) {
            g_dir_close(d);
        }
        return g_rmdir(path);
    }
    return g_unlink(path);
}

static void fixture_teardown(FileFixture *f, gconstpointer data)
{
    remove_tree_entry(f->dir);
    g_free(f->dir);
}

/* Loads PATH; returns the result and leaves the message in ERR. */
static int load(Acl *acl, const char *path, const AclOptions *opts, char *err)
{
    memset(acl, 0, sizeof(*acl));
    err[0] = '\0';
    return acl_load(acl, path, opts, err, HELPER_ERR_LEN);
}

static void test_include(FileFixture *f, gconstpointer data)
{
    char err[HELPER_ERR_LEN];
    Acl acl;
    g_autofree char *sub = g_build_filename(f->dir, "sub", NULL);
    g_autofree char *users = write_conf(f, "users.conf", "allow br1\n");
    g_autofree char *main_text = g_strdup_printf(
        "allow br0\ninclude %s\ninclude sub/rel.conf\n", users);
    g_autofree char *main_path = NULL;
    g_autofree char *rel = NULL;

    g_assert_cmpint(g_mkdir(sub, 0755), ==, 0);
    rel = write_conf(f, "sub/rel.conf", "deny br0\ninclude ../deeper.conf\n");
    g_free(write_conf(f, "deeper.conf", "allow br2\n"));
    main_path = write_conf(f, "bridge.conf", main_text);

    g_assert_cmpint(load(&acl, main_path, &plain_opts, err), ==, 0);
    g_assert_false(acl_allows(&acl, "br0", err, sizeof(err)));  /* deny in include */
    g_assert_true(strstr(err, "rel.conf:1") != NULL);
    g_assert_true(acl_allows(&acl, "br1", err, sizeof(err)));
    g_assert_true(acl_allows(&acl, "br2", err, sizeof(err)));   /* relative to sub/ */
    g_assert_false(acl_allows(&acl, "br3", err, sizeof(err)));
    acl_free(&acl);
}

static void test_include_errors(FileFixture *f, gconstpointer data)
{
    char err[HELPER_ERR_LEN];
    Acl acl;
    g_autofree char *bad = write_conf(f, "bad.conf", "allow br1\nfrobnicate\n");
    g_autofree char *text = g_strdup_printf("# top\ninclude %s\n", bad);
    g_autofree char *top = write_conf(f, "top.conf", text);
    g_autofree char *missing = write_conf(f, "missing.conf",
                                          "allow br0\ninclude nowhere.conf\n");
    g_autofree char *dirinc = write_conf(f, "dir.conf", "include .\n");
    g_autofree char *expect = NULL;

    /* An error inside an included file is fatal and names both places. */
    g_assert_cmpint(load(&acl, top, &plain_opts, err), ==, -1);
    expect = g_strdup_printf("%s:2: unknown keyword 'frobnicate' (expected "
                             "allow, deny or include) (included from %s:2)",
                             bad, top);
    g_assert_cmpstr(err, ==, expect);
    acl_free(&acl);

    g_assert_cmpint(load(&acl, missing, &plain_opts, err), ==, -1);
    g_free(expect);
    expect = g_strdup_printf("%s:2: cannot open ACL file %s/nowhere.conf: "
                             "No such file or directory", missing, f->dir);
    g_assert_cmpstr(err, ==, expect);
    acl_free(&acl);

    g_assert_cmpint(load(&acl, dirinc, &plain_opts, err), ==, -1);
    g_assert_true(strstr(err, "dir.conf:1: ACL file") != NULL);
    g_assert_true(strstr(err, "is not a regular file") != NULL);
    acl_free(&acl);

    /* The top file itself missing: no rules, a clear message. */
    g_free(expect);
    expect = g_build_filename(f->dir, "absent.conf", NULL);
    g_assert_cmpint(load(&acl, expect, &plain_opts, err), ==, -1);
    g_assert_true(g_str_has_prefix(err, "cannot open ACL file "));
    g_assert_true(g_str_has_suffix(err, "absent.conf: No such file or directory"));
    acl_free(&acl);
}

static void test_include_fifo(FileFixture *f, gconstpointer data)
{
    char err[HELPER_ERR_LEN];
    Acl acl;
    g_autofree char *fifo = g_build_filename(f->dir, "fifo", NULL);
    g_autofree char *top = write_conf(f, "top.conf", "include fifo\n");

    /* Opening a FIFO for reading would block forever without O_NONBLOCK. */
    g_assert_cmpint(mkfifo(fifo, 0644), ==, 0);
    g_assert_cmpint(load(&acl, top, &plain_opts, err), ==, -1);
    g_assert_true(strstr(err, "is not a regular file") != NULL);
    acl_free(&acl);
}

static void test_include_loop(FileFixture *f, gconstpointer data)
{
    char err[HELPER_ERR_LEN];
    Acl acl;
    g_autofree char *self = write_conf(f, "self.conf", "allow br0\ninclude self.conf\n");
    g_autofree char *a = write_conf(f, "a.conf", "include b.conf\n");

    g_free(write_conf(f, "b.conf", "allow br0\n\ninclude a.conf\n"));
    g_assert_cmpint(load(&acl, self, &plain_opts, err), ==, -1);
    g_assert_true(strstr(err, "self.conf:2: include loop") != NULL);
    acl_free(&acl);

    g_assert_cmpint(load(&acl, a, &plain_opts, err), ==, -1);
    g_assert_true(strstr(err, "b.conf:3: include loop") != NULL);
    g_assert_true(strstr(err, "(included from ") != NULL);
    acl_free(&acl);
}

/* Chains of N includes: depth 8 is accepted, 9 is an error. */
static void test_include_depth(FileFixture *f, gconstpointer data)
{
    char err[HELPER_ERR_LEN];
    Acl acl;

    for (int levels = ACL_MAX_INCLUDE_DEPTH; levels <= ACL_MAX_INCLUDE_DEPTH + 1;
         levels++) {
        g_autofree char *top = NULL;
        for (int i = levels; i >= 0; i--) {
            g_autofree char *name = g_strdup_printf("d%d-%d.conf", levels, i);
            g_autofree char *text = i == levels
                ? g_strdup("allow br0\n")
                : g_strdup_printf("include d%d-%d.conf\n", levels, i + 1);
            g_free(top);
            top = write_conf(f, name, text);
        }
        int rc = load(&acl, top, &plain_opts, err);
        if (levels <= ACL_MAX_INCLUDE_DEPTH) {
            g_assert_cmpint(rc, ==, 0);
            g_assert_true(acl_allows(&acl, "br0", err, sizeof(err)));
        } else {
            g_assert_cmpint(rc, ==, -1);
            g_assert_true(strstr(err, "includes nested deeper than 8 levels"));
        }
        acl_free(&acl);
    }
}

static void test_file_too_large(FileFixture *f, gconstpointer data)
{
    char err[HELPER_ERR_LEN];
    Acl acl;
    g_autofree char *text = g_malloc(ACL_MAX_FILE_SIZE + 2);
    g_autofree char *path = NULL;

    memset(text, '\n', ACL_MAX_FILE_SIZE + 1);
    text[ACL_MAX_FILE_SIZE + 1] = '\0';
    path = write_conf(f, "huge.conf", text);
    g_assert_cmpint(load(&acl, path, &plain_opts, err), ==, -1);
    g_assert_true(strstr(err, "is larger than 1048576 bytes") != NULL);
    acl_free(&acl);
}

/* The rules a privileged helper applies to its policy files. */
static void test_ownership(FileFixture *f, gconstpointer data)
{
    const AclOptions strict = { .require_root_owned = true };
    char err[HELPER_ERR_LEN];
    Acl acl;
    g_autofree char *path = write_conf(f, "bridge.conf", "allow br0\n");

    if (geteuid() != 0) {
        /* Our files are not root's: the strict mode must refuse them. */
        g_assert_cmpint(load(&acl, path, &strict, err), ==, -1);
        g_assert_true(strstr(err, "is not owned by root") != NULL);
        acl_free(&acl);
        return;
    }
    g_assert_cmpint(load(&acl, path, &strict, err), ==, 0);
    acl_free(&acl);

    g_assert_cmpint(chmod(path, 0664), ==, 0);
    g_assert_cmpint(load(&acl, path, &strict, err), ==, -1);
    g_assert_true(strstr(err, "is writable by group or others") != NULL);
    acl_free(&acl);
    g_assert_cmpint(load(&acl, path, &plain_opts, err), ==, 0);  /* lax mode */
    acl_free(&acl);

    g_assert_cmpint(chmod(path, 0644), ==, 0);
    g_assert_cmpint(chown(path, 1, 0), ==, 0);
    g_assert_cmpint(load(&acl, path, &strict, err), ==, -1);
    g_assert_true(strstr(err, "is not owned by root") != NULL);
    acl_free(&acl);

    g_assert_cmpint(chown(path, 0, 0), ==, 0);
    g_assert_cmpint(chmod(f->dir, 0777), ==, 0);
    g_assert_cmpint(load(&acl, path, &strict, err), ==, -1);
    g_assert_true(strstr(err, "holding an ACL file is writable by group or others"));
    acl_free(&acl);
    g_assert_cmpint(chmod(f->dir, 0755), ==, 0);
}

static void test_fuzz_mode_forbids_include(void)
{
    const AclOptions no_include = { .forbid_include = true };
    char err[HELPER_ERR_LEN];
    Acl acl = { 0 };
    const char *text = "include /etc/passwd\n";

    g_assert_cmpint(acl_load_text(&acl, "fuzz", text, strlen(text), &no_include,
                                  err, sizeof(err)), ==, -1);
    g_assert_cmpstr(err, ==, "fuzz:1: include is not allowed here");
    acl_free(&acl);
}

/* ---------------------------------------------------------------------- */
/* Command line */

static ArgsResult run_parse_args(HelperArgs *args, char *err, ...)
{
    char *argv[16] = { (char *)"qemu-bridge-helper" };
    int argc = 1;
    va_list ap;
    const char *a;

    va_start(ap, err);
    while ((a = va_arg(ap, const char *)) != NULL) {
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    err[0] = '\0';
    return helper_parse_args(argc, argv, args, err, HELPER_ERR_LEN);
}

static void expect_args_error(const char *want, const char *a1, const char *a2,
                              const char *a3)
{
    char err[HELPER_ERR_LEN];
    HelperArgs args;

    g_assert_cmpint(run_parse_args(&args, err, a1, a2, a3, NULL), ==, ARGS_ERROR);
    g_assert_cmpstr(err, ==, want);
}

static void test_args(void)
{
    char err[HELPER_ERR_LEN];
    HelperArgs args;

    g_assert_cmpint(run_parse_args(&args, err, "--use-vnet", "--fd=3",
                                   "--br=br0", NULL), ==, ARGS_RUN);
    g_assert_true(args.use_vnet);
    g_assert_cmpstr(args.bridge, ==, "br0");
    g_assert_cmpint(args.unix_fd, ==, 3);
    g_assert_cmpint(run_parse_args(&args, err, "--br=qemubr0", "--fd=10", NULL),
                    ==, ARGS_RUN);
    g_assert_false(args.use_vnet);
    g_assert_cmpint(args.unix_fd, ==, 10);
    g_assert_cmpint(args.queues, ==, 1);        /* QEMU's protocol */
    g_assert_cmpint(run_parse_args(&args, err, "--br=br0", "--fd=3",
                                   "--queues=64", NULL), ==, ARGS_RUN);
    g_assert_cmpint(args.queues, ==, 64);

    expect_args_error("missing --br=BRIDGE", "--fd=3", NULL, NULL);
    expect_args_error("missing --fd=UNIXFD", "--br=br0", NULL, NULL);
    expect_args_error("invalid bridge name '': it is empty", "--br=", "--fd=3", NULL);
    expect_args_error("invalid bridge name '1234567890123456': it is longer "
                      "than 15 bytes", "--br=1234567890123456", "--fd=3", NULL);
    expect_args_error("invalid bridge name '../x': it contains '/'",
                      "--br=../x", "--fd=3", NULL);
    expect_args_error("invalid bridge name '..': it is '.' or '..'",
                      "--br=..", "--fd=3", NULL);
    expect_args_error("invalid bridge name 'br 0': it contains whitespace",
                      "--br=br 0", "--fd=3", NULL);
    expect_args_error("invalid bridge name 'br\x1b': it contains a control "
                      "character", "--br=br\x1b", "--fd=3", NULL);
    expect_args_error("--fd=abc: not a decimal file descriptor number",
                      "--br=br0", "--fd=abc", NULL);
    expect_args_error("--fd=: not a decimal file descriptor number",
                      "--br=br0", "--fd=", NULL);
    expect_args_error("--fd=-1: not a decimal file descriptor number",
                      "--br=br0", "--fd=-1", NULL);
    expect_args_error("--fd= 3: not a decimal file descriptor number",
                      "--br=br0", "--fd= 3", NULL);
    expect_args_error("--fd=3x: not a decimal file descriptor number",
                      "--br=br0", "--fd=3x", NULL);
    expect_args_error("--fd=99999999999: not a decimal file descriptor number",
                      "--br=br0", "--fd=99999999999", NULL);
    expect_args_error("unknown argument '--bridge=br0'", "--bridge=br0",
                      "--fd=3", NULL);
    expect_args_error("unknown argument 'br0'", "br0", NULL, NULL);
    expect_args_error("--br given twice", "--br=a", "--br=b", "--fd=3");
    expect_args_error("--fd given twice", "--br=a", "--fd=3", "--fd=4");
    expect_args_error("--queues=0: expected a number from 1 to 64",
                      "--br=br0", "--fd=3", "--queues=0");
    expect_args_error("--queues=65: expected a number from 1 to 64",
                      "--br=br0", "--fd=3", "--queues=65");
    expect_args_error("--queues=two: expected a number from 1 to 64",
                      "--br=br0", "--fd=3", "--queues=two");
    expect_args_error("--queues given twice", "--br=a", "--queues=2",
                      "--queues=2");
}

static void test_unix_socket_check(void)
{
    char err[HELPER_ERR_LEN];
    int sv[2], pipefd[2];
    int udp = socket(AF_INET, SOCK_DGRAM, 0);

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    g_assert_cmpint(pipe(pipefd), ==, 0);
    g_assert_cmpint(helper_check_unix_socket(sv[0], err, sizeof(err)), ==, 0);
    g_assert_cmpint(helper_check_unix_socket(pipefd[0], err, sizeof(err)), ==, -1);
    g_assert_true(strstr(err, "is not a socket") != NULL);
    g_assert_cmpint(udp, >=, 0);
    g_assert_cmpint(helper_check_unix_socket(udp, err, sizeof(err)), ==, -1);
    g_assert_true(strstr(err, "is not a unix socket") != NULL);
    close(udp);
    g_assert_cmpint(helper_check_unix_socket(udp, err, sizeof(err)), ==, -1);
    g_assert_true(strstr(err, "Bad file descriptor") != NULL);
    close(sv[0]);
    close(sv[1]);
    close(pipefd[0]);
    close(pipefd[1]);
}

#define FILE_TEST(name, fn) \
    g_test_add("/bridge-acl/" name, FileFixture, NULL, fixture_setup, fn, \
               fixture_teardown)

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/bridge-acl/ifname", test_ifname);
    g_test_add_func("/bridge-acl/default-deny", test_default_deny);
    g_test_add_func("/bridge-acl/allow", test_allow);
    g_test_add_func("/bridge-acl/deny-wins", test_deny_wins);
    g_test_add_func("/bridge-acl/deny-message", test_deny_message);
    g_test_add_func("/bridge-acl/syntax-errors", test_syntax_errors);
    g_test_add_func("/bridge-acl/long-names", test_long_names);
    g_test_add_func("/bridge-acl/long-lines", test_long_lines);
    g_test_add_func("/bridge-acl/fuzz-mode", test_fuzz_mode_forbids_include);
    FILE_TEST("include", test_include);
    FILE_TEST("include-errors", test_include_errors);
    FILE_TEST("include-fifo", test_include_fifo);
    FILE_TEST("include-loop", test_include_loop);
    FILE_TEST("include-depth", test_include_depth);
    FILE_TEST("file-too-large", test_file_too_large);
    FILE_TEST("ownership", test_ownership);
    g_test_add_func("/bridge-acl/args", test_args);
    g_test_add_func("/bridge-acl/unix-socket", test_unix_socket_check);
    return g_test_run();
}
