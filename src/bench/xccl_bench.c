/* xccl_bench.c — the xccl test kinds (see xccl_bench.h). */
#include "xccl_bench.h"

#include "xccl_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the in-place variant puts its input and reads its result, in elements of
 * one rank's chunk (count / nranks): NCCL's in-place conventions. */
enum chunked { WHOLE, CHUNK };

struct xccl_coll {
    enum bench_coll op;
    bool in_place;                   /* has an in-place form (measured second) */
    enum chunked send_len, recv_len; /* send / receive elements: count or a chunk */
    bool send_at_rank, recv_at_rank; /* in place: input / result at chunk `rank` */
    /* Enqueue one operation on `count` elements in total. */
    int (*call)(struct xccl_run *x, const void *s, void *r, size_t count);
    /* Expected result element j (NAN: not checked on this rank). */
    double (*expect)(const struct xccl_run *x, size_t count, size_t j, long iter);
};

static int dt(const struct xccl_run *x)
{
    return xccl_dtypes[x->dtype].nccl;
}

static int rop(const struct xccl_run *x)
{
    return xccl_redops[x->op].nccl;
}

static int call_allreduce(struct xccl_run *x, const void *s, void *r, size_t count)
{
    return x->lib->api.all_reduce(s, r, count, dt(x), rop(x), x->comm, x->stream);
}

static int call_allgather(struct xccl_run *x, const void *s, void *r, size_t count)
{
    return x->lib->api.all_gather(s, r, count / x->nranks, dt(x), x->comm, x->stream);
}

static int call_reducescatter(struct xccl_run *x, const void *s, void *r, size_t count)
{
    return x->lib->api.reduce_scatter(s, r, count / x->nranks, dt(x), rop(x), x->comm, x->stream);
}

static int call_broadcast(struct xccl_run *x, const void *s, void *r, size_t count)
{
    return x->lib->api.broadcast(s, r, count, dt(x), x->root, x->comm, x->stream);
}

static int call_reduce(struct xccl_run *x, const void *s, void *r, size_t count)
{
    return x->lib->api.reduce(s, r, count, dt(x), rop(x), x->root, x->comm, x->stream);
}

/* First failing return code of a group of calls, the group always closed. */
static int group_end(struct xccl_run *x, int rc)
{
    int end = x->lib->api.group_end();
    return rc ? rc : end;
}

/* All-to-all as nccl-tests does it: one send and one receive per peer, grouped
 * (ncclAlltoAll exists only in NCCL >= 2.28 and RCCL spells it ncclAllToAll). */
static int call_alltoall(struct xccl_run *x, const void *s, void *r, size_t count)
{
    size_t chunk = count / x->nranks, bytes = chunk * xccl_dtypes[x->dtype].size;
    int rc = x->lib->api.group_start();
    for (int p = 0; p < x->nranks && rc == 0; p++) {
        rc = x->lib->api.send((const char *)s + p * bytes, chunk, dt(x), p, x->comm, x->stream);
        if (rc == 0)
            rc = x->lib->api.recv((char *)r + p * bytes, chunk, dt(x), p, x->comm, x->stream);
    }
    return group_end(x, rc);
}

/* Ring: send to the next rank, receive from the previous (with one rank: itself). */
static int call_sendrecv(struct xccl_run *x, const void *s, void *r, size_t count)
{
    int next = (x->rank + 1) % x->nranks, prev = (x->rank + x->nranks - 1) % x->nranks;
    int rc = x->lib->api.group_start();
    if (rc == 0) rc = x->lib->api.send(s, count, dt(x), next, x->comm, x->stream);
    if (rc == 0) rc = x->lib->api.recv(r, count, dt(x), prev, x->comm, x->stream);
    return group_end(x, rc);
}

static double reduced(const struct xccl_run *x, size_t i, long iter)
{
    double v = xccl_input(0, i, iter, 1);
    for (int r = 1; r < x->nranks; r++)
        v = xccl_combine(x->op, v, xccl_input(r, i, iter, 1));
    return v;
}

static double expect_allreduce(const struct xccl_run *x, size_t count, size_t j, long iter)
{
    (void)count;
    return reduced(x, j, iter);
}

