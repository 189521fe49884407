/* xccl_job.c — the backend of the xccl tests (see job.h): NCCL/RCCL and the GPU it runs
 * on, the communicator, the transports read back from the library's log after every
 * size, nccl-tests' text layout for the collectives (OSU's for xccl latency / bw), and
 * the figures and "xccl" object every record carries. */
#include "clock.h"
#include "job.h"
#include "xccl_bench.h"
#include "xccl_output.h"

#include <stdlib.h>
#include <string.h>

struct xccl_job {
    struct xccl_run xr; /* library, GPU, communicator and buffers */
    char *xccl_json;    /* the "xccl" JSON object as of the last size */
    double busbw_sum;   /* for the "# Avg bus bandwidth" footer */
    int busbw_n;
    const char *dtype, *redop;
    int root;
};

/* The nccl-tests figures of one measured variant. */
struct xccl_figures {
    unsigned long long count; /* elements */
    double time_us, algbw, busbw;
};

static struct xccl_job *X(const struct bench_job *j)
{
    return j->state;
}

static bool nccl_layout(const struct bench_job *j)
{
    return j->t.info->layout == LAYOUT_NCCL_TESTS;
}

static int xj_open(struct bench_job *j, struct bbd_err *err)
{
    struct xccl_job *x = calloc(1, sizeof(*x));
    j->state = x;
    if (x == NULL) return bbd_err_sys(err, "calloc", "xccl backend");
    struct bench_ctx *c = &j->c;
    c->pairs = 1;
    c->side = c->rank < 1 ? 0 : 1;
    c->peer = c->side == 0 ? c->rank + 1 : c->rank - 1;
    c->window = j->t.info->pattern == PATTERN_PINGPONG ? 1 : j->o.window;
    c->root = j->o.root;
    if (xccl_run_open(&x->xr, &j->o, c->rank, c->nranks, j->local_rank, j->local_size, j->host,
                      err))
        return -1;
    c->impl = &x->xr;
    c->elt = xccl_dtypes[x->xr.dtype].size;
    j->gpu = x->xr.gpu;
    j->path = XFER_PATH_DIRECT; /* device pointers straight to the library */
    const struct bench_info *t = j->t.info;
    x->dtype = xccl_dtypes[x->xr.dtype].name;
    x->redop = bench_coll_info(t->coll)->reduces ? xccl_redops[x->xr.op].name : "none";
    x->root = bench_coll_info(t->coll)->rooted ? x->xr.root : -1;
    return 0;
}

/* Every rank reached this point, so ncclCommInitRank cannot wait for a dead peer. */
static int xj_connect(struct bench_job *j, struct bbd_err *err)
{
    return xccl_run_connect(&X(j)->xr, MPI_COMM_WORLD, err);
}

static void xj_describe(struct bench_job *j)
{
    if (j->c.rank != 0) return;
    struct bbd_err err = {0};
    char name[256] = "";
    struct xccl_run *xr = &X(j)->xr;
    xr->gpu->ops->device_name(xr->gpu, j->local_rank, name, sizeof(name), &err);
    fprintf(stderr, "bbd-bench: xccl: %s %s from %s; %s runtime %s (%d), device \"%s\"\n",
            xr->lib->name, xr->lib->version, xr->lib->library, xr->gpu->name, xr->gpu->library,
            xr->gpu->runtime_version, name);
}

/* collectives: out-of-place, then in-place where the operation has one (nccl-tests) */
static int xj_variants(const struct bench_job *j)
{
    return xccl_has_in_place(j->t.info) ? 2 : 1;
}

static void xj_set_variant(struct bench_job *j, int v)
{
    X(j)->xr.in_place = v == 1;
}

static void about(const struct bench_job *j, struct xccl_about *a)
{
    const struct xccl_run *xr = &X(j)->xr;
    *a = (struct xccl_about){xr->lib->name, xr->lib->version, xr->lib->library,
                             xr->plugins,   &xr->tr,          j->ri.nhosts};
}

/* Collective: read the libraries' logs again (connections are made lazily, so the
 * transports are known only after traffic) and rebuild the "xccl" JSON object. */
static void xj_after_size(struct bench_job *j)
{
    struct xccl_job *x = X(j);
    struct bbd_err err = {0};
    if (xccl_run_transport(&x->xr, MPI_COMM_WORLD, &err) && j->c.rank == 0)
        fprintf(stderr, "bbd-bench: warning: xccl transport: %s\n", err.msg);
    if (j->c.rank != 0) return;
    struct xccl_about a;
    about(j, &a);
    struct jsonw w;
    jsonw_init(&w);
    xccl_out_json(&w, &a);
    free(x->xccl_json);
    x->xccl_json = w.oom ? NULL : strdup(jsonw_text(&w));
    jsonw_free(&w);
}

