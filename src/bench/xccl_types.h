/* xccl_types.h — the data types and reduction operations the xccl tests offer, with
 * the values NCCL and RCCL give them in ncclDataType_t / ncclRedOp_t (the two
 * libraries share these enums; xccl_nccl_check.c checks them against nccl.h). */
#ifndef BBD_XCCL_TYPES_H
#define BBD_XCCL_TYPES_H

#include <stddef.h>

/* ncclDataType_t and ncclRedOp_t values (identical in NCCL and RCCL). */
enum {
    XCCL_NCCL_UINT8 = 1,
    XCCL_NCCL_HALF = 6,
    XCCL_NCCL_FLOAT = 7,
    XCCL_NCCL_DOUBLE = 8,
    XCCL_NCCL_BFLOAT16 = 9,
    XCCL_NCCL_SUM = 0,
    XCCL_NCCL_MAX = 2,
    XCCL_NCCL_MIN = 3,
};

enum xccl_dtype { XDT_FLOAT, XDT_HALF, XDT_BFLOAT16, XDT_DOUBLE, XDT_UINT8, XDT_COUNT };
enum xccl_redop { XOP_SUM, XOP_MAX, XOP_MIN, XOP_COUNT };

struct xccl_dtype_desc {
    const char *name; /* as nccl-tests prints it: float, half, bfloat16, double, uint8 */
    int nccl;         /* ncclDataType_t value */
    size_t size;      /* bytes per element */
};

struct xccl_redop_desc {
    const char *name; /* sum, max, min */
    int nccl;         /* ncclRedOp_t value */
};

extern const struct xccl_dtype_desc xccl_dtypes[XDT_COUNT];
extern const struct xccl_redop_desc xccl_redops[XOP_COUNT];

/* Index of a name in the tables, or -1. */
int xccl_dtype_find(const char *name);
int xccl_redop_find(const char *name);

#endif
