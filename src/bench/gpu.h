/* gpu.h — GPU runtime backends, loaded at run time with dlopen so that one
 * bbd-bench binary runs on CPU-only nodes. Backends: cuda (libcudart), hip
 * (libamdhip64) and standin (test-only: host memory pretending to be a device,
 * accepted only when BBD_TEST_GPU_STANDIN=1). */
#ifndef BBD_GPU_H
#define BBD_GPU_H

#include "bbd_err.h"

#include <stdbool.h>
#include <stddef.h>

enum gpu_copy { GPU_H2D, GPU_D2H, GPU_D2D };

struct gpu;

struct gpu_ops {
    int (*device_count)(struct gpu *g, int *count, struct bbd_err *err);
    int (*set_device)(struct gpu *g, int dev, struct bbd_err *err);
    int (*device_name)(struct gpu *g, int dev, char *buf, size_t len, struct bbd_err *err);
    int (*dev_alloc)(struct gpu *g, void **p, size_t n, struct bbd_err *err);
    void (*dev_free)(struct gpu *g, void *p);
    int (*host_alloc)(struct gpu *g, void **p, size_t n, struct bbd_err *err); /* pinned */
    void (*host_free)(struct gpu *g, void *p);
    int (*copy)(struct gpu *g, void *dst, const void *src, size_t n, enum gpu_copy kind,
                struct bbd_err *err);
    int (*fill)(struct gpu *g, void *dev, int value, size_t n, struct bbd_err *err);
    int (*synchronize)(struct gpu *g, struct bbd_err *err);
    /* Streams, for work enqueued by a collective library (NCCL/RCCL). A stream is
     * an opaque handle (cudaStream_t / hipStream_t). stream_query: 0 when all work
     * on it is done, 1 while work is pending, -1 with err on a failure. */
    int (*stream_create)(struct gpu *g, void **stream, struct bbd_err *err);
    void (*stream_destroy)(struct gpu *g, void *stream);
    int (*stream_synchronize)(struct gpu *g, void *stream, struct bbd_err *err);
    int (*stream_query)(struct gpu *g, void *stream, struct bbd_err *err);
    /* Events, to time work on a stream on the GPU's own clock (cudaEvent_t / hipEvent_t,
     * created with timing enabled). event_elapsed: milliseconds from start to stop, both
     * recorded and complete. */
    int (*event_create)(struct gpu *g, void **event, struct bbd_err *err);
    void (*event_destroy)(struct gpu *g, void *event);
    int (*event_record)(struct gpu *g, void *event, void *stream, struct bbd_err *err);
    int (*event_elapsed)(struct gpu *g, void *start, void *stop, float *ms, struct bbd_err *err);
    /* Does p point to device memory? (diagnostics and tests) */
    int (*is_device_ptr)(struct gpu *g, const void *p, bool *is_dev, struct bbd_err *err);
    void (*unload)(struct gpu *g);
};

struct gpu {
    const struct gpu_ops *ops;
    const char *name;    /* "cuda", "hip", "standin" */
    char library[512];   /* file the runtime was loaded from */
    int runtime_version; /* as the runtime reports it (e.g. 12040), 0 if unknown */
    void *impl;          /* backend state */
};

/* Load the runtime named want ("cuda", "hip", "standin", or "auto": cuda then hip).
 * Returns a new struct gpu, or NULL with err (BBD_EXIT_USAGE when no runtime is found). */
struct gpu *gpu_open(const char *want, struct bbd_err *err);
void gpu_close(struct gpu *g);

/* Registry of backends, for the loader and for tests. */
struct gpu_backend {
    const char *name;
    struct gpu *(*open)(struct bbd_err *err);
};
extern const struct gpu_backend gpu_backends[];

struct gpu *gpu_vendor_open_cuda(struct bbd_err *err);
struct gpu *gpu_vendor_open_hip(struct bbd_err *err);
struct gpu *gpu_standin_open(struct bbd_err *err);

#endif
