/* job.h — one bbd-bench run on one rank, and the backends that serve each kind of test.
 *
 * bench_main.c does what every test shares (options, MPI, topology, provenance, the size
 * loop, JSON, exit codes). A backend does what its kind needs around that: the MPI
 * backend (backend_mpi.c) opens the GPU and the message buffers for MPI point-to-point
 * and collectives and prints OSU's layout; the collective-library backend (xccl_job.c)
 * loads NCCL/RCCL, makes the communicator and prints nccl-tests' layout. */
#ifndef BBD_BENCH_JOB_H
#define BBD_BENCH_JOB_H

#include "harness.h"
#include "jsonw.h"
#include "output.h"
#include "xfer.h"

#include <mpi.h>
#include <stdio.h>

#define BENCH_HOST_LEN 256

struct bench_backend;

struct bench_job {
    struct bench_opts o;
    struct bench_test t; /* the registry entry and its kind's hooks */
    struct bench_ctx c;
    struct harness h;
    struct run_info ri;
    const struct bench_backend *be;
    void *state; /* the backend's */
    char mpi_version[MPI_MAX_LIBRARY_VERSION_STRING];
    char *hosts_buf;    /* nranks * BENCH_HOST_LEN */
    const char **hosts; /* distinct host names */
    const char *host;   /* this rank's */
    int local_rank, local_size;
    /* what the backend opened: this rank's GPU (NULL: none) and how buffers reach the
     * library (host, direct or staged) */
    struct gpu *gpu;
    enum xfer_path path;
    FILE *table; /* where the text goes (stderr when the records go to stdout) */
    /* bench_main.c's own */
    char run_id[128];
    char *cmdline;
    char *prov_json;
    int json_fd;
};

struct bench_backend {
    /* Before any rank measures, every rank: open what the test needs. 0, or -1 with err
     * (the job then stops, the lowest failing rank says why). */
    int (*open)(struct bench_job *j, struct bbd_err *err);
    /* Optional second collective step, once every rank has opened (a communicator). */
    int (*connect)(struct bench_job *j, struct bbd_err *err);
    /* Rank 0 or a side's first rank: a line on stderr saying what was opened. */
    void (*describe)(struct bench_job *j);
    /* 1, or 2 when every size is measured twice (xccl: out of place, then in place). */
    int (*variants)(const struct bench_job *j);
    void (*set_variant)(struct bench_job *j, int v);
    /* Optional, collective, after every size (a library's transports, known lazily). */
    void (*after_size)(struct bench_job *j);
    /* Rank 0: the text table. */
    void (*header)(struct bench_job *j);
    void (*row)(struct bench_job *j, const struct size_result *r, int nvar);
    void (*footer)(struct bench_job *j, unsigned long long wrong_total);
    /* Optional: keys of its own in every record (called with the job as arg). */
    out_json_extra_fn json_extra;
    const char *wrong_unit; /* "wrong bytes", "wrong elements" */
    void (*close)(struct bench_job *j);
};

extern const struct bench_backend bench_backend_mpi;
extern const struct bench_backend bench_backend_xccl;

/* The backend that serves test t, with t's hooks filled in. */
const struct bench_backend *bench_backend_for(struct bench_test *t);

#endif
