/* stats.h — statistics of per-iteration samples (one value per timed iteration). */
#ifndef BBD_STATS_H
#define BBD_STATS_H

#include <stddef.h>

struct bench_stats {
    size_t n;
    double mean, min, max;
    double p50, p90, p99;
    /* Half-width of the 95 % confidence interval of the median, from order statistics
     * (distribution-free): ranks n/2 -+ 1.96*sqrt(n)/2. 0 when n < 2. */
    double ci95;
};

/* Percentile p (0..100) of sorted[0..n-1], linear interpolation between ranks. */
double stats_percentile(const double *sorted, size_t n, double p);

/* Half-width of the 95 % CI of the median of sorted[0..n-1]. */
double stats_median_ci95(const double *sorted, size_t n);

/* Compute every statistic of samples[0..n-1]; scratch must hold n doubles (it is
 * left sorted). Returns -1 when n == 0. */
int stats_compute(const double *samples, size_t n, double *scratch, struct bench_stats *out);

#endif
