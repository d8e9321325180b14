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
 * Extension: with --queues=N (N > 1) the tap is made with IFF_MULTI_QUEUE,
 * N queues are opened, and the one byte carries all N fds, in queue order.
 * A caller that does not ask gets exactly QEMU's single fd.
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
 * The helper is libc and libcap-ng only, no emulator code.  Its ACL, command
 * line and error convention are units of their own in bridge-helper/ (a
 * static library that the unit tests and the fuzz target link too); this
 * file keeps what needs privileges: dropping them, rtnetlink, the tap.
 */

#include "config-host.h"

#include "bridge-helper/acl.h"
#include "bridge-helper/args.h"
#include "bridge-helper/error.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

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
        return helper_fail(err, errlen, "cannot set no_new_privs: %s",
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
        return helper_fail(err, errlen, "cannot select CAP_NET_ADMIN");
    }
    if (change_id) {
        int rc = capng_change_id((int)uid, (int)gid,
                                 CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING);
        if (rc < 0) {
            return helper_fail(err, errlen, "cannot drop privileges to uid "
                               "%u (libcap-ng error %d)", (unsigned)uid, rc);
        }
    } else if (capng_apply(can_clear_bounding ? CAPNG_SELECT_BOTH
                                              : CAPNG_SELECT_CAPS) < 0) {
        return helper_fail(err, errlen, "cannot drop capabilities");
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

/* Closes the first N fds of FDS. */
static void close_fds(const int *fds, int n)
{
    for (int i = 0; i < n; i++) {
        close(fds[i]);
    }
}

/*
 * Opens the tap's QUEUES queues into FDS: the first creates tapN (named
 * into IFNAME), the others attach to it by name.  A multiqueue tap exists
 * as long as one of its queues is open.
 */
static int open_tap(bool use_vnet, int queues, int *fds, char *ifname,
                    char *err, size_t errlen)
{
    struct ifreq ifr;
    unsigned features = 0;

    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "tap%%d");
    for (int q = 0; q < queues; q++) {
        int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

        if (fd < 0) {
            close_fds(fds, q);
            return helper_fail(err, errlen, "cannot open /dev/net/tun: %s",
                               strerror(errno));
        }
        if (q == 0) {
            if (ioctl(fd, TUNGETFEATURES, &features) < 0) {
                features = 0;
            }
            if (use_vnet && (features & IFF_VNET_HDR)) {
                ifr.ifr_flags |= IFF_VNET_HDR;
            }
            if (queues > 1) {
                if (!(features & IFF_MULTI_QUEUE)) {
                    close(fd);
                    return helper_fail(err, errlen, "--queues=%d: this "
                                       "kernel has no multiqueue taps",
                                       queues);
                }
                ifr.ifr_flags |= IFF_MULTI_QUEUE;
            }
        }
        if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
            int e = errno;

            close(fd);
            close_fds(fds, q);
            if (e == EPERM) {
                return helper_fail(err, errlen, "cannot create a tap device: "
                                   "%s (the helper needs CAP_NET_ADMIN: "
                                   "install it setuid root or with the "
                                   "cap_net_admin file capability)",
                                   strerror(e));
            }
            if (q > 0) {
                return helper_fail(err, errlen, "cannot open queue %d of %s: "
                                   "%s", q, ifr.ifr_name, strerror(e));
            }
            return helper_fail(err, errlen, "cannot create a tap device: %s",
                               strerror(e));
        }
        fds[q] = fd;        /* TUNSETIFF wrote the tap's name into ifr */
    }
    memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
    ifname[IFNAMSIZ - 1] = '\0';
    return 0;
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
        return helper_fail(err, errlen, "cannot read tap %s: %s", tap,
                           strerror(-rc));
    }

    /* 0xFE as first byte: the bridge takes the lowest port MAC as its own,
     * and a tap must never become it. */
    tapinfo.addr[0] = 0xfe;
    nl_init(&req, RTM_NEWLINK, 0, tapinfo.index);
    nl_put(&req, IFLA_ADDRESS, tapinfo.addr, 6);
    rc = nl_talk(nl, &req, NULL, 0, NULL);
    if (rc < 0) {
        return helper_fail(err, errlen, "cannot set the MAC address of %s: %s",
                           tap, strerror(-rc));
    }

    nl_init(&req, RTM_NEWLINK, 0, tapinfo.index);
    nl_put(&req, IFLA_MTU, &bridge->mtu, 4);
    rc = nl_talk(nl, &req, NULL, 0, NULL);
    if (rc < 0) {
        return helper_fail(err, errlen, "cannot set MTU %u on %s: %s",
                           bridge->mtu, tap, strerror(-rc));
    }

    nl_init(&req, RTM_NEWLINK, 0, tapinfo.index);
    nl_put(&req, IFLA_MASTER, &master, 4);
    rc = nl_talk(nl, &req, NULL, 0, NULL);
    if (rc < 0) {
        return helper_fail(err, errlen, "cannot attach %s to bridge %s: %s",
                           tap, brname, strerror(-rc));
    }

    nl_init(&req, RTM_NEWLINK, 0, tapinfo.index);
    req.ifi.ifi_flags = IFF_UP;
    req.ifi.ifi_change = IFF_UP;
    rc = nl_talk(nl, &req, NULL, 0, NULL);
    if (rc < 0) {
        return helper_fail(err, errlen, "cannot bring %s up: %s", tap,
                           strerror(-rc));
    }
    return 0;
}

