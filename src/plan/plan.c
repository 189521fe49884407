/* plan.c — plan_build(): the mode rules.
 *
 * 1. Read what the image's program loads (its closure, in the image's view).
 * 2. Pick the host files the mode replaces: bind -> the host MPI over the image's
 *    MPI; hybrid -> the host libfabric over the image's; +gtl -> the host GTL,
 *    preloaded. Each lands on the image file it replaces (same name the image's
 *    programs ask for), or in the inject dir when the image has none.
 * 3. Follow the dependencies of every injected host file as the image's loader
 *    would: a library the image has and that satisfies every version asked of it
 *    is used from the image; otherwise the host's copy is injected too.
 * 4. Check (checks.h: versions; symcheck.h: symbols; mpiver.h: --abi-check), then add
 *    the profile's paths and environment. */
#include "plan.h"

#include "bbd_time.h"
#include "checks.h"
#include "hostmpi.h"
#include "ldsearch.h"
#include "profile.h"
#include "symcheck.h"

#include <elf.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

extern char **environ;

struct builder {
    const struct plan_opts *o;
    struct plan *p;
    struct profile prof;
    struct fs_view host_view, image_view;
    struct ldcache host_cache, image_cache;
    struct ld_env host, image;
    struct ld_closure img; /* what the image's program loads */
    struct ld_closure inj; /* injected host files: path = where they land, host = source */
    struct {
        int img, inj;
    } replaced[16];
    size_t n_replaced;
    bool uses_inject_dir;
    bool learning; /* binds made now come from the traced run (--learn) */
    struct bbd_err *err;
};

const char *plan_mode_name(enum plan_mode mode)
{
    return mode == PLAN_BIND ? "bind" : mode == PLAN_HYBRID ? "hybrid" : "basic";
}

int plan_mode_parse(const char *name, enum plan_mode *mode)
{
    static const enum plan_mode modes[] = {PLAN_BASIC, PLAN_BIND, PLAN_HYBRID};
    for (size_t i = 0; i < 3; i++)
        if (!strcmp(name, plan_mode_name(modes[i]))) return *mode = modes[i], 0;
    return -1;
}

/* Append a printf-formatted line to a vector of lines (explain, refusal details). */
static void push_line(char ***vec, size_t *n, const char *fmt, va_list ap)
{
    char *line = NULL;
    int len = vasprintf(&line, fmt, ap);
    char **v = len >= 0 ? realloc(*vec, (*n + 1) * sizeof(*v)) : NULL;
    if (v == NULL) {
        free(line);
        return;
    }
    *vec = v;
    v[(*n)++] = line;
}

/* A line of --explain (REFUSAL false) or of a refusal's details (REFUSAL true). */
static void say(struct builder *b, bool refusal, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(struct builder *b, bool refusal, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (refusal)
        push_line(&b->p->refusal, &b->p->n_refusal, fmt, ap);
    else
        push_line(&b->p->explain, &b->p->n_explain, fmt, ap);
    va_end(ap);
}
#define explain(b, ...) say(b, false, __VA_ARGS__)
#define refusal(b, ...) say(b, true, __VA_ARGS__)

static int add_bind(struct builder *b, const char *src, const char *dst, bool named,
                    const char *why)
{
    if (path_check_bind(src, dst, named, b->err)) return -1;
    for (size_t i = 0; i < b->p->n_binds; i++)
        if (!strcmp(b->p->binds[i].dst, dst)) return 0; /* first decision wins */
    struct plan_bind *v = realloc(b->p->binds, (b->p->n_binds + 1) * sizeof(*v));
    if (v == NULL) return bbd_err_sys(b->err, "realloc", "binds");
    b->p->binds = v;
    v[b->p->n_binds++] =
        (struct plan_bind){strdup(src), strdup(dst), strdup(why), b->learning, false};
    return 0;
}

static int push_name(char ***vec, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*vec)[i], name)) return 0;
    char **v = realloc(*vec, (*n + 1) * sizeof(*v));
    if (v == NULL) return -1;
    *vec = v;
    return (v[*n] = strdup(name)) ? ((*n)++, 0) : -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int set_env(struct builder *b, const char *name, const char *value)
{
    for (size_t i = 0; i < b->p->n_env; i++)
        if (!strcmp(b->p->env[i].name, name)) {
            free(b->p->env[i].value);
            b->p->env[i].value = strdup(value);
            return 0;
        }
    struct plan_env *v = realloc(b->p->env, (b->p->n_env + 1) * sizeof(*v));
    if (v == NULL) return bbd_err_sys(b->err, "realloc", "env");
    b->p->env = v;
    v[b->p->n_env++] = (struct plan_env){strdup(name), strdup(value)};
    return 0;
}

