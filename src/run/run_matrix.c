#include "run_matrix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int run_matrix_expand(const struct run_spec *s, struct run_cell **cells, struct bbd_err *err)
{
    int n = s->modes.n * s->gtl.n * s->tests.n * s->placements.n;
    struct run_cell *c = calloc((size_t)(n ? n : 1), sizeof(*c));
    if (c == NULL) return bbd_err_set(err, BBD_EXIT_ENV, "calloc: %d cells: out of memory", n);
    int k = 0;
    for (int m = 0; m < s->modes.n; m++)
        for (int g = 0; g < s->gtl.n; g++)
            for (int t = 0; t < s->tests.n; t++)
                for (int p = 0; p < s->placements.n; p++, k++) {
                    c[k].index = k + 1;
                    c[k].mode = s->modes.item[m];
                    c[k].gtl = !strcmp(s->gtl.item[g], "on");
                    c[k].test = s->tests.item[t];
                    c[k].placement = s->placements.item[p];
                    snprintf(c[k].key, sizeof(c[k].key), "%s/gtl-%s/%s/%s", c[k].mode,
                             c[k].gtl ? "on" : "off", c[k].test, c[k].placement);
                }
    *cells = c;
    return n;
}
