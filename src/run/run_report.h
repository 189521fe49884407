/* run_report.h — the report of one run (the checklist of questions answered from the data,
 * each answer naming the cells it comes from; summaries; GTL deltas; one table and plot per
 * test and placement; reference figures marked pass/fail; what failed cells measured) and
 * the comparison of two runs. Figures of different units are never compared unconverted. */
#ifndef BBD_RUN_REPORT_H
#define BBD_RUN_REPORT_H

#include "run_doc.h"
#include "run_reference.h"
#include "run_store.h"

#include <stdio.h>

struct run_report_opts {
    const struct run_doc *doc;
    const char *plot_dir; /* where SVGs go (created); NULL = no plots */
    const char *plot_rel; /* plot_dir as seen from the report file (Markdown links) */
    double nic_gbps;      /* one NIC's bandwidth in GB/s (the "beyond one NIC" question) */
    double noise_pct;     /* threshold in % when records carry no ci95 */
    /* reference figures to hold the run against (NULL: none) and the system in them */
    const struct run_refs *refs;
    const char *system;
    const char *refs_file; /* its name, for the report */
};

/* *ref_failed (when not NULL): references the run missed (measured out of range). */
int run_report_render(struct run_store *st, long long run_id, const struct run_report_opts *o,
                      FILE *out, int *ref_failed, struct bbd_err *err);

/* Compare run b against run a; *regressions = number of sizes where b is worse than a by
 * more than the measured noise (ci95 of both, or noise_pct when unknown). */
int run_report_compare(struct run_store *st, long long a, long long b,
                       const struct run_report_opts *o, FILE *out, int *regressions,
                       struct bbd_err *err);

#endif