/* Inject host file HOST_PATH at DST in the container; returns its index in b->inj. */
static int inject(struct builder *b, const char *host_path, const char *dst, const char *name,
                  const char *why)
{
    if (strchr(dst, ':') || strchr(dst, ','))
        return bbd_err_set(b->err, BBD_EXIT_USAGE,
                           "cannot inject %s at %s: ':' and ',' in container paths break the "
                           "bind and library-path syntax",
                           host_path, dst);
    struct ld_obj o = {.loader = -1, .how = LD_BY_PATH};
    char real[PATH_MAX];
    if (realpath(host_path, real) == NULL) return bbd_err_sys(b->err, "realpath", host_path);
    host_path = real;
    if (elf_read(host_path, &o.elf, b->err)) return -1;
    if (o.elf.machine != b->image.machine) {
        elf_free(&o.elf);
        return bbd_err_set(b->err, BBD_EXIT_FAIL,
                           "refused: host %s is for ELF machine %u, the image's programs for %u",
                           host_path, o.elf.machine, b->image.machine);
    }
    snprintf(o.path, sizeof(o.path), "%s", dst);
    snprintf(o.host, sizeof(o.host), "%s", host_path);
    o.name = strdup(name);
    struct ld_obj *v = realloc(b->inj.objs, (b->inj.n_objs + 1) * sizeof(*v));
    if (v == NULL || o.name == NULL) {
        ld_obj_free(&o);
        return bbd_err_sys(b->err, "realloc", host_path);
    }
    b->inj.objs = v;
    v[b->inj.n_objs] = o;
    if (add_bind(b, host_path, dst, false, why)) return -1;
    explain(b, "%sinject %s -> %s: %s", b->learning ? "learned: " : "", host_path, dst, why);
    return (int)b->inj.n_objs++;
}

/* DST for a host library the image lacks: the inject dir, put on LD_LIBRARY_PATH. */
static void inject_dir_path(struct builder *b, const char *name, char dst[PATH_MAX])
{
    snprintf(dst, PATH_MAX, "%s/%s", b->o->inject_dir, name);
    b->uses_inject_dir = true;
}

/* Does the image file at HOST satisfy every version the injected files ask of NAME? */
static bool image_satisfies(struct builder *b, const char *host, const char *name)
{
    struct elf_info img;
    struct bbd_err ignored;
    if (elf_read(host, &img, &ignored)) return false;
    bool ok = true;
    for (size_t i = 0; i < b->inj.n_objs && ok; i++)
        ok = check_versions("", &b->inj.objs[i].elf, name, "", &img, &ignored) == 0;
    elf_free(&img);
    return ok;
}

/* Step 3 for one library NAME that injected object I needs (its DT_NEEDED, or a name it
 * dlopen'ed in the traced run): from the image when the image has it and its copy
 * satisfies what is asked of it, else the host's copy is injected. */
static int place_dependency(struct builder *b, size_t i, const char *name)
{
    if (ld_closure_by_name(&b->inj, name)) return 0;
    char icanon[PATH_MAX], ihost[PATH_MAX], hcanon[PATH_MAX], hhost[PATH_MAX];
    enum ld_how ihow, hhow;
    int in_image = ld_find(&b->image, NULL, &b->inj.objs[i], name, icanon, ihost, &ihow, b->err);
    struct ld_obj on_host = b->inj.objs[i]; /* the same file, seen on the host */
    snprintf(on_host.path, sizeof(on_host.path), "%s", b->inj.objs[i].host);
    int on_host_found = ld_find(&b->host, NULL, &on_host, name, hcanon, hhost, &hhow, b->err);
    if (in_image < 0 || on_host_found < 0) return -1;
    bool glibc = check_is_glibc(name);
    bool always = profile_host_always(&b->prof, name);
    if (in_image && !always && (glibc ? !b->o->inject_glibc : image_satisfies(b, ihost, name))) {
        explain(b, "skip %s: the image's %s provides it (%s needs it; found by %s)%s", name, icanon,
                b->inj.objs[i].host, ld_how_name(ihow),
                glibc ? "; glibc is checked, not injected" : "");
        return 0;
    }
    if (!on_host_found) {
        if (in_image) return 0; /* the version checks will say what is missing */
        return bbd_err_set(b->err, BBD_EXIT_FAIL,
                           "refused: host %s needs %s, found neither on the host nor in the image "
                           "%s",
                           b->inj.objs[i].host, name, b->o->image);
    }
    char dst[PATH_MAX], why[PATH_MAX + 128];
    if (in_image) {
        snprintf(dst, sizeof(dst), "%s", icanon);
        snprintf(why, sizeof(why), "%s needs %s; %s", b->inj.objs[i].host, name,
                 always  ? "the profile takes it from the host"
                 : glibc ? "--inject-glibc"
                         : "the image's copy lacks a version it needs");
    } else {
        inject_dir_path(b, name, dst);
        snprintf(why, sizeof(why), "%s needs %s; the image has none", b->inj.objs[i].host, name);
    }
    return inject(b, hhost, dst, name, why) < 0 ? -1 : 0;
}

/* Step 3: decide, for each library the injected host files from FROM on need, image or
 * host (the objects injected meanwhile are followed too). */
static int follow_injected(struct builder *b, size_t from)
{
    for (size_t i = from; i < b->inj.n_objs; i++)
        for (size_t k = 0; k < b->inj.objs[i].elf.n_needed; k++)
            if (place_dependency(b, i, b->inj.objs[i].elf.needed[k])) return -1;
    return 0;
}

/* The injected object whose host file is REAL (a real path), -1 if none. */
static int inj_by_host(const struct builder *b, const char *real)
{
    for (size_t i = 0; i < b->inj.n_objs; i++)
        if (!strcmp(b->inj.objs[i].host, real)) return (int)i;
    return -1;
}

static bool elf_needs(const struct elf_info *e, const char *name)
{
    for (size_t i = 0; i < e->n_needed; i++)
        if (!strcmp(e->needed[i], name)) return true;
    return false;
}

