/* mpi_gpu.h — does the running MPI accept device pointers? Asked at run time with
 * dlsym, so one binary works with any MPI: MPIX_GPU_query_support (MPICH >= 4),
 * MPIX_Query_cuda_support / MPIX_Query_rocm_support / MPIX_Query_hip_support (Open MPI,
 * MPICH 4.1+), and for Cray MPICH the MPICH_GPU_SUPPORT_ENABLED setting. */
#ifndef BBD_MPI_GPU_H
#define BBD_MPI_GPU_H

#include <stdbool.h>
#include <stddef.h>

/* gpu_api: "cuda" or "hip". Returns whether device buffers may be passed to MPI, and
 * writes the evidence into why. */
bool mpi_gpu_aware(const char *gpu_api, const char *mpi_version, char *why, size_t len);

#endif
