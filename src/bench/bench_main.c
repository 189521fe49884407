/* bbd-bench — MPI and NCCL/RCCL benchmark (see options.c for the command line, registry.c
 * for the tests). This file only wires the parts together: set-up checks that every rank
 * agrees on, the backend of the test's kind (job.h), the size loop, and exit codes. */
#include "bbd_err.h"
#include "bbd_time.h"
#include "clock.h"
#include "harness.h"
#include "job.h"
#include "output.h"
#include "watchdog.h"
#ifdef BBD_HAVE_PROV
#include "prov.h"
#endif

#include <fcntl.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Collective: did any rank fail? The lowest failing rank prints its message. */
static bool any_failed(struct bench_job *b, int failed, const struct bbd_err *err, int *code)
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
static int topology(struct bench_job *b, struct bbd_err *err)
{
    MPI_Comm local;
    int rc = MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local);
    if (rc != MPI_SUCCESS) return bench_mpi_fail(err, "MPI_Comm_split_type", rc);
    MPI_Comm_rank(local, &b->local_rank);
    MPI_Comm_size(local, &b->local_size);
    MPI_Comm_free(&local);
    char me[BENCH_HOST_LEN] = "";
    int len;
    MPI_Get_processor_name(me, &len);
    b->hosts_buf = calloc((size_t)b->c.nranks, BENCH_HOST_LEN);
    b->hosts = calloc((size_t)b->c.nranks, sizeof(char *));
    if (!b->hosts_buf || !b->hosts) return bbd_err_sys(err, "calloc", "host names");
    rc = MPI_Allgather(me, BENCH_HOST_LEN, MPI_CHAR, b->hosts_buf, BENCH_HOST_LEN, MPI_CHAR,
                       MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) return bench_mpi_fail(err, "MPI_Allgather(hosts)", rc);
    b->host = b->hosts_buf + (size_t)b->c.rank * BENCH_HOST_LEN;
    for (int i = 0; i < b->c.nranks; i++) {
        const char *h = b->hosts_buf + (size_t)i * BENCH_HOST_LEN;
        bool seen = false;
        for (int j = 0; j < b->ri.nhosts && !seen; j++)
            seen = !strcmp(b->hosts[j], h);
        if (!seen) b->hosts[b->ri.nhosts++] = h;
    }
    return 0;
}