/* Where a plugin that injected object K dlopen'ed by the absolute path ASKED lands. Found
 * in the loader's own directory as the loader was named (BY; UCX finds its modules
 * relative to libucs that way), it lands beside where the loader lands (DST), and also at
 * ASKED when the image has that directory; otherwise at ASKED, as in the image (ALSO ""). */
static void learned_dst(struct builder *b, size_t k, const char *asked, const char *by,
                        char dst[PATH_MAX], char also[PATH_MAX])
{
    char dir[PATH_MAX], canon[PATH_MAX], host[PATH_MAX];
    also[0] = '\0';
    snprintf(dir, sizeof(dir), "%s", by);
    char *slash = strrchr(dir, '/');
    size_t n = slash ? (size_t)(slash - dir) + 1 : 0;
    view_canonical(&b->image_view, asked, canon, sizeof(canon));
    if (n && !strncmp(asked, dir, n) && strcmp(b->inj.objs[k].path, b->inj.objs[k].host)) {
        snprintf(dst, PATH_MAX, "%.*s%s",
                 (int)(strrchr(b->inj.objs[k].path, '/') - b->inj.objs[k].path + 1),
                 b->inj.objs[k].path, asked + n);
        snprintf(dir, sizeof(dir), "%s", canon);
        *strrchr(dir, '/') = '\0';
        struct bbd_err ignored;
        if (strcmp(dst, canon) && view_resolve(&b->image_view, dir, host, sizeof(host), host,
                                               sizeof(host), &ignored) == 0)
            snprintf(also, PATH_MAX, "%s", canon);
        return;
    }
    snprintf(dst, PATH_MAX, "%s", canon);
}

/* Step 3b: what the traced native run loaded (bbd plan --learn). An object dlopen'ed by a
 * host file the plan injects is part of the host stack the mode brings in: it is injected
 * too, with its own dependencies (step 3) and checks. Objects loaded as the dependencies
 * of injected files were placed by step 3 already; the others belong to the image side. */
static int add_learned(struct builder *b)
{
    const struct plan_learned *l = b->o->learned;
    size_t n = b->o->n_learned, first_new = b->inj.n_objs, planned = 0, added = 0;
    if (n == 0) return 0;
    bool *done = calloc(n, sizeof(*done));
    if (done == NULL) return bbd_err_sys(b->err, "calloc", "learned objects");
    b->learning = true;
    int rc = 0;
    for (bool changed = true; changed && rc == 0;) { /* plugins of plugins: until stable */
        changed = false;
        for (size_t i = 0; i < n && rc == 0; i++) {
            char real[PATH_MAX], by[PATH_MAX], dst[PATH_MAX], also[PATH_MAX], why[3 * PATH_MAX];
            if (done[i]) continue;
            if (l[i].path == NULL || realpath(l[i].path, real) == NULL || l[i].asked == NULL ||
                l[i].by == NULL || realpath(l[i].by, by) == NULL) {
                done[i] = true; /* the vDSO, a file gone since, or nobody known to have asked */
                continue;
            }
            int k = inj_by_host(b, by);
            if (inj_by_host(b, real) >= 0 ||
                (k >= 0 && elf_needs(&b->inj.objs[k].elf, l[i].asked))) {
                done[i] = true;
                planned++;
                continue;
            }
            if (k < 0) continue; /* not (yet) asked for by a host file of the plan */
            done[i] = changed = true;
            const char *base = strrchr(real, '/') + 1;
            if (check_is_glibc(base)) {
                explain(b, "skip %s: glibc is checked, not injected", real);
                continue;
            }
            added++;
            if (!strchr(l[i].asked, '/')) { /* dlopen("libfoo.so.1"): searched as a dependency */
                rc = place_dependency(b, (size_t)k, l[i].asked);
                continue;
            }
            learned_dst(b, (size_t)k, l[i].asked, l[i].by, dst, also);
            snprintf(why, sizeof(why), "dlopen'ed by host %s (as %s) in the traced run",
                     b->inj.objs[k].host, l[i].asked);
            const char *name = strrchr(l[i].asked, '/') + 1;
            if (inject(b, real, dst, name, why) < 0 ||
                (also[0] && inject(b, real, also, name, why) < 0))
                rc = -1;
        }
    }
    if (rc == 0) rc = follow_injected(b, first_new);
    b->learning = false;
    b->p->learned.objects = n;
    b->p->learned.added = b->inj.n_objs - first_new;
    if (rc == 0)
        explain(b,
                "learned: the traced run loaded %zu objects: %zu already in the plan or placed as "
                "dependencies of host files, %zu dlopen'ed by host files of the plan (%zu files "
                "injected with their dependencies), %zu of the image side",
                n, planned, added, b->p->learned.added, n - planned - added);
    free(done);
    return rc;
}

