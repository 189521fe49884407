/* hostmpi.h — finding the host's MPI, libfabric and GTL, and naming MPI ABIs.
 *
 * Order for the MPI: the explicit path (a file, or a prefix searched in lib64/ and
 * lib/), then $CRAY_MPICH_DIR, then `mpicc -show` (-L dirs and -l names; $MPICC
 * picks the wrapper), then the host's ld.so.cache. HOW receives a short sentence
 * saying which of these found it (for --explain). */
#ifndef BBD_HOSTMPI_H
#define BBD_HOSTMPI_H

#include "ldsearch.h"

int host_find_mpi(const struct ld_env *host, const char *hint, char path[PATH_MAX], char *how,
                  size_t how_size, struct bbd_err *err);
/* libfabric: explicit path, else the cache's libfabric.so.1. */
int host_find_fabric(const struct ld_env *host, const char *hint, char path[PATH_MAX], char *how,
                     size_t how_size, struct bbd_err *err);
/* GTL: explicit path, else $CRAY_MPICH_DIR/../../gtl/lib, else the cache's
 * libmpi_gtl_hsa / libmpi_gtl_cuda. */
int host_find_gtl(const struct ld_env *host, const char *hint, char path[PATH_MAX], char *how,
                  size_t how_size, struct bbd_err *err);

/* ABI family of an MPI library name ("MPICH" for libmpi.so.12 / libmpich.so.12 /
 * libmpi_cray.so.12, "Open MPI" for libmpi.so.40), NULL if NAME is not an MPI
 * library. *MAJOR receives the soname's major number. */
const char *mpi_abi_family(const char *name, int *major);

#endif
