/* tests.h — the test kinds of bbd-bench. Each kind states only what is particular to
 * it (who sends, one iteration's MPI calls, how a time becomes a value); warm-up,
 * timing, statistics, validation and output live once, in harness.c and output.c. */
#ifndef BBD_BENCH_TESTS_H
#define BBD_BENCH_TESTS_H

#include "options.h"
#include "xfer.h"

#include <mpi.h>
#include <stdbool.h>

/* One rank's state while running a test. */
struct xccl_run;

struct bench_ctx {
    MPI_Comm comm;
    int rank, nranks;
    int side;  /* 0: side A (senders, rank 0 for pair tests), 1: side B */
    int peer;  /* the rank this one exchanges with */
    int pairs; /* number of A->B pairs */
    int window;
    struct xfer x;
    MPI_Request *reqs; /* 2 * window */
    MPI_Status *stats; /* 2 * window (as OSU; MPI_STATUSES_IGNORE trips GCC's bounds check) */
    char ack[4];
    struct bbd_err *err;   /* hot-path failures land here */
    struct xccl_run *xccl; /* xccl tests: library, communicator, device buffers */
};

struct bench_test {
    enum bench_test_id id;
    const char *title;      /* OSU title, e.g. "Latency Test" */
    const char *column;     /* OSU value column, e.g. "Latency (us)" */
    const char *unit;       /* "us" or "MB/s" */
    bool latency;           /* value is one-way time, not bandwidth */
    int directions;         /* 1: A sends to B; 2: both send (bibw, and latency's ping-pong) */
    bool all_senders_timed; /* per-iteration time is the max over side-A ranks */
    bool windowed;          /* needs `window` staging slots */
    /* One timed iteration on this rank. 0, or -1 with ctx->err filled. */
    int (*iterate)(struct bench_ctx *c, size_t size);
    /* Optional (the xccl tests): fill inputs before / count wrong elements after one
     * iteration, both untimed, instead of the byte pattern on the xfer buffers; and
     * the value of one iteration instead of the OSU formulas. */
    int (*prepare)(struct bench_ctx *c, size_t size, long iter);
    int (*check)(struct bench_ctx *c, size_t size, long iter, unsigned long long *wrong);
    double (*value)(const struct bench_ctx *c, size_t size, double seconds);
    /* Optional: replace the host clock's duration of the timed iteration just run by the
     * test's own measure (the xccl tests with --timer gpu: GPU events). 0, or -1 with
     * ctx->err filled. */
    int (*elapsed)(struct bench_ctx *c, double *seconds);
};

const struct bench_test *bench_test_get(enum bench_test_id id);

/* Value of one iteration that took `seconds` (us for latency, MB/s otherwise). */
double bench_value(const struct bench_test *t, const struct bench_ctx *c, size_t size,
                   double seconds);
/* Messages per second for one iteration of `seconds` (0 for latency). */
double bench_msg_rate(const struct bench_test *t, const struct bench_ctx *c, double seconds);

/* Does this rank send / receive payload in test t? */
bool bench_sends(const struct bench_test *t, const struct bench_ctx *c);
bool bench_receives(const struct bench_test *t, const struct bench_ctx *c);

/* Format an MPI error as "CALL: reason" into err; returns -1. */
int bench_mpi_fail(struct bbd_err *err, const char *call, int rc);

#endif
