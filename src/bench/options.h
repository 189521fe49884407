/* options.h — bbd-bench command line: parsing and checks that need no MPI. */
#ifndef BBD_BENCH_OPTIONS_H
#define BBD_BENCH_OPTIONS_H

#include "bbd_err.h"
#include "xccl_types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* MPI tests, then the xccl tests (NCCL/RCCL, from TEST_XCCL_FIRST on). */
enum bench_test_id {
    TEST_LATENCY,
    TEST_BW,
    TEST_BIBW,
    TEST_MBW,
    TEST_XCCL_ALLREDUCE,
    TEST_XCCL_ALLGATHER,
    TEST_XCCL_REDUCESCATTER,
    TEST_XCCL_ALLTOALL,
    TEST_XCCL_BROADCAST,
    TEST_XCCL_REDUCE,
    TEST_XCCL_SENDRECV,
    TEST_XCCL_LATENCY,
    TEST_XCCL_BW,
    TEST_COUNT
};
#define TEST_XCCL_FIRST TEST_XCCL_ALLREDUCE
enum xfer_choice { XFER_AUTO, XFER_DIRECT, XFER_STAGED };

/* OSU 7.x: messages above this size use the "large" iteration counts. */
#define BENCH_LARGE_MESSAGE 8192

struct bench_opts {
    enum bench_test_id test;
    size_t min_size, max_size;
    long iters_small, iters_large;   /* timed iterations per size */
    long warmup_small, warmup_large; /* untimed warm-up iterations per size */
    int window;                      /* messages in flight (bandwidth tests) */
    char placement[2];               /* 'H' or 'D': side A (senders), side B (receivers) */
    const char *device;              /* auto | cuda | hip | standin */
    enum xfer_choice transfer;
    bool validate;
    bool full;                    /* extra statistic columns in the text table */
    const char *json_path;        /* NULL: no JSON; "-": stdout */
    double timeout;               /* seconds per size before the watchdog aborts; 0 = off */
    double adaptive_pct;          /* > 0: iterate until CI95(median) <= pct % of the median */
    double time_per_size;         /* cap in seconds for adaptive mode */
    unsigned long long mem_limit; /* bytes of buffers one rank may allocate */
    bool provenance;              /* collect and print provenance (default on) */
    bool show_help, show_version;
    /* xccl tests */
    const char *xccl;     /* nccl | rccl | auto */
    const char *xccl_lib; /* library file (--xccl-lib, else BBD_XCCL_LIBRARY), or NULL */
    enum xccl_dtype dtype;
    enum xccl_redop op;
    int root;
    bool gpu_timer; /* --timer gpu: each iteration timed with GPU events, not the host clock */
};

/* Parse argv (argv[0] is the program). Returns 0, or -1 with err (code BBD_EXIT_USAGE)
 * naming the argument. Never prints. */
int opts_parse(int argc, char **argv, struct bench_opts *o, struct bbd_err *err);

/* Checks that need the rank count. Returns 0 or -1 with err (BBD_EXIT_USAGE). */
int opts_check_ranks(const struct bench_opts *o, int nranks, struct bbd_err *err);

/* Bytes of message buffers one rank allocates for o (host + device + staging). */
unsigned long long opts_buffer_bytes(const struct bench_opts *o, bool staged);

/* "4096", "4K", "4KiB", "1M", "1G": bytes. Returns 0 or -1. */
int opts_parse_size(const char *s, unsigned long long *out);

/* "latency", ..., "xccl:allreduce" (the JSON "test" value). */
const char *opts_test_name(enum bench_test_id t);
bool opts_is_xccl(enum bench_test_id t);
bool opts_has_device(const struct bench_opts *o);
long opts_iterations(const struct bench_opts *o, size_t size);
long opts_warmup(const struct bench_opts *o, size_t size);

void opts_usage(FILE *f);

#endif
