/* xccl_setup.c — bringing up NCCL/RCCL for the xccl tests: library, GPU, the checks
 * NCCL would otherwise fail on obscurely, the communicator, and reading back the
 * library's log for provenance. */
#include "xccl_bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The GPU runtime that goes with the library: -d wins, else the library's own. */
static int open_gpu(struct xccl_run *x, const struct bench_opts *o, struct bbd_err *err)
{
    const char *want = strcmp(o->device, "auto") ? o->device : x->lib->gpu;
    bool standin_lib = !strcmp(x->lib->name, "standin"), standin_gpu = !strcmp(want, "standin");
    if (standin_lib != standin_gpu)
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "-d %s does not go with %s (%s): the test-only collective stand-in "
                           "needs -d standin and a real library a real GPU runtime",
                           want, x->lib->name, x->lib->library);
    x->gpu = gpu_open(want, err);
    if (x->gpu == NULL && err->code == BBD_EXIT_USAGE) {
        char msg[sizeof(err->msg)];
        snprintf(msg, sizeof(msg), "%s", err->msg);
        bbd_err_set(err, BBD_EXIT_USAGE, "xccl %s needs a GPU runtime: %s", x->lib->name, msg);
    }
    return x->gpu ? 0 : -1;
}

/* NCCL refuses two ranks on one GPU ("Duplicate GPU detected"), after a long init:
 * say so first, in words. */
static int check_devices(struct xccl_run *x, int local_rank, int local_size, const char *host,
                         struct bbd_err *err)
{
    int count = 0;
    if (x->gpu->ops->device_count(x->gpu, &count, err)) {
        char msg[sizeof(err->msg)];
        snprintf(msg, sizeof(msg), "%s", err->msg);
        return bbd_err_set(err, BBD_EXIT_ENV, "no usable GPU on %s for %s (%s): %s", host,
                           x->lib->name, x->lib->library, msg);
    }
    if (count < 1)
        return bbd_err_set(err, BBD_EXIT_ENV, "%s: no GPU device visible on %s for %s (%s)",
                           x->gpu->name, host, x->lib->name, x->lib->library);
    if (count < local_size)
        return bbd_err_set(err, BBD_EXIT_ENV,
                           "%d ranks on %s but only %d GPU%s visible: %s refuses two ranks on one "
                           "GPU; start at most %d rank%s per node (one per GPU)",
                           local_size, host, count, count == 1 ? "" : "s", x->lib->name, count,
                           count == 1 ? "" : "s");
    return x->gpu->ops->set_device(x->gpu, local_rank, err);
}

static int alloc_buffers(struct xccl_run *x, struct bbd_err *err)
{
    struct gpu *g = x->gpu;
    if (g->ops->stream_create(g, &x->stream, err) ||
        g->ops->dev_alloc(g, &x->sbuf, x->max_size, err) ||
        g->ops->dev_alloc(g, &x->rbuf, x->max_size, err))
        return -1;
    if (x->gpu_timer &&
        (g->ops->event_create(g, &x->ev_start, err) || g->ops->event_create(g, &x->ev_stop, err)))
        return -1;
    x->host = malloc(x->max_size);
    if (x->host == NULL) return bbd_err_sys(err, "malloc", "xccl host scratch");
    /* defined contents even without -c */
    if (g->ops->fill(g, x->sbuf, 0, x->max_size, err) ||
        g->ops->fill(g, x->rbuf, 0, x->max_size, err))
        return -1;
    return g->ops->synchronize(g, err);
}