/* Step 4a: versions every injected file asks of any library must be there. */
static int check_host_versions(struct builder *b)
{
    char cdesc[PATH_MAX + 16], pdesc[2 * PATH_MAX + 32];
    for (size_t i = 0; i < b->inj.n_objs; i++) {
        const struct ld_obj *x = &b->inj.objs[i];
        snprintf(cdesc, sizeof(cdesc), "host %s", x->host);
        for (size_t k = 0; k < x->elf.n_verneed; k++) {
            const char *file = x->elf.verneed[k].file;
            const struct ld_obj *prov = ld_closure_by_name(&b->inj, file);
            if (prov) {
                snprintf(pdesc, sizeof(pdesc), "host %s", prov->host);
                if (check_versions(cdesc, &x->elf, file, pdesc, &prov->elf, b->err)) return -1;
                continue;
            }
            char canon[PATH_MAX], host[PATH_MAX];
            enum ld_how how;
            int found = ld_find(&b->image, NULL, x, file, canon, host, &how, b->err);
            if (found < 0) return -1;
            if (!found)
                return bbd_err_set(b->err, BBD_EXIT_FAIL,
                                   "refused: %s needs %s, which the image %s does not have", cdesc,
                                   file, b->o->image);
            struct elf_info img;
            if (elf_read(host, &img, b->err)) return -1;
            snprintf(pdesc, sizeof(pdesc), "the image's %s", canon);
            int rc = check_versions(cdesc, &x->elf, file, pdesc, &img, b->err);
            elf_free(&img);
            if (rc) return -1;
        }
    }
    return 0;
}

/* Step 4c: image objects keep asking the replaced files for the versions they asked the
 * originals for. */
static int check_replaced_versions(struct builder *b)
{
    char cdesc[PATH_MAX + 16], pdesc[2 * PATH_MAX + 32];
    for (size_t r = 0; r < b->n_replaced; r++) {
        const struct ld_obj *orig = &b->img.objs[b->replaced[r].img];
        const struct ld_obj *host = &b->inj.objs[b->replaced[r].inj];
        const char *file = orig->elf.soname ? orig->elf.soname : orig->name;
        snprintf(pdesc, sizeof(pdesc), "host %s (replacing %s)", host->host, orig->path);
        for (size_t j = 0; j < b->img.n_objs; j++) {
            snprintf(cdesc, sizeof(cdesc), "image %s", b->img.objs[j].path);
            if (check_versions(cdesc, &b->img.objs[j].elf, file, pdesc, &host->elf, b->err))
                return -1;
        }
    }
    return 0;
}

#define SYM_LIST_MAX 20 /* missing symbols listed one per line, then a count */

/* The highest version PROVIDER (a host file) defines of VERSION's kind, for messages. */
static void version_hint(const struct builder *b, const char *provider, const char *symbol,
                         char *out, size_t len)
{
    out[0] = '\0';
    const char *at = strchr(symbol, '@');
    for (size_t i = 0; at && i < b->inj.n_objs; i++) {
        const struct elf_info *e = &b->inj.objs[i].elf;
        if (strcmp(b->inj.objs[i].host, provider) || elf_defines_version(e, at + 1)) continue;
        char prefix[64];
        snprintf(prefix, sizeof(prefix), "%.*s", (int)strcspn(at + 1, "0123456789"), at + 1);
        const char *top = elf_highest_version(e, prefix);
        snprintf(out, len, "; the host file defines versions only up to %s", top ? top : "(none)");
        return;
    }
}

/* Step 4b: every symbol an image object bound to a replaced file must still be defined. */
static int check_symbols(struct builder *b)
{
    struct sym_report rep;
    if (symcheck_run(&b->img, &b->inj, &rep, b->err)) return -1;
    b->p->symbols = (struct plan_symbols){rep.n_pairs, rep.n_consumers, rep.n_refs, rep.n_elsewhere,
                                          rep.n_missing - rep.n_strong};
    if (rep.n_pairs == 0) {
        symcheck_free(&rep);
        return 0;
    }
    explain(b,
            "symbol check: %zu replaced librar%s, %zu image object%s, %zu reference%s bound to "
            "the replaced files: %zu missing, %zu answered by another object after the "
            "replacement",
            rep.n_pairs, rep.n_pairs == 1 ? "y" : "ies", rep.n_consumers,
            rep.n_consumers == 1 ? "" : "s", rep.n_refs, rep.n_refs == 1 ? "" : "s", rep.n_strong,
            rep.n_elsewhere);
    for (size_t i = rep.n_strong; i < rep.n_missing && i < rep.n_strong + SYM_LIST_MAX; i++)
        explain(b,
                "weak reference %s of image %s is not defined by host %s: reported, not refused "
                "(it stays NULL)",
                rep.missing[i].symbol, rep.missing[i].consumer, rep.missing[i].provider);
    int rc = 0;
    if (rep.n_strong) {
        const struct sym_missing *m = &rep.missing[0];
        char hint[128];
        for (size_t i = 0; rep.n_strong > 1 && i < rep.n_strong && i < SYM_LIST_MAX; i++) {
            version_hint(b, rep.missing[i].provider, rep.missing[i].symbol, hint, sizeof(hint));
            refusal(
                b, "missing symbol %s: needed by image %s, not defined by host %s (replacing %s)%s",
                rep.missing[i].symbol, rep.missing[i].consumer, rep.missing[i].provider,
                rep.missing[i].replaced, hint);
        }
        if (rep.n_strong > SYM_LIST_MAX)
            refusal(b, "... and %zu more missing symbols", rep.n_strong - SYM_LIST_MAX);
        version_hint(b, m->provider, m->symbol, hint, sizeof(hint));
        rc = bbd_err_set(b->err, BBD_EXIT_FAIL,
                         "refused: %zu symbol%s the image binds to the replaced %s %s missing from "
                         "host %s: %s (needed by image %s)%s%s",
                         rep.n_strong, rep.n_strong == 1 ? "" : "s", m->replaced,
                         rep.n_strong == 1 ? "is" : "are", m->provider, m->symbol, m->consumer,
                         hint, rep.n_strong > 1 ? "; all listed below" : "");
    }
    symcheck_free(&rep);
    return rc;
}

