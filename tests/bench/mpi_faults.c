/* Test-only fault injection through MPI's profiling interface, loaded with LD_PRELOAD
 * by tests/bench/mpi_tests.sh; never part of bbd-bench. BBD_TEST_FAULT selects:
 *   corrupt_recv   flip the first byte of every MPI_Recv of more than one byte, so the
 *                  test can prove that -c catches corruption (exit code 1);
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

int MPI_Finalize(void)
{
    int rank = -1;
    PMPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (fault_is("hang_finalize") && rank == 1)
        for (;;)
            pause();
    return PMPI_Finalize();
}
