/* harness.h — the one measurement loop of bbd-bench: warm-up, timed iterations
 * (one clock read before and after each, nothing else inside), optional validation and
 * adaptive stopping, then statistics. Every test kind runs through it. */
#ifndef BBD_HARNESS_H
#define BBD_HARNESS_H

#include "stats.h"
#include "tests.h"

struct size_result {
    size_t size;
    long iterations, warmup;
    bool adaptive;
    bool converged;            /* adaptive: the CI target was met (rank 0), not a cap */
    double value;              /* the OSU number (from the mean time) */
    double msg_rate;           /* messages/s from the mean time (bandwidth tests) */
    struct bench_stats st;     /* of per-iteration values, in the test's unit */
    unsigned long long errors; /* wrong bytes (collective libraries: elements), over ranks */
    double mean_time;          /* seconds per iteration (rank 0) */
    int variant;               /* 0, or 1 for a test's second form (xccl: in place) */
};

struct harness {
    double *samples; /* per-iteration seconds */
    double *scratch;
    long capacity;
};

/* Adaptive mode keeps at most this many samples per size. */
#define HARNESS_MAX_SAMPLES (1L << 20)

int harness_init(struct harness *h, const struct bench_opts *o, struct bbd_err *err);
void harness_free(struct harness *h);

/* Measure one size on every rank of c->comm (collective). Rank 0's result holds
 * the statistics; other ranks' results only the size. 0, or -1 with c->err. */
int harness_measure(struct harness *h, struct bench_ctx *c, const struct bench_test *t,
                    const struct bench_opts *o, size_t size, struct size_result *r);

#endif