/* The image object whose soname (or asked name) matches glob PATTERN, -1 if none. */
static int image_obj_matching(const struct builder *b, const char *pattern)
{
    for (size_t i = 0; i < b->img.n_objs; i++) {
        const struct ld_obj *o = &b->img.objs[i];
        if (!fnmatch(pattern, o->name, 0) || (o->elf.soname && !fnmatch(pattern, o->elf.soname, 0)))
            return (int)i;
    }
    return -1;
}

static int image_mpi(const struct builder *b)
{
    static const char *const patterns[] = {"libmpi.so.*", "libmpich.so.*", "libmpi_cray.so.*",
                                           NULL};
    for (const char *const *p = patterns; *p; p++) {
        int i = image_obj_matching(b, *p);
        if (i >= 0) return i;
    }
    return -1;
}

/* Replace image object IMG with host file HOST_PATH, bound over the image's file. */
static int replace(struct builder *b, int img, const char *host_path, const char *what)
{
    char why[PATH_MAX + 128];
    snprintf(why, sizeof(why), "%s: replaces the image's %s (asked for as %s)", what,
             b->img.objs[img].path, b->img.objs[img].name);
    int k = inject(b, host_path, b->img.objs[img].path, b->img.objs[img].name, why);
    if (k < 0) return -1;
    if (b->n_replaced == sizeof(b->replaced) / sizeof(b->replaced[0]))
        return bbd_err_set(b->err, BBD_EXIT_USAGE, "too many replaced libraries");
    b->replaced[b->n_replaced].img = img;
    b->replaced[b->n_replaced++].inj = k;
    return 0;
}

/* What MPI file FILE (read at HOST) says it is. */
static int read_mpi(struct builder *b, struct plan_mpi *pm, const char *file, const char *host)
{
    snprintf(pm->path, sizeof(pm->path), "%s", file);
    bool deep = b->o->describe || b->o->abi_check != ABI_MAJOR;
    if (mpi_version_read(host, file, deep, &pm->v, b->err)) return -1;
    pm->known = true;
    return 0;
}

/* The MPI versions of bind mode, read from both files, and the --abi-check policy. */
static int check_mpi_versions(struct builder *b, int img, const char *host_path)
{
    char real[PATH_MAX], ht[256], it[256], why[512];
    if (realpath(host_path, real) == NULL) return bbd_err_sys(b->err, "realpath", host_path);
    const struct ld_obj *o = &b->img.objs[img];
    if (read_mpi(b, &b->p->mpi_image, o->path, o->host) || read_mpi(b, &b->p->mpi_host, real, real))
        return -1;
    mpi_version_text(&b->p->mpi_image.v, it, sizeof(it));
    mpi_version_text(&b->p->mpi_host.v, ht, sizeof(ht));
    explain(b, "MPI versions: image %s: %s; host %s: %s", o->path, it, real, ht);
    if (mpi_version_check(b->o->abi_check, &b->p->mpi_host.v, real, &b->p->mpi_image.v, o->path,
                          why, sizeof(why), b->err))
        return -1;
    explain(b, "%s", why);
    return 0;
}

static int rules_bind(struct builder *b)
{
    char path[PATH_MAX], how[PATH_MAX + 64];
    if (host_find_mpi(&b->host, b->o->host_mpi, path, how, sizeof(how), b->err) <= 0) return -1;
    explain(b, "host MPI %s: %s", path, how);
    int img = image_mpi(b);
    if (img < 0)
        return bbd_err_set(b->err, BBD_EXIT_FAIL,
                           "refused: bind mode: no MPI library (libmpi.so.N / libmpich.so.N) "
                           "among what the image's program loads in %s",
                           b->o->image);
    struct elf_info h;
    if (elf_read(path, &h, b->err)) return -1;
    const char *base = strrchr(path, '/') + 1;
    int rc = check_mpi_abi(
        path, h.soname ? h.soname : base, b->img.objs[img].path,
        b->img.objs[img].elf.soname ? b->img.objs[img].elf.soname : b->img.objs[img].name, b->err);
    elf_free(&h);
    if (rc || check_mpi_versions(b, img, path) || replace(b, img, path, "host MPI")) return -1;
    if (b->o->host_fabric) { /* an explicit libfabric also replaces the image's */
        int fab = image_obj_matching(b, "libfabric.so.*");
        if (host_find_fabric(&b->host, b->o->host_fabric, path, how, sizeof(how), b->err) <= 0)
            return -1;
        if (fab >= 0 && replace(b, fab, path, "host libfabric")) return -1;
    }
    return 0;
}

static int rules_hybrid(struct builder *b)
{
    int mpi = image_mpi(b), fab = image_obj_matching(b, "libfabric.so.*");
    if (mpi >= 0) { /* the image's MPI stays: its version is reported, not checked */
        char it[256];
        const struct ld_obj *o = &b->img.objs[mpi];
        if (read_mpi(b, &b->p->mpi_image, o->path, o->host)) return -1;
        mpi_version_text(&b->p->mpi_image.v, it, sizeof(it));
        explain(b, "MPI version: image %s: %s (kept)", o->path, it);
    }
    if (fab < 0)
        return bbd_err_set(b->err, BBD_EXIT_FAIL,
                           "refused: hybrid mode: the image's program loads no libfabric.so.N in "
                           "%s (its MPI does not use libfabric); nothing to replace",
                           b->o->image);
    char path[PATH_MAX], how[PATH_MAX + 64];
    if (host_find_fabric(&b->host, b->o->host_fabric, path, how, sizeof(how), b->err) <= 0)
        return -1;
    explain(b, "host libfabric %s: %s", path, how);
    return replace(b, fab, path, "host libfabric");
}

