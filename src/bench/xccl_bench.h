/* xccl_bench.h — the xccl tests of bbd-bench: NCCL/RCCL collectives and point-to-point
 * on device buffers. Each collective states only what is particular to it (its call,
 * its buffer layout, its bus-bandwidth factor, its expected result); the timing loop,
 * statistics, validation flow and output are the harness's (harness.c), as for the
 * MPI tests. One iteration = enqueue on the stream + wait for the stream (polling
 * ncclCommGetAsyncError), timed with the host clock around both. */
#ifndef BBD_XCCL_BENCH_H
#define BBD_XCCL_BENCH_H

#include "gpu.h"
#include "tests.h"
#include "xccl.h"
#include "xccl_prov.h"

#include <mpi.h>

struct xccl_coll;

struct xccl_run {
    struct xccl *lib;
    struct gpu *gpu;
    xccl_comm comm;
    void *stream;
    void *sbuf, *rbuf; /* device buffers, max_size bytes each */
    void *host;        /* host scratch for inputs and results, max_size bytes */
    size_t max_size;
    const struct xccl_coll *coll; /* NULL for xccl latency / bw */
    enum xccl_dtype dtype;        /* XDT_UINT8 for latency / bw */
    enum xccl_redop op;
    int root, rank, nranks;
    bool in_place;            /* the variant being measured */
    bool gpu_timer;           /* --timer gpu: events around each iteration's work */
    void *ev_start, *ev_stop; /* its events (created only then) */
    char log_path[512];
    bool log_owned;
    char plugins[512];        /* net plugin objects loaded in this process */
    struct xccl_transport tr; /* merged over ranks (rank 0) */
};

/* The hooks of an xccl test (kind BENCH_XCCL_COLL or BENCH_XCCL_P2P). */
void xccl_hooks(struct bench_test *t);
/* The collective's buffer layout and expected result (NULL for an op NCCL lacks). */
const struct xccl_coll *xccl_coll_get(enum bench_coll op);
/* Measured out-of-place, then in-place (nccl-tests' two column groups)? */
bool xccl_has_in_place(const struct bench_info *t);

/* Set-up, in two collective steps so every rank can agree on failures in between:
 * open loads the library and this rank's GPU (checking that the node has a GPU per
 * rank before NCCL is called), connect creates the communicator (ncclGetUniqueId on
 * rank 0, MPI_Bcast, ncclCommInitRank). 0, or -1 with err. */
int xccl_run_open(struct xccl_run *x, const struct bench_opts *o, int rank, int nranks,
                  int local_rank, int local_size, const char *host, struct bbd_err *err);
int xccl_run_connect(struct xccl_run *x, MPI_Comm comm, struct bbd_err *err);
/* Collective: read every rank's library log and merge what it says on rank 0. */
int xccl_run_transport(struct xccl_run *x, MPI_Comm comm, struct bbd_err *err);
void xccl_run_close(struct xccl_run *x);

#endif
