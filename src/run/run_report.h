/* run_report.h — the report of one run (tables, ratios, summaries, GTL deltas, plots,
 * the checklist of questions answered from the data) and the comparison of two runs. */
#ifndef BBD_RUN_REPORT_H
#define BBD_RUN_REPORT_H

#include "run_doc.h"
#include "run_store.h"

#include <stdio.h>

struct run_report_opts {
    const struct run_doc *doc;
    const char *plot_dir; /* where SVGs go (created); NULL = no plots */
    const char *plot_rel; /* plot_dir as seen from the report file (Markdown links) */
    double nic_gbps;      /* one NIC's bandwidth in GB/s (the "beyond one NIC" question) */
    double noise_pct;     /* compare: threshold in % when records carry no ci95 */
};

int run_report_render(struct run_store *st, long long run_id, const struct run_report_opts *o,
                      FILE *out, struct bbd_err *err);

/* Compare run b against run a; *regressions = number of sizes where b is worse than a by
 * more than the measured noise (ci95 of both, or noise_pct when unknown). */
int run_report_compare(struct run_store *st, long long a, long long b,
                       const struct run_report_opts *o, FILE *out, int *regressions,
                       struct bbd_err *err);

#endif
