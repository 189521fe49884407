/* xccl_data.h — validation data of the xccl tests: every input element is a small
 * integer computed from (rank, index, iteration), so sums over ranks stay exact even
 * in half and bfloat16 (see docs/xccl.md for the limits) and each expected result is
 * known exactly on the host. */
#ifndef BBD_XCCL_DATA_H
#define BBD_XCCL_DATA_H

#include "xccl_types.h"

#include <stddef.h>

/* Input element i of `rank` in iteration `iter`: 1..4 for reductions (sums stay small),
 * 1..61 otherwise (so ranks' blocks differ). */
double xccl_input(int rank, size_t i, long iter, int reduces);

/* Encode v as element i of an array of type t / decode element i to a double. */
void xccl_store(enum xccl_dtype t, void *base, size_t i, double v);
double xccl_load(enum xccl_dtype t, const void *base, size_t i);

/* Combine two values with op. */
double xccl_combine(enum xccl_redop op, double a, double b);

#endif
