/* gpu_standin.c — TEST-ONLY GPU stand-in: "device" buffers are ordinary host memory
 * that the backend tracks, so the staged/direct code paths and device-side validation
 * can be exercised on machines without a GPU. Never chosen by -d auto; refused unless
 * BBD_TEST_GPU_STANDIN=1 is set, and every result it produces says gpu_api "standin".
 * BBD_TEST_GPU_STANDIN_DEVICES=N pretends N devices per node (default 1), so the
 * "fewer GPUs than ranks" check of the xccl tests can be exercised both ways.
 * Streams are tokens: work "enqueued" by the test-only collective library stand-in
 * has already finished when its call returns. */
#include "gpu.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
