/* Test-only fault injection through MPI's profiling interface, loaded with LD_PRELOAD
 * by tests/bench/mpi_tests.sh; never part of bbd-bench. BBD_TEST_FAULT selects:
 *   corrupt_recv   flip the first byte of every MPI_Recv of more than one byte, so the
 *                  test can prove that -c catches corruption (exit code 1);
 *   corrupt_coll   the last rank flips the first byte it receives in every MPI collective
 *                  bbd-bench uses (coll:*), so -c must fail there too (exit code 1);
 *   hang_finalize  rank 1 never returns from MPI_Finalize, so the test can prove the
 *                  watchdog also covers the end of the run (exit code 3, no hang). */
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fault_is(const char *name)
{
    const char *f = getenv("BBD_TEST_FAULT");
    return f && !strcmp(f, name);
}

int MPI_Recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
             MPI_Status *status)
{
    int rc = PMPI_Recv(buf, count, type, source, tag, comm, status);
    if (fault_is("corrupt_recv") && rc == MPI_SUCCESS && count > 1 && type == MPI_CHAR)
        ((unsigned char *)buf)[0] ^= 0x5a;
    return rc;
}

/* corrupt_coll: bbd-bench's own set-up uses collectives too (host names, the run id):
 * only those after its first MPI_Barrier (the start of the first size) on MPI_CHAR data
 * are the measured ones. */
static int measuring;

int MPI_Barrier(MPI_Comm comm)
{
    measuring = 1;
    return PMPI_Barrier(comm);
}

/* On the last rank (or the root for MPI_Reduce), flip the first received byte. */
static void flip(MPI_Comm comm, void *buf, int count, MPI_Datatype type, int root)
{
    int rank = 0, size = 0;
    PMPI_Comm_rank(comm, &rank);
    PMPI_Comm_size(comm, &size);
    int victim = root >= 0 ? root : size - 1;
    if (fault_is("corrupt_coll") && measuring && type == MPI_CHAR && rank == victim && count > 0 &&
        buf != MPI_IN_PLACE)
        ((unsigned char *)buf)[0] ^= 0x5a;
}

int MPI_Allreduce(const void *s, void *r, int n, MPI_Datatype t, MPI_Op op, MPI_Comm comm)
{
    int rc = PMPI_Allreduce(s, r, n, t, op, comm);
    if (rc == MPI_SUCCESS) flip(comm, r, n, t, -1);
    return rc;
}

int MPI_Reduce(const void *s, void *r, int n, MPI_Datatype t, MPI_Op op, int root, MPI_Comm comm)
{
    int rc = PMPI_Reduce(s, r, n, t, op, root, comm);
    if (rc == MPI_SUCCESS) flip(comm, r, n, t, root); /* only the root receives */
    return rc;
}

int MPI_Bcast(void *buf, int n, MPI_Datatype t, int root, MPI_Comm comm)
{
    int rc = PMPI_Bcast(buf, n, t, root, comm), rank = -1, size = 0;
    PMPI_Comm_rank(comm, &rank);
    PMPI_Comm_size(comm, &size);
    if (rc == MPI_SUCCESS && (root != size - 1)) flip(comm, buf, n, t, -1);
    return rc;
}

int MPI_Allgather(const void *s, int sn, MPI_Datatype st, void *r, int rn, MPI_Datatype rt,
                  MPI_Comm comm)
{
    int rc = PMPI_Allgather(s, sn, st, r, rn, rt, comm);
    if (rc == MPI_SUCCESS) flip(comm, r, rn, rt, -1);
    return rc;
}

int MPI_Alltoall(const void *s, int sn, MPI_Datatype st, void *r, int rn, MPI_Datatype rt,
                 MPI_Comm comm)
{
    int rc = PMPI_Alltoall(s, sn, st, r, rn, rt, comm);
    if (rc == MPI_SUCCESS) flip(comm, r, rn, rt, -1);
    return rc;
}

int MPI_Finalize(void)
{
    int rank = -1;
    PMPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (fault_is("hang_finalize") && rank == 1)
        for (;;)
            pause();
    return PMPI_Finalize();
}
