/*
 * The tap back-end's view of the OS: opening /dev/net/tun and the tun
 * ioctls, kept out of net/tap.c (QEMU's net/tap.c + net/tap-linux.c split)
 * so the back-end reads as frames and flow control, and another OS would
 * be one more file.  Internal to net/: only tap.c includes it.
 *
 * Every function takes an open fd and works on a non-tap fd too (fd= may be
 * any packet socket): what the kernel refuses is reported, not fatal.
 */
#ifndef NET_TAP_INT_H
#define NET_TAP_INT_H

#include <net/if.h>
#include <stdbool.h>

#include "qapi/error.h"

/* The header a tap starts with: struct virtio_net_hdr. */
#define TAP_DEFAULT_VNET_HDR_LEN 10

/*
 * Opens /dev/net/tun as IFNAME (may hold %d), with IFF_VNET_HDR when
 * WANT_VNET and the kernel has it (an error if NEED_VNET and it has not).
 * Returns the fd (close-on-exec) and the kernel's name in ACTUAL_NAME, or
 * -1 with *errp set.
 */
int tap_open(const char *ifname, bool want_vnet, bool need_vnet,
             char actual_name[IFNAMSIZ], Error **errp);

/* IFF_VNET_HDR as the kernel reports it; false for a non-tap fd. */
bool tap_probe_vnet_hdr(int fd);
/* TUNSETVNETHDRSZ; false with errno set if the kernel refused. */
bool tap_fd_set_vnet_hdr_len(int fd, int len);
/* TUNSETOFFLOAD; UFO is dropped on kernels that refuse it (4.14+). */
void tap_fd_set_offload(int fd, bool csum, bool tso4, bool tso6, bool ecn,
                        bool ufo);
/* TUNSETSNDBUF; ignored for a non-tap fd. */
void tap_fd_set_sndbuf(int fd, int sndbuf);

#endif