static struct xccl_figures figures(const struct bench_job *j, const struct size_result *r)
{
    struct xccl_figures f;
    const struct bench_info *t = j->t.info;
    if (t->kind == BENCH_XCCL_COLL) {
        size_t elt = j->c.elt;
        f.count = bench_coll_count(t->coll, r->size, elt, j->c.nranks);
        f.time_us = r->mean_time * 1e6;
        f.algbw = bench_algbw((double)(f.count * elt), r->mean_time);
        f.busbw = bench_busbw(t->coll, (double)(f.count * elt), r->mean_time, j->c.nranks);
        return f;
    }
    f.count = r->size; /* uint8 elements */
    bool one_way = t->value == VALUE_ONE_WAY_US;
    f.time_us = one_way ? r->value : r->mean_time * 1e6;
    /* the one-way time, or the window's MB/s, in GB/s */
    f.algbw = one_way ? bench_algbw((double)r->size, f.time_us / 1e6) : r->value / 1e3;
    f.busbw = f.algbw;
    return f;
}

/* The keys every xccl record adds (docs/json-records.md). */
static void json_extra(struct jsonw *w, const void *arg, const struct size_result *r)
{
    const struct bench_job *j = arg;
    const struct xccl_job *x = X(j);
    struct xccl_figures f = figures(j, r);
    jsonw_knum(w, "time_us", f.time_us);
    jsonw_knum(w, "algbw", f.algbw);
    jsonw_knum(w, "busbw", f.busbw);
    jsonw_kbool(w, "in_place", r->variant == 1);
    jsonw_kstr(w, "dtype", x->dtype);
    jsonw_kint(w, "count", (long long)f.count);
    jsonw_kstr(w, "redop", x->redop);
    jsonw_kint(w, "root", x->root);
    if (x->xccl_json) {
        jsonw_key(w, "xccl");
        jsonw_raw(w, x->xccl_json);
    }
}

static void xj_header(struct bench_job *j)
{
    if (!nccl_layout(j)) {
        out_text_header(j->table, &j->ri);
        return;
    }
    const struct xccl_job *x = X(j);
    char timing[512], how[160];
    if (j->o.gpu_timer)
        snprintf(how, sizeof(how),
                 "%s events recorded on the stream before and after the "
                 "enqueued work",
                 j->ri.gpu_api);
    else
        snprintf(how, sizeof(how), "host clock (%s) around enqueue + %s stream synchronize",
                 bench_clock.name, j->ri.gpu_api);
    snprintf(timing, sizeof(timing),
             "dtype %s, redop %s, root %d; time per iteration: %s (polling "
             "ncclCommGetAsyncError), slowest rank, mean of %ld iterations after %ld warm-up",
             x->dtype, x->redop, x->root, how, j->o.iters_small, j->o.warmup_small);
    xccl_out_header(j->table, j->t.info->title, BBD_VERSION, j->c.nranks, timing);
}

/* Rank 0: the text row of one size (one or two variants). */
static void xj_row(struct bench_job *j, const struct size_result *r, int nvar)
{
    if (!nccl_layout(j)) {
        out_text_row(j->table, &j->ri, &r[0]);
        return;
    }
    struct xccl_job *x = X(j);
    struct xccl_figures f = figures(j, &r[0]);
    struct xccl_cols cols = {r[0].size, f.count, x->dtype, x->redop, x->root};
    struct xccl_variant v[2] = {{0}, {0}};
    for (int i = 0; i < nvar; i++) {
        f = figures(j, &r[i]);
        v[i] = (struct xccl_variant){true, f.time_us, f.algbw, f.busbw, j->o.validate, r[i].errors};
        x->busbw_sum += f.busbw;
        x->busbw_n++;
    }
    xccl_out_row(j->table, &cols, v);
}

static void xj_footer(struct bench_job *j, unsigned long long wrong_total)
{
    struct xccl_job *x = X(j);
    if (nccl_layout(j))
        xccl_out_footer(j->table, j->o.validate, wrong_total,
                        x->busbw_n ? x->busbw_sum / x->busbw_n : 0.0);
    struct xccl_about a;
    about(j, &a);
    char line[1024];
    xccl_out_summary(line, sizeof(line), &a);
    fprintf(j->table, "# %s\n", line);
    if (xccl_prov_socket_fallback(&x->xr.tr, j->ri.nhosts))
        fprintf(stderr,
                "bbd-bench: warning: %s moved data over sockets (NET/Socket), not the "
                "fast network: check its net plugin\n",
                x->xr.lib->name);
    fflush(j->table);
}

static void xj_close(struct bench_job *j)
{
    struct xccl_job *x = X(j);
    if (x == NULL) return;
    xccl_run_close(&x->xr); /* closes the GPU too */
    j->gpu = NULL;
    free(x->xccl_json);
    free(x);
    j->state = NULL;
}

const struct bench_backend bench_backend_xccl = {
    .open = xj_open,
    .connect = xj_connect,
    .describe = xj_describe,
    .variants = xj_variants,
    .set_variant = xj_set_variant,
    .after_size = xj_after_size,
    .header = xj_header,
    .row = xj_row,
    .footer = xj_footer,
    .json_extra = json_extra,
    .wrong_unit = "wrong elements",
    .close = xj_close,
};
