/* run_store.h — the results store: one SQLite file (default bbd.db).
 *
 * Schema (version 1): runs (host, time, bbd version, matrix) 1-n cells (mode, test,
 * placement, gtl, status) 1-n records (size -> every statistic), each record pointing
 * at a provenance row (bbd-bench's provenance object, stored once as JSON text).
 * Every write is one transaction, so a kill at any moment leaves the file consistent:
 * a cell is either fully there (with all its records) or absent. */
#ifndef BBD_RUN_STORE_H
#define BBD_RUN_STORE_H

#include "bbd_err.h"
#include "run_import.h"

#define RUN_STORE_SCHEMA_VERSION 1

struct run_store;

struct store_run {
    long long id;
    char *started, *finished, *host, *bbd_version, *kind, *label, *matrix, *folder, *status;
};

struct store_cell {
    const char *key, *mode, *test, *placement;
    int gtl;
    const char *status; /* ok, failed, timeout */
    const char *reason; /* why it failed (NULL when ok) */
    int exit_code;
    double seconds;
    const char *command, *log_dir;
};

/* One stored measurement, joined with its cell, as the report reads it. */
struct store_row {
    char *mode, *test, *placement, *unit;
    int gtl;
    int in_place;          /* an xccl collective's in-place variant (1), else 0 */
    int failed;            /* from a cell that did not end ok: kept, shown apart, never compared */
    long long size, ranks; /* ranks -1 when unknown */
    double value, ci95;    /* ci95 NaN when unknown */
    long long prov_id;     /* provenance row, 0 when none */
    char *hosts;           /* the record's "hosts" (JSON array text), NULL when unknown */
};

/* A cell's outcome, for the report's list of failures. */
struct store_cell_info {
    char *key, *status, *reason, *log_dir;
    double seconds;
    int n_records;
};

/* Open (create) the store. Several processes may use one file at once: writers wait for
 * each other (busy timeout) and, on a local file system, readers do not block writers
 * (write-ahead log; on NFS, Lustre, GPFS, ... the rollback journal, which they support). */
int run_store_open(const char *path, struct run_store **out, struct bbd_err *err);
/* "wal" or "delete": the journal mode in use. */
const char *run_store_journal(const struct run_store *st);
/* Claim run `id` for this process until it exits or closes the store: a second process
 * claiming the same run is refused (BBD_EXIT_ENV) with a message naming the live one.
 * A lock on byte `id` of FILE.lock beside the database: the kernel drops it when the
 * holder dies, so a killed run never blocks the next. */
int run_store_claim_run(struct run_store *st, long long id, struct bbd_err *err);
void run_store_close(struct run_store *st);

int run_store_begin(struct run_store *st, struct bbd_err *err);
int run_store_commit(struct run_store *st, struct bbd_err *err);
void run_store_rollback(struct run_store *st);

/* A new run row (kind "run" or "import"); in its own transaction unless one is open. */
int run_store_run_new(struct run_store *st, const char *kind, const char *label, const char *matrix,
                      const char *folder, long long *id, struct bbd_err *err);
int run_store_run_finish(struct run_store *st, long long id, const char *status,
                         struct bbd_err *err);
/* The newest run (0 if none) / the newest run of kind "run" whose matrix text equals `matrix`. */
int run_store_run_last(struct run_store *st, long long *id, struct bbd_err *err);
int run_store_run_find_matrix(struct run_store *st, const char *matrix, long long *id,
                              struct bbd_err *err);
int run_store_run_get(struct run_store *st, long long id, struct store_run *out,
                      struct bbd_err *err);
void run_store_run_free(struct store_run *r);
int run_store_set_folder(struct run_store *st, long long id, const char *folder,
                         struct bbd_err *err);

/* 1 if the run has this cell stored with status ok, 0 if not. */
int run_store_cell_ok(struct run_store *st, long long run_id, const char *key, struct bbd_err *err);
/* Store a cell and its records, replacing an earlier attempt of the same key;
 * must be called inside run_store_begin/commit. A failed cell keeps what it measured. */
int run_store_cell_put(struct run_store *st, long long run_id, const struct store_cell *c,
                       const struct run_record *recs, int n, struct bbd_err *err);

/* Every record of a run: those of ok cells first (sorted by test, placement, mode, GTL,
 * size), then those of failed cells (failed = 1). */
int run_store_rows(struct run_store *st, long long run_id, struct store_row **rows, int *n,
                   struct bbd_err *err);
void run_store_rows_free(struct store_row *rows, int n);
int run_store_cells(struct run_store *st, long long run_id, struct store_cell_info **cells, int *n,
                    struct bbd_err *err);
void run_store_cells_free(struct store_cell_info *cells, int n);
/* Provenance JSON text of a row (malloc'ed), NULL if none. */
char *run_store_provenance(struct run_store *st, long long prov_id);

#endif
