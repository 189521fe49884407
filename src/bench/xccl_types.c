#include "xccl_types.h"

#include <string.h>

const struct xccl_dtype_desc xccl_dtypes[XDT_COUNT] = {
    [XDT_FLOAT] = {"float", XCCL_NCCL_FLOAT, 4},
    [XDT_HALF] = {"half", XCCL_NCCL_HALF, 2},
    [XDT_BFLOAT16] = {"bfloat16", XCCL_NCCL_BFLOAT16, 2},
    [XDT_DOUBLE] = {"double", XCCL_NCCL_DOUBLE, 8},
    [XDT_UINT8] = {"uint8", XCCL_NCCL_UINT8, 1},
};

const struct xccl_redop_desc xccl_redops[XOP_COUNT] = {
    [XOP_SUM] = {"sum", XCCL_NCCL_SUM},
    [XOP_MAX] = {"max", XCCL_NCCL_MAX},
    [XOP_MIN] = {"min", XCCL_NCCL_MIN},
};

int xccl_dtype_find(const char *name)
{
    for (int i = 0; i < XDT_COUNT; i++)
        if (!strcmp(name, xccl_dtypes[i].name)) return i;
    return -1;
}

int xccl_redop_find(const char *name)
{
    for (int i = 0; i < XOP_COUNT; i++)
        if (!strcmp(name, xccl_redops[i].name)) return i;
    return -1;
}
