#include "harness.h"

#include "clock.h"

#include <stdlib.h>
#include <string.h>

int harness_init(struct harness *h, const struct bench_opts *o, struct bbd_err *err)
{
    memset(h, 0, sizeof(*h));
    long n = o->iters_small > o->iters_large ? o->iters_small : o->iters_large;
    if (o->adaptive_pct > 0.0) n = HARNESS_MAX_SAMPLES;
    h->capacity = n;
    h->samples = calloc((size_t)n, sizeof(double));
    h->scratch = calloc((size_t)n, sizeof(double));
    if (!h->samples || !h->scratch) {
        harness_free(h);
        return bbd_err_sys(err, "calloc", "timing samples");
    }
    return 0;
}

void harness_free(struct harness *h)
{
    free(h->samples);
    free(h->scratch);
    memset(h, 0, sizeof(*h));
}

/* Validation inputs for one iteration: the test's own, or the byte pattern. */
static int prepare(struct bench_ctx *c, const struct bench_test *t, size_t size, long iter)
{
    if (t->prepare) return t->prepare(c, size, iter);
    if (bench_sends(t->info, c) && xfer_fill_send(&c->x, size, c->rank, size, iter, c->err))
        return -1;
    if (bench_receives(t->info, c) && xfer_clear_recv(&c->x, size, c->err)) return -1;
    return 0;
}

static int check(struct bench_ctx *c, const struct bench_test *t, size_t size, long iter,
                 unsigned long long *errors)
{
    if (t->check) return t->check(c, size, iter, errors);
    if (!bench_receives(t->info, c)) return 0;
    size_t bad = xfer_check_recv(&c->x, size, c->peer, size, iter, c->err);
    if (bad == (size_t)-1) return -1;
    *errors += bad;
    return 0;
}

/* One iteration: prepare (untimed), run (timed), a barrier where the test wants every
 * iteration to start together (untimed, as OSU's collectives), check (untimed). */
static int step(struct bench_ctx *c, const struct bench_test *t, const struct bench_opts *o,
                size_t size, long iter, double *sample, unsigned long long *errors)
{
    if (o->validate && prepare(c, t, size, iter)) return -1;
    uint64_t t0 = bench_clock_ticks();
    if (t->iterate(c, size)) return -1;
    uint64_t t1 = bench_clock_ticks();
    if (sample) {
        *sample = bench_clock_seconds(t1 - t0);
        if (t->elapsed && t->elapsed(c, sample)) return -1;
    }
    if (t->info->sync_each) {
        int rc = MPI_Barrier(c->comm);
        if (rc != MPI_SUCCESS) return bench_mpi_fail(c->err, "MPI_Barrier(iteration)", rc);
    }
    if (o->validate && check(c, t, size, iter, errors)) return -1;
    return 0;
}

/* Adaptive mode: is the 95 % CI of the median within the target (rank 0's samples)? */
static bool ci_reached(struct harness *h, const struct bench_opts *o, long done)
{
    struct bench_stats st;
    stats_compute(h->samples, (size_t)done, h->scratch, &st);
    return st.ci95 <= o->adaptive_pct / 100.0 * st.p50;
}

/* Adaptive mode: rank 0 decides whether another batch is needed; all ranks follow. */
static int want_more(struct harness *h, struct bench_ctx *c, const struct bench_opts *o, long done,
                     double started, int *more)
{
    *more = 0;
    if (c->rank == 0 && done + 1 < h->capacity && MPI_Wtime() - started < o->time_per_size)
        *more = !ci_reached(h, o, done);
    int rc = MPI_Bcast(more, 1, MPI_INT, 0, c->comm);
    return rc == MPI_SUCCESS ? 0 : bench_mpi_fail(c->err, "MPI_Bcast(adaptive)", rc);
}

static int summarise(struct harness *h, struct bench_ctx *c, const struct bench_test *t,
                     size_t size, long done, struct size_result *r)
{
    int rc;
    if (t->info->sample != SAMPLE_RANK0) {
        /* The slowest rank decides each iteration (mbw's aggregate, nccl-tests-like), or
         * the mean over ranks does (OSU collectives' "Avg Latency"). */
        bool slowest = t->info->sample == SAMPLE_SLOWEST;
        rc = MPI_Reduce(c->rank == 0 ? MPI_IN_PLACE : h->samples, h->samples, (int)done, MPI_DOUBLE,
                        slowest ? MPI_MAX : MPI_SUM, 0, c->comm);
        if (rc != MPI_SUCCESS) return bench_mpi_fail(c->err, "MPI_Reduce(samples)", rc);
        for (long i = 0; !slowest && c->rank == 0 && i < done; i++)
            h->samples[i] /= c->nranks;
    }
    unsigned long long errors = r->errors;
    rc = MPI_Reduce(&errors, &r->errors, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, c->comm);
    if (rc != MPI_SUCCESS) return bench_mpi_fail(c->err, "MPI_Reduce(errors)", rc);
    if (c->rank != 0) return 0;
    struct bench_shape shape = bench_ctx_shape(c);
    double total = 0.0;
    for (long i = 0; i < done; i++) {
        total += h->samples[i];
        h->samples[i] = bench_value(t->info, &shape, size, h->samples[i]);
    }
    double mean_time = total / (double)done;
    r->mean_time = mean_time;
    r->value = bench_value(t->info, &shape, size, mean_time);
    r->msg_rate = bench_msg_rate(t->info, &shape, mean_time);
    stats_compute(h->samples, (size_t)done, h->scratch, &r->st);
    return 0;
}

int harness_measure(struct harness *h, struct bench_ctx *c, const struct bench_test *t,
                    const struct bench_opts *o, size_t size, struct size_result *r)
{
    memset(r, 0, sizeof(*r));
    r->size = size;
    r->warmup = opts_warmup(o, size);
    long batch = opts_iterations(o, size);
    bool adaptive = o->adaptive_pct > 0.0;
    r->adaptive = adaptive;
    int rc = MPI_Barrier(c->comm);
    if (rc != MPI_SUCCESS) return bench_mpi_fail(c->err, "MPI_Barrier", rc);
    for (long i = 0; i < r->warmup; i++)
        if (step(c, t, o, size, i, NULL, &r->errors)) return -1;
    long done = 0;
    double started = MPI_Wtime();
    for (;;) {
        long end = done + batch < h->capacity ? done + batch : h->capacity;
        for (; done < end; done++)
            if (step(c, t, o, size, r->warmup + done, &h->samples[done], &r->errors)) return -1;
        int more = 0;
        if (!adaptive || done >= h->capacity) break;
        if (want_more(h, c, o, done, started, &more)) return -1;
        if (!more) break;
    }
    r->iterations = done;
    /* before summarise turns the samples into values; a cap may have stopped it instead */
    r->converged = adaptive && c->rank == 0 && ci_reached(h, o, done);
    return summarise(h, c, t, size, done, r);
}
