/* prov_report.c — prov.h: activation, collection, the "opened" vs "carried" analysis, JSON
 * and the one-line summary. */
#include "prov_report_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define AUDIT_LIB "libbbd-prov-audit.so"

/* ---- reading events back ---- */

static char *read_fd(int fd)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    ssize_t n;
    while (buf && (n = pread(fd, buf + len, cap - len - 1, (off_t)len)) > 0) {
        len += (size_t)n;
        if (len + 1 == cap) {
            char *p = realloc(buf, cap *= 2);
            if (p == NULL) free(buf);
            buf = p;
        }
    }
    if (buf) buf[len] = '\0';
    return buf;
}

char *prov_read_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    char *text = read_fd(fd);
    close(fd);
    return text;
}

char *prov_own_events(void)
{
    const char *dir = getenv("BBD_PROV_DIR");
    char path[PATH_MAX], link[PATH_MAX];
    if (dir && dir[0]) {
        snprintf(path, sizeof(path), "%s/%ld.events", dir, (long)getpid());
        if (access(path, R_OK) == 0) return prov_read_file(path);
    }
    /* the audit library's memfd, found by its name among our descriptors */
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    char *text = NULL;
    if (d == NULL) return NULL;
    while (text == NULL && (e = readdir(d)) != NULL) {
        snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(path, link, sizeof(link) - 1);
        if (n <= 0) continue;
        link[n] = '\0';
        if (!strncmp(link, "/memfd:bbd-prov-events", 22)) text = read_fd(atoi(e->d_name));
    }
    closedir(d);
    return text;
}

/* ---- activation ---- */

int prov_audit_path(char *buf, size_t len, struct bbd_err *err)
{
    const char *env = getenv("BBD_PROV_AUDIT");
    char exe[PATH_MAX];
    if (env && env[0]) {
        if (access(env, R_OK) == 0) {
            snprintf(buf, len, "%s", env);
            return 0;
        }
        return bbd_err_sys(err, "access", env);
    }
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0) return bbd_err_sys(err, "readlink", "/proc/self/exe");
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
    /* installed (bin/ + lib/bitbulldozer/), beside the binary, or the build tree */
    static const char *const rel[] = {"/../lib/bitbulldozer/", "/", "/../prov/", "/../src/prov/",
                                      "/../../src/prov/"};
    for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
        snprintf(buf, len, "%s%s%s", exe, rel[i], AUDIT_LIB);
        char real[PATH_MAX];
        if (realpath(buf, real) && access(real, R_OK) == 0) {
            snprintf(buf, len, "%s", real);
            return 0;
        }
    }
    return bbd_err_set(err, BBD_EXIT_ENV,
                       "find(%s): not beside %s (set BBD_PROV_AUDIT to its path)", AUDIT_LIB, exe);
}

int prov_activate(int argc, char **argv, struct bbd_err *err)
{
    (void)argc; /* argv is NULL-terminated, as main() received it */
    char *events = prov_own_events();
    char lib[PATH_MAX], pid[32], *value = NULL;
    if (events) {
        free(events);
        return 0;
    }
    /* exec keeps the pid: a marker naming our own pid means we already re-executed */
    const char *marker = getenv("BBD_PROV_REEXEC");
    snprintf(pid, sizeof(pid), "%ld", (long)getpid());
    if (marker && !strcmp(marker, pid))
        return bbd_err_set(err, BBD_EXIT_ENV,
                           "LD_AUDIT: the loader did not activate the audit library after "
                           "re-exec (its message is above)");
    if (prov_audit_path(lib, sizeof(lib), err) < 0) return -1;
    const char *old = getenv("LD_AUDIT");
    if (asprintf(&value, "%s%s%s", lib, old && old[0] ? ":" : "", old ? old : "") < 0)
        return bbd_err_sys(err, "asprintf", "LD_AUDIT");
    char *saved = old ? strdup(old) : NULL;
    setenv("LD_AUDIT", value, 1);
    setenv("BBD_PROV_REEXEC", pid, 1);
    execv("/proc/self/exe", argv);
    bbd_err_sys(err, "execv", "/proc/self/exe");
    /* not re-executed: leave the environment as it was for what we start later */
    if (saved)
        setenv("LD_AUDIT", saved, 1);
    else
        unsetenv("LD_AUDIT");
    unsetenv("BBD_PROV_REEXEC");
    free(saved);
    free(value);
    return -1;
}

/* ---- collection ---- */

