/*
 * Linux tap ioctls for the tap back-end (see net/tap-int.h).
 */

#include "tap-int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib.h>

int tap_open(const char *ifname, bool want_vnet, bool need_vnet,
             char actual_name[IFNAMSIZ], Error **errp)
{
    struct ifreq ifr;
    unsigned features = 0;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        error_setg_errno(errp, errno, "could not open /dev/net/tun");
        return -1;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNGETFEATURES, &features) < 0) {
        features = 0;
    }
    if (want_vnet && (features & IFF_VNET_HDR)) {
        ifr.ifr_flags |= IFF_VNET_HDR;
    } else if (need_vnet) {
        error_setg(errp, "vnet_hdr=1 requested, but no kernel support for "
                   "IFF_VNET_HDR available");
        close(fd);
        return -1;
    }
    g_strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        error_setg_errno(errp, errno, "could not configure /dev/net/tun (%s)",
                         ifname);
        close(fd);
        return -1;
    }
    g_strlcpy(actual_name, ifr.ifr_name, IFNAMSIZ);
    return fd;
}

bool tap_probe_vnet_hdr(int fd)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof(ifr));
    return ioctl(fd, TUNGETIFF, &ifr) == 0 && (ifr.ifr_flags & IFF_VNET_HDR);
}

bool tap_fd_set_vnet_hdr_len(int fd, int len)
{
    return ioctl(fd, TUNSETVNETHDRSZ, &len) == 0;
}

void tap_fd_set_offload(int fd, bool csum, bool tso4, bool tso6, bool ecn,
                        bool ufo)
{
    unsigned flags = 0;

    flags |= csum ? TUN_F_CSUM : 0;
    flags |= tso4 ? TUN_F_TSO4 : 0;
    flags |= tso6 ? TUN_F_TSO6 : 0;
    flags |= ecn ? TUN_F_TSO_ECN : 0;
    flags |= ufo ? TUN_F_UFO : 0;
    if (ioctl(fd, TUNSETOFFLOAD, flags) < 0 && ufo) {
        /* Kernels since 4.14 refuse UFO: retry without it. */
        flags &= ~(unsigned)TUN_F_UFO;
        ioctl(fd, TUNSETOFFLOAD, flags);
    }
}

void tap_fd_set_sndbuf(int fd, int sndbuf)
{
    ioctl(fd, TUNSETSNDBUF, &sndbuf);   /* not a tap (fd= a socket): fine */
}
