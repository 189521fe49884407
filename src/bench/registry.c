/* registry.c — the table of tests (see registry.h). */
#include "registry.h"

#include <stdio.h>
#include <string.h>

/* Fields every test of a kind shares, so an entry states only what is its own. */
#define MPI_P2P                                                                                    \
    .kind = BENCH_MPI_P2P, .placements = PLACE_ANY, .letters = true, .layout = LAYOUT_OSU
#define MPI_COLL(op, osu_title)                                                                    \
    .kind = BENCH_MPI_COLL, .coll = op, .title = osu_title, .column = "Avg Latency(us)",           \
    .unit = "us", .value = VALUE_TIME_US, .sample = SAMPLE_RANK_MEAN, .placements = PLACE_SAME,    \
    .letters = true, .ranks = RANKS_AT_LEAST_2, .layout = LAYOUT_OSU,                              \
    .defaults = DEFAULTS_OSU_COLL, .sync_each = true
#define XCCL_COLL(op, nt_title)                                                                    \
    .kind = BENCH_XCCL_COLL, .coll = op, .title = nt_title, .column = "busbw (GB/s)",              \
    .unit = "GB/s", .value = VALUE_BUSBW_GB_S, .sample = SAMPLE_SLOWEST, .placements = PLACE_DD,   \
    .ranks = RANKS_ANY, .layout = LAYOUT_NCCL_TESTS, .defaults = DEFAULTS_NCCL_TESTS
#define XCCL_P2P                                                                                   \
    .kind = BENCH_XCCL_P2P, .placements = PLACE_DD, .ranks = RANKS_PAIR, .layout = LAYOUT_OSU

const struct bench_info bench_tests[] = {
    {.name = "latency",
     .help = "blocking ping-pong between 2 ranks, one-way time in us (sizes from 0 B)",
     MPI_P2P,
     .title = "Latency Test",
     .column = "Latency (us)",
     .unit = "us",
     .value = VALUE_ONE_WAY_US,
     .pattern = PATTERN_PINGPONG,
     .ranks = RANKS_PAIR,
     .defaults = DEFAULTS_OSU_LATENCY},
    {.name = "bw",
     .help = "window of MPI_Isend/MPI_Irecv then a 1-byte ack, MB/s (MB = 1e6 bytes)",
     MPI_P2P,
     .title = "Bandwidth Test",
     .column = "Bandwidth (MB/s)",
     .unit = "MB/s",
     .value = VALUE_MB_S,
     .pattern = PATTERN_WINDOW,
     .ranks = RANKS_PAIR,
     .defaults = DEFAULTS_OSU_BW},
    {.name = "bibw",
     .help = "both ranks send a window to each other at once, MB/s",
     MPI_P2P,
     .title = "Bi-Directional Bandwidth Test",
     .column = "Bandwidth (MB/s)",
     .unit = "MB/s",
     .value = VALUE_MB_S,
     .pattern = PATTERN_BIWINDOW,
     .ranks = RANKS_PAIR,
     .defaults = DEFAULTS_OSU_BW},
    {.name = "mbw",
     .help = "N/2 pairs at once (rank i -> i+N/2): aggregate MB/s and messages/s",
     MPI_P2P,
     .title = "Multiple Bandwidth / Message Rate Test",
     .column = "MB/s",
     .unit = "MB/s",
     .value = VALUE_MB_S,
     .sample = SAMPLE_SLOWEST,
     .pattern = PATTERN_WINDOW,
     .ranks = RANKS_PAIRS,
     .defaults = DEFAULTS_OSU_BW,
     .aggregate = true},
    {.name = "coll:allreduce",
     .help = "MPI_Allreduce (MPI_SUM) on every rank, mean time in us (osu_allreduce)",
     MPI_COLL(COLL_ALLREDUCE, "Allreduce Latency Test")},
    {.name = "coll:alltoall",
     .help = "MPI_Alltoall, SIZE bytes to each peer (osu_alltoall)",
     MPI_COLL(COLL_ALLTOALL, "All-to-All Personalized Exchange Latency Test")},
    {.name = "coll:allgather",
     .help = "MPI_Allgather, SIZE bytes from each rank (osu_allgather)",
     MPI_COLL(COLL_ALLGATHER, "Allgather Latency Test")},
    {.name = "coll:bcast",
     .help = "MPI_Bcast from --root (osu_bcast)",
     MPI_COLL(COLL_BROADCAST, "Broadcast Latency Test")},
    {.name = "coll:reduce",
     .help = "MPI_Reduce (MPI_SUM) to --root (osu_reduce)",
     MPI_COLL(COLL_REDUCE, "Reduce Latency Test")},
    {.name = "xccl:allreduce",
     .help = "ncclAllReduce; nccl-tests layout and busbw GB/s, as all xccl collectives",
     XCCL_COLL(COLL_ALLREDUCE, "AllReduce")},
    {.name = "xccl:allgather", .help = "ncclAllGather", XCCL_COLL(COLL_ALLGATHER, "AllGather")},
    {.name = "xccl:reducescatter",
     .help = "ncclReduceScatter",
     XCCL_COLL(COLL_REDUCESCATTER, "ReduceScatter")},
    {.name = "xccl:alltoall",
     .help = "ncclSend + ncclRecv to every peer, grouped (as nccl-tests)",
     XCCL_COLL(COLL_ALLTOALL, "AlltoAll")},
    {.name = "xccl:broadcast",
     .help = "ncclBroadcast from --root",
     XCCL_COLL(COLL_BROADCAST, "Broadcast")},
    {.name = "xccl:reduce", .help = "ncclReduce to --root", XCCL_COLL(COLL_REDUCE, "Reduce")},
    {.name = "xccl:sendrecv",
     .help = "ring: send to rank+1, receive from rank-1 (1 rank: itself)",
     XCCL_COLL(COLL_SENDRECV, "SendRecv")},
    {.name = "xccl:latency",
     .help = "ping-pong of ncclSend/ncclRecv between 2 ranks, one-way us, OSU layout",
     XCCL_P2P,
     .title = "Latency Test (ncclSend/ncclRecv)",
     .column = "Latency (us)",
     .unit = "us",
     .value = VALUE_ONE_WAY_US,
     .pattern = PATTERN_PINGPONG,
     .defaults = DEFAULTS_OSU_LATENCY},
    {.name = "xccl:bw",
     .help = "a window of ncclSends in one group, then a 1-byte ack, MB/s, OSU layout",
     XCCL_P2P,
     .title = "Bandwidth Test (ncclSend/ncclRecv)",
     .column = "Bandwidth (MB/s)",
     .unit = "MB/s",
     .value = VALUE_MB_S,
     .pattern = PATTERN_WINDOW,
     .defaults = DEFAULTS_OSU_BW},
    {.name = NULL},
};

