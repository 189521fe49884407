/* xccl.c — loading NCCL or RCCL (see xccl.h). */
#include "xccl.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct xccl_backend {
    const char *name;
    const char *libs[4];
    const char *gpu;
};

static const struct xccl_backend backends[] = {
    {"nccl", {"libnccl.so.2", "libnccl.so", NULL}, "cuda"},
    {"rccl", {"librccl.so.1", "librccl.so", NULL}, "hip"},
    {NULL, {NULL}, NULL},
};

/* dlsym into a function pointer of any type (POSIX guarantees the conversion). */
static int bind_sym(void *dl, const char *name, void *fnptr)
{
    void *sym = dlsym(dl, name);
    memcpy(fnptr, &sym, sizeof(sym));
    return sym ? 0 : -1;
}

static int bind_api(struct xccl *x, struct bbd_err *err)
{
    struct xccl_api *a = &x->api;
    const struct {
        const char *sym;
        void *slot;
    } need[] = {
        {"ncclGetVersion", &a->get_version},
        {"ncclGetUniqueId", &a->get_unique_id},
        {"ncclCommInitRank", &a->comm_init_rank},
        {"ncclCommDestroy", &a->comm_destroy},
        {"ncclCommAbort", &a->comm_abort},
        {"ncclCommGetAsyncError", &a->comm_get_async_error},
        {"ncclGetErrorString", &a->get_error_string},
        {"ncclAllReduce", &a->all_reduce},
        {"ncclAllGather", &a->all_gather},
        {"ncclReduceScatter", &a->reduce_scatter},
        {"ncclBroadcast", &a->broadcast},
        {"ncclReduce", &a->reduce},
        {"ncclSend", &a->send},
        {"ncclRecv", &a->recv},
        {"ncclGroupStart", &a->group_start},
        {"ncclGroupEnd", &a->group_end},
    };
    for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
        if (bind_sym(x->dl, need[i].sym, need[i].slot))
            return bbd_err_set(err, BBD_EXIT_ENV, "dlsym(%s, %s): %s", x->library, need[i].sym,
                               dlerror());
    bind_sym(x->dl, "ncclGetLastError", &a->get_last_error);
    return 0;
}

static struct xccl *load(const char *name, const char *gpu, const char *file, struct bbd_err *err)
{
    void *dl = dlopen(file, RTLD_NOW | RTLD_GLOBAL);
    if (dl == NULL)
        return bbd_err_set(err, BBD_EXIT_USAGE, "%s: dlopen(%s): %s", name, file, dlerror()), NULL;
    struct xccl *x = calloc(1, sizeof(*x));
    if (x == NULL) {
        dlclose(dl);
        return bbd_err_sys(err, "calloc", name), NULL;
    }
    x->dl = dl;
    x->name = name;
    x->gpu = gpu;
    snprintf(x->library, sizeof(x->library), "%s", file);
    if (dlsym(dl, "bbd_xccl_standin")) {
        const char *allow = getenv("BBD_TEST_GPU_STANDIN");
        if (allow == NULL || strcmp(allow, "1")) {
            bbd_err_set(
                err, BBD_EXIT_USAGE,
                "%s is the test-only collective stand-in; set BBD_TEST_GPU_STANDIN=1 to use it",
                file);
            xccl_close(x);
            return NULL;
        }
        x->name = x->gpu = "standin";
    }
    if (bind_api(x, err)) {
        xccl_close(x);
        return NULL;
    }
    /* The file the loader really opened (a soname may resolve anywhere). */
    Dl_info info;
    if (dladdr((void *)x->api.get_version, &info) && info.dli_fname)
        snprintf(x->library, sizeof(x->library), "%s", info.dli_fname);
    return x;
}