struct prov_report *prov_collect(const struct prov_ctx *ctx, struct bbd_err *err)
{
    struct prov_report *r = calloc(1, sizeof(*r));
    struct prov_snap *s = calloc(1, sizeof(*s));
    if (r == NULL || s == NULL) {
        free(r);
        free(s);
        errno = ENOMEM;
        bbd_err_sys(err, "calloc", "prov_report");
        return NULL;
    }
    prov_snap_init(s);
    r->procs = s;
    r->nprocs = 1;
    char *events = prov_own_events();
    if (events) {
        prov_snap_parse(s, events);
        free(events);
    } else {
        prov_snap_from_loader(s);
    }
    prov_snap_enrich(s, false);
    /* The library's own full text (with "MPICH Device:") wins over the caller's, which may
     * be its first line only. */
    if (ctx && ctx->mpi_version && ctx->mpi_version[0] && s->comp[PROV_MPI].version == NULL) {
        free(s->comp[PROV_MPI].version);
        s->comp[PROV_MPI].version = strdup(ctx->mpi_version);
    }
    r->ranks = ctx ? ctx->ranks : -1;
    r->nodes = ctx ? ctx->nodes : -1;
    prov_analyse(r);
    return r;
}

void prov_free(struct prov_report *r)
{
    if (r == NULL) return;
    for (size_t i = 0; i < r->nprocs; i++)
        prov_snap_free(&r->procs[i]);
    free(r->procs);
    free(r);
}

/* ---- analysis: what was opened, what most likely carried the bytes ---- */

static const char *env_of(const struct prov_snap *s, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < s->nenv; i++)
        if (!strncmp(s->env[i], name, n) && s->env[i][n] == '=') return s->env[i] + n + 1;
    return NULL;
}

static bool truthy(const char *v)
{
    return v && (!strcmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
                 !strcasecmp(v, "on") || !strcasecmp(v, "enable"));
}

/* Is an object whose base name starts with stem loaded (and not unloaded again)? */
static bool open_object(const struct prov_snap *s, const char *stem)
{
    for (size_t i = 0; i < s->nobj; i++) {
        const char *b = strrchr(s->obj[i].path, '/');
        b = b ? b + 1 : s->obj[i].path;
        if (!s->obj[i].closed && !strncmp(b, stem, strlen(stem))) return true;
    }
    return false;
}

/* "Token" after a label in a version text ("MPICH Version:\t4.0.2" -> "4.0.2"). */
static void word_after(const char *text, const char *label, char *buf, size_t len)
{
    const char *p = strstr(text, label);
    buf[0] = '\0';
    if (p == NULL) return;
    p += strlen(label);
    p += strspn(p, " \t:v");
    size_t n = strcspn(p, " \t\n,");
    snprintf(buf, len, "%.*s", (int)n, p);
}

static void parse_mpi(struct prov_report *r, const struct prov_snap *s)
{
    const char *v = s->comp[PROV_MPI].version;
    snprintf(r->mpi_family, sizeof(r->mpi_family), "unknown");
    snprintf(r->mpi_release, sizeof(r->mpi_release), "unknown");
    r->mpi_device[0] = '\0';
    if (v == NULL) return;
    if (strstr(v, "CRAY MPICH")) {
        snprintf(r->mpi_family, sizeof(r->mpi_family), "Cray MPICH");
        word_after(v, "CRAY MPICH version", r->mpi_release, sizeof(r->mpi_release));
    } else if (strstr(v, "MPICH Version")) {
        snprintf(r->mpi_family, sizeof(r->mpi_family), "MPICH");
        word_after(v, "MPICH Version", r->mpi_release, sizeof(r->mpi_release));
        word_after(v, "MPICH Device", r->mpi_device, sizeof(r->mpi_device));
    } else if (strstr(v, "Open MPI")) {
        snprintf(r->mpi_family, sizeof(r->mpi_family), "Open MPI");
        word_after(v, "Open MPI", r->mpi_release, sizeof(r->mpi_release));
        /* Open MPI picks its transport at run time: the components still loaded tell */
        if (open_object(s, "mca_pml_cm") && open_object(s, "mca_mtl_ofi"))
            snprintf(r->mpi_device, sizeof(r->mpi_device), "pml cm, mtl ofi");
        else if (open_object(s, "mca_pml_ucx"))
            snprintf(r->mpi_device, sizeof(r->mpi_device), "pml ucx");
        else if (open_object(s, "mca_pml_ob1"))
            snprintf(r->mpi_device, sizeof(r->mpi_device), "pml ob1");
    } else if (strstr(v, "Intel(R) MPI")) {
        snprintf(r->mpi_family, sizeof(r->mpi_family), "Intel MPI");
        word_after(v, "Library", r->mpi_release, sizeof(r->mpi_release));
    }
    if (!r->mpi_release[0]) snprintf(r->mpi_release, sizeof(r->mpi_release), "unknown");
}

