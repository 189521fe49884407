/* bbd-bench — MPI point-to-point benchmark (see options.c for the command line).
 * This file only wires the parts together: set-up checks that every rank agrees
 * on, GPU and transfer-path choice, the size loop, and exit codes. */
#include "bbd_err.h"
#include "clock.h"
#include "harness.h"
#include "mpi_gpu.h"
#include "output.h"
#include "watchdog.h"
#include "xccl_bench.h"
#include "xccl_output.h"
#ifdef BBD_HAVE_PROV
#include "prov.h"
#endif

#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOST_LEN 256

struct bench_run {
    struct bench_opts o;
    const struct bench_test *t;
    struct bench_ctx c;
    struct gpu *gpu;
    struct harness h;
    struct run_info ri;
    char mpi_version[MPI_MAX_LIBRARY_VERSION_STRING];
    char *hosts_buf;    /* nranks * HOST_LEN */
    const char **hosts; /* distinct host names */
    int local_rank, local_size;
    bool xccl;          /* an xccl test: NCCL/RCCL instead of MPI for the data */
    struct xccl_run xr; /* its library, GPU, communicator and buffers */
    char *xccl_json;    /* its "xccl" JSON object as of the last size */
    double busbw_sum;   /* for the "# Avg bus bandwidth" footer */
    int busbw_n;
    unsigned long long wrong_total;
    char transfer_why[256];
    char run_id[128];
    char *cmdline;
    char *prov_json;
    int json_fd;
    FILE *table;
};

/* Collective: did any rank fail? The lowest failing rank prints its message. */
static bool any_failed(struct bench_run *b, int failed, const struct bbd_err *err, int *code)
{
    int mine = failed ? b->c.rank : b->c.nranks, first = b->c.nranks;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == b->c.nranks) return false;
    int c = failed ? err->code : 0, worst = 0;
    MPI_Allreduce(&c, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (b->c.rank == first) {
        if (b->c.nranks > 1 && first != 0)
            fprintf(stderr, "bbd-bench: rank %d: %s\n", first, err->msg);
        else
            fprintf(stderr, "bbd-bench: %s\n", err->msg);
    }
    *code = worst ? worst : BBD_EXIT_ENV;
    return true;
}

static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = calloc(1, len);
    for (int i = 0; s && i < argc; i++) {
        if (i) strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* Node-local rank (for GPU choice) and the distinct host names of the job. */
static int topology(struct bench_run *b, struct bbd_err *err)
{
    MPI_Comm local;
    int rc = MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local);
    if (rc != MPI_SUCCESS) return bench_mpi_fail(err, "MPI_Comm_split_type", rc);
    MPI_Comm_rank(local, &b->local_rank);
    MPI_Comm_size(local, &b->local_size);
    MPI_Comm_free(&local);
    char me[HOST_LEN] = "";
    int len;
    MPI_Get_processor_name(me, &len);
    b->hosts_buf = calloc((size_t)b->c.nranks, HOST_LEN);
    b->hosts = calloc((size_t)b->c.nranks, sizeof(char *));
    if (!b->hosts_buf || !b->hosts) return bbd_err_sys(err, "calloc", "host names");
    rc = MPI_Allgather(me, HOST_LEN, MPI_CHAR, b->hosts_buf, HOST_LEN, MPI_CHAR, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) return bench_mpi_fail(err, "MPI_Allgather(hosts)", rc);
    for (int i = 0; i < b->c.nranks; i++) {
        const char *h = b->hosts_buf + (size_t)i * HOST_LEN;
        bool seen = false;
        for (int j = 0; j < b->ri.nhosts && !seen; j++)
            seen = !strcmp(b->hosts[j], h);
        if (!seen) b->hosts[b->ri.nhosts++] = h;
    }
    return 0;
}

