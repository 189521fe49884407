#include "run_matrix.h"

#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The placement a test runs with for a configured one, or NULL when it does not apply. A
 * test without placement letters (xccl) runs once, on D D: with the configured D D, or,
 * when the placements were left at their default, with the first of them. */
static const char *cell_placement(const struct run_spec *s, const struct bench_info *t, int p)
{
    const char *pl = s->placements.item[p];
    if (bench_place_ok(t, pl[0], pl[2], NULL, 0)) return pl;
    if (t->letters || s->placements_given || p != 0) return NULL;
    for (int i = 0; i < s->placements.n; i++)
        if (!strcmp(s->placements.item[i], "D D")) return NULL; /* it runs there */
    return "D D";
}

/* A test that takes none of the configured placements: say which it takes. */
static int no_placement(const struct bench_info *t, const struct run_spec *s, struct bbd_err *err)
{
    char why[256];
    bench_place_ok(t, s->placements.item[0][0], s->placements.item[0][2], why, sizeof(why));
    return bbd_err_set(err, BBD_EXIT_USAGE,
                       "[matrix] tests: %s runs with none of the placements given (%s): %s; add "
                       "it to [matrix] placements (or leave them unset)",
                       t->name, s->placements.n == 1 ? s->placements.item[0] : "those given", why);
}

int run_matrix_expand(const struct run_spec *s, struct run_cell **cells, int *skipped,
                      struct bbd_err *err)
{
    int most = s->modes.n * s->gtl.n * s->tests.n * s->placements.n, skip = 0;
    struct run_cell *c = calloc((size_t)(most ? most : 1), sizeof(*c));
    if (c == NULL) return bbd_err_set(err, BBD_EXIT_ENV, "calloc: %d cells: out of memory", most);
    for (int t = 0; t < s->tests.n; t++) {
        const struct bench_info *info = bench_find(s->tests.item[t]);
        int usable = 0;
        for (int p = 0; info && p < s->placements.n; p++)
            usable += cell_placement(s, info, p) != NULL;
        if (info == NULL || usable == 0) {
            free(c);
            return info ? no_placement(info, s, err)
                        : bbd_err_set(err, BBD_EXIT_USAGE, "[matrix] tests: unknown test '%s'",
                                      s->tests.item[t]);
        }
    }
    int k = 0;
    for (int m = 0; m < s->modes.n; m++)
        for (int g = 0; g < s->gtl.n; g++)
            for (int t = 0; t < s->tests.n; t++)
                for (int p = 0; p < s->placements.n; p++) {
                    const struct bench_info *info = bench_find(s->tests.item[t]);
                    const char *pl = cell_placement(s, info, p);
                    bool gtl = !strcmp(s->gtl.item[g], "on");
                    /* basic mode injects nothing from the host, GTL included */
                    if (pl == NULL || (gtl && !strcmp(s->modes.item[m], "basic"))) {
                        skip++;
                        continue;
                    }
                    c[k].index = k + 1;
                    c[k].mode = s->modes.item[m];
                    c[k].gtl = gtl;
                    c[k].test = info->name;
                    c[k].info = info;
                    c[k].placement = pl;
                    snprintf(c[k].key, sizeof(c[k].key), "%s/gtl-%s/%s/%s", c[k].mode,
                             c[k].gtl ? "on" : "off", c[k].test, c[k].placement);
                    k++;
                }
    if (k == 0) {
        free(c);
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "[matrix]: no cell to run: all %d combinations of modes, gtl, tests "
                           "and placements are left out (basic mode runs no GTL cells)",
                           skip);
    }
    if (skipped) *skipped = skip;
    *cells = c;
    return k;
}
