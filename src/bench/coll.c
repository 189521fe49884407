/* coll.c — the MPI collectives (see coll.h). Each operation states only its call and
 * what every rank's receive buffer must hold afterwards; the loop is harness.c's. */
#include "coll.h"

#include "pattern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct coll_state {
    const struct bench_info *t;
    uint8_t *want; /* expected receive bytes (validation) */
    uint8_t *part; /* one contribution (validation) */
};

/* Bytes this rank sends / receives for SIZE (only the root's count in bcast / reduce). */
static size_t sent(const struct bench_ctx *c, const struct bench_info *t, size_t size)
{
    if (t->coll == COLL_BROADCAST && c->rank != c->root) return 0;
    return t->coll == COLL_ALLTOALL ? size * (size_t)c->nranks : size;
}

static size_t received(const struct bench_ctx *c, const struct bench_info *t, size_t size)
{
    switch (t->coll) {
    case COLL_BROADCAST:
        return c->rank == c->root ? 0 : size;
    case COLL_REDUCE:
        return c->rank == c->root ? size : 0;
    case COLL_ALLGATHER:
    case COLL_ALLTOALL:
        return size * (size_t)c->nranks;
    default:
        return size;
    }
}

/* The one MPI call of each operation, on n bytes per rank. */
static int call(struct bench_ctx *c, enum bench_coll op, void *s, void *r, int n)
{
    switch (op) {
    case COLL_ALLREDUCE:
        return MPI_Allreduce(s, r, n, MPI_CHAR, MPI_SUM, c->comm);
    case COLL_ALLGATHER:
        return MPI_Allgather(s, n, MPI_CHAR, r, n, MPI_CHAR, c->comm);
    case COLL_ALLTOALL:
        return MPI_Alltoall(s, n, MPI_CHAR, r, n, MPI_CHAR, c->comm);
    case COLL_BROADCAST:
        return MPI_Bcast(c->rank == c->root ? s : r, n, MPI_CHAR, c->root, c->comm);
    case COLL_REDUCE:
        return MPI_Reduce(s, r, n, MPI_CHAR, MPI_SUM, c->root, c->comm);
    default:
        return MPI_ERR_OTHER;
    }
}

static int coll_iterate(struct bench_ctx *c, size_t size)
{
    const struct bench_info *t = ((struct coll_state *)c->impl)->t;
    size_t ns = sent(c, t, size), nr = received(c, t, size);
    void *s = ns ? xfer_send_ptr(&c->x, 0, ns, c->err) : c->x.sbuf;
    if (s == NULL) return -1;
    int rc = call(c, t->coll, s, xfer_recv_ptr(&c->x, 0), (int)size);
    if (rc != MPI_SUCCESS) return bench_mpi_fail(c->err, bench_coll_info(t->coll)->mpi_call, rc);
    return nr ? xfer_recv_done(&c->x, 0, nr, c->err) : 0;
}

/* Untimed: this rank's pattern in what it sends, its receive area cleared. */
static int coll_prepare(struct bench_ctx *c, size_t size, long iter)
{
    const struct bench_info *t = ((struct coll_state *)c->impl)->t;
    size_t ns = sent(c, t, size), nr = received(c, t, size);
    if (ns && xfer_fill_send(&c->x, ns, c->rank, size, iter, c->err)) return -1;
    return nr ? xfer_clear_recv(&c->x, nr, c->err) : 0;
}

/* What rank c->rank must have received: block j from rank j (allgather: its bytes;
 * alltoall: the part of its send buffer meant for this rank), the byte-wise sum of every
 * rank's pattern modulo 256 (MPI_CHAR MPI_SUM), or the root's bytes (bcast). */
static void expected(const struct bench_ctx *c, struct coll_state *st, size_t size, long iter)
{
    enum bench_coll op = st->t->coll;
    if (op == COLL_BROADCAST) {
        pattern_fill(st->want, size, c->root, size, iter);
        return;
    }
    if (op == COLL_ALLGATHER || op == COLL_ALLTOALL) {
        size_t from = op == COLL_ALLTOALL ? (size_t)c->rank * size : 0;
        for (int j = 0; j < c->nranks; j++)
            pattern_fill_from(st->want + (size_t)j * size, size, j, size, iter, from);
        return;
    }
    memset(st->want, 0, size);
    for (int j = 0; j < c->nranks; j++) {
        pattern_fill(st->part, size, j, size, iter);
        for (size_t k = 0; k < size; k++)
            st->want[k] = (uint8_t)(st->want[k] + st->part[k]);
    }
}

static int coll_check(struct bench_ctx *c, size_t size, long iter, unsigned long long *wrong)
{
    struct coll_state *st = c->impl;
    size_t nr = received(c, st->t, size);
    if (nr == 0) return 0;
    const uint8_t *got = xfer_recv_host(&c->x, nr, c->err);
    if (got == NULL) return -1;
    expected(c, st, size, iter);
    for (size_t k = 0; k < nr; k++)
        *wrong += got[k] != st->want[k];
    return 0;
}

void bench_coll_hooks(struct bench_test *t)
{
    t->iterate = coll_iterate;
    t->prepare = coll_prepare;
    t->check = coll_check;
}

int bench_coll_open(struct bench_ctx *c, const struct bench_info *t, size_t max_size, bool validate,
                    struct bbd_err *err)
{
    struct coll_state *st = calloc(1, sizeof(*st));
    c->impl = st;
    if (st == NULL) return bbd_err_sys(err, "calloc", "collective state");
    st->t = t;
    if (!validate) return 0;
    st->want = malloc(max_size ? max_size * (size_t)c->nranks : 1);
    st->part = malloc(max_size ? max_size : 1);
    if (st->want == NULL || st->part == NULL)
        return bbd_err_sys(err, "malloc", "collective validation buffers");
    return 0;
}

void bench_coll_close(struct bench_ctx *c)
{
    struct coll_state *st = c->impl;
    if (st) free(st->want), free(st->part), free(st);
    c->impl = NULL;
}