/* Open this rank's GPU (when its buffers are on the device) and pick the path. */
static int setup_gpu(struct bench_run *b, enum xfer_path *path, struct bbd_err *err)
{
    *path = XFER_PATH_HOST;
    if (b->o.placement[b->c.side] != 'D') return 0;
    b->gpu = gpu_open(b->o.device, err);
    if (b->gpu == NULL) {
        if (err->code == BBD_EXIT_USAGE) {
            char msg[sizeof(err->msg)];
            snprintf(msg, sizeof(msg), "%s", err->msg);
            bbd_err_set(err, BBD_EXIT_USAGE, "placement D needs a GPU runtime: %s", msg);
        }
        return -1;
    }
    int count = 0;
    if (b->gpu->ops->device_count(b->gpu, &count, err)) return -1;
    if (count < 1)
        return bbd_err_set(err, BBD_EXIT_ENV, "%s: no GPU device visible on %s", b->gpu->name,
                           b->hosts_buf + (size_t)b->c.rank * HOST_LEN);
    if (b->gpu->ops->set_device(b->gpu, b->local_rank % count, err)) return -1;
    bool aware =
        !strcmp(b->gpu->name, "standin")
            ? false
            : mpi_gpu_aware(b->gpu->name, b->mpi_version, b->transfer_why, sizeof(b->transfer_why));
    if (!strcmp(b->gpu->name, "standin"))
        snprintf(b->transfer_why, sizeof(b->transfer_why), "stand-in backend");
    switch (b->o.transfer) {
    case XFER_DIRECT:
        *path = XFER_PATH_DIRECT;
        break;
    case XFER_STAGED:
        *path = XFER_PATH_STAGED;
        break;
    case XFER_AUTO:
        *path = aware ? XFER_PATH_DIRECT : XFER_PATH_STAGED;
        break;
    }
    return 0;
}

/* xccl tests: library, GPU (one per rank on each node), then the communicator. */
static int setup_xccl(struct bench_run *b, struct bbd_err *err)
{
    return xccl_run_open(&b->xr, &b->o, b->c.rank, b->c.nranks, b->local_rank, b->local_size,
                         b->hosts_buf + (size_t)b->c.rank * HOST_LEN, err);
}

static void print_xccl_setup(struct bench_run *b)
{
    if (b->c.rank != 0) return;
    struct bbd_err err = {0};
    char name[256] = "";
    struct gpu *g = b->xr.gpu;
    g->ops->device_name(g, b->local_rank, name, sizeof(name), &err);
    fprintf(stderr, "bbd-bench: xccl: %s %s from %s; %s runtime %s (%d), device \"%s\"\n",
            b->xr.lib->name, b->xr.lib->version, b->xr.lib->library, g->name, g->library,
            g->runtime_version, name);
}

