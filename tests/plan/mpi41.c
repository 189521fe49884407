/* mpi41 — an MPI 4.1 caller for the symbol-check test: rank 1 receives from rank 0 and
 * asks the status for the source with MPI_Status_get_source (new in MPI 4.1, MPICH 4.1).
 * Built against an MPICH >= 4.1 library file; the prototype is declared here when the
 * mpi.h at hand is older (the host's MPICH 4.0.2 headers): the call is what counts. */
#include <mpi.h>
#include <stdio.h>

#if MPI_VERSION < 4 || (MPI_VERSION == 4 && MPI_SUBVERSION < 1)
int MPI_Status_get_source(MPI_Status *status, int *source);
#endif

int main(int argc, char **argv)
{
    int rank, size, buf = 41, source = -1;
    MPI_Status st;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size >= 2 && rank == 0) MPI_Send(&buf, 1, MPI_INT, 1, 7, MPI_COMM_WORLD);
    if (size >= 2 && rank == 1) {
        MPI_Recv(&buf, 1, MPI_INT, 0, 7, MPI_COMM_WORLD, &st);
        MPI_Status_get_source(&st, &source);
        printf("mpi41 source %d value %d\n", source, buf);
    }
    MPI_Finalize();
    return 0;
}
