/* coll.h — the MPI collectives of bbd-bench (coll:allreduce, coll:alltoall, coll:allgather,
 * coll:bcast, coll:reduce), as OSU 7.x's osu_allreduce & co: MPI_CHAR data, SIZE bytes per
 * rank (alltoall: to each peer), one blocking call per iteration, an untimed barrier after
 * each, the mean time over ranks. Buffers on the host or the GPU (H H or D D), handed to
 * MPI directly or staged through pinned host memory, as for the point-to-point tests. */
#ifndef BBD_BENCH_COLL_H
#define BBD_BENCH_COLL_H

#include "tests.h"

/* The hooks of an MPI collective (kind BENCH_MPI_COLL). */
void bench_coll_hooks(struct bench_test *t);

/* Per-rank state of the collective t (c->impl), sized for messages up to max_size (and
 * validation scratch when validate); the xfer buffers (c->x) must hold
 * opts_coll_send/recv_bytes of max_size. */
int bench_coll_open(struct bench_ctx *c, const struct bench_info *t, size_t max_size, bool validate,
                    struct bbd_err *err);
void bench_coll_close(struct bench_ctx *c);

#endif
