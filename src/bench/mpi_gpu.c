#include "mpi_gpu.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MPIX_GPU_SUPPORT_* values from MPICH's mpi.h. */
enum { MPICH_GPU_CUDA = 0, MPICH_GPU_HIP = 2 };

/* dlsym into a function pointer (POSIX allows the conversion; memcpy keeps C17 quiet). */
static void lookup(const char *name, void *fnptr)
{
    void *sym = dlsym(RTLD_DEFAULT, name);
    memcpy(fnptr, &sym, sizeof(sym));
}

bool mpi_gpu_aware(const char *gpu_api, const char *mpi_version, char *why, size_t len)
{
    bool hip = !strcmp(gpu_api, "hip");
    int (*gpu_query)(int, int *) = NULL;
    int (*query)(void) = NULL;
    lookup("MPIX_GPU_query_support", &gpu_query);
    if (gpu_query) {
        int yes = 0;
        if (gpu_query(hip ? MPICH_GPU_HIP : MPICH_GPU_CUDA, &yes) == 0) {
            snprintf(why, len, "MPIX_GPU_query_support(%s) = %d", hip ? "HIP" : "CUDA", yes);
            return yes != 0;
        }
    }
    static const char *const cuda_q[] = {"MPIX_Query_cuda_support", NULL};
    static const char *const hip_q[] = {"MPIX_Query_rocm_support", "MPIX_Query_hip_support", NULL};
    for (const char *const *q = hip ? hip_q : cuda_q; *q; q++) {
        lookup(*q, &query);
        if (query) {
            int yes = query();
            snprintf(why, len, "%s() = %d", *q, yes);
            return yes != 0;
        }
    }
    const char *env = getenv("MPICH_GPU_SUPPORT_ENABLED");
    bool cray = mpi_version && strstr(mpi_version, "CRAY MPICH");
    if (cray && env && !strcmp(env, "1")) {
        snprintf(why, len, "Cray MPICH with MPICH_GPU_SUPPORT_ENABLED=1");
        return true;
    }
    snprintf(why, len, "no GPU-support query in this MPI%s",
             cray ? " and MPICH_GPU_SUPPORT_ENABLED is not 1" : "");
    return false;
}