static double factor_allreduce(int n)
{
    return n > 0 ? 2.0 * (n - 1) / n : 0.0;
}

static double factor_split(int n)
{
    return n > 0 ? (double)(n - 1) / n : 0.0;
}

static double factor_one(int n)
{
    (void)n;
    return 1.0;
}

static const struct bench_coll_info colls[COLL_COUNT] = {
    [COLL_NONE] = {"", "", false, false, factor_one},
    [COLL_ALLREDUCE] = {"MPI_Allreduce", "ncclAllReduce", true, false, factor_allreduce},
    [COLL_ALLGATHER] = {"MPI_Allgather", "ncclAllGather", false, false, factor_split},
    [COLL_REDUCESCATTER] = {"MPI_Reduce_scatter_block", "ncclReduceScatter", true, false,
                            factor_split},
    [COLL_ALLTOALL] = {"MPI_Alltoall", "ncclSend/ncclRecv (all-to-all)", false, false,
                       factor_split},
    [COLL_BROADCAST] = {"MPI_Bcast", "ncclBroadcast", false, true, factor_one},
    [COLL_REDUCE] = {"MPI_Reduce", "ncclReduce", true, true, factor_one},
    [COLL_SENDRECV] = {"MPI_Sendrecv", "ncclSend/ncclRecv (ring)", false, false, factor_one},
};

const struct bench_info *bench_find(const char *name)
{
    for (const struct bench_info *t = bench_tests; name && t->name; t++)
        if (!strcmp(t->name, name)) return t;
    return NULL;
}

const char *bench_names(void)
{
    static char buf[1024];
    if (buf[0]) return buf;
    for (const struct bench_info *t = bench_tests; t->name; t++) {
        size_t used = strlen(buf);
        snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? ", " : "", t->name);
    }
    return buf;
}

const struct bench_coll_info *bench_coll_info(enum bench_coll c)
{
    return &colls[(unsigned)c < COLL_COUNT ? c : COLL_NONE];
}