static double expect_allgather(const struct xccl_run *x, size_t count, size_t j, long iter)
{
    size_t chunk = count / x->nranks;
    return xccl_input((int)(j / chunk), j % chunk, iter, 0);
}

static double expect_reducescatter(const struct xccl_run *x, size_t count, size_t j, long iter)
{
    return reduced(x, (size_t)x->rank * (count / x->nranks) + j, iter);
}

static double expect_alltoall(const struct xccl_run *x, size_t count, size_t j, long iter)
{
    size_t chunk = count / x->nranks;
    return xccl_input((int)(j / chunk), (size_t)x->rank * chunk + j % chunk, iter, 0);
}

static double expect_broadcast(const struct xccl_run *x, size_t count, size_t j, long iter)
{
    (void)count;
    return xccl_input(x->root, j, iter, 0);
}

static double expect_reduce(const struct xccl_run *x, size_t count, size_t j, long iter)
{
    (void)count;
    return x->rank == x->root ? reduced(x, j, iter) : NAN;
}

static double expect_sendrecv(const struct xccl_run *x, size_t count, size_t j, long iter)
{
    (void)count;
    return xccl_input((x->rank + x->nranks - 1) % x->nranks, j, iter, 0);
}

static const struct xccl_coll colls[] = {
    {COLL_ALLREDUCE, true, WHOLE, WHOLE, false, false, call_allreduce, expect_allreduce},
    {COLL_ALLGATHER, true, CHUNK, WHOLE, true, false, call_allgather, expect_allgather},
    {COLL_REDUCESCATTER, true, WHOLE, CHUNK, false, true, call_reducescatter, expect_reducescatter},
    {COLL_ALLTOALL, false, WHOLE, WHOLE, false, false, call_alltoall, expect_alltoall},
    {COLL_BROADCAST, true, WHOLE, WHOLE, false, false, call_broadcast, expect_broadcast},
    {COLL_REDUCE, true, WHOLE, WHOLE, false, false, call_reduce, expect_reduce},
    {COLL_SENDRECV, false, WHOLE, WHOLE, false, false, call_sendrecv, expect_sendrecv},
};

const struct xccl_coll *xccl_coll_get(enum bench_coll op)
{
    for (size_t i = 0; i < sizeof(colls) / sizeof(colls[0]); i++)
        if (colls[i].op == op) return &colls[i];
    return NULL;
}

bool xccl_has_in_place(const struct bench_info *t)
{
    const struct xccl_coll *c = t->kind == BENCH_XCCL_COLL ? xccl_coll_get(t->coll) : NULL;
    return c && c->in_place;
}

static size_t count_of(const struct xccl_run *x, size_t size)
{
    return bench_coll_count(x->coll->op, size, xccl_dtypes[x->dtype].size, x->nranks);
}

/* ---- one iteration: enqueue, then wait ---- */

/* Wait for the stream while watching for asynchronous library errors (a peer died,
 * a network error): NCCL would otherwise leave the stream waiting for ever. */
static int wait_stream(struct bench_ctx *c)
{
    struct xccl_run *x = c->impl;
    for (;;) {
        int async = XCCL_SUCCESS;
        int rc = x->lib->api.comm_get_async_error(x->comm, &async);
        if (rc != XCCL_SUCCESS)
            return xccl_fail(x->lib, x->comm, rc, "ncclCommGetAsyncError", "", c->err);
        if (async != XCCL_SUCCESS && async != XCCL_IN_PROGRESS) {
            xccl_fail(x->lib, x->comm, async, "ncclCommGetAsyncError", "asynchronous error",
                      c->err);
            x->lib->api.comm_abort(x->comm); /* leave nothing running on the GPU */
            x->comm = NULL;
            return -1;
        }
        int busy = x->gpu->ops->stream_query(x->gpu, x->stream, c->err);
        if (busy <= 0) return busy;
    }
}

/* --timer gpu: an event before the iteration's first operation and one after its last,
 * on the same stream; the harness then takes their distance instead of the host clock's. */
static int timer_start(struct bench_ctx *c)
{
    struct xccl_run *x = c->impl;
    return x->gpu_timer ? x->gpu->ops->event_record(x->gpu, x->ev_start, x->stream, c->err) : 0;
}

