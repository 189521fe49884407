/* tests.h — the run-time side of a test: the per-rank context and the hooks of one
 * iteration. What a test is (name, unit, value formula, placements, ranks, layout) is
 * its registry entry (registry.h); warm-up, timing, statistics, validation and output
 * live once, in harness.c and output.c. This file's tests.c holds the MPI
 * point-to-point calls; coll.c the MPI collectives; xccl_bench.c NCCL/RCCL. */
#ifndef BBD_BENCH_TESTS_H
#define BBD_BENCH_TESTS_H

#include "options.h"
#include "registry.h"
#include "xfer.h"

#include <mpi.h>
#include <stdbool.h>

/* One rank's state while running a test. */
struct bench_ctx {
    MPI_Comm comm;
    int rank, nranks;
    int side;  /* 0: side A (senders, rank 0 for pair tests), 1: side B */
    int peer;  /* the rank this one exchanges with */
    int pairs; /* number of A->B pairs */
    int window;
    int root;   /* rooted collectives */
    size_t elt; /* bytes per element (collectives; 1 for MPI_CHAR / uint8) */
    struct xfer x;
    MPI_Request *reqs; /* 2 * window */
    MPI_Status *stats; /* 2 * window (as OSU; MPI_STATUSES_IGNORE trips GCC's bounds check) */
    char ack[4];
    struct bbd_err *err; /* hot-path failures land here */
    void *impl;          /* the kind's own state (a collective library's communicator ...) */
};

/* The run-time hooks of a registry entry: what its kind does in one iteration. The
 * measurement loop (harness.c) calls them; everything else is in the entry. */
struct bench_test {
    const struct bench_info *info;
    /* One timed iteration on this rank. 0, or -1 with ctx->err filled. */
    int (*iterate)(struct bench_ctx *c, size_t size);
    /* Optional: fill inputs before / count wrong elements after one iteration, both
     * untimed, instead of the byte pattern on the xfer buffers of a pair. */
    int (*prepare)(struct bench_ctx *c, size_t size, long iter);
    int (*check)(struct bench_ctx *c, size_t size, long iter, unsigned long long *wrong);
    /* Optional: replace the host clock's duration of the timed iteration just run by the
     * test's own measure (xccl with --timer gpu: GPU events). 0, or -1 with ctx->err. */
    int (*elapsed)(struct bench_ctx *c, double *seconds);
};

/* The MPI point-to-point hooks of t (latency, bw, bibw, mbw). */
void bench_p2p_hooks(struct bench_test *t);

/* What the value formulas need, from the context. */
struct bench_shape bench_ctx_shape(const struct bench_ctx *c);

/* Does this rank send / receive payload in a point-to-point test? */
bool bench_sends(const struct bench_info *t, const struct bench_ctx *c);
bool bench_receives(const struct bench_info *t, const struct bench_ctx *c);

/* Format an MPI error as "CALL: reason" into err; returns -1. */
int bench_mpi_fail(struct bbd_err *err, const char *call, int rc);

#endif