/* The same transfer word for the whole job: host, direct, staged or mixed. */
static const char *job_transfer(struct bench_job *b)
{
    enum xfer_path path = b->path;
    int mine = b->gpu ? (int)path : -1, lo, hi;
    int probe = mine < 0 ? 1000 : mine;
    MPI_Allreduce(&probe, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&mine, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (hi < 0) return "host";
    if (lo != hi) return "mixed";
    return xfer_path_name((enum xfer_path)hi);
}

static int open_json(struct bench_job *b, struct bbd_err *err)
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

static int write_json(struct bench_job *b, struct jsonw *w, const struct size_result *r)
{
    char ts[32];
    bbd_utc_iso(ts, sizeof(ts));
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

static void collect_provenance(struct bench_job *b)
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

static void make_run_id(struct bench_job *b)
{
    char host[BENCH_HOST_LEN], compact[32];
    bbd_utc_compact(compact, sizeof(compact)); /* 20261124T041000Z */
    snprintf(host, sizeof(host), "%s", b->hosts_buf);
    int pid = (int)getpid();
    MPI_Bcast(&pid, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Bcast(compact, sizeof(compact), MPI_CHAR, 0, MPI_COMM_WORLD);
    snprintf(b->run_id, sizeof(b->run_id), "%s-%.60s-%d", compact, host, pid);
}

/* Everything before the first measurement; any failure is reported once, collectively. */
static int setup(struct bench_job *b, int argc, char **argv, int *code)
{
    struct bbd_err err = {0};
    int failed = opts_check_ranks(&b->o, b->c.nranks, &err);
    if (any_failed(b, failed, &err, code)) return -1;
    b->t.info = b->o.test;
    b->be = bench_backend_for(&b->t);
    struct bench_ctx *c = &b->c;
    c->comm = MPI_COMM_WORLD;
    c->err = &err;
    int len;
    MPI_Get_library_version(b->mpi_version, &len);
    bench_clock_init();
    b->mpi_version[strcspn(b->mpi_version, "\n")] = '\0';
    b->table = stdout;
    failed = topology(b, &err) || b->be->open(b, &err);
    if (any_failed(b, failed, &err, code)) return -1;
    if (b->be->connect) {
        failed = b->be->connect(b, &err);
        if (any_failed(b, failed, &err, code)) return -1;
    }
    failed = harness_init(&b->h, &b->o, &err) || open_json(b, &err);
    if (any_failed(b, failed, &err, code)) return -1;
    b->cmdline = join_args(argc, argv);
    make_run_id(b);
    b->ri = (struct run_info){
        .o = &b->o,
        .t = b->t.info,
        .gpu_api = "none",
        .transfer = job_transfer(b),
        .ranks = c->nranks,
        .pairs = c->pairs,
        .window = c->window,
        .hosts = b->hosts,
        .nhosts = b->ri.nhosts,
        .mpi_version = b->mpi_version,
        .cmdline = b->cmdline ? b->cmdline : argv[0],
        .run_id = b->run_id,
        .json_extra = b->be->json_extra,
        .json_extra_arg = b,
    };
    /* Every rank learns which GPU API is in use (rank 0 may be on the host side):
     * agree on an index into gpu_backends, -1 for none. */
    int api = -1, job_api = -1;
    for (int i = 0; b->gpu && gpu_backends[i].name; i++)
        if (!strcmp(gpu_backends[i].name, b->gpu->name)) api = i;
    MPI_Allreduce(&api, &job_api, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    b->ri.gpu_api = job_api < 0 ? "none" : gpu_backends[job_api].name;
    b->be->describe(b);
    collect_provenance(b);
    b->ri.provenance_json = b->prov_json;
    c->err = NULL;
    return 0;
}

static void teardown(struct bench_job *b)
{
    if (b->be && b->be->close) b->be->close(b);
    if (b->json_fd > 2) close(b->json_fd);
    harness_free(&b->h);
    free(b->hosts);
    free(b->hosts_buf);
    free(b->cmdline);
    free(b->prov_json);
}

/* The size loop. Returns the exit code. */
static int measure_all(struct bench_job *b)
{
    struct bbd_err err = {0};
    struct jsonw w;
    jsonw_init(&w);
    b->c.err = &err;
    int code = BBD_EXIT_OK;
    int nvar = b->be->variants(b);
    const char *name = b->t.info->name;
    unsigned long long wrong_total = 0;
    if (b->c.rank == 0) b->be->header(b);
    for (size_t size = b->o.min_size; size <= b->o.max_size; size = size ? size * 2 : 1) {
        struct size_result r[2];
        watchdog_arm(name, size);
        for (int v = 0; v < nvar; v++) {
            if (b->be->set_variant) b->be->set_variant(b, v);
            if (harness_measure(&b->h, &b->c, &b->t, &b->o, size, &r[v]) == 0) {
                r[v].variant = v;
                continue;
            }
            fprintf(stderr, "bbd-bench: rank %d: %s at %zu bytes: %s\n", b->c.rank, name, size,
                    err.msg);
            bench_abort_job();
            jsonw_free(&w);
            return BBD_EXIT_ENV;
        }
        watchdog_disarm();
        if (b->be->after_size) b->be->after_size(b);
        if (b->c.rank != 0) continue;
        b->be->row(b, r, nvar);
        for (int v = 0; v < nvar; v++) {
            wrong_total += r[v].errors;
            if (r[v].errors) {
                fprintf(stderr, "bbd-bench: validation: %s%s at %zu bytes: %llu %s\n", name,
                        v ? " (in place)" : "", size, r[v].errors, b->be->wrong_unit);
                code = BBD_EXIT_FAIL;
            }
            if (r[v].adaptive && !r[v].converged)
                fprintf(stderr,
                        "bbd-bench: adaptive: %s%s at %zu bytes: the 95%% CI of the median did "
                        "not reach %g %% of it (%s after %ld iterations); the record says "
                        "\"converged\": false\n",
                        name, v ? " (in place)" : "", size, b->o.adaptive_pct,
                        r[v].iterations >= b->h.capacity ? "sample cap" : "--time-per-size cap",
                        r[v].iterations);
            if (b->json_fd >= 0 && write_json(b, &w, &r[v])) code = BBD_EXIT_ENV;
        }
    }
    if (b->c.rank == 0 && b->be->footer) b->be->footer(b, wrong_total);
    jsonw_free(&w);
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return code;
}

int main(int argc, char **argv)
{
    static struct bench_job b;
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
