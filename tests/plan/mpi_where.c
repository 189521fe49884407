/* mpi_where — a tiny MPI program for the plan tests: one ping-pong, then rank 0
 * prints, for every loaded MPI / libfabric object, its path and the device and
 * inode of the file behind it. Inside a container that identifies a bind-mounted
 * host file exactly (same st_dev/st_ino as on the host). */
#include <link.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int print_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    const char *base = strrchr(info->dlpi_name, '/');
    if (base == NULL) return 0;
    if (strncmp(base + 1, "libmpi", 6) && strncmp(base + 1, "libfabric", 9)) return 0;
    struct stat st;
    if (stat(info->dlpi_name, &st) == 0)
        printf("where %s dev=%llu ino=%llu\n", info->dlpi_name, (unsigned long long)st.st_dev,
               (unsigned long long)st.st_ino);
    return 0;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size, buf = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size >= 2 && rank < 2) {
        if (rank == 0) {
            buf = 42;
            MPI_Send(&buf, 1, MPI_INT, 1, 0, MPI_COMM_WORLD);
            MPI_Recv(&buf, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(&buf, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            buf++;
            MPI_Send(&buf, 1, MPI_INT, 0, 0, MPI_COMM_WORLD);
        }
    }
    if (rank == 0) {
        char version[MPI_MAX_LIBRARY_VERSION_STRING];
        int len;
        MPI_Get_library_version(version, &len);
        printf("pingpong %d ranks=%d\nversion %.*s\n", buf, size, (int)strcspn(version, "\n"),
               version);
        dl_iterate_phdr(print_object, NULL);
    }
    MPI_Finalize();
    return 0;
}
