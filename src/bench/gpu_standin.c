/* gpu_standin.c — TEST-ONLY GPU stand-in: "device" buffers are ordinary host memory
 * that the backend tracks, so the staged/direct code paths and device-side validation
 * can be exercised on machines without a GPU. Never chosen by -d auto; refused unless
 * BBD_TEST_GPU_STANDIN=1 is set, and every result it produces says gpu_api "standin".
 * BBD_TEST_GPU_STANDIN_DEVICES=N pretends N devices per node (default 1), so the
 * "fewer GPUs than ranks" check of the xccl tests can be exercised both ways.
 * Streams are tokens: work "enqueued" by the test-only collective library stand-in
 * has already finished when its call returns. */
#include "bbd_time.h"
#include "gpu.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STANDIN_MAX_ALLOCS 64

struct standin {
    int devices;
    char stream_token[1]; /* every stream handle points here */
    struct {
        const uint8_t *base;
        size_t len;
    } dev[STANDIN_MAX_ALLOCS];
};

static struct standin *S(struct gpu *g)
{
    return g->impl;
}

static int s_device_count(struct gpu *g, int *count, struct bbd_err *err)
{
    (void)err;
    *count = S(g)->devices;
    return 0;
}

static int s_set_device(struct gpu *g, int dev, struct bbd_err *err)
{
    if (dev < 0 || dev >= S(g)->devices)
        return bbd_err_set(err, BBD_EXIT_ENV, "standin: no device %d", dev);
    return 0;
}

static int s_device_name(struct gpu *g, int dev, char *buf, size_t len, struct bbd_err *err)
{
    (void)g, (void)dev, (void)err;
    snprintf(buf, len, "host-memory stand-in (not a GPU)");
    return 0;
}

static int s_dev_alloc(struct gpu *g, void **p, size_t n, struct bbd_err *err)
{
    for (int i = 0; i < STANDIN_MAX_ALLOCS; i++)
        if (S(g)->dev[i].base == NULL) {
            *p = malloc(n ? n : 1);
            if (*p == NULL) return bbd_err_sys(err, "malloc", "standin device buffer");
            S(g)->dev[i].base = *p;
            S(g)->dev[i].len = n ? n : 1;
            return 0;
        }
    return bbd_err_set(err, BBD_EXIT_ENV, "standin: more than %d device buffers",
                       STANDIN_MAX_ALLOCS);
}

static void s_dev_free(struct gpu *g, void *p)
{
    for (int i = 0; i < STANDIN_MAX_ALLOCS && p; i++)
        if (S(g)->dev[i].base == p) S(g)->dev[i].base = NULL;
    free(p);
}

static int s_host_alloc(struct gpu *g, void **p, size_t n, struct bbd_err *err)
{
    (void)g;
    *p = malloc(n ? n : 1);
    return *p ? 0 : bbd_err_sys(err, "malloc", "standin pinned buffer");
}

static void s_host_free(struct gpu *g, void *p)
{
    (void)g;
    free(p);
}

static int s_is_device_ptr(struct gpu *g, const void *p, bool *is_dev, struct bbd_err *err)
{
    (void)err;
    const uint8_t *q = p;
    *is_dev = false;
    for (int i = 0; i < STANDIN_MAX_ALLOCS; i++)
        if (S(g)->dev[i].base && q >= S(g)->dev[i].base && q < S(g)->dev[i].base + S(g)->dev[i].len)
            *is_dev = true;
    return 0;
}

/* Copies check that the device side of the copy really is a stand-in device buffer,
 * so a test catches code that mixes up host and device pointers. */
static int s_copy(struct gpu *g, void *dst, const void *src, size_t n, enum gpu_copy kind,
                  struct bbd_err *err)
{
    bool src_dev, dst_dev;
    s_is_device_ptr(g, src, &src_dev, err);
    s_is_device_ptr(g, dst, &dst_dev, err);
    bool ok = kind == GPU_H2D   ? (!src_dev && dst_dev)
              : kind == GPU_D2H ? (src_dev && !dst_dev)
                                : (src_dev && dst_dev);
    if (n && !ok)
        return bbd_err_set(err, BBD_EXIT_ENV, "standin copy(kind %d): pointer kinds do not match",
                           (int)kind);
    if (n) memcpy(dst, src, n);
    return 0;
}

static int s_fill(struct gpu *g, void *dev, int value, size_t n, struct bbd_err *err)
{
    bool is_dev;
    s_is_device_ptr(g, dev, &is_dev, err);
    if (n && !is_dev) return bbd_err_set(err, BBD_EXIT_ENV, "standin fill: not a device buffer");
    memset(dev, value, n);
    return 0;
}