static int rules_gtl(struct builder *b)
{
    char path[PATH_MAX], how[PATH_MAX + 64], dst[PATH_MAX];
    if (host_find_gtl(&b->host, b->o->host_gtl, path, how, sizeof(how), b->err) <= 0) return -1;
    explain(b, "host GTL %s: %s", path, how);
    inject_dir_path(b, strrchr(path, '/') + 1, dst);
    if (strpbrk(dst, " \t")) /* ld.so splits LD_PRELOAD at blanks as well as at ':' */
        return bbd_err_set(b->err, BBD_EXIT_USAGE,
                           "--gtl: cannot preload %s: LD_PRELOAD splits at blanks (choose an "
                           "--inject-dir without them)",
                           dst);
    if (inject(b, path, dst, strrchr(path, '/') + 1, "GTL, preloaded so MPI accepts GPU buffers") <
        0)
        return -1;
    return set_env(b, "LD_PRELOAD", dst) || set_env(b, "MPICH_GPU_SUPPORT_ENABLED", "1");
}

/* Programs looked for in the image when --app is not given. */
static const char *const default_apps[] = {
    "/usr/local/bin/bbd-bench", "/opt/bitbulldozer/bin/bbd-bench", "/usr/bin/bbd-bench", NULL};

/* Step 1: the image's closure, from --app or bbd-bench; failing those, the image's
 * MPI and libfabric as its ld.so.cache names them. */
static int image_closure(struct builder *b)
{
    char canon[PATH_MAX], host[PATH_MAX];
    if (b->o->app) {
        explain(b, "image program %s (--app)", b->o->app);
        return ld_closure_add(&b->image, &b->img, b->o->app, b->err);
    }
    for (const char *const *a = default_apps; *a; a++)
        if (view_has_file(&b->image_view, *a, canon, sizeof(canon), host, sizeof(host))) {
            explain(b, "image program %s", *a);
            return ld_closure_add(&b->image, &b->img, *a, b->err);
        }
    static const char *const names[] = {"libmpi.so.12", "libmpich.so.12", "libmpi.so.40",
                                        "libfabric.so.1", NULL};
    struct ld_obj none = {.path = "/", .loader = -1};
    explain(b, "no bbd-bench in the image and no --app: using the image's ld.so.cache");
    for (const char *const *n = names; *n; n++) {
        enum ld_how how;
        int found = ld_find(&b->image, NULL, &none, *n, canon, host, &how, b->err);
        if (found < 0 || (found && ld_closure_add(&b->image, &b->img, canon, b->err))) return -1;
        if (found)
            free(b->img.objs[b->img.n_objs - 1].name),
                b->img.objs[b->img.n_objs - 1].name = strdup(*n);
    }
    return 0;
}

/* A device node (or directory of them) bound as a device. */
static int add_device(struct builder *b, const char *path, const char *why)
{
    if (add_bind(b, path, path, true, why)) return -1;
    for (size_t i = 0; i < b->p->n_binds; i++)
        if (!strcmp(b->p->binds[i].dst, path)) b->p->binds[i].device = true;
    return 0;
}

/* One bind/device/bind-env line of a profile, when what it names is on this host. */
static int apply_profile_bind(struct builder *b, const struct profile_bind *pb)
{
    char why[PATH_MAX];
    struct stat st;
    snprintf(why, sizeof(why), "profile %s", pb->origin);
    if (pb->kind == PROFILE_DEVICE) {
        glob_t g;
        int rc = glob(pb->src, 0, NULL, &g);
        if (rc == GLOB_NOMATCH)
            explain(b, "skip %s: no such device here (%s)", pb->src, pb->origin);
        for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++) {
            if ((rc = add_device(b, g.gl_pathv[i], why)) == 0)
                explain(b, "device %s: %s", g.gl_pathv[i], why);
        }
        if (rc != GLOB_NOMATCH) globfree(&g);
        return rc == GLOB_NOMATCH ? 0 : rc;
    }
    const char *src = pb->src, *dst = pb->dst;
    if (pb->kind == PROFILE_BIND_ENV) {
        const char *v = getenv(pb->src);
        if (v == NULL || v[0] != '/') {
            explain(b, "skip $%s: not set to a path (%s)", pb->src, pb->origin);
            return 0;
        }
        struct bbd_err refused;
        if (path_check_bind(v, v, true, &refused)) { /* the launcher's value, not the profile's */
            explain(b, "skip $%s=%s: %s (%s)", pb->src, v, refused.msg, pb->origin);
            return 0;
        }
        src = dst = v;
    }
    if (stat(src, &st) < 0) {
        explain(b, "skip %s: not on this host (%s)", src, pb->origin);
        return 0;
    }
    if (add_bind(b, src, dst, true, why)) return -1;
    explain(b, "bind %s -> %s: %s", src, dst, why);
    return 0;
}

