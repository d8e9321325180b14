/*
 * Block backends: what a device (virtio-blk) sees of a disk.
 *
 * A BlockBackend is the device-facing end of a drive: `-drive id=ID` makes
 * one named ID over its node graph (format node over protocol node, with
 * any backing chain); `-blockdev node-name=N` makes only nodes, and a
 * device property `drive=N` then makes an anonymous backend over node N.
 * The graph, the formats (raw, qcow2) and the worker threads live in
 * block/; devices use only this header.
 *
 * Interface rules:
 * - Everything here is called from the main loop thread.  The I/O itself
 *   runs off it (worker threads), so no call here blocks on the disk,
 *   except blk_drain().
 * - An asynchronous request completes exactly once, by calling CB(OPAQUE,
 *   RET) in the main loop thread, never before the submitting call has
 *   returned.  RET is 0 on success or a negative errno.  Requests may
 *   complete in any order; a FLUSH completes after every write that
 *   completed before it was submitted is on stable storage (as far as the
 *   cache mode promises: cache=unsafe makes flush a no-op).
 * - Buffers are iovecs the caller keeps valid until completion; they may
 *   point straight into guest RAM (one host mapping that never moves).
 * - Offsets and lengths are in bytes; requests past the end of the disk
 *   fail with -EIO without touching the image; writes to a read-only
 *   backend fail with -EROFS (a device should refuse them earlier).
 * - One device at a time may be attached to a backend (QEMU's rule:
 *   "Drive 'X' is already in use by ...").  Before a device goes away it
 *   drains and detaches; the backend of a `-drive` lives on until
 *   blockdev-del / the end of the process.
 */
#ifndef BLOCK_BLOCK_BACKEND_H
#define BLOCK_BLOCK_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "qapi/error.h"

typedef struct BlockBackend BlockBackend;
typedef struct DeviceState DeviceState;

typedef void BlockCompletionFunc(void *opaque, int ret);

/* What a device does on an I/O error (werror=/rerror=, QEMU's names). */
typedef enum BlockErrorAction {
    BLOCK_ERROR_ACTION_REPORT,  /* complete the request with an error */
    BLOCK_ERROR_ACTION_IGNORE,  /* complete it as if it succeeded */
    BLOCK_ERROR_ACTION_STOP,    /* stop the VM; the request is retried on cont */
} BlockErrorAction;

/*
 * The backend for a device's drive= value: a -drive id, or a node name
 * (which gets a new anonymous backend).  NULL with QEMU's error
 * ("Property 'TYPE.drive' can't find value 'X'") when there is none.
 */
BlockBackend *blk_for_device(const char *drive, Error **errp);

/* Claim BLK for DEV; fails if another device has it.  Detach releases an
 * anonymous backend made by blk_for_device(). */
bool blk_attach_dev(BlockBackend *blk, DeviceState *dev, Error **errp);
void blk_detach_dev(BlockBackend *blk, DeviceState *dev);

/* The drive id, or the node name for an anonymous backend. */
const char *blk_name(const BlockBackend *blk);
/* Size of the disk in bytes (a multiple of 512). */
int64_t blk_getlength(const BlockBackend *blk);
bool blk_is_read_only(const BlockBackend *blk);
/* false for cache=writethrough/directsync: every write is already stable,
 * so the device need not offer a volatile write cache. */
bool blk_enable_write_cache(const BlockBackend *blk);
/* Whether discard reaches the image (discard=unmap) or is dropped. */
bool blk_discard_enabled(const BlockBackend *blk);

void blk_aio_preadv(BlockBackend *blk, int64_t offset,
                    const struct iovec *iov, int niov,
                    BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwritev(BlockBackend *blk, int64_t offset,
                     const struct iovec *iov, int niov,
                     BlockCompletionFunc *cb, void *opaque);
void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque);
/* Discard: a hint; the range may read back as zeroes or as before. */
void blk_aio_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BlockCompletionFunc *cb, void *opaque);
/* The range reads back as zeroes; MAY_UNMAP lets it free space too. */
void blk_aio_pwrite_zeroes(BlockBackend *blk, int64_t offset, int64_t bytes,
                           bool may_unmap, BlockCompletionFunc *cb,
                           void *opaque);

/* Wait (running completions) until BLK has no request in flight. */
void blk_drain(BlockBackend *blk);

/*
 * The action for error RET (negative errno) of a read (IS_READ) or a
 * write/flush/discard, from rerror=/werror= (enospc: stop on -ENOSPC,
 * report otherwise).  blk_error_action() carries it out: emits
 * BLOCK_IO_ERROR and, for STOP, stops the VM; the device keeps the
 * request and resubmits it when blk_set_retry_handler's callback runs
 * (the VM continued).
 */
BlockErrorAction blk_get_error_action(const BlockBackend *blk, bool is_read,
                                      int ret);
void blk_error_action(BlockBackend *blk, BlockErrorAction action,
                      bool is_read, int ret);
void blk_set_retry_handler(BlockBackend *blk, void (*retry)(void *opaque),
                           void *opaque);

#endif
