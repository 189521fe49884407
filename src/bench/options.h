/* options.h — bbd-bench command line: parsing and checks that need no MPI. */
#ifndef BBD_BENCH_OPTIONS_H
#define BBD_BENCH_OPTIONS_H

#include "bbd_err.h"
#include "registry.h"
#include "xccl_types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum xfer_choice { XFER_AUTO, XFER_DIRECT, XFER_STAGED };

struct bench_opts {
    const struct bench_info *test; /* its registry entry */
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
    int root;       /* broadcast / reduce (MPI and xccl) */
    bool gpu_timer; /* --timer gpu: each iteration timed with GPU events, not the host clock */
};

/* Parse argv (argv[0] is the program). Returns 0, or -1 with err (code BBD_EXIT_USAGE)
 * naming the argument. Never prints. */
int opts_parse(int argc, char **argv, struct bench_opts *o, struct bbd_err *err);

/* Checks that need the rank count (ranks the test runs on, --root, buffers of the
 * collectives that grow with it). Returns 0 or -1 with err (BBD_EXIT_USAGE). */
int opts_check_ranks(const struct bench_opts *o, int nranks, struct bbd_err *err);

/* Bytes of message buffers one rank allocates for o on nranks ranks (host + device +
 * staging). */
unsigned long long opts_buffer_bytes(const struct bench_opts *o, int nranks, bool staged);
/* Bytes of one send / receive buffer of an MPI collective of `size` on nranks ranks. */
size_t opts_coll_send_bytes(const struct bench_info *t, size_t size, int nranks);
size_t opts_coll_recv_bytes(const struct bench_info *t, size_t size, int nranks);

/* "4096", "4K", "4KiB", "1M", "1G": bytes. Returns 0 or -1. */
int opts_parse_size(const char *s, unsigned long long *out);

bool opts_has_device(const struct bench_opts *o);
long opts_iterations(const struct bench_opts *o, size_t size);
long opts_warmup(const struct bench_opts *o, size_t size);

void opts_usage(FILE *f);

#endif
