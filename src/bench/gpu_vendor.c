/* gpu_vendor.c — the CUDA and HIP runtimes through one loader.
 *
 * Both runtimes expose the same C API under two prefixes (cudaMalloc/hipMalloc, ...),
 * with int-sized error enums where 0 means success and the same memcpy kinds. A
 * vendor is therefore a table of library and symbol names; the code is written once.
 * No vendor header is needed to build; gpu_cuda_check.c checks the constants below
 * against the real CUDA headers when they are installed. */
#include "gpu.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { VENDOR_H2D = 1, VENDOR_D2H = 2, VENDOR_D2D = 3 }; /* cudaMemcpyKind / hipMemcpyKind */

struct vendor_desc {
    const char *name;
    const char *libs[6];
    const char *count, *set_device, *malloc_, *free_, *host_alloc, *host_free;
    const char *memcpy_, *memset_, *sync, *error_string, *ptr_attrs, *runtime_version;
    const char *stream_create, *stream_destroy, *stream_sync, *stream_query;
    const char *event_create, *event_destroy, *event_record, *event_elapsed;
    const char *props[2];   /* device properties, name is the first member (char[256]) */
    const char *get_name;   /* hipDeviceGetName-style, preferred when present */
    int memory_type_device; /* value of the first attribute member for device memory */
    int not_ready;          /* cudaErrorNotReady / hipErrorNotReady: stream still busy */
};

static const struct vendor_desc cuda_desc = {
    .name = "cuda",
    .libs = {"libcudart.so", "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", NULL},
    .count = "cudaGetDeviceCount",
    .set_device = "cudaSetDevice",
    .malloc_ = "cudaMalloc",
    .free_ = "cudaFree",
    .host_alloc = "cudaHostAlloc",
    .host_free = "cudaFreeHost",
    .memcpy_ = "cudaMemcpy",
    .memset_ = "cudaMemset",
    .sync = "cudaDeviceSynchronize",
    .error_string = "cudaGetErrorString",
    .ptr_attrs = "cudaPointerGetAttributes",
    .runtime_version = "cudaRuntimeGetVersion",
    .stream_create = "cudaStreamCreate",
    .stream_destroy = "cudaStreamDestroy",
    .stream_sync = "cudaStreamSynchronize",
    .stream_query = "cudaStreamQuery",
    .event_create = "cudaEventCreate",
    .event_destroy = "cudaEventDestroy",
    .event_record = "cudaEventRecord",
    .event_elapsed = "cudaEventElapsedTime",
    .props = {"cudaGetDeviceProperties_v2", "cudaGetDeviceProperties"},
    .get_name = NULL,
    .memory_type_device = 2, /* cudaMemoryTypeDevice */
    .not_ready = 600,        /* cudaErrorNotReady */
};

static const struct vendor_desc hip_desc = {
    .name = "hip",
    .libs = {"libamdhip64.so", "libamdhip64.so.6", "libamdhip64.so.5", NULL},
    .count = "hipGetDeviceCount",
    .set_device = "hipSetDevice",
    .malloc_ = "hipMalloc",
    .free_ = "hipFree",
    .host_alloc = "hipHostMalloc",
    .host_free = "hipHostFree",
    .memcpy_ = "hipMemcpy",
    .memset_ = "hipMemset",
    .sync = "hipDeviceSynchronize",
    .error_string = "hipGetErrorString",
    .ptr_attrs = "hipPointerGetAttributes",
    .runtime_version = "hipRuntimeGetVersion",
    .stream_create = "hipStreamCreate",
    .stream_destroy = "hipStreamDestroy",
    .stream_sync = "hipStreamSynchronize",
    .stream_query = "hipStreamQuery",
    .event_create = "hipEventCreate",
    .event_destroy = "hipEventDestroy",
    .event_record = "hipEventRecord",
    .event_elapsed = "hipEventElapsedTime",
    .props = {NULL, NULL},
    .get_name = "hipDeviceGetName",
    .memory_type_device = 2, /* hipMemoryTypeDevice since ROCm 6 (1 in ROCm 5) */
    .not_ready = 600,        /* hipErrorNotReady */
};

struct vendor {
    const struct vendor_desc *d;
    void *dl;
    int (*count)(int *);
    int (*set_device)(int);
    int (*malloc_)(void **, size_t);
    int (*free_)(void *);
    int (*host_alloc)(void **, size_t, unsigned int);
    int (*host_free)(void *);
    int (*memcpy_)(void *, const void *, size_t, int);
    int (*memset_)(void *, int, size_t);
    int (*sync)(void);
    const char *(*error_string)(int);
    int (*ptr_attrs)(void *, const void *);
    int (*runtime_version)(int *);
    int (*props)(void *, int);
    int (*get_name)(char *, int, int);
    int (*stream_create)(void **);
    int (*stream_destroy)(void *);
    int (*stream_sync)(void *);
    int (*stream_query)(void *);
    int (*event_create)(void **);
    int (*event_destroy)(void *);
    int (*event_record)(void *, void *);
    int (*event_elapsed)(float *, void *, void *);
};

