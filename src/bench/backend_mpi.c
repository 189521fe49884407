/* backend_mpi.c — the backend of the MPI tests (point-to-point and collectives): this
 * rank's GPU when its buffers are on the device, the transfer path (direct or staged),
 * the message buffers, and OSU's text layout (see job.h). */
#include "coll.h"
#include "job.h"
#include "mpi_gpu.h"

#include <stdlib.h>
#include <string.h>

struct mpi_state {
    char transfer_why[256];
    int device; /* index of this rank's GPU */
};

/* Are this rank's buffers on the device? Pairs: its side's letter; collectives: both. */
static bool on_device(const struct bench_job *j)
{
    if (j->t.info->kind == BENCH_MPI_COLL) return opts_has_device(&j->o);
    return j->o.placement[j->c.side] == 'D';
}

/* Open this rank's GPU (when its buffers are on the device) and pick the path. */
static int open_gpu(struct bench_job *j, struct mpi_state *m, struct bbd_err *err)
{
    j->path = XFER_PATH_HOST;
    if (!on_device(j)) return 0;
    j->gpu = gpu_open(j->o.device, err);
    if (j->gpu == NULL) {
        if (err->code == BBD_EXIT_USAGE) {
            char msg[sizeof(err->msg)];
            snprintf(msg, sizeof(msg), "%s", err->msg);
            bbd_err_set(err, BBD_EXIT_USAGE, "placement D needs a GPU runtime: %s", msg);
        }
        return -1;
    }
    int count = 0;
    if (j->gpu->ops->device_count(j->gpu, &count, err)) return -1;
    if (count < 1)
        return bbd_err_set(err, BBD_EXIT_ENV, "%s: no GPU device visible on %s", j->gpu->name,
                           j->host);
    m->device = j->local_rank % count;
    if (j->gpu->ops->set_device(j->gpu, m->device, err)) return -1;
    bool standin = !strcmp(j->gpu->name, "standin");
    bool aware = !standin && mpi_gpu_aware(j->gpu->name, j->mpi_version, m->transfer_why,
                                           sizeof(m->transfer_why));
    if (standin) snprintf(m->transfer_why, sizeof(m->transfer_why), "stand-in backend");
    switch (j->o.transfer) {
    case XFER_DIRECT:
        j->path = XFER_PATH_DIRECT;
        break;
    case XFER_STAGED:
        j->path = XFER_PATH_STAGED;
        break;
    case XFER_AUTO:
        j->path = aware ? XFER_PATH_DIRECT : XFER_PATH_STAGED;
        break;
    }
    return 0;
}

static int mpi_open(struct bench_job *j, struct bbd_err *err)
{
    struct bench_ctx *c = &j->c;
    const struct bench_info *t = j->t.info;
    struct mpi_state *m = calloc(1, sizeof(*m));
    j->state = m;
    if (m == NULL) return bbd_err_sys(err, "calloc", "MPI backend");
    bool coll = t->kind == BENCH_MPI_COLL;
    /* pairs: rank i < n/2 with rank i + n/2; collectives: every rank on its own */
    c->pairs = coll ? 1 : c->nranks / 2;
    c->side = coll || c->rank < c->pairs ? 0 : 1;
    c->peer = coll ? c->rank : c->side == 0 ? c->rank + c->pairs : c->rank - c->pairs;
    c->window = t->pattern == PATTERN_WINDOW || t->pattern == PATTERN_BIWINDOW ? j->o.window : 1;
    c->root = j->o.root;
    c->elt = 1;
    c->reqs = calloc(2 * (size_t)c->window, sizeof(MPI_Request));
    c->stats = calloc(2 * (size_t)c->window, sizeof(MPI_Status));
    if (!c->reqs || !c->stats) return bbd_err_sys(err, "calloc", "MPI requests");
    if (open_gpu(j, m, err)) return -1;
    if (!coll) return xfer_setup(&c->x, j->gpu, j->path, j->o.max_size, c->window, err);
    size_t s = opts_coll_send_bytes(t, j->o.max_size, c->nranks);
    size_t r = opts_coll_recv_bytes(t, j->o.max_size, c->nranks);
    return xfer_setup(&c->x, j->gpu, j->path, s > r ? s : r, 1, err) ||
                   bench_coll_open(c, t, j->o.max_size, j->o.validate, err)
               ? -1
               : 0;
}

static void mpi_describe(struct bench_job *j)
{
    struct mpi_state *m = j->state;
    struct bench_ctx *c = &j->c;
    if (!j->gpu || !m->transfer_why[0] || c->rank != c->pairs * c->side) return;
    char name[256] = "";
    struct bbd_err err = {0};
    j->gpu->ops->device_name(j->gpu, m->device, name, sizeof(name), &err);
    fprintf(stderr, "bbd-bench: %s%c: %s runtime %s (%d), device \"%s\"; transfer %s (%s)\n",
            j->t.info->kind == BENCH_MPI_COLL ? "rank " : "side ",
            j->t.info->kind == BENCH_MPI_COLL ? '0' : 'A' + c->side, j->gpu->name, j->gpu->library,
            j->gpu->runtime_version, name, xfer_path_name(c->x.path), m->transfer_why);
}

static int one_variant(const struct bench_job *j)
{
    (void)j;
    return 1;
}

static void mpi_header(struct bench_job *j)
{
    out_text_header(j->table, &j->ri);
}

static void mpi_row(struct bench_job *j, const struct size_result *r, int nvar)
{
    (void)nvar;
    out_text_row(j->table, &j->ri, r);
}

static void mpi_close(struct bench_job *j)
{
    if (j->t.info->kind == BENCH_MPI_COLL) bench_coll_close(&j->c);
    xfer_teardown(&j->c.x);
    gpu_close(j->gpu);
    j->gpu = NULL;
    free(j->c.reqs);
    free(j->c.stats);
    free(j->state);
    j->state = NULL;
}

const struct bench_backend bench_backend_mpi = {
    .open = mpi_open,
    .describe = mpi_describe,
    .variants = one_variant,
    .header = mpi_header,
    .row = mpi_row,
    .wrong_unit = "wrong bytes",
    .close = mpi_close,
};