/* A layered provider ("tcp;ofi_rxm") opens its core provider's fabric ("tcp") as well; the
 * layered one is what the application asked for. */
static bool core_of_layered(const struct prov_snap *s, const char *prov)
{
    size_t n = strlen(prov);
    for (size_t i = 0; i < s->nfab; i++)
        if (s->fab[i].opened && !strncmp(s->fab[i].provider, prov, n) &&
            s->fab[i].provider[n] == ';')
            return true;
    return false;
}

/* "tcp;ofi_rxm" or "tcp;ofi_rxm,shm" from the fabrics opened successfully. */
static int providers(const struct prov_snap *s, char *buf, size_t len)
{
    size_t o = 0;
    int n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->nfab; i++) {
        if (s->fab[i].opened == 0 || strstr(buf, s->fab[i].provider) ||
            core_of_layered(s, s->fab[i].provider))
            continue;
        o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s", n++ ? "," : "",
                              s->fab[i].provider);
        if (o >= len) break;
    }
    return n;
}

void prov_analyse(struct prov_report *r)
{
    const struct prov_snap *s = &r->procs[r->main];
    char prov[256];
    int nprov = providers(s, prov, sizeof(prov));
    bool fab_loaded = s->comp[PROV_LIBFABRIC].loaded && !s->comp[PROV_LIBFABRIC].closed;
    bool ucx = s->comp[PROV_UCX].loaded && !s->comp[PROV_UCX].closed;
    bool mpi = s->comp[PROV_MPI].loaded;
    parse_mpi(r, s);
    r->same_node = r->nodes == 1 ? 1 : r->nodes > 1 ? 0 : -1;
    r->libfabric_carries = nprov > 0 ? -1 : 0;
    r->mpi_shm = "n/a";

    if (nprov > 0)
        snprintf(r->opened, sizeof(r->opened), "libfabric provider %s", prov);
    else if (fab_loaded)
        snprintf(r->opened, sizeof(r->opened), "libfabric loaded, no fabric opened%s",
                 s->audited ? "" : " (not audited: opens not seen)");
    else
        snprintf(r->opened, sizeof(r->opened), "libfabric not loaded");
    if (nprov == 0 && !s->audited && fab_loaded) r->libfabric_carries = -1;

    const char *c = NULL;
    char buf[512];
    bool mpich = strstr(r->mpi_family, "MPICH") != NULL;
    if (mpi && r->ranks == 1) {
        c = "nothing (a single rank has no peer)";
    } else if (mpich && strstr(r->mpi_device, "ofi")) {
        bool nolocal =
            truthy(env_of(s, "MPIR_CVAR_NOLOCAL")) || truthy(env_of(s, "MPIR_CVAR_CH4_NOLOCAL"));
        r->mpi_shm = nolocal ? "off" : "on";
        if (nprov == 0) {
            c = "unknown (ch4:ofi but no fabric opened)";
        } else if (nolocal) {
            snprintf(buf, sizeof(buf), "libfabric %s (MPI shared memory off: MPIR_CVAR_NOLOCAL)",
                     prov);
            r->libfabric_carries = 1;
        } else if (r->same_node == 1) {
            c = "MPI shared memory (all peers on one node)";
            r->libfabric_carries = 0;
        } else if (r->same_node == 0) {
            snprintf(buf, sizeof(buf),
                     "libfabric %s between nodes, MPI shared memory within a node", prov);
            r->libfabric_carries = 1;
        } else {
            snprintf(buf, sizeof(buf),
                     "MPI shared memory for peers on this node, libfabric %s for others", prov);
        }
    } else if (mpich && strstr(r->mpi_device, "ucx")) {
        c = "UCX (MPICH ch4:ucx)";
    } else if (!strcmp(r->mpi_family, "Open MPI") && strstr(r->mpi_device, "mtl ofi")) {
        r->mpi_shm = "off";
        if (nprov > 0) {
            snprintf(buf, sizeof(buf), "libfabric %s (Open MPI pml cm, mtl ofi: all peers)", prov);
            r->libfabric_carries = 1;
        } else {
            c = "unknown (Open MPI mtl ofi but no fabric opened)";
        }
    } else if (!strcmp(r->mpi_family, "Open MPI") && strstr(r->mpi_device, "ucx")) {
        c = "UCX (Open MPI pml ucx)";
    } else if (!strcmp(r->mpi_family, "Open MPI") && strstr(r->mpi_device, "ob1")) {
        r->mpi_shm = "on";
        r->libfabric_carries = open_object(s, "mca_btl_ofi") && nprov > 0 ? -1 : 0;
        c = "Open MPI pml ob1 byte transfer layers (shared memory on a node, tcp between nodes)";
    } else if (mpi) {
        c = "unknown (MPI transport not recognised)";
    } else if (nprov > 0) {
        snprintf(buf, sizeof(buf), "libfabric %s", prov);
        r->libfabric_carries = 1;
    } else {
        c = ucx ? "UCX" : "no MPI, no fabric opened";
    }
    snprintf(r->carried, sizeof(r->carried), "%s", c ? c : buf);
}