static int s_synchronize(struct gpu *g, struct bbd_err *err)
{
    (void)g, (void)err;
    return 0;
}

static int s_stream_create(struct gpu *g, void **stream, struct bbd_err *err)
{
    (void)err;
    *stream = S(g)->stream_token;
    return 0;
}

static void s_stream_destroy(struct gpu *g, void *stream)
{
    (void)g, (void)stream;
}

static int s_stream_check(struct gpu *g, void *stream, struct bbd_err *err)
{
    if (stream != S(g)->stream_token)
        return bbd_err_set(err, BBD_EXIT_ENV, "standin stream: %p is not a stream", stream);
    return 0;
}

/* An event holds the host clock at its record: the stand-in's work is done when it is
 * enqueued, so that is when it completed. */
struct s_event {
    const char *magic; /* standin_event_magic while alive */
    bool recorded;
    double seconds;
};
static const char standin_event_magic[] = "bbd standin event";

static int s_event_create(struct gpu *g, void **event, struct bbd_err *err)
{
    (void)g;
    struct s_event *e = calloc(1, sizeof(*e));
    if (e == NULL) return bbd_err_sys(err, "calloc", "standin event");
    e->magic = standin_event_magic;
    *event = e;
    return 0;
}

static void s_event_destroy(struct gpu *g, void *event)
{
    (void)g;
    struct s_event *e = event;
    if (e) e->magic = NULL;
    free(e);
}

static struct s_event *s_event(void *event, const char *what, struct bbd_err *err)
{
    struct s_event *e = event;
    if (e == NULL || e->magic != standin_event_magic)
        return bbd_err_set(err, BBD_EXIT_ENV, "standin %s: %p is not an event", what, event), NULL;
    return e;
}

static int s_event_record(struct gpu *g, void *event, void *stream, struct bbd_err *err)
{
    struct s_event *e = s_event(event, "event record", err);
    if (e == NULL || s_stream_check(g, stream, err)) return -1;
    e->seconds = bbd_monotonic_s();
    e->recorded = true;
    return 0;
}

static int s_event_elapsed(struct gpu *g, void *start, void *stop, float *ms, struct bbd_err *err)
{
    (void)g;
    struct s_event *a = s_event(start, "event elapsed", err),
                   *b = a ? s_event(stop, "event elapsed", err) : NULL;
    if (b == NULL) return -1;
    if (!a->recorded || !b->recorded)
        return bbd_err_set(err, BBD_EXIT_ENV, "standin event elapsed: an event was never recorded");
    /* tests: a fixed "GPU" duration proves that the events, not the host clock, are used */
    const char *fixed = getenv("BBD_TEST_GPU_STANDIN_EVENT_US");
    *ms = fixed ? (float)(atof(fixed) / 1e3) : (float)((b->seconds - a->seconds) * 1e3);
    return 0;
}

static void s_unload(struct gpu *g)
{
    free(g->impl);
}

static const struct gpu_ops standin_ops = {
    .device_count = s_device_count,
    .set_device = s_set_device,
    .device_name = s_device_name,
    .dev_alloc = s_dev_alloc,
    .dev_free = s_dev_free,
    .host_alloc = s_host_alloc,
    .host_free = s_host_free,
    .copy = s_copy,
    .fill = s_fill,
    .synchronize = s_synchronize,
    .stream_create = s_stream_create,
    .stream_destroy = s_stream_destroy,
    .stream_synchronize = s_stream_check,
    .stream_query = s_stream_check,
    .event_create = s_event_create,
    .event_destroy = s_event_destroy,
    .event_record = s_event_record,
    .event_elapsed = s_event_elapsed,
    .is_device_ptr = s_is_device_ptr,
    .unload = s_unload,
};

struct gpu *gpu_standin_open(struct bbd_err *err)
{
    const char *allow = getenv("BBD_TEST_GPU_STANDIN");
    if (allow == NULL || strcmp(allow, "1"))
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "-d standin: test-only stand-in, set BBD_TEST_GPU_STANDIN=1 to use it"),
               NULL;
    struct gpu *g = calloc(1, sizeof(*g));
    struct standin *s = calloc(1, sizeof(*s));
    if (!g || !s) {
        free(g);
        free(s);
        return bbd_err_sys(err, "calloc", "standin"), NULL;
    }
    const char *devs = getenv("BBD_TEST_GPU_STANDIN_DEVICES");
    s->devices = devs && atoi(devs) > 0 ? atoi(devs) : 1;
    g->ops = &standin_ops;
    g->name = "standin";
    g->impl = s;
    snprintf(g->library, sizeof(g->library), "(built in: test stand-in)");
    return g;
}
