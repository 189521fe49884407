/* xfer.h — one rank's message buffers and how they reach MPI.
 *
 * The data lives where the placement says (host, or device memory of the GPU
 * backend). MPI is handed either that memory (host, or "direct" for a GPU-aware
 * MPI) or, when "staged", pinned host slots that are copied to/from the device
 * around each MPI call; the copies happen inside the timed region on purpose. */
#ifndef BBD_XFER_H
#define BBD_XFER_H

#include "bbd_err.h"
#include "gpu.h"

#include <stdbool.h>
#include <stddef.h>

enum xfer_path { XFER_PATH_HOST, XFER_PATH_DIRECT, XFER_PATH_STAGED };

struct xfer {
    struct gpu *gpu; /* NULL for host placement */
    enum xfer_path path;
    size_t max_size;
    int slots;             /* staging slots per direction (messages in flight) */
    void *sbuf, *rbuf;     /* data buffers (device memory when gpu != NULL) */
    void **sslot, **rslot; /* staged: pinned host slots */
    void *check;           /* host scratch for filling/checking device buffers */
};

const char *xfer_path_name(enum xfer_path p);

/* Allocate buffers for messages up to max_size with `slots` in flight. */
int xfer_setup(struct xfer *x, struct gpu *gpu, enum xfer_path path, size_t max_size, int slots,
               struct bbd_err *err);
void xfer_teardown(struct xfer *x);

/* Hot path (inside the timed region). Sending: the buffer to give MPI for message
 * `slot` of n bytes (staged: the device data is first copied into the slot). */
void *xfer_send_ptr(struct xfer *x, int slot, size_t n, struct bbd_err *err);
/* Receiving: the buffer MPI receives message `slot` into. */
void *xfer_recv_ptr(struct xfer *x, int slot);
/* After message `slot` was received: staged copies it to the device data buffer. */
int xfer_recv_done(struct xfer *x, int slot, size_t n, struct bbd_err *err);

/* Validation helpers (outside the timed region). */
int xfer_fill_send(struct xfer *x, size_t n, int rank, size_t size, long iter, struct bbd_err *err);
int xfer_clear_recv(struct xfer *x, size_t n, struct bbd_err *err);
/* The received data buffer as host memory (device data is copied back first into the
 * validation scratch); NULL with err on a copy failure. */
const void *xfer_recv_host(struct xfer *x, size_t n, struct bbd_err *err);
/* Wrong bytes in the received data buffer (device data is copied back first);
 * returns (size_t)-1 with err on a copy failure. */
size_t xfer_check_recv(struct xfer *x, size_t n, int sender, size_t size, long iter,
                       struct bbd_err *err);

#endif
