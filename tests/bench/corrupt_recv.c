/* Test-only fault injection: a PMPI shim that flips the first byte of every
 * non-empty MPI_Recv, so the validation test can prove that -c catches corruption
 * and turns it into exit code 1. Loaded with LD_PRELOAD by tests/bench/mpi_tests.sh. */
#include <mpi.h>

int MPI_Recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
             MPI_Status *status)
{
    int rc = PMPI_Recv(buf, count, type, source, tag, comm, status);
    if (rc == MPI_SUCCESS && count > 1 && type == MPI_CHAR) ((unsigned char *)buf)[0] ^= 0x5a;
    return rc;
}