int xccl_run_open(struct xccl_run *x, const struct bench_opts *o, int rank, int nranks,
                  int local_rank, int local_size, const char *host, struct bbd_err *err)
{
    memset(x, 0, sizeof(*x));
    x->rank = rank;
    x->nranks = nranks;
    x->dtype = o->test->kind == BENCH_XCCL_P2P ? XDT_UINT8 : o->dtype;
    x->op = o->op;
    x->root = o->root;
    x->gpu_timer = o->gpu_timer;
    x->max_size = o->max_size ? o->max_size : 1;
    x->coll = o->test->kind == BENCH_XCCL_COLL ? xccl_coll_get(o->test->coll) : NULL;
    const char *tmp = getenv("TMPDIR");
    xccl_prov_prepare_log(tmp && *tmp ? tmp : "/tmp", "log", x->log_path, sizeof(x->log_path),
                          &x->log_owned);
    x->lib = xccl_open(o->xccl, o->xccl_lib, err);
    if (x->lib == NULL || open_gpu(x, o, err) ||
        check_devices(x, local_rank, local_size, host, err))
        return -1;
    /* Only now is the library called at all. */
    if (xccl_query_version(x->lib, err)) return -1;
    return alloc_buffers(x, err);
}

int xccl_run_connect(struct xccl_run *x, MPI_Comm comm, struct bbd_err *err)
{
    struct {
        int rc;
        xccl_unique_id id;
    } msg;
    memset(&msg, 0, sizeof(msg));
    if (x->rank == 0) msg.rc = x->lib->api.get_unique_id(&msg.id);
    int rc = MPI_Bcast(&msg, (int)sizeof(msg), MPI_BYTE, 0, comm);
    if (rc != MPI_SUCCESS) return bench_mpi_fail(err, "MPI_Bcast(ncclUniqueId)", rc);
    if (msg.rc != XCCL_SUCCESS)
        return xccl_fail(x->lib, NULL, msg.rc, "ncclGetUniqueId", "rank 0", err);
    rc = x->lib->api.comm_init_rank(&x->comm, x->nranks, msg.id, x->rank);
    if (rc != XCCL_SUCCESS) {
        char obj[64];
        snprintf(obj, sizeof(obj), "rank %d of %d", x->rank, x->nranks);
        x->comm = NULL;
        return xccl_fail(x->lib, NULL, rc, "ncclCommInitRank", obj, err);
    }
    xccl_prov_loaded_plugins(x->plugins, sizeof(x->plugins));
    return 0;
}

int xccl_run_transport(struct xccl_run *x, MPI_Comm comm, struct bbd_err *err)
{
    struct xccl_transport mine;
    memset(&mine, 0, sizeof(mine));
    xccl_prov_parse_file(&mine, x->log_path);
    struct xccl_transport *all = NULL;
    if (x->rank == 0) {
        all = calloc((size_t)x->nranks, sizeof(*all));
        if (all == NULL) return bbd_err_sys(err, "calloc", "xccl transports");
    }
    int rc =
        MPI_Gather(&mine, (int)sizeof(mine), MPI_BYTE, all, (int)sizeof(mine), MPI_BYTE, 0, comm);
    if (rc != MPI_SUCCESS) {
        free(all);
        return bench_mpi_fail(err, "MPI_Gather(xccl transport)", rc);
    }
    if (x->rank == 0) {
        memset(&x->tr, 0, sizeof(x->tr));
        for (int r = 0; r < x->nranks; r++)
            xccl_prov_merge(&x->tr, &all[r]);
    }
    free(all);
    return 0;
}

void xccl_run_close(struct xccl_run *x)
{
    if (x->comm) x->lib->api.comm_destroy(x->comm);
    if (x->gpu) {
        x->gpu->ops->dev_free(x->gpu, x->sbuf);
        x->gpu->ops->dev_free(x->gpu, x->rbuf);
        x->gpu->ops->event_destroy(x->gpu, x->ev_start);
        x->gpu->ops->event_destroy(x->gpu, x->ev_stop);
        if (x->stream) x->gpu->ops->stream_destroy(x->gpu, x->stream);
    }
    free(x->host);
    xccl_close(x->lib); /* before the GPU runtime it uses */
    gpu_close(x->gpu);
    if (x->log_owned && x->log_path[0]) unlink(x->log_path);
    memset(x, 0, sizeof(*x));
}
