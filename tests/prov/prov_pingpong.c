/* prov_pingpong.c — a small MPI program for the provenance tests: a ping-pong of 1 MiB
 * between ranks 0 and 1 (so a transport really carries bytes), checked byte by byte.
 * Built with each MPI under test (Debian MPICH, MPICH ch4:ofi, Open MPI). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    enum { N = 1 << 20, ITERS = 20 };
    int rank, size, bad = 0;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    unsigned char *buf = malloc(N);
    if (buf == NULL) MPI_Abort(MPI_COMM_WORLD, 3);
    for (int it = 0; it < ITERS && size >= 2 && rank < 2; it++) {
        if (rank == 0) {
            memset(buf, it & 0xff, N);
            MPI_Send(buf, N, MPI_BYTE, 1, 0, MPI_COMM_WORLD);
            MPI_Recv(buf, N, MPI_BYTE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(buf, N, MPI_BYTE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(buf, N, MPI_BYTE, 0, 0, MPI_COMM_WORLD);
        }
        for (int i = 0; i < N; i++)
            bad += buf[i] != (it & 0xff);
    }
    if (rank == 0) printf("pingpong: %d ranks, %d wrong bytes\n", size, bad);
    free(buf);
    MPI_Finalize();
    return bad ? 1 : 0;
}
