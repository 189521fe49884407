/* gpu_cuda_check.c — compiled (never linked) when the CUDA headers are installed:
 * checks that the constants gpu_vendor.c hard-codes match the real CUDA runtime API. */
#include <cuda_runtime_api.h>
#include <stddef.h>

_Static_assert(cudaSuccess == 0, "cudaSuccess");
_Static_assert(cudaMemcpyHostToDevice == 1, "cudaMemcpyHostToDevice");
_Static_assert(cudaMemcpyDeviceToHost == 2, "cudaMemcpyDeviceToHost");
_Static_assert(cudaMemcpyDeviceToDevice == 3, "cudaMemcpyDeviceToDevice");
_Static_assert(cudaMemoryTypeDevice == 2, "cudaMemoryTypeDevice");
_Static_assert(cudaHostAllocDefault == 0, "cudaHostAllocDefault");
_Static_assert(offsetof(struct cudaDeviceProp, name) == 0, "cudaDeviceProp.name first");
_Static_assert(offsetof(struct cudaPointerAttributes, type) == 0, "attributes.type first");
_Static_assert(sizeof(struct cudaDeviceProp) < 16384, "properties buffer large enough");
_Static_assert(sizeof(enum cudaError) == sizeof(int), "cudaError_t is int-sized");
_Static_assert(cudaErrorNotReady == 600, "cudaErrorNotReady (stream still busy)");
_Static_assert(sizeof(cudaStream_t) == sizeof(void *), "cudaStream_t is a pointer");

_Static_assert(sizeof(cudaEvent_t) == sizeof(void *), "cudaEvent_t is a pointer");

/* The event prototypes gpu_vendor.c calls through (int (*)(void **), ...). */
static cudaError_t (*const check_event_create)(cudaEvent_t *) = cudaEventCreate;
static cudaError_t (*const check_event_destroy)(cudaEvent_t) = cudaEventDestroy;
static cudaError_t (*const check_event_record)(cudaEvent_t, cudaStream_t) = cudaEventRecord;
static cudaError_t (*const check_event_elapsed)(float *, cudaEvent_t,
                                                cudaEvent_t) = cudaEventElapsedTime;

int bbd_gpu_cuda_check(void);
int bbd_gpu_cuda_check(void)
{
    return check_event_create != 0 && check_event_destroy != 0 && check_event_record != 0 &&
           check_event_elapsed != 0;
}
