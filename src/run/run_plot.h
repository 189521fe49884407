/* run_plot.h — log-log plots of value vs message size through gnuplot (SVG), one line
 * per series. Without gnuplot in PATH the report is tables alone. */
#ifndef BBD_RUN_PLOT_H
#define BBD_RUN_PLOT_H

#include "bbd_err.h"

struct run_plot {
    const char *title, *ylabel;
    int n_series;
    const char *const *labels;
    int n_sizes;
    const long long *sizes;
    const double *values; /* n_sizes x n_series, row-major; NaN = no point */
};

/* Line colour of series i (the same in every plot, so a mode keeps its colour). */
const char *run_plot_colour(int i);

/* Write `stem`.dat, `stem`.gp and `stem`.svg; returns 0 when the SVG was written,
 * 1 when gnuplot is not installed, -1 when gnuplot failed (err says why). */
int run_plot_svg(const struct run_plot *p, const char *stem, struct bbd_err *err);

#endif
