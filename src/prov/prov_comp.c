/* prov_comp.c — component table and version queries. Every query looks a symbol up in an
 * object that is already loaded, so provenance never loads a library itself. */
#include "prov_comp.h"

#include "bbd_netplugin.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A version text is kept only when it looks like one: printable, not empty. */
static int keep_text(const char *s, char *buf, size_t len)
{
    size_t n = 0;
    if (s == NULL) return -1;
    for (; s[n] && n + 1 < len; n++) {
        unsigned char c = (unsigned char)s[n];
        if (c < 0x20 && c != '\n' && c != '\t') return -1;
        buf[n] = (char)c;
    }
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    return n > 0 ? 0 : -1;
}

/* Calls an `int f(int *)` version function (CUDA, HIP, NCCL style); -1 unless it returns 0
 * and a positive value. */
static int int_version(prov_sym_fn sym, void *handle, const char *name, int *v)
{
    int (*fn)(int *) = (int (*)(int *))sym(handle, name);
    *v = 0;
    if (fn == NULL || fn(v) != 0 || *v <= 0) return -1;
    return 0;
}

static int mpi_version(prov_sym_fn sym, void *handle, char *buf, size_t len)
{
    /* Larger than MPICH's MPI_MAX_LIBRARY_VERSION_STRING (8192) and Open MPI's (256). */
    static char text[8192 + 64];
    int n = 0;
    int (*fn)(char *, int *) = (int (*)(char *, int *))sym(handle, "MPI_Get_library_version");
    if (fn == NULL) return -1;
    memset(text, 0, sizeof(text));
    if (fn(text, &n) != 0) return -1;
    text[sizeof(text) - 1] = '\0';
    return keep_text(text, buf, len);
}

static int fabric_version(prov_sym_fn sym, void *handle, char *buf, size_t len)
{
    uint32_t (*fn)(void) = (uint32_t(*)(void))sym(handle, "fi_version");
    if (fn == NULL) return -1;
    uint32_t v = fn();
    /* fi_version() tells major.minor only (FI_VERSION(FI_MAJOR, FI_MINOR)). */
    if (v == 0 || (v >> 16) > 100) return -1;
    snprintf(buf, len, "%u.%u", v >> 16, v & 0xffffu);
    return 0;
}

static int ucx_version(prov_sym_fn sym, void *handle, char *buf, size_t len)
{
    const char *(*fn)(void) = (const char *(*)(void))sym(handle, "ucp_get_version_string");
    return fn ? keep_text(fn(), buf, len) : -1;
}

/* CUDA encodes 1000*major + 10*minor. */
static int cuda_style(prov_sym_fn sym, void *handle, const char *name, char *buf, size_t len)
{
    int v;
    if (int_version(sym, handle, name, &v) < 0 || v < 1000) return -1;
    snprintf(buf, len, "%d.%d", v / 1000, (v % 1000) / 10);
    return 0;
}

static int cudart_version(prov_sym_fn sym, void *handle, char *buf, size_t len)
{
    return cuda_style(sym, handle, "cudaRuntimeGetVersion", buf, len);
}

static int cuda_driver_version(prov_sym_fn sym, void *handle, char *buf, size_t len)
{
    return cuda_style(sym, handle, "cuDriverGetVersion", buf, len);
}

static int hip_version(prov_sym_fn sym, void *handle, char *buf, size_t len)
{
    int v; /* HIP_VERSION: major*10000000 + minor*100000 + patch */
    if (int_version(sym, handle, "hipRuntimeGetVersion", &v) < 0 || v < 10000000) return -1;
    snprintf(buf, len, "%d.%d.%d", v / 10000000, (v / 100000) % 100, v % 100000);
    return 0;
}

static int nccl_version(prov_sym_fn sym, void *handle, char *buf, size_t len)
{
    int v; /* NCCL >= 2.9: major*10000 + minor*100 + patch; before: major*1000 + minor*100 */
    if (int_version(sym, handle, "ncclGetVersion", &v) < 0) return -1;
    if (v >= 10000)
        snprintf(buf, len, "%d.%d.%d", v / 10000, (v % 10000) / 100, v % 100);
    else
        snprintf(buf, len, "%d.%d.%d", v / 1000, (v % 1000) / 100, v % 100);
    return 0;
}

/* A net plugin has no version call; its exported ncclNet_vN table starts with its name. */
static int net_plugin_version(prov_sym_fn sym, void *handle, char *buf, size_t len)
{
    char table_name[32], name[128];
    for (int api = 10; api >= 2; api--) {
        snprintf(table_name, sizeof(table_name), "ncclNetPlugin_v%d", api);
        const char *const *table = sym(handle, table_name);
        if (table == NULL || keep_text(*table, name, sizeof(name)) < 0) continue;
        snprintf(buf, len, "%s (ncclNet v%d)", name, api);
        return 0;
    }
    return -1;
}

static const char *const mpi_stems[] = {"libmpi", "libmpich", "libmpi_cray", NULL};
static const char *const fabric_stems[] = {"libfabric", NULL};
static const char *const ucx_stems[] = {"libucp", NULL};
static const char *const cudart_stems[] = {"libcudart", NULL};
static const char *const cuda_stems[] = {"libcuda", NULL};
static const char *const hip_stems[] = {"libamdhip64", NULL};
static const char *const nccl_stems[] = {"libnccl", NULL};
static const char *const rccl_stems[] = {"librccl", NULL};
static const char *const gtl_stems[] = {"libmpi_gtl_", NULL};
static const char *const cxi_stems[] = {"libcxi", NULL};

const struct prov_comp prov_comps[PROV_COMP_COUNT] = {
    [PROV_MPI] = {"mpi", "MPI", mpi_stems, false, true, mpi_version},
    [PROV_LIBFABRIC] = {"libfabric", "libfabric", fabric_stems, false, true, fabric_version},
    [PROV_UCX] = {"ucx", "UCX", ucx_stems, false, true, ucx_version},
    [PROV_CUDART] = {"cuda_runtime", "CUDA", cudart_stems, false, true, cudart_version},
    [PROV_CUDA_DRIVER] = {"cuda_driver", "CUDA driver", cuda_stems, false, true,
                          cuda_driver_version},
    [PROV_HIP] = {"hip", "HIP", hip_stems, false, false, hip_version},
    [PROV_NCCL] = {"nccl", "NCCL", nccl_stems, false, true, nccl_version},
    [PROV_RCCL] = {"rccl", "RCCL", rccl_stems, false, true, nccl_version},
    [PROV_NET_PLUGIN] = {"net_plugin", "net plugin", bbd_net_plugin_prefixes, true, true,
                         net_plugin_version},
    [PROV_GTL] = {"gtl", "GTL", gtl_stems, true, true, NULL},
    [PROV_LIBCXI] = {"libcxi", "libcxi", cxi_stems, false, true, NULL},
};

int prov_comp_match(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (bbd_is_net_plugin(base)) return PROV_NET_PLUGIN;
    for (int id = 0; id < PROV_COMP_COUNT; id++) {
        for (const char *const *s = prov_comps[id].stems; *s; s++) {
            size_t n = strlen(*s);
            if (strncmp(base, *s, n) != 0) continue;
            /* whole stem: the name goes on with ".so" (libcuda.so.1, not libcudart.so) */
            if (prov_comps[id].prefix || !strncmp(base + n, ".so", 3)) return id;
        }
    }
    return -1;
}

int prov_comp_by_key(const char *key)
{
    for (int id = 0; id < PROV_COMP_COUNT; id++)
        if (!strcmp(prov_comps[id].key, key)) return id;
    return -1;
}