bool bench_is_xccl(const struct bench_info *t)
{
    return t->kind == BENCH_XCCL_COLL || t->kind == BENCH_XCCL_P2P;
}

bool bench_is_collective(const struct bench_info *t)
{
    return t->kind == BENCH_XCCL_COLL || t->kind == BENCH_MPI_COLL;
}

bool bench_lower_is_better(const struct bench_info *t)
{
    return t->value == VALUE_ONE_WAY_US || t->value == VALUE_TIME_US;
}

const char *bench_api_word(const struct bench_info *t)
{
    return bench_is_xccl(t) ? "XCCL" : "MPI";
}

unsigned bench_place_bit(char a, char b)
{
    if ((a != 'H' && a != 'D') || (b != 'H' && b != 'D')) return 0;
    return 1u << ((a == 'D') * 2 + (b == 'D'));
}

bool bench_place_ok(const struct bench_info *t, char a, char b, char *why, size_t len)
{
    if (t->placements & bench_place_bit(a, b)) return true;
    if (t->placements == PLACE_DD)
        snprintf(why, len, "%s always uses device buffers (D D), not %c %c", t->name, a, b);
    else if (t->placements == PLACE_SAME)
        snprintf(why, len,
                 "%s takes H H or D D (every rank's send and receive buffers on the host or "
                 "on the GPU), not %c %c",
                 t->name, a, b);
    else
        snprintf(why, len, "%s does not take placement %c %c", t->name, a, b);
    return false;
}

bool bench_ranks_ok(const struct bench_info *t, int n, char *why, size_t len)
{
    switch (t->ranks) {
    case RANKS_PAIR:
        if (n == 2) return true;
        snprintf(why, len, "%s needs exactly 2 ranks, got %d", t->name, n);
        return false;
    case RANKS_PAIRS:
        if (n >= 2 && n % 2 == 0) return true;
        snprintf(why, len, "%s needs an even number of ranks >= 2, got %d", t->name, n);
        return false;
    case RANKS_AT_LEAST_2:
        if (n >= 2) return true;
        snprintf(why, len, "%s needs at least 2 ranks, got %d", t->name, n);
        return false;
    case RANKS_ANY:
        if (n >= 1) return true;
        snprintf(why, len, "%s needs at least 1 rank, got %d", t->name, n);
        return false;
    }
    return false;
}

static bool splits(enum bench_coll c)
{
    return c == COLL_ALLGATHER || c == COLL_REDUCESCATTER || c == COLL_ALLTOALL;
}

size_t bench_coll_count(enum bench_coll c, size_t size, size_t elt, int nranks)
{
    size_t count = elt ? size / elt : size;
    return splits(c) && nranks > 0 ? count / (size_t)nranks * (size_t)nranks : count;
}

double bench_algbw(double bytes, double seconds)
{
    return seconds > 0.0 ? bytes / 1e9 / seconds : 0.0;
}

double bench_busbw(enum bench_coll c, double bytes, double seconds, int nranks)
{
    return bench_algbw(bytes, seconds) * bench_coll_info(c)->bus_factor(nranks);
}

int bench_directions(const struct bench_info *t)
{
    return t->pattern == PATTERN_PINGPONG || t->pattern == PATTERN_BIWINDOW ? 2 : 1;
}

double bench_value(const struct bench_info *t, const struct bench_shape *s, size_t size,
                   double seconds)
{
    switch (t->value) {
    case VALUE_ONE_WAY_US:
        return seconds * 1e6 / 2.0;
    case VALUE_TIME_US:
        return seconds * 1e6;
    case VALUE_MB_S: {
        double bytes = (double)size * s->window * bench_directions(t) * s->pairs;
        return seconds > 0.0 ? bytes / seconds / 1e6 : 0.0;
    }
    case VALUE_BUSBW_GB_S: {
        double bytes = (double)(bench_coll_count(t->coll, size, s->elt, s->nranks) * s->elt);
        return bench_busbw(t->coll, bytes, seconds, s->nranks);
    }
    }
    return 0.0;
}

double bench_msg_rate(const struct bench_info *t, const struct bench_shape *s, double seconds)
{
    if (t->value != VALUE_MB_S || seconds <= 0.0) return 0.0;
    return (double)s->window * bench_directions(t) * s->pairs / seconds;
}
