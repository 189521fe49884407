/* registry.h — every test bbd-bench knows, in one table.
 *
 * An entry states what is particular to a test and nothing else: its name, its kind
 * (MPI point-to-point, MPI collective, NCCL/RCCL collective or point-to-point), the unit
 * and formula of its value, the buffer placements it accepts, how many ranks it needs,
 * its output layout (OSU or nccl-tests) and its default sizes and iteration counts.
 * bbd-bench's option parser, its measurement loop and its output read it, and so do
 * `bbd run` (config checks, command words), `bbd import` and `bbd report` — which is why
 * this file needs no MPI. Adding a test is one entry here; a new kind of call (a new MPI
 * or NCCL operation) also needs its call in the kind's file (tests.c, coll.c,
 * xccl_bench.c), keyed by the entry's pattern or collective. */
#ifndef BBD_BENCH_REGISTRY_H
#define BBD_BENCH_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

enum bench_kind {
    BENCH_MPI_P2P,   /* latency, bw, bibw, mbw: MPI between pairs of ranks */
    BENCH_MPI_COLL,  /* coll:*: MPI collectives over every rank (OSU osu_allreduce ...) */
    BENCH_XCCL_COLL, /* xccl:allreduce ...: NCCL/RCCL collectives on device buffers */
    BENCH_XCCL_P2P,  /* xccl:latency, xccl:bw: ncclSend/ncclRecv between two ranks */
};

/* How one point-to-point iteration moves messages (MPI and xccl alike). */
enum bench_pattern {
    PATTERN_NONE,     /* collectives */
    PATTERN_PINGPONG, /* A sends then receives, B the reverse (osu_latency) */
    PATTERN_WINDOW,   /* A sends a window, B acks with one byte (osu_bw) */
    PATTERN_BIWINDOW, /* both send a window at once (osu_bibw) */
};

/* The collective operation (the MPI and the NCCL/RCCL kinds share these). */
enum bench_coll {
    COLL_NONE,
    COLL_ALLREDUCE,
    COLL_ALLGATHER,
    COLL_REDUCESCATTER,
    COLL_ALLTOALL,
    COLL_BROADCAST,
    COLL_REDUCE,
    COLL_SENDRECV, /* ring (nccl-tests sendrecv) */
    COLL_COUNT
};

/* How a time becomes the test's value (bench_value). */
enum bench_value {
    VALUE_ONE_WAY_US, /* round-trip time / 2, in us */
    VALUE_TIME_US,    /* time of one iteration, in us (OSU collectives: "Avg Latency") */
    VALUE_MB_S,       /* bytes moved / time / 1e6 */
    VALUE_BUSBW_GB_S, /* nccl-tests bus bandwidth: bytes / 1e9 / time x bus factor */
};

/* Which rank's time makes an iteration's sample. */
enum bench_sample {
    SAMPLE_RANK0,     /* rank 0's own (pairs: rank 0 is in the one pair) */
    SAMPLE_SLOWEST,   /* the slowest rank's (mbw: the aggregate; nccl-tests-like) */
    SAMPLE_RANK_MEAN, /* the mean over ranks (OSU collectives' "Avg Latency") */
};

enum bench_ranks {
    RANKS_PAIR,  /* exactly 2 */
    RANKS_PAIRS, /* an even number >= 2 (rank i with rank i + n/2) */
    RANKS_AT_LEAST_2,
    RANKS_ANY, /* >= 1 */
};

enum bench_layout { LAYOUT_OSU, LAYOUT_NCCL_TESTS };

/* Default sizes and iteration counts (BENCH_LARGE_MESSAGE splits small and large). */
enum bench_defaults {
    DEFAULTS_OSU_LATENCY, /* 0 B .. 4 MiB; 10000/100, then 1000/10 */
    DEFAULTS_OSU_BW,      /* 1 B .. 4 MiB; 100/10, then 20/2 */
    DEFAULTS_OSU_COLL,    /* 1 B .. 1 MiB; 1000/100, then 100/10 (OSU 7.x collectives) */
    DEFAULTS_NCCL_TESTS,  /* 8 B .. 128 MiB; 20 iterations, 5 warm-up */
};