/* DIR with ${VAR} expanded into OUT; false when a variable is unset. */
static bool expand_vars(const char *dir, char *out, size_t len)
{
    size_t o = 0;
    for (const char *p = dir; *p && o + 1 < len;) {
        if (p[0] == '$' && p[1] == '{' && strchr(p, '}')) {
            char name[256];
            size_t n = (size_t)(strchr(p, '}') - p - 2);
            snprintf(name, sizeof(name), "%.*s", (int)n, p + 2);
            const char *v = getenv(name);
            if (v == NULL) return false;
            o += (size_t)snprintf(out + o, len - o, "%s", v);
            p += n + 3;
        } else {
            out[o++] = *p++;
        }
    }
    out[o < len ? o : len - 1] = '\0';
    return o < len;
}

/* The launcher's variables the profile forwards, present now (for podman/docker). */
static int collect_forwards(struct builder *b)
{
    for (char **e = environ; *e; e++) {
        size_t n = strcspn(*e, "=");
        char name[256];
        if (n == 0 || n >= sizeof(name)) continue;
        snprintf(name, sizeof(name), "%.*s", (int)n, *e);
        bool match = false;
        for (size_t i = 0; i < b->prof.n_forward && !match; i++)
            match = !fnmatch(b->prof.forward[i], name, 0);
        if (match && push_name(&b->p->forward, &b->p->n_forward, name)) return -1;
    }
    if (b->p->n_forward > 1) qsort(b->p->forward, b->p->n_forward, sizeof(*b->p->forward), cmp_str);
    for (size_t i = 0; i < b->prof.n_pass_fd; i++)
        if (push_name(&b->p->pass_fd, &b->p->n_pass_fd, b->prof.pass_fd[i])) return -1;
    return 0;
}

/* Step 4b: the profile's paths (when on this host) and environment. */
static int apply_profile(struct builder *b)
{
    for (size_t i = 0; i < b->prof.n_binds; i++)
        if (apply_profile_bind(b, &b->prof.binds[i])) return -1;
    if (b->prof.mpi_prefix && b->o->mode == PLAN_BIND && b->n_replaced > 0) {
        char prefix[PATH_MAX];
        snprintf(prefix, sizeof(prefix), "%s", b->inj.objs[b->replaced[0].inj].host);
        *strrchr(prefix, '/') = '\0'; /* PREFIX/lib[/TRIPLET]/libmpi.so -> PREFIX */
        if (!fnmatch("*-linux-gnu*", strrchr(prefix, '/') + 1, 0)) *strrchr(prefix, '/') = '\0';
        *strrchr(prefix, '/') = '\0';
        struct bbd_err why;
        if (prefix[0] && path_check_bind(prefix, prefix, true, &why) == 0) {
            if (add_bind(b, prefix, prefix, true, "the host MPI's prefix (profile mpi-prefix)"))
                return -1;
            explain(b, "bind %s: the host MPI's prefix", prefix);
        } else {
            explain(b, "skip the host MPI's prefix %s: %s", prefix[0] ? prefix : "/",
                    prefix[0] ? why.msg : "it is the root");
        }
    }
    for (size_t i = 0; i < b->prof.n_env; i++) {
        char *eq = strchr(b->prof.env[i], '=');
        *eq = '\0';
        int rc = set_env(b, b->prof.env[i], eq + 1);
        *eq = '=';
        if (rc) return -1;
    }
    return collect_forwards(b);
}

/* LD_LIBRARY_PATH in the container: the inject dir first, then what a profile set, then
 * the profiles' ld-path directories that are on this host. */
static int finish_ld_path(struct builder *b)
{
    char path[8192] = "", dir[PATH_MAX];
    struct stat st;
    size_t n = 0;
    const char *prev = NULL;
    for (size_t i = 0; i < b->p->n_env; i++)
        if (!strcmp(b->p->env[i].name, "LD_LIBRARY_PATH")) prev = b->p->env[i].value;
    const char *parts[2] = {b->uses_inject_dir ? b->o->inject_dir : NULL, prev};
    for (size_t i = 0; i < 2; i++)
        if (parts[i] && parts[i][0] && n < sizeof(path))
            n += (size_t)snprintf(path + n, sizeof(path) - n, "%s%s", n ? ":" : "", parts[i]);
    for (size_t i = 0; i < b->prof.n_ld_path; i++) {
        if (!expand_vars(b->prof.ld_path[i], dir, sizeof(dir)) || stat(dir, &st) < 0) {
            explain(b, "skip ld-path %s: a variable is unset or the directory is not on this host",
                    b->prof.ld_path[i]);
            continue;
        }
        if (n < sizeof(path))
            n += (size_t)snprintf(path + n, sizeof(path) - n, "%s%s", n ? ":" : "", dir);
        explain(b, "ld-path %s: on the container's LD_LIBRARY_PATH", dir);
    }
    if (n >= sizeof(path))
        return bbd_err_set(b->err, BBD_EXIT_USAGE, "LD_LIBRARY_PATH of the plan too long");
    return n && (prev == NULL || strcmp(prev, path)) ? set_env(b, "LD_LIBRARY_PATH", path) : 0;
}

/* launcher.profile (every mode, optional), <mode>.profile, gtl.profile, then --site and
 * --profile files. */