/* The iteration's last operation is enqueued: stop the timer, wait for the stream. */
static int finish(struct bench_ctx *c)
{
    struct xccl_run *x = c->impl;
    if (x->gpu_timer && x->gpu->ops->event_record(x->gpu, x->ev_stop, x->stream, c->err)) return -1;
    return wait_stream(c);
}

static int gpu_elapsed(struct bench_ctx *c, double *seconds)
{
    struct xccl_run *x = c->impl;
    float ms = 0.0f;
    if (!x->gpu_timer) return 0;
    if (x->gpu->ops->event_elapsed(x->gpu, x->ev_start, x->ev_stop, &ms, c->err)) return -1;
    *seconds = (double)ms / 1e3;
    return 0;
}

static size_t elements(const struct xccl_run *x, enum chunked len, size_t count)
{
    return len == CHUNK ? count / x->nranks : count;
}

/* Send and receive pointers of the current variant. */
static void coll_ptrs(const struct xccl_run *x, size_t count, void **s, void **r)
{
    const struct xccl_coll *k = x->coll;
    size_t at = (size_t)x->rank * (count / x->nranks) * xccl_dtypes[x->dtype].size;
    if (!x->in_place) {
        *s = x->sbuf;
        *r = x->rbuf;
        return;
    }
    *s = (char *)x->rbuf + (k->send_at_rank ? at : 0);
    *r = (char *)x->rbuf + (k->recv_at_rank ? at : 0);
}

static int coll_iterate(struct bench_ctx *c, size_t size)
{
    struct xccl_run *x = c->impl;
    size_t count = count_of(x, size);
    void *s, *r;
    coll_ptrs(x, count, &s, &r);
    if (timer_start(c)) return -1;
    int rc = x->coll->call(x, s, r, count);
    if (rc != XCCL_SUCCESS)
        return xccl_fail(x->lib, x->comm, rc, bench_coll_info(x->coll->op)->xccl_call, "enqueue",
                         c->err);
    return finish(c);
}

/* Untimed: this rank's inputs for `iter` into the send data, the receive area set to
 * all-ones bytes (NaN in every float type) so an element left unwritten is wrong. */
static int fill_inputs(struct bench_ctx *c, void *dst, size_t n, void *clear, size_t clear_len,
                       long iter, int reduces)
{
    struct xccl_run *x = c->impl;
    for (size_t i = 0; i < n; i++)
        xccl_store(x->dtype, x->host, i, xccl_input(x->rank, i, iter, reduces));
    if (clear_len && x->gpu->ops->fill(x->gpu, clear, 0xff, clear_len, c->err)) return -1;
    return x->gpu->ops->copy(x->gpu, dst, x->host, n * xccl_dtypes[x->dtype].size, GPU_H2D, c->err);
}

/* Untimed: copy n result elements back and count those that differ from expect(). */
static int count_wrong(struct bench_ctx *c, const void *src, size_t n, size_t count, long iter,
                       unsigned long long *wrong)
{
    struct xccl_run *x = c->impl;
    if (x->gpu->ops->copy(x->gpu, x->host, src, n * xccl_dtypes[x->dtype].size, GPU_D2H, c->err))
        return -1;
    for (size_t j = 0; j < n; j++) {
        double want =
            x->coll ? x->coll->expect(x, count, j, iter) : xccl_input(c->peer, j, iter, 0);
        if (!isnan(want) && xccl_load(x->dtype, x->host, j) != want) (*wrong)++;
    }
    return 0;
}

static int coll_prepare(struct bench_ctx *c, size_t size, long iter)
{
    struct xccl_run *x = c->impl;
    size_t elt = xccl_dtypes[x->dtype].size;
    size_t count = count_of(x, size);
    size_t nsend = elements(x, x->coll->send_len, count);
    void *s, *r;
    coll_ptrs(x, count, &s, &r);
    /* in place the whole buffer is cleared first, then the input written into it */
    size_t clear = (x->in_place ? count : elements(x, x->coll->recv_len, count)) * elt;
    return fill_inputs(c, s, nsend, x->rbuf, clear, iter, bench_coll_info(x->coll->op)->reduces);
}

