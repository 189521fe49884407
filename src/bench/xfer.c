#include "xfer.h"

#include "pattern.h"

#include <stdlib.h>
#include <string.h>

const char *xfer_path_name(enum xfer_path p)
{
    switch (p) {
    case XFER_PATH_HOST:
        return "host";
    case XFER_PATH_DIRECT:
        return "direct";
    case XFER_PATH_STAGED:
        return "staged";
    }
    return "?";
}

/* Every buffer is written once when allocated, as OSU does: an untouched anonymous
 * page reads as the kernel's shared zero page, so a never-written send buffer would
 * be one cached 4 KiB page and large-message figures would be optimistic (seen here:
 * 257 us instead of ~400 us one-way for 4 MiB). 'a' as OSU's set_buffer uses. */
#define XFER_INIT_BYTE 'a'

static int alloc_data(struct xfer *x, void **p, struct bbd_err *err)
{
    if (x->gpu) {
        if (x->gpu->ops->dev_alloc(x->gpu, p, x->max_size, err)) return -1;
        return x->gpu->ops->fill(x->gpu, *p, XFER_INIT_BYTE, x->max_size, err);
    }
    *p = aligned_alloc(4096, (x->max_size + 4095) / 4096 * 4096 + 4096);
    if (*p == NULL) return bbd_err_sys(err, "aligned_alloc", "message buffer");
    memset(*p, XFER_INIT_BYTE, x->max_size);
    return 0;
}

static void free_data(struct xfer *x, void *p)
{
    if (x->gpu)
        x->gpu->ops->dev_free(x->gpu, p);
    else
        free(p);
}

static int alloc_slots(struct xfer *x, void ***slots, struct bbd_err *err)
{
    *slots = calloc((size_t)x->slots, sizeof(void *));
    if (*slots == NULL) return bbd_err_sys(err, "calloc", "staging slots");
    for (int i = 0; i < x->slots; i++) {
        if (x->gpu->ops->host_alloc(x->gpu, &(*slots)[i], x->max_size, err)) return -1;
        memset((*slots)[i], XFER_INIT_BYTE, x->max_size);
    }
    return 0;
}

static void free_slots(struct xfer *x, void **slots)
{
    for (int i = 0; slots && i < x->slots; i++)
        x->gpu->ops->host_free(x->gpu, slots[i]);
    free(slots);
}

int xfer_setup(struct xfer *x, struct gpu *gpu, enum xfer_path path, size_t max_size, int slots,
               struct bbd_err *err)
{
    memset(x, 0, sizeof(*x));
    x->gpu = gpu;
    x->path = gpu ? path : XFER_PATH_HOST;
    x->max_size = max_size ? max_size : 1;
    x->slots = slots > 0 ? slots : 1;
    if (alloc_data(x, &x->sbuf, err) || alloc_data(x, &x->rbuf, err)) goto fail;
    if (gpu) {
        x->check = malloc(x->max_size);
        if (x->check == NULL) {
            bbd_err_sys(err, "malloc", "validation buffer");
            goto fail;
        }
    }
    if (x->path == XFER_PATH_STAGED &&
        (alloc_slots(x, &x->sslot, err) || alloc_slots(x, &x->rslot, err)))
        goto fail;
    return 0;
fail:
    xfer_teardown(x);
    return -1;
}

void xfer_teardown(struct xfer *x)
{
    if (x->sslot) free_slots(x, x->sslot);
    if (x->rslot) free_slots(x, x->rslot);
    if (x->sbuf) free_data(x, x->sbuf);
    if (x->rbuf) free_data(x, x->rbuf);
    free(x->check);
    memset(x, 0, sizeof(*x));
}

void *xfer_send_ptr(struct xfer *x, int slot, size_t n, struct bbd_err *err)
{
    if (x->path != XFER_PATH_STAGED) return x->sbuf;
    void *host = x->sslot[slot % x->slots];
    if (x->gpu->ops->copy(x->gpu, host, x->sbuf, n, GPU_D2H, err)) return NULL;
    return host;
}

void *xfer_recv_ptr(struct xfer *x, int slot)
{
    return x->path == XFER_PATH_STAGED ? x->rslot[slot % x->slots] : x->rbuf;
}

int xfer_recv_done(struct xfer *x, int slot, size_t n, struct bbd_err *err)
{
    if (x->path != XFER_PATH_STAGED) return 0;
    return x->gpu->ops->copy(x->gpu, x->rbuf, x->rslot[slot % x->slots], n, GPU_H2D, err);
}

int xfer_fill_send(struct xfer *x, size_t n, int rank, size_t size, long iter, struct bbd_err *err)
{
    if (x->gpu == NULL) {
        pattern_fill(x->sbuf, n, rank, size, iter);
        return 0;
    }
    pattern_fill(x->check, n, rank, size, iter);
    return x->gpu->ops->copy(x->gpu, x->sbuf, x->check, n, GPU_H2D, err);
}

int xfer_clear_recv(struct xfer *x, size_t n, struct bbd_err *err)
{
    if (x->path == XFER_PATH_STAGED)
        for (int i = 0; i < x->slots; i++)
            memset(x->rslot[i], 0, n);
    if (x->gpu) return x->gpu->ops->fill(x->gpu, x->rbuf, 0, n, err);
    memset(x->rbuf, 0, n);
    return 0;
}

const void *xfer_recv_host(struct xfer *x, size_t n, struct bbd_err *err)
{
    if (x->gpu == NULL) return x->rbuf;
    return x->gpu->ops->copy(x->gpu, x->check, x->rbuf, n, GPU_D2H, err) ? NULL : x->check;
}

size_t xfer_check_recv(struct xfer *x, size_t n, int sender, size_t size, long iter,
                       struct bbd_err *err)
{
    const void *data = xfer_recv_host(x, n, err);
    return data ? pattern_check(data, n, sender, size, iter) : (size_t)-1;
}