static struct vendor *V(struct gpu *g)
{
    return g->impl;
}

/* Fill err with "CALL(OBJECT): runtime error string" and return -1. */
static int vendor_fail(struct gpu *g, int rc, const char *call, const char *obj,
                       struct bbd_err *err)
{
    const char *why = V(g)->error_string ? V(g)->error_string(rc) : NULL;
    return bbd_err_set(err, BBD_EXIT_ENV, "%s(%s): %s (error %d)", call, obj ? obj : "",
                       why ? why : "unknown error", rc);
}

#define VCALL(g, err, obj, fn, ...)                                                                \
    do {                                                                                           \
        int rc_ = V(g)->fn(__VA_ARGS__);                                                           \
        if (rc_ != 0) return vendor_fail(g, rc_, V(g)->d->fn, obj, err);                           \
    } while (0)

static int v_device_count(struct gpu *g, int *count, struct bbd_err *err)
{
    *count = 0;
    VCALL(g, err, "", count, count);
    return 0;
}

static int v_set_device(struct gpu *g, int dev, struct bbd_err *err)
{
    char obj[32];
    snprintf(obj, sizeof(obj), "device %d", dev);
    VCALL(g, err, obj, set_device, dev);
    return 0;
}

static int v_device_name(struct gpu *g, int dev, char *buf, size_t len, struct bbd_err *err)
{
    char obj[32];
    snprintf(obj, sizeof(obj), "device %d", dev);
    if (V(g)->get_name) {
        VCALL(g, err, obj, get_name, buf, (int)len, dev);
        return 0;
    }
    /* The properties struct grows with every release; only its first member (name) is
     * read, so a generous zeroed buffer is enough. */
    char *props = calloc(1, 16384);
    if (props == NULL) return bbd_err_sys(err, "calloc", "device properties");
    int rc = V(g)->props(props, dev);
    if (rc != 0) {
        free(props);
        return vendor_fail(g, rc, V(g)->d->props[0], obj, err);
    }
    snprintf(buf, len, "%.255s", props);
    free(props);
    return 0;
}

static int v_dev_alloc(struct gpu *g, void **p, size_t n, struct bbd_err *err)
{
    VCALL(g, err, "device buffer", malloc_, p, n ? n : 1);
    return 0;
}

static void v_dev_free(struct gpu *g, void *p)
{
    if (p) V(g)->free_(p);
}

static int v_host_alloc(struct gpu *g, void **p, size_t n, struct bbd_err *err)
{
    VCALL(g, err, "pinned host buffer", host_alloc, p, n ? n : 1, 0u);
    return 0;
}

static void v_host_free(struct gpu *g, void *p)
{
    if (p) V(g)->host_free(p);
}

static int v_copy(struct gpu *g, void *dst, const void *src, size_t n, enum gpu_copy kind,
                  struct bbd_err *err)
{
    static const int kinds[] = {
        [GPU_H2D] = VENDOR_H2D, [GPU_D2H] = VENDOR_D2H, [GPU_D2D] = VENDOR_D2D};
    static const char *const names[] = {
        [GPU_H2D] = "host to device", [GPU_D2H] = "device to host", [GPU_D2D] = "device to device"};
    if (n == 0) return 0;
    VCALL(g, err, names[kind], memcpy_, dst, src, n, kinds[kind]);
    return 0;
}

static int v_fill(struct gpu *g, void *dev, int value, size_t n, struct bbd_err *err)
{
    if (n == 0) return 0;
    VCALL(g, err, "device buffer", memset_, dev, value, n);
    return 0;
}

static int v_synchronize(struct gpu *g, struct bbd_err *err)
{
    VCALL(g, err, "", sync);
    return 0;
}

static int v_is_device_ptr(struct gpu *g, const void *p, bool *is_dev, struct bbd_err *err)
{
    int attrs[64] = {0}; /* type is the first member of the attributes struct */
    VCALL(g, err, "pointer", ptr_attrs, attrs, p);
    *is_dev = attrs[0] == V(g)->d->memory_type_device;
    return 0;
}

static int v_stream_create(struct gpu *g, void **stream, struct bbd_err *err)
{
    VCALL(g, err, "stream", stream_create, stream);
    return 0;
}

static void v_stream_destroy(struct gpu *g, void *stream)
{
    if (stream) V(g)->stream_destroy(stream);
}

static int v_stream_synchronize(struct gpu *g, void *stream, struct bbd_err *err)
{
    VCALL(g, err, "stream", stream_sync, stream);
    return 0;
}

static int v_stream_query(struct gpu *g, void *stream, struct bbd_err *err)
{
    int rc = V(g)->stream_query(stream);
    if (rc == V(g)->d->not_ready) return 1;
    return rc == 0 ? 0 : vendor_fail(g, rc, V(g)->d->stream_query, "stream", err);
}

static int v_event_create(struct gpu *g, void **event, struct bbd_err *err)
{
    VCALL(g, err, "timing event", event_create, event);
    return 0;
}

