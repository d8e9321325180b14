/*
 * Scatter/gather helpers for struct iovec arrays (packets, virtqueue
 * buffers).  Header-only: these are small and sit on hot paths.
 */
#ifndef QEMU_IOV_H
#define QEMU_IOV_H

#include <stddef.h>
#include <string.h>
#include <sys/uio.h>

static inline size_t iov_size(const struct iovec *iov, int iovcnt)
{
    size_t size = 0;

    for (int i = 0; i < iovcnt; i++) {
        size += iov[i].iov_len;
    }
    return size;
}

/* Copies up to LEN bytes starting at OFFSET into BUF; returns bytes copied. */
static inline size_t iov_to_buf(const struct iovec *iov, int iovcnt,
                                size_t offset, void *buf, size_t len)
{
    size_t done = 0;

    for (int i = 0; i < iovcnt && done < len; i++) {
        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        size_t n = iov[i].iov_len - offset;
        if (n > len - done) {
            n = len - done;
        }
        memcpy((char *)buf + done, (const char *)iov[i].iov_base + offset, n);
        done += n;
        offset = 0;
    }
    return done;
}

/* Copies LEN bytes from BUF into the iovec at OFFSET; returns bytes copied. */
static inline size_t iov_from_buf(const struct iovec *iov, int iovcnt,
                                  size_t offset, const void *buf, size_t len)
{
    size_t done = 0;

    for (int i = 0; i < iovcnt && done < len; i++) {
        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        size_t n = iov[i].iov_len - offset;
        if (n > len - done) {
            n = len - done;
        }
        memcpy((char *)iov[i].iov_base + offset, (const char *)buf + done, n);
        done += n;
        offset = 0;
    }
    return done;
}

#endif
