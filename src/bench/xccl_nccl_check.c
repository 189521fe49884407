/* xccl_nccl_check.c — compiled (never linked) when nccl.h is installed: checks that the
 * constants and types xccl.h and xccl_types.h declare by hand match the real NCCL API. */
#include "xccl.h"
#include "xccl_types.h"

#include <nccl.h>

_Static_assert((int)ncclSuccess == (int)XCCL_SUCCESS, "ncclSuccess");
_Static_assert((int)ncclInProgress == (int)XCCL_IN_PROGRESS, "ncclInProgress");
_Static_assert(NCCL_UNIQUE_ID_BYTES == XCCL_UNIQUE_ID_BYTES, "NCCL_UNIQUE_ID_BYTES == 128");
_Static_assert(sizeof(ncclUniqueId) == sizeof(xccl_unique_id), "ncclUniqueId size");
_Static_assert(sizeof(ncclComm_t) == sizeof(xccl_comm), "ncclComm_t is a pointer");
_Static_assert(sizeof(cudaStream_t) == sizeof(void *), "cudaStream_t is a pointer");
_Static_assert(sizeof(ncclResult_t) == sizeof(int), "ncclResult_t is int-sized");
_Static_assert(sizeof(ncclDataType_t) == sizeof(int), "ncclDataType_t is int-sized");
_Static_assert(sizeof(ncclRedOp_t) == sizeof(int), "ncclRedOp_t is int-sized");
_Static_assert((int)ncclUint8 == (int)XCCL_NCCL_UINT8, "ncclUint8");
_Static_assert((int)ncclHalf == (int)XCCL_NCCL_HALF, "ncclHalf");
_Static_assert((int)ncclFloat == (int)XCCL_NCCL_FLOAT, "ncclFloat");
_Static_assert((int)ncclDouble == (int)XCCL_NCCL_DOUBLE, "ncclDouble");
_Static_assert((int)ncclBfloat16 == (int)XCCL_NCCL_BFLOAT16, "ncclBfloat16");
_Static_assert((int)ncclSum == (int)XCCL_NCCL_SUM, "ncclSum");
_Static_assert((int)ncclMax == (int)XCCL_NCCL_MAX, "ncclMax");
_Static_assert((int)ncclMin == (int)XCCL_NCCL_MIN, "ncclMin");

/* The prototypes: each of ours must accept what the real function is called with. */
static ncclResult_t (*const real_allreduce)(const void *, void *, size_t, ncclDataType_t,
                                            ncclRedOp_t, ncclComm_t, cudaStream_t) = ncclAllReduce;
static ncclResult_t (*const real_send)(const void *, size_t, ncclDataType_t, int, ncclComm_t,
                                       cudaStream_t) = ncclSend;
static ncclResult_t (*const real_init)(ncclComm_t *, int, ncclUniqueId, int) = ncclCommInitRank;

int bbd_xccl_nccl_check(void);
int bbd_xccl_nccl_check(void)
{
    return real_allreduce != NULL && real_send != NULL && real_init != NULL;
}