/* ---- JSON ---- */

/* Opens the component's object and leaves it open: the caller adds what is particular to
 * the component (MPI family, libfabric fabrics) and closes it. */
static void write_component(struct jsonw *w, const struct prov_found *f)
{
    jsonw_obj_begin(w);
    jsonw_kbool(w, "loaded", f->loaded);
    if (f->loaded) {
        jsonw_kbool(w, "unloaded", f->closed);
        jsonw_kstr(w, "path", f->path);
        jsonw_kstr(w, "soname", f->soname);
        jsonw_kstr(w, "version", f->version ? f->version : "unknown");
        jsonw_kstr(w, "origin", f->origin ? f->origin : "unknown");
        jsonw_kstr(w, "host_path", f->host_path);
    }
}

static void write_fabrics(struct jsonw *w, const struct prov_snap *s)
{
    jsonw_key(w, "opened");
    jsonw_arr_begin(w);
    for (size_t i = 0; i < s->nfab; i++) {
        jsonw_obj_begin(w);
        jsonw_kstr(w, "provider", s->fab[i].provider);
        jsonw_kstr(w, "fabric", s->fab[i].fabric);
        jsonw_kint(w, "count", s->fab[i].opened);
        jsonw_kint(w, "failed", s->fab[i].failed);
        jsonw_kbool(w, "core_of_layered", core_of_layered(s, s->fab[i].provider));
        jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
}

static void kint_or_null(struct jsonw *w, const char *key, int v)
{
    jsonw_key(w, key);
    if (v < 0)
        jsonw_null(w);
    else
        jsonw_int(w, v);
}

static void ktri(struct jsonw *w, const char *key, int v)
{
    jsonw_key(w, key);
    if (v < 0)
        jsonw_null(w);
    else
        jsonw_bool(w, v == 1);
}

static void write_processes(struct jsonw *w, const struct prov_report *r)
{
    char prov[256];
    jsonw_key(w, "processes");
    jsonw_arr_begin(w);
    for (size_t i = 0; i < r->nprocs; i++) {
        const struct prov_snap *p = &r->procs[i];
        jsonw_obj_begin(w);
        jsonw_kint(w, "pid", p->pid);
        jsonw_kstr(w, "exe", p->exe);
        jsonw_kstr(w, "hostname", p->hostname);
        jsonw_kbool(w, "complete", p->complete);
        jsonw_kstr(w, "mpi", p->comp[PROV_MPI].loaded ? p->comp[PROV_MPI].path : NULL);
        jsonw_kstr(w, "libfabric_providers", providers(p, prov, sizeof(prov)) ? prov : NULL);
        jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
}

void prov_write_json(const struct prov_report *r, struct jsonw *w)
{
    const struct prov_snap *s = &r->procs[r->main];
    jsonw_obj_begin(w);
    jsonw_kstr(w, "schema", "bbd-prov/1");
    jsonw_kbool(w, "audited", s->audited);
    jsonw_kbool(w, "complete", s->complete);
    jsonw_kstr(w, "warning", s->warning);
    jsonw_kint(w, "pid", s->pid);
    jsonw_kstr(w, "exe", s->exe);
    jsonw_kstr(w, "hostname", s->hostname);
    jsonw_kstr(w, "container", s->container ? s->container : "unknown");
    kint_or_null(w, "ranks", r->ranks);
    kint_or_null(w, "nodes", r->nodes);
    for (int c = 0; c < PROV_COMP_COUNT; c++) {
        jsonw_key(w, prov_comps[c].key);
        write_component(w, &s->comp[c]);
        if (c == PROV_MPI) {
            jsonw_kstr(w, "family", r->mpi_family);
            jsonw_kstr(w, "release", r->mpi_release);
            jsonw_kstr(w, "device", r->mpi_device[0] ? r->mpi_device : NULL);
        }
        if (c == PROV_LIBFABRIC) {
            size_t used = 0;
            for (size_t i = 0; i < s->nfab; i++)
                used += s->fab[i].opened > 0;
            jsonw_kbool(w, "used", used > 0);
            write_fabrics(w, s);
        }
        jsonw_obj_end(w);
    }
    jsonw_key(w, "transport");
    jsonw_obj_begin(w);
    jsonw_kstr(w, "opened", r->opened);
    jsonw_kstr(w, "carried", r->carried);
    ktri(w, "libfabric_carries", r->libfabric_carries);
    ktri(w, "same_node", r->same_node);
    jsonw_kstr(w, "mpi_shared_memory", r->mpi_shm);
    jsonw_obj_end(w);
    jsonw_key(w, "env");
    jsonw_obj_begin(w);
    for (size_t i = 0; i < s->nenv; i++) {
        char *eq = strchr(s->env[i], '=');
        if (eq == NULL) continue;
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)(eq - s->env[i]), s->env[i]);
        jsonw_kstr(w, name, eq + 1);
    }
    jsonw_obj_end(w);
    jsonw_key(w, "objects");
    jsonw_arr_begin(w);
    for (size_t i = 0; i < s->nobj; i++) {
        jsonw_obj_begin(w);
        jsonw_kstr(w, "path", s->obj[i].path);
        jsonw_kbool(w, "unloaded", s->obj[i].closed);
        jsonw_obj_end(w);
    }
    jsonw_arr_end(w);
    if (r->nprocs > 1) write_processes(w, r);
    jsonw_obj_end(w);
}

