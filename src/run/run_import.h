/* run_import.h — reading measurements: bbd-bench JSON lines (docs/json-records.md)
 * and OSU text tables (`# Size  Bandwidth (MB/s)` then `<size> <value>` lines).
 *
 * Parsing is separate from storing: a whole input is parsed first, every bad line is
 * reported, and only a clean input is handed to the store (nothing partial is kept). */
#ifndef BBD_RUN_IMPORT_H
#define BBD_RUN_IMPORT_H

#include <stdbool.h>
#include <stdio.h>

/* One measurement (one message size). Numbers absent from the input are NaN. */
struct run_record {
    char test[32];
    char placement[4]; /* "H D" */
    char unit[8];
    long long size;
    double value, min, max, mean, p50, p90, p99, ci95, msg_rate;
    long long iterations, warmup, window, pairs, ranks, errors; /* -1 when absent */
    int validated;                                              /* -1 when absent */
    char *mpi_version, *bench_run_id, *timestamp, *hosts_json;  /* NULL when absent */
    char *provenance_json; /* the record's "provenance" object as JSON text, or NULL */
    char *json;            /* the whole input line (NULL for OSU text) */
};

struct run_records {
    struct run_record *r;
    int n, cap;
};

void run_records_free(struct run_records *rs);

/* Parse one bbd-bench JSON line into *rec. On failure returns -1 and writes the reason
 * (which key, what was wrong) into why. */
int run_import_json_line(const char *line, struct run_record *rec, char *why, size_t why_len);

/* Longest line read (bytes, with its end of line); a longer one is a bad line, skipped
 * without being kept in memory. bbd-bench's records with provenance are a few KB. */
#define RUN_IMPORT_LINE_MAX (16 * 1024 * 1024)

/* Parse a whole stream. Every bad line is printed to `diag` as "NAME:LINE: reason".
 * JSON: lines that are empty are skipped; with `lenient` (cell stdout, where OSU text
 * is mixed with JSON) lines not starting with '{' are skipped too.
 * Returns the number of bad lines (0 = all good) or -1 on a read error. */
int run_import_jsonl(FILE *in, const char *name, bool lenient, struct run_records *out, FILE *diag);
/* OSU text; `test` and `placement` override what the header says ("H H" by default). */
int run_import_osu(FILE *in, const char *name, const char *test, const char *placement,
                   struct run_records *out, FILE *diag);

#endif
