/* xccl_standin.c — TEST-ONLY stand-in for NCCL/RCCL: exports the subset of the NCCL
 * API bbd-bench uses, implemented with MPI over host memory, so the xccl tests run end
 * to end (set-up, every collective, validation, log parsing, errors) on machines
 * without a GPU. It works with bbd-bench's host-memory GPU stand-in (-d standin) and is
 * loaded only through --xccl-lib / BBD_XCCL_LIBRARY with BBD_TEST_GPU_STANDIN=1; the
 * exported marker bbd_xccl_standin makes every result say "standin". Never a benchmark.
 *
 * Test-only knobs: BBD_XCCL_STANDIN_FAULT=corrupt (the last rank flips a byte of every
 * result), =async (ncclCommGetAsyncError reports a remote error after the first
 * operation); BBD_XCCL_STANDIN_NET=NAME (network named in the INFO log, default
 * "BBD-standin-MPI"; "Socket" imitates NCCL's socket fallback). */
#include "xccl_data.h"
#include "xccl_types.h"

#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char internal[128];
} unique_id;

struct comm {
    MPI_Comm mpi;
    int rank, nranks;
    long ops;
};

struct pending {
    int send;
    void *buf;
    size_t bytes;
    int peer;
    struct comm *comm;
};

enum { OK = 0, SYSTEM_ERROR = 2, INVALID_ARGUMENT = 4, REMOTE_ERROR = 6 };
enum { TAG = 77, MAX_PENDING = 4096 };

int bbd_xccl_standin = 1;

static int group_depth;
static int npending;
static struct pending pending[MAX_PENDING];

/* The exported API (declared here for -Wmissing-prototypes). */
int ncclGetVersion(int *v);
int ncclGetUniqueId(unique_id *id);
int ncclCommInitRank(struct comm **c, int nranks, unique_id id, int rank);
int ncclCommDestroy(struct comm *c);
int ncclCommAbort(struct comm *c);
int ncclCommGetAsyncError(struct comm *c, int *e);
const char *ncclGetErrorString(int rc);
int ncclAllReduce(const void *s, void *r, size_t count, int dt, int op, struct comm *c, void *st);
int ncclReduce(const void *s, void *r, size_t count, int dt, int op, int root, struct comm *c,
               void *st);
int ncclReduceScatter(const void *s, void *r, size_t count, int dt, int op, struct comm *c,
                      void *st);
int ncclAllGather(const void *s, void *r, size_t count, int dt, struct comm *c, void *st);
int ncclBroadcast(const void *s, void *r, size_t count, int dt, int root, struct comm *c, void *st);
int ncclSend(const void *s, size_t count, int dt, int peer, struct comm *c, void *st);
int ncclRecv(void *r, size_t count, int dt, int peer, struct comm *c, void *st);
int ncclGroupStart(void);
int ncclGroupEnd(void);

static const char *fault(void)
{
    const char *f = getenv("BBD_XCCL_STANDIN_FAULT");
    return f ? f : "";
}

static int dtype_of(int nccl)
{
    for (int i = 0; i < XDT_COUNT; i++)
        if (xccl_dtypes[i].nccl == nccl) return i;
    return -1;
}

static int redop_of(int nccl)
{
    for (int i = 0; i < XOP_COUNT; i++)
        if (xccl_redops[i].nccl == nccl) return i;
    return -1;
}

/* The fault "corrupt": the last rank damages what it received. */
static void finish(struct comm *c, void *result, size_t bytes)
{
    c->ops++;
    if (bytes && c->rank == c->nranks - 1 && !strcmp(fault(), "corrupt"))
        ((unsigned char *)result)[0] ^= 0x40;
}

/* An NCCL-format INFO line into NCCL_DEBUG_FILE (%h and %p expanded), as the real
 * library logs when bbd-bench sets NCCL_DEBUG=INFO. */
static void log_info(FILE *f, const char *fmt, ...)
{
    char host[256] = "";
    gethostname(host, sizeof(host) - 1);
    host[strcspn(host, ".")] = '\0';
    fprintf(f, "%s:%d:%d [0] NCCL INFO ", host, (int)getpid(), (int)getpid());
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
}

