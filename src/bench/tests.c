#include "tests.h"

enum { TAG_DATA = 1, TAG_ACK = 2 };

int bench_mpi_fail(struct bbd_err *err, const char *call, int rc)
{
    char why[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, why, &len) != MPI_SUCCESS) snprintf(why, sizeof(why), "code %d", rc);
    return bbd_err_set(err, BBD_EXIT_ENV, "%s: %s", call, why);
}

#define MPI_CHECK(c, name, call)                                                                   \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ != MPI_SUCCESS) return bench_mpi_fail((c)->err, name, rc_);                        \
    } while (0)

static int send_msg(struct bench_ctx *c, size_t n)
{
    void *p = xfer_send_ptr(&c->x, 0, n, c->err);
    if (p == NULL) return -1;
    MPI_CHECK(c, "MPI_Send", MPI_Send(p, (int)n, MPI_CHAR, c->peer, TAG_DATA, c->comm));
    return 0;
}

static int recv_msg(struct bench_ctx *c, size_t n)
{
    MPI_CHECK(c, "MPI_Recv",
              MPI_Recv(xfer_recv_ptr(&c->x, 0), (int)n, MPI_CHAR, c->peer, TAG_DATA, c->comm,
                       MPI_STATUS_IGNORE));
    return xfer_recv_done(&c->x, 0, n, c->err);
}

static int post_sends(struct bench_ctx *c, size_t n, MPI_Request *reqs)
{
    for (int j = 0; j < c->window; j++) {
        void *p = xfer_send_ptr(&c->x, j, n, c->err);
        if (p == NULL) return -1;
        MPI_CHECK(c, "MPI_Isend",
                  MPI_Isend(p, (int)n, MPI_CHAR, c->peer, TAG_DATA, c->comm, &reqs[j]));
    }
    return 0;
}

static int post_recvs(struct bench_ctx *c, size_t n, MPI_Request *reqs)
{
    for (int j = 0; j < c->window; j++)
        MPI_CHECK(c, "MPI_Irecv",
                  MPI_Irecv(xfer_recv_ptr(&c->x, j), (int)n, MPI_CHAR, c->peer, TAG_DATA, c->comm,
                            &reqs[j]));
    return 0;
}

static int finish_recvs(struct bench_ctx *c, size_t n)
{
    for (int j = 0; j < c->window; j++)
        if (xfer_recv_done(&c->x, j, n, c->err)) return -1;
    return 0;
}

/* Blocking ping-pong: A sends then receives, B receives then sends. */
static int latency_iterate(struct bench_ctx *c, size_t n)
{
    if (c->side == 0) return send_msg(c, n) || recv_msg(c, n) ? -1 : 0;
    return recv_msg(c, n) || send_msg(c, n) ? -1 : 0;
}

/* A window of non-blocking sends, then a 1-byte ack from the receiver (OSU osu_bw). */
static int window_iterate(struct bench_ctx *c, size_t n)
{
    if (c->side == 0) {
        if (post_sends(c, n, c->reqs)) return -1;
        MPI_CHECK(c, "MPI_Waitall", MPI_Waitall(c->window, c->reqs, c->stats));
        MPI_CHECK(c, "MPI_Recv(ack)",
                  MPI_Recv(c->ack, 1, MPI_CHAR, c->peer, TAG_ACK, c->comm, MPI_STATUS_IGNORE));
        return 0;
    }
    if (post_recvs(c, n, c->reqs)) return -1;
    MPI_CHECK(c, "MPI_Waitall", MPI_Waitall(c->window, c->reqs, c->stats));
    if (finish_recvs(c, n)) return -1;
    MPI_CHECK(c, "MPI_Send(ack)", MPI_Send(c->ack, 1, MPI_CHAR, c->peer, TAG_ACK, c->comm));
    return 0;
}

/* Both sides receive and send a window at once (OSU osu_bibw). */
static int bibw_iterate(struct bench_ctx *c, size_t n)
{
    if (post_recvs(c, n, c->reqs) || post_sends(c, n, c->reqs + c->window)) return -1;
    MPI_CHECK(c, "MPI_Waitall", MPI_Waitall(2 * c->window, c->reqs, c->stats));
    return finish_recvs(c, n);
}

void bench_p2p_hooks(struct bench_test *t)
{
    switch (t->info->pattern) {
    case PATTERN_PINGPONG:
        t->iterate = latency_iterate;
        break;
    case PATTERN_WINDOW:
        t->iterate = window_iterate;
        break;
    default:
        t->iterate = bibw_iterate;
        break;
    }
}

struct bench_shape bench_ctx_shape(const struct bench_ctx *c)
{
    return (struct bench_shape){c->nranks, c->pairs, c->window, c->elt ? c->elt : 1};
}

bool bench_sends(const struct bench_info *t, const struct bench_ctx *c)
{
    return c->side == 0 || bench_directions(t) == 2;
}

bool bench_receives(const struct bench_info *t, const struct bench_ctx *c)
{
    return c->side == 1 || bench_directions(t) == 2;
}