static struct xccl *open_backend(const struct xccl_backend *b, struct bbd_err *err)
{
    char tried[768] = "";
    for (int i = 0; b->libs[i]; i++) {
        struct xccl *x = load(b->name, b->gpu, b->libs[i], err);
        if (x || err->code != BBD_EXIT_USAGE) return x;
        size_t len = strlen(tried);
        snprintf(tried + len, sizeof(tried) - len, "%s%.300s", len ? "; " : "", err->msg);
    }
    return bbd_err_set(err, BBD_EXIT_USAGE, "%s", tried), NULL;
}

/* --xccl standin: the test-only stand-in beside the running bbd-bench (tests stage it there,
 * so one setting reaches the host and every container). */
static struct xccl *open_standin(struct bbd_err *err)
{
    char file[4096];
    ssize_t n = readlink("/proc/self/exe", file, sizeof(file) - 64);
    if (n < 0) return bbd_err_sys(err, "readlink", "/proc/self/exe"), NULL;
    file[n] = '\0';
    char *slash = strrchr(file, '/');
    snprintf(slash ? slash + 1 : file, 64, "libbbd_test_xccl_standin.so");
    return load("standin", "standin", file, err);
}

struct xccl *xccl_open(const char *want, const char *path, struct bbd_err *err)
{
    if (path == NULL && !strcmp(want, "standin")) return open_standin(err);
    if (path) {
        bool rccl = strstr(path, "rccl") != NULL;
        return load(rccl ? "rccl" : "nccl", rccl ? "hip" : "cuda", path, err);
    }
    bool any = !strcmp(want, "auto");
    char tried[1024] = "";
    for (const struct xccl_backend *b = backends; b->name; b++) {
        if (!any && strcmp(b->name, want)) continue;
        struct xccl *x = open_backend(b, err);
        if (x || err->code != BBD_EXIT_USAGE) return x;
        if (!any) {
            char why[sizeof(err->msg)];
            snprintf(why, sizeof(why), "%s", err->msg);
            return bbd_err_set(err, BBD_EXIT_USAGE, "--xccl %s: library not found: %s", want, why),
                   NULL;
        }
        size_t len = strlen(tried);
        snprintf(tried + len, sizeof(tried) - len, "%s%.400s", len ? "; " : "", err->msg);
    }
    if (any)
        return bbd_err_set(err, BBD_EXIT_USAGE, "--xccl auto: no NCCL or RCCL found (%s)", tried),
               NULL;
    return bbd_err_set(err, BBD_EXIT_USAGE, "--xccl: unknown library '%s'", want), NULL;
}

void xccl_version_string(int code, char *buf, size_t len)
{
    int major, minor, patch;
    if (code >= 20900) {
        major = code / 10000;
        minor = code / 100 % 100;
        patch = code % 100;
    } else {
        major = code / 1000;
        minor = code / 100 % 10;
        patch = code % 100;
    }
    snprintf(buf, len, "%d.%d.%d", major, minor, patch);
}

int xccl_query_version(struct xccl *x, struct bbd_err *err)
{
    int rc = x->api.get_version(&x->version_code);
    if (rc != XCCL_SUCCESS) return xccl_fail(x, NULL, rc, "ncclGetVersion", x->library, err);
    xccl_version_string(x->version_code, x->version, sizeof(x->version));
    return 0;
}

int xccl_fail(const struct xccl *x, xccl_comm comm, int rc, const char *call, const char *obj,
              struct bbd_err *err)
{
    const char *why = x->api.get_error_string ? x->api.get_error_string(rc) : NULL;
    const char *last = x->api.get_last_error ? x->api.get_last_error(comm) : NULL;
    return bbd_err_set(err, BBD_EXIT_ENV, "%s(%s): %s (error %d)%s%s", call, obj ? obj : "",
                       why ? why : "unknown error", rc, last && *last ? ": " : "",
                       last && *last ? last : "");
}

void xccl_close(struct xccl *x)
{
    if (x == NULL) return;
    if (x->dl) dlclose(x->dl);
    free(x);
}