static void write_log(const struct comm *c)
{
    const char *debug = getenv("NCCL_DEBUG"), *file = getenv("NCCL_DEBUG_FILE");
    if (!debug || strcmp(debug, "INFO") || !file) return;
    char path[1024], host[256] = "";
    gethostname(host, sizeof(host) - 1);
    host[strcspn(host, ".")] = '\0';
    size_t j = 0;
    for (const char *p = file; *p && j + 300 < sizeof(path); p++) {
        if (p[0] == '%' && p[1] == 'h') {
            j += (size_t)snprintf(path + j, sizeof(path) - j, "%s", host), p++;
        } else if (p[0] == '%' && p[1] == 'p') {
            j += (size_t)snprintf(path + j, sizeof(path) - j, "%d", (int)getpid()), p++;
        } else {
            path[j++] = *p;
        }
    }
    path[j] = '\0';
    FILE *f = fopen(path, "a");
    if (f == NULL) return;
    const char *net = getenv("BBD_XCCL_STANDIN_NET");
    net = net && *net ? net : "BBD-standin-MPI";
    log_info(f, "NCCL version 2.99.1+bbd-standin (test-only stand-in, MPI over host memory)");
    log_info(f, "NET/Plugin: Could not find: libnccl-net.so. Using internal net plugin.");
    log_info(f, "Using network %s", net);
    if (c->nranks > 1)
        log_info(f, "Channel 00/0 : %d[0] -> %d[0] via NET/%s/0", c->rank,
                 (c->rank + 1) % c->nranks, net);
    fclose(f);
}

int ncclGetVersion(int *v)
{
    *v = 29901;
    return OK;
}

int ncclGetUniqueId(unique_id *id)
{
    memset(id, 0, sizeof(*id));
    snprintf(id->internal, sizeof(id->internal), "bbd-standin-%d", (int)getpid());
    return OK;
}

int ncclCommInitRank(struct comm **out, int nranks, unique_id id, int rank)
{
    (void)id;
    int world;
    MPI_Comm_size(MPI_COMM_WORLD, &world);
    if (nranks != world) return INVALID_ARGUMENT; /* the stand-in spans MPI_COMM_WORLD only */
    struct comm *c = calloc(1, sizeof(*c));
    if (c == NULL) return SYSTEM_ERROR;
    MPI_Comm_dup(MPI_COMM_WORLD, &c->mpi);
    c->rank = rank;
    c->nranks = nranks;
    write_log(c);
    *out = c;
    return OK;
}

int ncclCommDestroy(struct comm *c)
{
    if (c) MPI_Comm_free(&c->mpi);
    free(c);
    return OK;
}

int ncclCommAbort(struct comm *c)
{
    free(c); /* the MPI communicator is left to MPI_Abort/MPI_Finalize */
    return OK;
}

int ncclCommGetAsyncError(struct comm *c, int *e)
{
    *e = c->ops > 0 && !strcmp(fault(), "async") ? REMOTE_ERROR : OK;
    return OK;
}

const char *ncclGetErrorString(int rc)
{
    switch (rc) {
    case OK:
        return "no error";
    case SYSTEM_ERROR:
        return "unhandled system error (stand-in)";
    case INVALID_ARGUMENT:
        return "invalid argument (stand-in)";
    case REMOTE_ERROR:
        return "remote process exited or there was a network error (stand-in fault injection)";
    }
    return "unknown result code";
}

/* Every rank's `bytes` from s, in rank order, in a new buffer. */
static void *gather_all(struct comm *c, const void *s, size_t bytes)
{
    char *all = malloc(bytes * (size_t)c->nranks + 1);
    if (all && MPI_Allgather(s, (int)bytes, MPI_BYTE, all, (int)bytes, MPI_BYTE, c->mpi))
        free(all), all = NULL;
    return all;
}

/* r[i] = op over ranks of all[rank][offset + i]. */
static void combine(struct comm *c, const char *all, size_t stride, size_t offset, void *r,
                    size_t count, int t, int op)
{
    size_t elt = xccl_dtypes[t].size;
    for (size_t i = 0; i < count; i++) {
        double v = xccl_load((enum xccl_dtype)t, all, offset + i);
        for (int k = 1; k < c->nranks; k++)
            v = xccl_combine((enum xccl_redop)op, v,
                             xccl_load((enum xccl_dtype)t, all + k * stride * elt, offset + i));
        xccl_store((enum xccl_dtype)t, r, i, v);
    }
}

static int reduce_to(const void *s, void *r, size_t count, int dt, int op, int root, struct comm *c)
{
    int t = dtype_of(dt), o = redop_of(op);
    if (t < 0 || o < 0) return INVALID_ARGUMENT;
    size_t bytes = count * xccl_dtypes[t].size;
    char *all = gather_all(c, s, bytes);
    if (all == NULL) return SYSTEM_ERROR;
    if (root < 0 || root == c->rank) combine(c, all, count, 0, r, count, t, o);
    free(all);
    finish(c, r, root < 0 || root == c->rank ? bytes : 0);
    return OK;
}

