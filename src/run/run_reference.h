/* run_reference.h — expected figures per system, mode, test, placement and size, with a
 * tolerance, as ReFrame's references hold them: `bbd report --reference FILE` marks every
 * measured figure that has one pass or fail.
 *
 * One reference per line, fields separated by '|' (blanks around them do not count):
 *
 *   system | mode | test | placement | size | ranks | value | unit | lower | upper | source
 *   lumi   | bind | bw   | H H       | 4M   | 2     | 22180.76 | MB/s | -5% |     | where from
 *
 * mode is a report column: native, basic, bind, hybrid, or one of those + "+gtl"; test is a
 * bbd-bench test, "xccl:allreduce (in place)" for an xccl collective's in-place figure;
 * size takes K/M/G; ranks may be empty (any); lower / upper bound the measured figure
 * relative to value ("-5%" or "-0.05"; empty: unbounded on that side); the unit may differ
 * from the test's when it measures the same (GB/s for MB/s). '#' starts a comment line. */
#ifndef BBD_RUN_REFERENCE_H
#define BBD_RUN_REFERENCE_H

#include "bbd_err.h"

#include <stdio.h>

struct run_ref {
    char system[64], mode[64], test[64], placement[4], unit[8];
    int in_place;
    long long size, ranks;      /* ranks -1: any */
    double value, lower, upper; /* lower / upper: fractions of value, NAN when unbounded */
    char source[512];
    int line;
};

struct run_refs {
    struct run_ref *r;
    int n;
};

/* Parse FILE. Every bad line is printed to diag as "FILE:LINE: reason"; any makes it -1
 * (BBD_EXIT_USAGE), and nothing is kept. */
int run_refs_load(const char *path, struct run_refs *out, FILE *diag, struct bbd_err *err);
void run_refs_free(struct run_refs *refs);

/* The system to use: `want` if given (it must be in the file), else the file's only one. */
int run_refs_system(const struct run_refs *refs, const char *want, const char **system,
                    struct bbd_err *err);

/* Whether `measured` (in the reference's unit) is within the reference's bounds. */
int run_ref_pass(const struct run_ref *ref, double measured);
/* "-5% .. +inf" for people. */
void run_ref_range(const struct run_ref *ref, char *buf, size_t len);

#endif
