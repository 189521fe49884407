#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double stats_percentile(const double *sorted, size_t n, double p)
{
    if (n == 0) return NAN;
    if (n == 1) return sorted[0];
    double pos = p / 100.0 * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    if (lo >= n - 1) return sorted[n - 1];
    double frac = pos - (double)lo;
    return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

double stats_median_ci95(const double *sorted, size_t n)
{
    if (n < 2) return 0.0;
    double half = 1.96 * sqrt((double)n) / 2.0;
    /* 1-based ranks of the interval ends, clamped to the sample. */
    double jr = floor((double)n / 2.0 - half);
    double kr = ceil((double)n / 2.0 + half) + 1.0;
    size_t j = jr < 1.0 ? 1 : (size_t)jr;
    size_t k = kr > (double)n ? n : (size_t)kr;
    return (sorted[k - 1] - sorted[j - 1]) / 2.0;
}

int stats_compute(const double *samples, size_t n, double *scratch, struct bench_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (n == 0) return -1;
    memcpy(scratch, samples, n * sizeof(double));
    qsort(scratch, n, sizeof(double), cmp_double);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += samples[i];
    out->n = n;
    out->mean = sum / (double)n;
    out->min = scratch[0];
    out->max = scratch[n - 1];
    out->p50 = stats_percentile(scratch, n, 50.0);
    out->p90 = stats_percentile(scratch, n, 90.0);
    out->p99 = stats_percentile(scratch, n, 99.0);
    out->ci95 = stats_median_ci95(scratch, n);
    return 0;
}