int ncclAllReduce(const void *s, void *r, size_t count, int dt, int op, struct comm *c, void *st)
{
    (void)st;
    return reduce_to(s, r, count, dt, op, -1, c);
}

int ncclReduce(const void *s, void *r, size_t count, int dt, int op, int root, struct comm *c,
               void *st)
{
    (void)st;
    return reduce_to(s, r, count, dt, op, root, c);
}

int ncclReduceScatter(const void *s, void *r, size_t count, int dt, int op, struct comm *c,
                      void *st)
{
    (void)st;
    int t = dtype_of(dt), o = redop_of(op);
    if (t < 0 || o < 0) return INVALID_ARGUMENT;
    size_t total = count * (size_t)c->nranks;
    char *all = gather_all(c, s, total * xccl_dtypes[t].size);
    if (all == NULL) return SYSTEM_ERROR;
    combine(c, all, total, (size_t)c->rank * count, r, count, t, o);
    free(all);
    finish(c, r, count * xccl_dtypes[t].size);
    return OK;
}

int ncclAllGather(const void *s, void *r, size_t count, int dt, struct comm *c, void *st)
{
    (void)st;
    int t = dtype_of(dt);
    if (t < 0) return INVALID_ARGUMENT;
    size_t bytes = count * xccl_dtypes[t].size;
    char *all = gather_all(c, s, bytes);
    if (all == NULL) return SYSTEM_ERROR;
    memcpy(r, all, bytes * (size_t)c->nranks);
    free(all);
    finish(c, r, bytes * (size_t)c->nranks);
    return OK;
}

int ncclBroadcast(const void *s, void *r, size_t count, int dt, int root, struct comm *c, void *st)
{
    (void)st;
    int t = dtype_of(dt);
    if (t < 0) return INVALID_ARGUMENT;
    size_t bytes = count * xccl_dtypes[t].size;
    if (c->rank == root && s != r) memmove(r, s, bytes);
    if (MPI_Bcast(r, (int)bytes, MPI_BYTE, root, c->mpi)) return SYSTEM_ERROR;
    finish(c, r, c->rank == root ? 0 : bytes);
    return OK;
}

/* Point-to-point: queued inside a group, started at ncclGroupEnd (receives first). */
static int p2p(int send, void *buf, size_t count, int dt, int peer, struct comm *c)
{
    int t = dtype_of(dt);
    if (t < 0 || peer < 0 || peer >= c->nranks) return INVALID_ARGUMENT;
    if (npending == MAX_PENDING) return SYSTEM_ERROR;
    pending[npending++] = (struct pending){send, buf, count * xccl_dtypes[t].size, peer, c};
    return group_depth ? OK : ncclGroupEnd();
}

int ncclSend(const void *s, size_t count, int dt, int peer, struct comm *c, void *st)
{
    (void)st;
    return p2p(1, (void *)s, count, dt, peer, c);
}

int ncclRecv(void *r, size_t count, int dt, int peer, struct comm *c, void *st)
{
    (void)st;
    return p2p(0, r, count, dt, peer, c);
}

int ncclGroupStart(void)
{
    group_depth++;
    return OK;
}

int ncclGroupEnd(void)
{
    if (group_depth > 0 && --group_depth > 0) return OK;
    MPI_Request *req = calloc((size_t)npending + 1, sizeof(*req));
    MPI_Status *st = calloc((size_t)npending + 1, sizeof(*st)); /* not IGNORE: GCC bounds check */
    if (req == NULL || st == NULL) {
        free(req);
        free(st);
        return SYSTEM_ERROR;
    }
    int n = 0, rc = MPI_SUCCESS;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < npending && rc == MPI_SUCCESS; i++) {
            struct pending *p = &pending[i];
            if (p->send != pass) continue;
            rc = p->send ? MPI_Isend(p->buf, (int)p->bytes, MPI_BYTE, p->peer, TAG, p->comm->mpi,
                                     &req[n++])
                         : MPI_Irecv(p->buf, (int)p->bytes, MPI_BYTE, p->peer, TAG, p->comm->mpi,
                                     &req[n++]);
        }
    if (rc == MPI_SUCCESS) rc = MPI_Waitall(n, req, st);
    for (int i = 0; i < npending; i++)
        finish(pending[i].comm, pending[i].buf, pending[i].send ? 0 : pending[i].bytes);
    npending = 0;
    free(req);
    free(st);
    return rc == MPI_SUCCESS ? OK : SYSTEM_ERROR;
}
