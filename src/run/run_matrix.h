/* run_matrix.h — the cells of a matrix: modes x GTL x tests x placements, in that order.
 *
 * A test runs only with the placements its registry entry accepts (src/bench/registry.c):
 * the xccl tests on D D only (and bbd-bench gets no placement letters), the MPI collectives
 * on H H and D D; basic mode has no GTL cells (it runs nothing from the host). A test that
 * accepts none of the configured placements is a config error. */
#ifndef BBD_RUN_MATRIX_H
#define BBD_RUN_MATRIX_H

#include "run_spec.h"

#include <stdbool.h>

struct bench_info;

struct run_cell {
    int index;                           /* 1-based position in the matrix */
    const char *mode, *test, *placement; /* point into the spec (placement: "D D" for xccl) */
    const struct bench_info *info;       /* the test's registry entry */
    bool gtl;
    char key[128]; /* "native/gtl-off/bw/H H": identifies the cell within a run (for --resume) */
};

/* Expand the spec; *cells is malloc'ed. Returns the number of cells, or -1 with err
 * (BBD_EXIT_USAGE when a test accepts none of the placements). *skipped, when not NULL,
 * counts the combinations left out because they do not apply. */
int run_matrix_expand(const struct run_spec *s, struct run_cell **cells, int *skipped,
                      struct bbd_err *err);

#endif