/* One byte carrying the N fds of FDS (QEMU's protocol when N is 1). */
static int send_fds(int unix_fd, const int *fds, int n, char *err,
                    size_t errlen)
{
    char byte = 0;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        struct cmsghdr hdr;
        char buf[CMSG_SPACE(sizeof(int) * HELPER_MAX_QUEUES)];
    } control;
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control.buf,
        .msg_controllen = CMSG_SPACE(sizeof(int) * n),
    };
    struct cmsghdr *cmsg;
    ssize_t n_sent;

    memset(&control, 0, sizeof(control));
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * n);
    do {
        n_sent = sendmsg(unix_fd, &msg, MSG_NOSIGNAL);
    } while (n_sent < 0 && errno == EINTR);
    if (n_sent != 1) {
        return helper_fail(err, errlen,
                           "cannot send the tap fd%s over --fd=%d: %s",
                           n > 1 ? "s" : "", unix_fd,
                           n_sent < 0 ? strerror(errno) : "short write");
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
    int tapfds[HELPER_MAX_QUEUES];
    int nl, rc;

    if (helper_check_unix_socket(args->unix_fd, err, errlen) < 0) {
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
        helper_fail(err, errlen, "cannot open a netlink socket: %s",
                    strerror(errno));
        return 1;
    }
    rc = nl_get_link(nl, args->bridge, &bridge);
    if (rc == -ENODEV) {
        helper_fail(err, errlen, "bridge '%s' does not exist", args->bridge);
        close(nl);
        return 1;
    } else if (rc < 0) {
        helper_fail(err, errlen, "cannot look up bridge '%s': %s",
                    args->bridge, strerror(-rc));
        close(nl);
        return 1;
    }
    if (strcmp(bridge.kind, "bridge") != 0) {
        helper_fail(err, errlen, "'%s' is not a bridge (it is %s%s)",
                    args->bridge,
                    bridge.kind[0] ? "a " : "a device without a link kind",
                    bridge.kind);
        close(nl);
        return 1;
    }

    if (open_tap(args->use_vnet, args->queues, tapfds, tap, err,
                 errlen) < 0) {
        close(nl);
        return 1;
    }
    /* From here on, closing the fds is all the cleanup a failure needs. */
    rc = setup_tap(nl, tap, &bridge, args->bridge, err, errlen) < 0 ||
         send_fds(args->unix_fd, tapfds, args->queues, err, errlen) < 0;
    close_fds(tapfds, args->queues);
    close(nl);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    char err[HELPER_ERR_LEN] = "";
    HelperArgs args;
    int status;

    switch (helper_parse_args(argc, argv, &args, err, sizeof(err))) {
    case ARGS_EXIT_OK:
        return 0;
    case ARGS_ERROR:
        fprintf(stderr, HELPER_NAME ": %s\n" HELPER_USAGE "\n", err);
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
