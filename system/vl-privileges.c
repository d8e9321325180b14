/*
 * -runas, -chroot, -run-with (see include/system/vl-privileges.h).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "qapi/util.h"
#include "system/vl-privileges.h"
#include "util/keyval.h"

static struct {
    bool change_user;
    uid_t uid;
    gid_t gid;
    gid_t *groups;              /* supplementary groups, resolved at parse */
    int ngroups;
    char *chroot_dir;
} priv;

/* "UID:GID", both decimal, into *UID and *GID. */
static bool parse_uid_gid(const char *text, uid_t *uid, gid_t *gid)
{
    unsigned long long u, g;
    char *end;

    errno = 0;
    u = strtoull(text, &end, 10);
    if (errno || end == text || *end != ':' || u > (uid_t)-2) {
        return false;
    }
    text = end + 1;
    g = strtoull(text, &end, 10);
    if (errno || end == text || *end || g > (gid_t)-2) {
        return false;
    }
    *uid = u;
    *gid = g;
    return true;
}

/*
 * Resolve USER now, while the user and group databases are reachable:
 * after -chroot they may not be.
 */
static bool set_user(const char *user, Error **errp)
{
    struct passwd *pw = getpwnam(user);

    g_free(priv.groups);
    priv.groups = NULL;
    if (!pw) {
        if (!parse_uid_gid(user, &priv.uid, &priv.gid)) {
            error_setg(errp, "User \"%s\" doesn't exist (and is not "
                       "<uid>:<gid>)", user);
            return false;
        }
        priv.groups = g_new(gid_t, 1);
        priv.groups[0] = priv.gid;
        priv.ngroups = 1;
    } else {
        int n = 0;

        priv.uid = pw->pw_uid;
        priv.gid = pw->pw_gid;
        getgrouplist(user, priv.gid, NULL, &n);     /* n: how many */
        priv.groups = g_new(gid_t, n + 1);
        if (getgrouplist(user, priv.gid, priv.groups, &n) < 0) {
            n = 1;
            priv.groups[0] = priv.gid;
        }
        priv.ngroups = n;
    }
    priv.change_user = true;
    return true;
}

static void set_chroot(const char *dir)
{
    g_free(priv.chroot_dir);
    priv.chroot_dir = g_strdup(dir);
}

static bool opt_runas(const char *arg, const char *loc, Error **errp)
{
    return set_user(arg, errp);
}

static bool opt_chroot(const char *arg, const char *loc, Error **errp)
{
    set_chroot(arg);
    return true;
}

/* -run-with user=USER,chroot=DIR[,async-teardown=off] (QEMU 9.1's form). */
static bool opt_run_with(const char *arg, const char *loc, Error **errp)
{
    static const char *const keys[] = { "user", "chroot", "async-teardown",
                                        NULL };
    g_autoptr(GHashTable) opts = keyval_parse_strings(arg, NULL, NULL, errp);
    const char *user, *dir, *teardown;

    if (!opts || !keyval_check_keys(opts, keys, errp)) {
        return false;
    }
    teardown = g_hash_table_lookup(opts, "async-teardown");
    if (teardown) {
        bool on;

        if (!qapi_bool_parse("async-teardown", teardown, &on, errp)) {
            return false;
        }
        if (on) {
            /* a teardown process matters only for KVM's large guests */
            error_setg(errp, "async-teardown=on is not supported");
            return false;
        }
    }
    user = g_hash_table_lookup(opts, "user");
    dir = g_hash_table_lookup(opts, "chroot");
    if (user && !set_user(user, errp)) {
        return false;
    }
    if (dir) {
        set_chroot(dir);
    }
    return true;
}

bool vl_drop_privileges(Error **errp)
{
    if (priv.chroot_dir) {
        if (chroot(priv.chroot_dir) < 0) {
            error_setg_errno(errp, errno, "-chroot: cannot chroot to '%s'",
                             priv.chroot_dir);
            return false;
        }
        if (chdir("/") < 0) {
            error_setg_errno(errp, errno, "-chroot: cannot enter '%s'",
                             priv.chroot_dir);
            return false;
        }
    }
    if (!priv.change_user) {
        return true;
    }
    /* groups and gid first: once the uid is gone, so is the right to */
    if (setgroups(priv.ngroups, priv.groups) < 0 ||
        setgid(priv.gid) < 0 || setuid(priv.uid) < 0) {
        error_setg_errno(errp, errno, "-runas: cannot change to uid %u "
                         "gid %u", (unsigned)priv.uid, (unsigned)priv.gid);
        return false;
    }
    /* A uid that can go back to root would make the drop a pretence. */
    if (priv.uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
        error_setg(errp, "-runas: root could be regained after changing "
                   "to uid %u", (unsigned)priv.uid);
        return false;
    }
    return true;
}

const QemuOptionDesc vl_privilege_options[] = {
    { "runas", true, opt_runas, "user", "change to user id user just "
      "before starting the VM\nuser can be numeric uid:gid instead" },
    { "chroot", true, opt_chroot, "dir", "chroot to dir just before "
      "starting the VM" },
    { "run-with", true, opt_run_with, "[user=username|uid:gid]"
      "[,chroot=dir]", "set up the process as -runas and -chroot do" },
    { NULL },
};