static int load_profiles(struct builder *b)
{
    char path[PATH_MAX];
    struct stat st;
    const char *names[3] = {"launcher", plan_mode_name(b->o->mode), b->o->gtl ? "gtl" : NULL};
    for (int i = 0; i < 3 && b->o->profile_dir; i++) {
        if (names[i] == NULL) continue;
        snprintf(path, sizeof(path), "%s/%s.profile", b->o->profile_dir, names[i]);
        if (i == 0 && stat(path, &st) < 0) continue;
        if (profile_load(path, &b->prof, b->err)) return -1;
    }
    for (size_t i = 0; i < b->o->n_extra_profiles; i++)
        if (profile_load(b->o->extra_profiles[i], &b->prof, b->err)) return -1;
    return 0;
}

static int setup_views(struct builder *b)
{
    const struct plan_opts *o = b->o;
    struct stat st;
    if (o->image == NULL || o->image[0] != '/')
        return bbd_err_set(b->err, BBD_EXIT_USAGE,
                           "--image %s: must be an absolute path to an unpacked image root",
                           o->image ? o->image : "(missing)");
    if (stat(o->image, &st) < 0)
        return bbd_err_set(b->err, BBD_EXIT_USAGE, "--image %s: stat: %s", o->image,
                           strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return bbd_err_set(b->err, BBD_EXIT_USAGE,
                           "--image %s: not a directory (give an unpacked image root: an "
                           "apptainer sandbox or an exported root file system)",
                           o->image);
    b->host_view = (struct fs_view){NULL, NULL, 0};
    b->image_view = (struct fs_view){o->image, o->user_binds, o->n_user_binds};
    /* The image's cache as its ld.so opens it: an absolute symlink stays in the image; one
     * that cannot be opened (missing, a symlink loop) is no cache, for ld.so as here. */
    char cache[PATH_MAX], canon[PATH_MAX];
    struct bbd_err no_cache;
    bool have_cache = view_resolve(&b->image_view, "/etc/ld.so.cache", canon, sizeof(canon), cache,
                                   sizeof(cache), &no_cache) == 0;
    if (ldcache_load("/etc/ld.so.cache", EM_X86_64, &b->host_cache, b->err) ||
        (have_cache && ldcache_load(cache, EM_X86_64, &b->image_cache, b->err)))
        return -1;
    b->host = (struct ld_env){&b->host_view, &b->host_cache, o->host_ld_library_path, EM_X86_64};
    b->image = (struct ld_env){&b->image_view, &b->image_cache, NULL, EM_X86_64};
    return 0;
}

static int build(struct builder *b)
{
    const struct plan_opts *o = b->o;
    if (setup_views(b) || load_profiles(b)) return -1;
    for (size_t i = 0; i < o->n_user_binds; i++)
        if (add_bind(b, o->user_binds[i].src, o->user_binds[i].dst, false, "--bind")) return -1;
    if (o->mode == PLAN_BASIC) {
        if (o->gtl) return bbd_err_set(b->err, BBD_EXIT_USAGE, "--gtl needs --mode bind or hybrid");
        explain(b, "basic: the image as built, nothing injected");
        return apply_profile(b) || finish_ld_path(b) ? -1 : 0;
    }
    if (image_closure(b)) return -1;
    if ((o->mode == PLAN_BIND ? rules_bind(b) : rules_hybrid(b)) || (o->gtl && rules_gtl(b)) ||
        follow_injected(b, 0) || add_learned(b) || check_host_versions(b) || check_symbols(b) ||
        check_replaced_versions(b) || apply_profile(b) || finish_ld_path(b))
        return -1;
    return 0;
}

int plan_build(const struct plan_opts *opts, struct plan *out, struct bbd_err *err)
{
    double t0 = bbd_monotonic_s();
    memset(out, 0, sizeof(*out));
    out->mode = opts->mode;
    out->gtl = opts->gtl;
    out->abi_check = opts->abi_check;
    out->image = strdup(opts->image ? opts->image : "");
    struct plan_opts o = *opts;
    if (o.inject_dir == NULL) o.inject_dir = PLAN_DEFAULT_INJECT_DIR;
    struct builder b = {.o = &o, .p = out, .err = err};
    int rc = path_is_clean_abs(o.inject_dir) && !strchr(o.inject_dir, ':')
                 ? build(&b)
                 : bbd_err_set(err, BBD_EXIT_USAGE,
                               "--inject-dir %s: must be a clean absolute path without ':'",
                               o.inject_dir);
    profile_free(&b.prof);
    ldcache_free(&b.host_cache);
    ldcache_free(&b.image_cache);
    ld_closure_free(&b.img);
    ld_closure_free(&b.inj);
    out->elapsed_ms = (bbd_monotonic_s() - t0) * 1e3;
    return rc;
}

void plan_free(struct plan *plan)
{
    free(plan->image);
    for (size_t i = 0; i < plan->n_binds; i++) {
        free(plan->binds[i].src);
        free(plan->binds[i].dst);
        free(plan->binds[i].why);
    }
    free(plan->binds);
    for (size_t i = 0; i < plan->n_env; i++) {
        free(plan->env[i].name);
        free(plan->env[i].value);
    }
    free(plan->env);
    for (size_t i = 0; i < plan->n_explain; i++)
        free(plan->explain[i]);
    free(plan->explain);
    for (size_t i = 0; i < plan->n_refusal; i++)
        free(plan->refusal[i]);
    free(plan->refusal);
    for (size_t i = 0; i < plan->n_forward; i++)
        free(plan->forward[i]);
    free(plan->forward);
    for (size_t i = 0; i < plan->n_pass_fd; i++)
        free(plan->pass_fd[i]);
    free(plan->pass_fd);
    memset(plan, 0, sizeof(*plan));
}
