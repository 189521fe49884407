/* output.h — what bbd-bench prints: OSU 7.x text tables (so `^<size>\s+(\S+)`
 * parsers keep working) and one JSON record per size (docs/json-records.md). */
#ifndef BBD_OUTPUT_H
#define BBD_OUTPUT_H

#include "harness.h"
#include "jsonw.h"

#include <stdio.h>

/* OSU's layout: size left-justified in 10 columns, values right-justified in 18. */
#define OUT_SIZE_WIDTH 10
#define OUT_FIELD_WIDTH 18

struct jsonw;

/* Keys a kind adds to every record (after "clock"), or NULL. */
typedef void (*out_json_extra_fn)(struct jsonw *w, const void *arg, const struct size_result *r);

struct run_info {
    const struct bench_opts *o;
    const struct bench_info *t;
    const char *gpu_api;  /* none, cuda, hip, standin */
    const char *transfer; /* host, direct, staged, mixed */
    int ranks, pairs, window;
    const char *const *hosts;
    int nhosts;
    const char *mpi_version;
    const char *cmdline;
    const char *run_id;
    const char *provenance_json; /* serialised object, or NULL */
    out_json_extra_fn json_extra;
    const void *json_extra_arg;
};

void out_text_header(FILE *f, const struct run_info *ri);
void out_text_row(FILE *f, const struct run_info *ri, const struct size_result *r);
/* Replace w's content with one record (no trailing newline). */
void out_json_record(struct jsonw *w, const struct run_info *ri, const struct size_result *r,
                     const char *timestamp);

#endif