/* The same transfer word for the whole job: host, direct, staged or mixed. */
static const char *job_transfer(struct bench_run *b, enum xfer_path path)
{
    int mine = b->gpu ? (int)path : -1, lo, hi;
    int probe = mine < 0 ? 1000 : mine;
    MPI_Allreduce(&probe, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&mine, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (hi < 0) return "host";
    if (lo != hi) return "mixed";
    return xfer_path_name((enum xfer_path)hi);
}

static int open_json(struct bench_run *b, struct bbd_err *err)
{
    b->json_fd = -1;
    if (b->c.rank != 0 || b->o.json_path == NULL) return 0;
    if (!strcmp(b->o.json_path, "-")) {
        b->json_fd = STDOUT_FILENO;
        b->table = stderr;
        return 0;
    }
    b->json_fd = open(b->o.json_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    return b->json_fd < 0 ? bbd_err_sys(err, "open", b->o.json_path) : 0;
}

static int write_json(struct bench_run *b, struct jsonw *w, const struct size_result *r)
{
    char ts[32];
    out_utc_timestamp(ts, sizeof(ts));
    out_json_record(w, &b->ri, r, ts);
    jsonw_raw(w, "\n");
    const char *text = jsonw_text(w);
    size_t len = strlen(text);
    if (w->oom || write(b->json_fd, text, len) != (ssize_t)len) {
        fprintf(stderr, "bbd-bench: write(%s): record for size %zu lost\n", b->o.json_path,
                r->size);
        return -1;
    }
    return 0;
}

static void collect_provenance(struct bench_run *b)
{
#ifdef BBD_HAVE_PROV
    if (!b->o.provenance) return;
    struct bbd_err err = {0};
    struct prov_ctx ctx = {b->mpi_version, b->c.nranks, b->ri.nhosts};
    struct prov_report *r = prov_collect(&ctx, &err);
    if (r == NULL) {
        if (b->c.rank == 0) fprintf(stderr, "bbd-bench: warning: provenance: %s\n", err.msg);
        return;
    }
    if (b->c.rank == 0) {
        char line[2048];
        prov_summary(r, line, sizeof(line));
        fprintf(b->table, "# %s\n", line);
        struct jsonw w;
        jsonw_init(&w);
        prov_write_json(r, &w);
        if (!w.oom) b->prov_json = strdup(jsonw_text(&w));
        jsonw_free(&w);
    }
    prov_free(r);
#else
    (void)b;
#endif
}

static void make_run_id(struct bench_run *b)
{
    char ts[32], host[HOST_LEN];
    out_utc_timestamp(ts, sizeof(ts));
    snprintf(host, sizeof(host), "%s", b->hosts_buf);
    /* compact form: 20261124T041000Z */
    char compact[32];
    size_t j = 0;
    for (size_t i = 0; ts[i] && j + 1 < sizeof(compact); i++)
        if (ts[i] != '-' && ts[i] != ':') compact[j++] = ts[i];
    compact[j] = '\0';
    int pid = (int)getpid();
    MPI_Bcast(&pid, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Bcast(compact, sizeof(compact), MPI_CHAR, 0, MPI_COMM_WORLD);
    snprintf(b->run_id, sizeof(b->run_id), "%s-%.60s-%d", compact, host, pid);
}

/* Everything before the first measurement; any failure is reported once, collectively. */
static int setup(struct bench_run *b, int argc, char **argv, int *code)
{
    struct bbd_err err = {0};
    int failed = opts_check_ranks(&b->o, b->c.nranks, &err);
    if (any_failed(b, failed, &err, code)) return -1;
    b->t = bench_test_get(b->o.test);
    struct bench_ctx *c = &b->c;
    c->comm = MPI_COMM_WORLD;
    b->xccl = opts_is_xccl(b->o.test);
    c->pairs = b->xccl ? 1 : c->nranks / 2;
    c->side = c->rank < c->pairs ? 0 : 1;
    c->peer = c->side == 0 ? c->rank + c->pairs : c->rank - c->pairs;
    c->window = b->t->latency ? 1 : b->o.window;
    c->err = &err;
    int len;
    MPI_Get_library_version(b->mpi_version, &len);
    bench_clock_init();
    b->mpi_version[strcspn(b->mpi_version, "\n")] = '\0';
    b->table = stdout;
    enum xfer_path path = XFER_PATH_HOST;
    failed = topology(b, &err) || (b->xccl ? setup_xccl(b, &err) : setup_gpu(b, &path, &err));
    if (any_failed(b, failed, &err, code)) return -1;
    if (b->xccl) {
        /* every rank reached this point, so ncclCommInitRank cannot wait for a dead peer */
        failed = xccl_run_connect(&b->xr, MPI_COMM_WORLD, &err);
        if (any_failed(b, failed, &err, code)) return -1;
        c->xccl = &b->xr;
    }
    failed = (!b->xccl && xfer_setup(&c->x, b->gpu, path, b->o.max_size,
                                     b->t->windowed ? c->window : 1, &err)) ||
             harness_init(&b->h, &b->o, &err) || open_json(b, &err);
    c->reqs = calloc(2 * (size_t)c->window, sizeof(MPI_Request));
    c->stats = calloc(2 * (size_t)c->window, sizeof(MPI_Status));
    if (!failed && (!c->reqs || !c->stats)) failed = bbd_err_sys(&err, "calloc", "MPI requests");
    if (any_failed(b, failed, &err, code)) return -1;
    b->cmdline = join_args(argc, argv);
    make_run_id(b);
    b->ri = (struct run_info){
        .o = &b->o,
        .t = b->t,
        .gpu_api = "none",
        .transfer = job_transfer(b, path),
        .ranks = c->nranks,
        .pairs = c->pairs,
        .window = c->window,
        .hosts = b->hosts,
        .nhosts = b->ri.nhosts,
        .mpi_version = b->mpi_version,
        .cmdline = b->cmdline ? b->cmdline : argv[0],
        .run_id = b->run_id,
    };
    /* Every rank learns which GPU API is in use (rank 0 may be on the host side):
     * agree on an index into gpu_backends, -1 for none. */
    int api = -1, job_api = -1;
    struct gpu *g = b->xccl ? b->xr.gpu : b->gpu;
    for (int i = 0; g && gpu_backends[i].name; i++)
        if (!strcmp(gpu_backends[i].name, g->name)) api = i;
    MPI_Allreduce(&api, &job_api, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    b->ri.gpu_api = job_api < 0 ? "none" : gpu_backends[job_api].name;
    if (b->xccl) {
        b->ri.transfer = "direct"; /* device pointers straight to the library */
        b->ri.dtype = xccl_dtypes[b->xr.dtype].name;
        b->ri.redop = xccl_reduces(b->o.test) ? xccl_redops[b->xr.op].name : "none";
        b->ri.root = xccl_rooted(b->o.test) ? b->xr.root : -1;
        print_xccl_setup(b);
    }
    if (b->gpu && b->transfer_why[0] && c->rank == c->pairs * c->side) {
        char name[256] = "";
        b->gpu->ops->device_name(b->gpu, b->local_rank % 1, name, sizeof(name), &err);
        fprintf(stderr, "bbd-bench: side %c: %s runtime %s (%d), device \"%s\"; transfer %s (%s)\n",
                'A' + c->side, b->gpu->name, b->gpu->library, b->gpu->runtime_version, name,
                xfer_path_name(c->x.path), b->transfer_why);
    }
    collect_provenance(b);
    b->ri.provenance_json = b->prov_json;
    c->err = NULL;
    return 0;
}

static void teardown(struct bench_run *b)
{
    xccl_run_close(&b->xr);
    free(b->xccl_json);
    if (b->json_fd > 2) close(b->json_fd);
    xfer_teardown(&b->c.x);
    gpu_close(b->gpu);
    harness_free(&b->h);
    free(b->c.reqs);
    free(b->c.stats);
    free(b->hosts);
    free(b->hosts_buf);
    free(b->cmdline);
    free(b->prov_json);
}

/* Is this an xccl collective (nccl-tests layout), not xccl latency / bw (OSU layout)? */
static bool xccl_collective(const struct bench_run *b)
{
    return b->xccl && xccl_coll_get(b->o.test) != NULL;
}

static void xccl_about(const struct bench_run *b, struct xccl_about *a)
{
    *a = (struct xccl_about){b->xr.lib->name, b->xr.lib->version, b->xr.lib->library,
                             b->xr.plugins,   &b->xr.tr,          b->ri.nhosts};
}

/* Collective: read the libraries' logs again (connections are made lazily, so the
 * transports are known only after traffic) and rebuild the "xccl" JSON object. */
static void refresh_xccl(struct bench_run *b)
{
    struct bbd_err err = {0};
    if (xccl_run_transport(&b->xr, MPI_COMM_WORLD, &err) && b->c.rank == 0)
        fprintf(stderr, "bbd-bench: warning: xccl transport: %s\n", err.msg);
    if (b->c.rank != 0) return;
    struct xccl_about a;
    xccl_about(b, &a);
    struct jsonw w;
    jsonw_init(&w);
    xccl_out_json(&w, &a);
    free(b->xccl_json);
    b->xccl_json = w.oom ? NULL : strdup(jsonw_text(&w));
    b->ri.xccl_json = b->xccl_json;
    jsonw_free(&w);
}

/* The nccl-tests figures of one measured variant (rank 0). */
static void xccl_figures(const struct bench_run *b, struct size_result *r, bool in_place)
{
    r->xccl = true;
    r->in_place = in_place;
    if (xccl_collective(b)) {
        size_t elt = xccl_dtypes[b->xr.dtype].size;
        r->count = xccl_count(b->o.test, r->size, elt, b->c.nranks);
        r->time_us = r->mean_time * 1e6;
        r->algbw = r->mean_time > 0.0 ? (double)(r->count * elt) / 1e9 / r->mean_time : 0.0;
        r->busbw = r->algbw * xccl_bus_factor(b->o.test, b->c.nranks);
        return;
    }
    r->count = r->size; /* uint8 elements */
    r->time_us = b->t->latency ? r->value : r->mean_time * 1e6;
    r->algbw = b->t->latency ? (r->value > 0.0 ? (double)r->size / (r->value * 1e3) : 0.0)
                             : r->value / 1e3; /* MB/s to GB/s */
    r->busbw = r->algbw;
}

static void print_header(struct bench_run *b)
{
    if (!xccl_collective(b)) {
        out_text_header(b->table, &b->ri);
        return;
    }
    char timing[512], how[160];
    if (b->o.gpu_timer)
        snprintf(how, sizeof(how),
                 "%s events recorded on the stream before and after the "
                 "enqueued work",
                 b->ri.gpu_api);
    else
        snprintf(how, sizeof(how), "host clock (%s) around enqueue + %s stream synchronize",
                 bench_clock.name, b->ri.gpu_api);
    snprintf(timing, sizeof(timing),
             "dtype %s, redop %s, root %d; time per iteration: %s (polling "
             "ncclCommGetAsyncError), slowest rank, mean of %ld iterations after %ld warm-up",
             b->ri.dtype, b->ri.redop, b->ri.root, how, b->o.iters_small, b->o.warmup_small);
    xccl_out_header(b->table, xccl_title(b->o.test), BBD_VERSION, b->c.nranks, timing);
}

/* Rank 0: the text row of one size (one or two variants). */
static void print_row(struct bench_run *b, const struct size_result *r, int nvar)
{
    if (!xccl_collective(b)) {
        out_text_row(b->table, &b->ri, &r[0]);
        return;
    }
    struct xccl_cols cols = {r[0].size, r[0].count, b->ri.dtype, b->ri.redop, b->ri.root};
    struct xccl_variant v[2] = {{0}, {0}};
    for (int i = 0; i < nvar; i++) {
        v[i] = (struct xccl_variant){true,       r[i].time_us,  r[i].algbw,
                                     r[i].busbw, b->o.validate, r[i].errors};
        b->busbw_sum += r[i].busbw;
        b->busbw_n++;
    }
    xccl_out_row(b->table, &cols, v);
}

static void print_footer(struct bench_run *b)
{
    if (!b->xccl) return;
    if (xccl_collective(b))
        xccl_out_footer(b->table, b->o.validate, b->wrong_total,
                        b->busbw_n ? b->busbw_sum / b->busbw_n : 0.0);
    struct xccl_about a;
    xccl_about(b, &a);
    char line[1024];
    xccl_out_summary(line, sizeof(line), &a);
    fprintf(b->table, "# %s\n", line);
    if (xccl_prov_socket_fallback(&b->xr.tr, b->ri.nhosts))
        fprintf(stderr,
                "bbd-bench: warning: %s moved data over sockets (NET/Socket), not the "
                "fast network: check its net plugin\n",
                b->xr.lib->name);
    fflush(b->table);
}

/* The size loop. Returns the exit code. */
static int measure_all(struct bench_run *b)
{
    struct bbd_err err = {0};
    struct jsonw w;
    jsonw_init(&w);
    b->c.err = &err;
    int code = BBD_EXIT_OK;
    /* collectives: out-of-place, then in-place where the operation has one (nccl-tests) */
    int nvar = xccl_collective(b) && xccl_has_in_place(b->o.test) ? 2 : 1;
    const char *unit = b->xccl ? "wrong elements" : "wrong bytes";
    if (b->c.rank == 0) print_header(b);
    for (size_t size = b->o.min_size; size <= b->o.max_size; size = size ? size * 2 : 1) {
        struct size_result r[2];
        watchdog_arm(opts_test_name(b->o.test), size);
        for (int v = 0; v < nvar; v++) {
            b->xr.in_place = v == 1;
            if (harness_measure(&b->h, &b->c, b->t, &b->o, size, &r[v]) == 0) continue;
            fprintf(stderr, "bbd-bench: rank %d: %s at %zu bytes: %s\n", b->c.rank,
                    opts_test_name(b->o.test), size, err.msg);
            bench_abort_job();
            jsonw_free(&w);
            return BBD_EXIT_ENV;
        }
        watchdog_disarm();
        if (b->xccl) refresh_xccl(b);
        if (b->c.rank != 0) continue;
        for (int v = 0; b->xccl && v < nvar; v++)
            xccl_figures(b, &r[v], v == 1);
        print_row(b, r, nvar);
        for (int v = 0; v < nvar; v++) {
            b->wrong_total += r[v].errors;
            if (r[v].errors) {
                fprintf(stderr, "bbd-bench: validation: %s%s at %zu bytes: %llu %s\n",
                        opts_test_name(b->o.test), v ? " (in place)" : "", size, r[v].errors, unit);
                code = BBD_EXIT_FAIL;
            }
            if (r[v].adaptive && !r[v].converged)
                fprintf(stderr,
                        "bbd-bench: adaptive: %s%s at %zu bytes: the 95%% CI of the median did "
                        "not reach %g %% of it (%s after %ld iterations); the record says "
                        "\"converged\": false\n",
                        opts_test_name(b->o.test), v ? " (in place)" : "", size, b->o.adaptive_pct,
                        r[v].iterations >= b->h.capacity ? "sample cap" : "--time-per-size cap",
                        r[v].iterations);
            if (b->json_fd >= 0 && write_json(b, &w, &r[v])) code = BBD_EXIT_ENV;
        }
    }
    if (b->c.rank == 0) print_footer(b);
    jsonw_free(&w);
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return code;
}

int main(int argc, char **argv)
{
    static struct bench_run b;
    struct bbd_err err = {0};
    int parse_rc = opts_parse(argc, argv, &b.o, &err);
#ifdef BBD_HAVE_PROV
    if (parse_rc == 0 && b.o.provenance && !b.o.show_help && !b.o.show_version) {
        struct bbd_err perr = {0};
        if (prov_activate(argc, argv, &perr))
            fprintf(stderr, "bbd-bench: warning: provenance interposer not active: %s\n", perr.msg);
    }
#endif
    if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
        fprintf(stderr, "bbd-bench: MPI_Init failed\n");
        return BBD_EXIT_ENV;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &b.c.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &b.c.nranks);
    int code = BBD_EXIT_OK;
    if (parse_rc) {
        if (b.c.rank == 0) fprintf(stderr, "bbd-bench: %s\n", err.msg);
        code = BBD_EXIT_USAGE;
    } else if (b.o.show_help || b.o.show_version) {
        if (b.c.rank == 0 && b.o.show_help) opts_usage(stdout);
        if (b.c.rank == 0 && b.o.show_version) printf("bbd-bench %s\n", BBD_VERSION);
    } else if (setup(&b, argc, argv, &code) == 0) {
        if (watchdog_start(b.o.timeout, b.c.rank, &err))
            fprintf(stderr, "bbd-bench: warning: no watchdog: %s\n", err.msg);
        code = measure_all(&b);
        /* Every result is written by now; still, never hang in MPI_Finalize. */
        watchdog_arm_final("MPI_Finalize");
    }
    teardown(&b);
    MPI_Finalize();
    watchdog_stop();
    return code;
}
