/* run_matrix.h — the cells of a matrix: modes x GTL x tests x placements, in that order. */
#ifndef BBD_RUN_MATRIX_H
#define BBD_RUN_MATRIX_H

#include "run_spec.h"

#include <stdbool.h>

struct run_cell {
    int index;                           /* 1-based position in the matrix */
    const char *mode, *test, *placement; /* point into the spec */
    bool gtl;
    char key[128]; /* "native/gtl-off/bw/H H": identifies the cell within a run (for --resume) */
};

/* Expand the spec; *cells is malloc'ed. Returns the number of cells or -1. */
int run_matrix_expand(const struct run_spec *s, struct run_cell **cells, struct bbd_err *err);

#endif