/* ---- the one-line summary ---- */

struct line {
    char *buf;
    size_t len, o;
};

__attribute__((format(printf, 2, 3))) static void add(struct line *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + (l->o < l->len ? l->o : l->len), l->o < l->len ? l->len - l->o : 0,
                      fmt, ap);
    va_end(ap);
    if (n > 0) l->o += (size_t)n;
}

static const char *ver(const struct prov_found *f)
{
    return f->version ? f->version : "unknown";
}

static void add_origin(struct line *l, const struct prov_found *f)
{
    add(l, " [%s]", f->origin ? f->origin : "unknown");
}

int prov_summary(const struct prov_report *r, char *buf, size_t len)
{
    const struct prov_snap *s = &r->procs[r->main];
    const struct prov_found *mpi = &s->comp[PROV_MPI], *fab = &s->comp[PROV_LIBFABRIC];
    char prov[256];
    struct line l = {buf, len, 0};
    if (buf == NULL || len == 0) return -1;
    buf[0] = '\0';
    if (mpi->loaded) {
        add(&l, "MPI: %s %s", r->mpi_family, r->mpi_release);
        if (r->mpi_device[0]) add(&l, " (%s)", r->mpi_device);
        add(&l, " %s", mpi->path);
        add_origin(&l, mpi);
    } else {
        add(&l, "MPI: not loaded");
    }
    if (fab->loaded) {
        add(&l, "; libfabric %s", ver(fab));
        if (providers(s, prov, sizeof(prov)))
            add(&l, " provider %s opened", prov);
        else
            add(&l, " loaded, no fabric opened");
        add_origin(&l, fab);
    } else {
        add(&l, "; libfabric: not loaded");
    }
    if (s->comp[PROV_UCX].loaded) {
        add(&l, "; UCX %s", ver(&s->comp[PROV_UCX]));
        add_origin(&l, &s->comp[PROV_UCX]);
    }
    add(&l, "; carried: %s", r->carried);
    const struct prov_found *cuda = &s->comp[PROV_CUDART], *hip = &s->comp[PROV_HIP];
    if (cuda->loaded || hip->loaded)
        add(&l, "; GPU: %s %s", cuda->loaded ? "CUDA" : "HIP", ver(cuda->loaded ? cuda : hip));
    else
        add(&l, "; GPU: none");
    for (int c = PROV_NCCL; c <= PROV_RCCL; c++)
        if (s->comp[c].loaded) add(&l, "; %s %s", prov_comps[c].label, ver(&s->comp[c]));
    if (s->comp[PROV_NET_PLUGIN].loaded) add(&l, "; net plugin %s", ver(&s->comp[PROV_NET_PLUGIN]));
    if (s->comp[PROV_GTL].loaded) {
        add(&l, "; GTL: %s", s->comp[PROV_GTL].path);
        add_origin(&l, &s->comp[PROV_GTL]);
    } else {
        add(&l, "; GTL: not loaded");
    }
    if (!s->audited) add(&l, " (not audited)");
    return (int)l.o;
}