static int coll_check(struct bench_ctx *c, size_t size, long iter, unsigned long long *wrong)
{
    struct xccl_run *x = c->impl;
    size_t count = count_of(x, size);
    void *s, *r;
    coll_ptrs(x, count, &s, &r);
    return count_wrong(c, r, elements(x, x->coll->recv_len, count), count, iter, wrong);
}

/* ---- point-to-point through ncclSend / ncclRecv (uint8 elements) ---- */

/* Enqueue one send or receive; `last` ends the iteration (finish), else wait for it. */
static int p2p(struct bench_ctx *c, bool send, void *buf, size_t n, bool last)
{
    struct xccl_run *x = c->impl;
    int rc =
        send ? x->lib->api.send(buf, n, xccl_dtypes[XDT_UINT8].nccl, c->peer, x->comm, x->stream)
             : x->lib->api.recv(buf, n, xccl_dtypes[XDT_UINT8].nccl, c->peer, x->comm, x->stream);
    if (rc != XCCL_SUCCESS)
        return xccl_fail(x->lib, x->comm, rc, send ? "ncclSend" : "ncclRecv", "", c->err);
    return last ? finish(c) : wait_stream(c);
}

/* Ping-pong, as the MPI latency test. */
static int p2p_latency_iterate(struct bench_ctx *c, size_t n)
{
    struct xccl_run *x = c->impl;
    bool a = c->side == 0;
    return timer_start(c) || p2p(c, a, a ? x->sbuf : x->rbuf, n, false) ||
                   p2p(c, !a, a ? x->rbuf : x->sbuf, n, true)
               ? -1
               : 0;
}

/* A window of sends in one group, then a 1-byte ack back (as OSU's osu_bw). */
static int p2p_bw_iterate(struct bench_ctx *c, size_t n)
{
    struct xccl_run *x = c->impl;
    bool a = c->side == 0;
    if (timer_start(c)) return -1;
    int rc = x->lib->api.group_start();
    for (int j = 0; j < c->window && rc == XCCL_SUCCESS; j++)
        rc = a ? x->lib->api.send(x->sbuf, n, xccl_dtypes[XDT_UINT8].nccl, c->peer, x->comm,
                                  x->stream)
               : x->lib->api.recv(x->rbuf, n, xccl_dtypes[XDT_UINT8].nccl, c->peer, x->comm,
                                  x->stream);
    rc = group_end(x, rc);
    if (rc != XCCL_SUCCESS)
        return xccl_fail(x->lib, x->comm, rc, a ? "ncclSend(window)" : "ncclRecv(window)", "",
                         c->err);
    if (wait_stream(c)) return -1;
    /* the ack goes into the end of the other buffer, so B's received data stays intact */
    return p2p(c, !a, (char *)(a ? x->rbuf : x->sbuf) + x->max_size - 1, 1, true);
}

static int p2p_prepare(struct bench_ctx *c, size_t size, long iter)
{
    return fill_inputs(c, ((struct xccl_run *)c->impl)->sbuf, size,
                       ((struct xccl_run *)c->impl)->rbuf, size, iter, 0);
}

static int p2p_latency_check(struct bench_ctx *c, size_t size, long iter, unsigned long long *wrong)
{
    return count_wrong(c, ((struct xccl_run *)c->impl)->rbuf, size, size, iter, wrong);
}

static int p2p_bw_check(struct bench_ctx *c, size_t size, long iter, unsigned long long *wrong)
{
    return c->side == 0 ? 0 : p2p_latency_check(c, size, iter, wrong); /* A only sends */
}

void xccl_hooks(struct bench_test *t)
{
    bool coll = t->info->kind == BENCH_XCCL_COLL;
    t->elapsed = gpu_elapsed;
    t->prepare = coll ? coll_prepare : p2p_prepare;
    if (coll) {
        t->iterate = coll_iterate;
        t->check = coll_check;
    } else if (t->info->pattern == PATTERN_PINGPONG) {
        t->iterate = p2p_latency_iterate;
        t->check = p2p_latency_check;
    } else {
        t->iterate = p2p_bw_iterate;
        t->check = p2p_bw_check;
    }
}