/* Buffer placements as bits: sender side A then receiver side B (H or D each). */
enum {
    PLACE_HH = 1,
    PLACE_HD = 2,
    PLACE_DH = 4,
    PLACE_DD = 8,
    PLACE_ANY = 15,
    PLACE_SAME = PLACE_HH | PLACE_DD, /* collectives: every buffer on the host or the GPU */
};

/* OSU 7.x: messages above this size use the "large" iteration counts. */
#define BENCH_LARGE_MESSAGE 8192

struct bench_info {
    const char *name; /* bbd-bench TEST, the JSON "test", the bbd run matrix entry */
    const char *help; /* one line for --help */
    enum bench_kind kind;
    const char *title;  /* OSU: "Latency Test"; nccl-tests: "AllReduce" */
    const char *column; /* OSU value column, e.g. "Latency (us)" */
    const char *unit;   /* "us", "MB/s" or "GB/s": the unit of every record */
    enum bench_value value;
    enum bench_sample sample;
    enum bench_pattern pattern;
    enum bench_coll coll;
    unsigned placements; /* PLACE_* bits accepted */
    bool letters;        /* takes placement letters (else always D D, none given) */
    enum bench_ranks ranks;
    enum bench_layout layout;
    enum bench_defaults defaults;
    bool aggregate; /* sums several pairs (mbw): not one link's figure */
    bool sync_each; /* an untimed barrier after each iteration (OSU collectives) */
};

/* The facts of a collective operation that every kind shares. */
struct bench_coll_info {
    const char *mpi_call, *xccl_call; /* for messages */
    bool reduces;                     /* combines data (--op) */
    bool rooted;                      /* has a root (--root) */
    /* nccl-tests bus-bandwidth factor: 2(n-1)/n all-reduce; (n-1)/n all-gather,
     * reduce-scatter, all-to-all; 1 broadcast, reduce, send/recv */
    double (*bus_factor)(int nranks);
};

extern const struct bench_info bench_tests[]; /* ends with an entry whose name is NULL */

/* The entry called `name` ("bw", "coll:allreduce", "xccl:allreduce"), or NULL. */
const struct bench_info *bench_find(const char *name);
/* "latency, bw, ..., xccl:bw": every name, for messages (static buffer). */
const char *bench_names(void);
const struct bench_coll_info *bench_coll_info(enum bench_coll c);

bool bench_is_xccl(const struct bench_info *t);
bool bench_is_collective(const struct bench_info *t);
bool bench_lower_is_better(const struct bench_info *t);
/* "MPI" or "XCCL": the word in the OSU-layout header. */
const char *bench_api_word(const struct bench_info *t);

/* PLACE_* bit of a placement ("H D", or the two letters 'H','D'); 0 if not one. */
unsigned bench_place_bit(char a, char b);
/* Whether t accepts placement a b; if not, why (for a one-line message). */
bool bench_place_ok(const struct bench_info *t, char a, char b, char *why, size_t len);
/* Whether t runs on n ranks; if not, why. */
bool bench_ranks_ok(const struct bench_info *t, int nranks, char *why, size_t len);

/* What the value formulas need besides size and time. */
struct bench_shape {
    int nranks, pairs, window;
    size_t elt; /* element size in bytes (collectives); 1 for MPI_CHAR / uint8 */
};

/* Elements a collective of `size` bytes moves (the nccl-tests count column): size / elt,
 * rounded down to a multiple of nranks for operations that split the data. */
size_t bench_coll_count(enum bench_coll c, size_t size, size_t elt, int nranks);
/* nccl-tests: algbw = bytes / 1e9 / seconds (GB/s); busbw = algbw x the bus factor. */
double bench_algbw(double bytes, double seconds);
double bench_busbw(enum bench_coll c, double bytes, double seconds, int nranks);

/* The test's value for one iteration (or the mean) of `seconds`, in t->unit. */
double bench_value(const struct bench_info *t, const struct bench_shape *s, size_t size,
                   double seconds);
/* Messages per second (windowed point-to-point), 0 otherwise. */
double bench_msg_rate(const struct bench_info *t, const struct bench_shape *s, double seconds);
/* 1 or 2: how many sides send payload (pingpong and biwindow: both). */
int bench_directions(const struct bench_info *t);

#endif
