/* backends.c — which backend serves which kind of test (job.h). */
#include "coll.h"
#include "job.h"
#include "xccl_bench.h"

const struct bench_backend *bench_backend_for(struct bench_test *t)
{
    switch (t->info->kind) {
    case BENCH_MPI_P2P:
        bench_p2p_hooks(t);
        return &bench_backend_mpi;
    case BENCH_MPI_COLL:
        bench_coll_hooks(t);
        return &bench_backend_mpi;
    case BENCH_XCCL_COLL:
    case BENCH_XCCL_P2P:
        xccl_hooks(t);
        return &bench_backend_xccl;
    }
    return NULL;
}