static void v_event_destroy(struct gpu *g, void *event)
{
    if (event) V(g)->event_destroy(event);
}

static int v_event_record(struct gpu *g, void *event, void *stream, struct bbd_err *err)
{
    VCALL(g, err, "timing event", event_record, event, stream);
    return 0;
}

static int v_event_elapsed(struct gpu *g, void *start, void *stop, float *ms, struct bbd_err *err)
{
    VCALL(g, err, "start to stop", event_elapsed, ms, start, stop);
    return 0;
}

static void v_unload(struct gpu *g)
{
    if (V(g)->dl) dlclose(V(g)->dl);
    free(V(g));
}

static const struct gpu_ops vendor_ops = {
    .device_count = v_device_count,
    .set_device = v_set_device,
    .device_name = v_device_name,
    .dev_alloc = v_dev_alloc,
    .dev_free = v_dev_free,
    .host_alloc = v_host_alloc,
    .host_free = v_host_free,
    .copy = v_copy,
    .fill = v_fill,
    .synchronize = v_synchronize,
    .stream_create = v_stream_create,
    .stream_destroy = v_stream_destroy,
    .stream_synchronize = v_stream_synchronize,
    .stream_query = v_stream_query,
    .event_create = v_event_create,
    .event_destroy = v_event_destroy,
    .event_record = v_event_record,
    .event_elapsed = v_event_elapsed,
    .is_device_ptr = v_is_device_ptr,
    .unload = v_unload,
};

/* dlsym into a function pointer of any type (POSIX guarantees the conversion). */
static int bind_sym(void *dl, const char *name, void *fnptr)
{
    void *sym = name ? dlsym(dl, name) : NULL;
    memcpy(fnptr, &sym, sizeof(sym));
    return sym ? 0 : -1;
}

static struct gpu *vendor_open(const struct vendor_desc *d, struct bbd_err *err)
{
    void *dl = NULL;
    const char *libname = NULL;
    for (int i = 0; d->libs[i] && !dl; i++) {
        dl = dlopen(d->libs[i], RTLD_NOW | RTLD_GLOBAL);
        libname = d->libs[i];
    }
    if (dl == NULL)
        return bbd_err_set(err, BBD_EXIT_USAGE, "%s: dlopen(%s and versioned names): %s", d->name,
                           d->libs[0], dlerror()),
               NULL;
    struct gpu *g = calloc(1, sizeof(*g));
    struct vendor *v = calloc(1, sizeof(*v));
    if (!g || !v) {
        free(g);
        free(v);
        dlclose(dl);
        return bbd_err_sys(err, "calloc", d->name), NULL;
    }
    v->d = d;
    v->dl = dl;
    g->ops = &vendor_ops;
    g->name = d->name;
    g->impl = v;
    const struct {
        const char *sym;
        void *slot;
    } need[] = {
        {d->count, &v->count},
        {d->set_device, &v->set_device},
        {d->malloc_, &v->malloc_},
        {d->free_, &v->free_},
        {d->host_alloc, &v->host_alloc},
        {d->host_free, &v->host_free},
        {d->memcpy_, &v->memcpy_},
        {d->memset_, &v->memset_},
        {d->sync, &v->sync},
        {d->error_string, &v->error_string},
        {d->ptr_attrs, &v->ptr_attrs},
        {d->stream_create, &v->stream_create},
        {d->stream_destroy, &v->stream_destroy},
        {d->stream_sync, &v->stream_sync},
        {d->stream_query, &v->stream_query},
        {d->event_create, &v->event_create},
        {d->event_destroy, &v->event_destroy},
        {d->event_record, &v->event_record},
        {d->event_elapsed, &v->event_elapsed},
    };
    for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
        if (bind_sym(dl, need[i].sym, need[i].slot)) {
            bbd_err_set(err, BBD_EXIT_ENV, "dlsym(%s, %s): %s", libname, need[i].sym, dlerror());
            gpu_close(g);
            return NULL;
        }
    if (bind_sym(dl, d->get_name, &v->get_name) && bind_sym(dl, d->props[0], &v->props) &&
        bind_sym(dl, d->props[1], &v->props)) {
        bbd_err_set(err, BBD_EXIT_ENV, "dlsym(%s): no device-name function", libname);
        gpu_close(g);
        return NULL;
    }
    if (bind_sym(dl, d->runtime_version, &v->runtime_version) == 0)
        v->runtime_version(&g->runtime_version);
    Dl_info info;
    if (dladdr((void *)v->sync, &info) && info.dli_fname)
        snprintf(g->library, sizeof(g->library), "%s", info.dli_fname);
    else
        snprintf(g->library, sizeof(g->library), "%s", libname);
    return g;
}

struct gpu *gpu_vendor_open_cuda(struct bbd_err *err)
{
    return vendor_open(&cuda_desc, err);
}

struct gpu *gpu_vendor_open_hip(struct bbd_err *err)
{
    return vendor_open(&hip_desc, err);
}
