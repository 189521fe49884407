/* ldsearch.c — see ldsearch.h. ld_find() is the loader's search order, step by
 * step, in the order of man ld.so; keep it that way so it can be checked. */
#include "ldsearch.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *ld_how_name(enum ld_how how)
{
    static const char *const names[] = {"path",    "RPATH",       "LD_LIBRARY_PATH",
                                        "RUNPATH", "ld.so.cache", "default dirs"};
    return names[how];
}

const char *const *ld_default_dirs(unsigned machine)
{
    static const char *const x86_64[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                                         "/lib", "/usr/lib", NULL};
    static const char *const aarch64[] = {"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                                          "/lib", "/usr/lib", NULL};
    return machine == EM_AARCH64 ? aarch64 : x86_64;
}

/* Values of the dynamic string tokens ($LIB as Debian's multiarch ld.so sets it). */
static const char *token_lib(unsigned machine)
{
    return machine == EM_AARCH64 ? "lib/aarch64-linux-gnu" : "lib/x86_64-linux-gnu";
}
static const char *token_platform(unsigned machine)
{
    return machine == EM_AARCH64 ? "aarch64" : "x86_64";
}

/* Expand $ORIGIN, $LIB, $PLATFORM (and the ${...} forms) in IN for object REQ. */
static int expand_tokens(const struct ld_env *env, const struct ld_obj *req, const char *in,
                         char *out, size_t size)
{
    char origin[PATH_MAX];
    snprintf(origin, sizeof(origin), "%s", req->path);
    char *slash = strrchr(origin, '/');
    if (slash) *(slash == origin ? slash + 1 : slash) = '\0';
    const struct {
        const char *name, *value;
    } tokens[] = {{"ORIGIN", origin},
                  {"LIB", token_lib(env->machine)},
                  {"PLATFORM", token_platform(env->machine)}};
    size_t o = 0;
    for (const char *p = in; *p;) {
        const char *value = NULL;
        size_t skip = 1;
        for (size_t t = 0; *p == '$' && t < sizeof(tokens) / sizeof(tokens[0]); t++) {
            size_t n = strlen(tokens[t].name);
            if (!strncmp(p + 1, tokens[t].name, n)) {
                value = tokens[t].value;
                skip = 1 + n;
            } else if (p[1] == '{' && !strncmp(p + 2, tokens[t].name, n) && p[2 + n] == '}') {
                value = tokens[t].value;
                skip = 3 + n;
            }
            if (value) break;
        }
        const char *piece = value ? value : p;
        size_t len = value ? strlen(value) : 1;
        if (o + len + 1 > size) return -1;
        memcpy(out + o, piece, len);
        o += len;
        p += skip;
    }
    out[o] = '\0';
    return 0;
}

/* Is the file at host path HOST an ELF64 object for this machine? (ld.so skips others.) */
static bool machine_matches(const struct ld_env *env, const char *host)
{
    unsigned char h[20];
    int fd = open(host, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ssize_t n = read(fd, h, sizeof(h));
    close(fd);
    return n == (ssize_t)sizeof(h) && !memcmp(h, ELFMAG, SELFMAG) && h[EI_CLASS] == ELFCLASS64 &&
           (unsigned)(h[18] | h[19] << 8) == env->machine;
}

/* Try FILE (a view path), then report it as found. */
static int try_file(const struct ld_env *env, const char *file, char canon[PATH_MAX],
                    char host[PATH_MAX])
{
    return view_has_file(env->view, file, canon, PATH_MAX, host, PATH_MAX) &&
           machine_matches(env, host);
}

/* Search the colon-separated directory list DIRS (tokens expanded for REQ). */
static int try_dirs(const struct ld_env *env, const struct ld_obj *req, const char *dirs,
                    const char *name, char canon[PATH_MAX], char host[PATH_MAX])
{
    if (dirs == NULL) return 0;
    for (const char *p = dirs; *p;) {
        size_t n = strcspn(p, ":");
        char dir[PATH_MAX], exp[PATH_MAX], file[PATH_MAX];
        if (n > 0 && n < sizeof(dir)) {
            memcpy(dir, p, n);
            dir[n] = '\0';
            if (!expand_tokens(env, req, dir, exp, sizeof(exp)) && exp[0] == '/' &&
                snprintf(file, sizeof(file), "%s/%s", exp, name) < (int)sizeof(file) &&
                try_file(env, file, canon, host))
                return 1;
        }
        p += n + (p[n] == ':');
    }
    return 0;
}

int ld_find(const struct ld_env *env, const struct ld_closure *c, const struct ld_obj *req,
            const char *name, char canon[PATH_MAX], char host[PATH_MAX], enum ld_how *how,
            struct bbd_err *err)
{
    (void)err;
    /* 0. A name containing a slash is a path (relative ones are relative to the
     *    working directory, which a plan cannot know: they are not found). */
    if (strchr(name, '/')) {
        char exp[PATH_MAX];
        *how = LD_BY_PATH;
        return !expand_tokens(env, req, name, exp, sizeof(exp)) && exp[0] == '/' &&
               try_file(env, exp, canon, host);
    }
    /* 1. DT_RPATH of the requesting object, then of each object that loaded it,
     *    only when the requesting object has no DT_RUNPATH. */
    if (req->elf.runpath == NULL) {
        *how = LD_BY_RPATH;
        for (const struct ld_obj *o = req; o; o = o->loader >= 0 && c ? &c->objs[o->loader] : NULL)
            if (o->elf.runpath == NULL && try_dirs(env, o, o->elf.rpath, name, canon, host))
                return 1;
    }
    /* 2. LD_LIBRARY_PATH. */
    *how = LD_BY_LD_LIBRARY_PATH;
    if (try_dirs(env, req, env->ld_library_path, name, canon, host)) return 1;
    /* 3. DT_RUNPATH of the requesting object only. */
    *how = LD_BY_RUNPATH;
    if (try_dirs(env, req, req->elf.runpath, name, canon, host)) return 1;
    /* -z nodeflib objects stop here. */
    if (req->elf.nodeflib) return 0;
    /* 4. /etc/ld.so.cache. */
    *how = LD_BY_CACHE;
    const char *cached = env->cache ? ldcache_lookup(env->cache, name) : NULL;
    if (cached && try_file(env, cached, canon, host)) return 1;
    /* 5. The default directories. */
    *how = LD_BY_DEFAULT;
    for (const char *const *d = ld_default_dirs(env->machine); *d; d++)
        if (try_dirs(env, req, *d, name, canon, host)) return 1;
    return 0;
}

int ld_obj_open(const struct ld_env *env, const char *path, struct ld_obj *obj, struct bbd_err *err)
{
    memset(obj, 0, sizeof(*obj));
    obj->loader = -1;
    obj->how = LD_BY_PATH;
    if (view_resolve(env->view, path, obj->path, sizeof(obj->path), obj->host, sizeof(obj->host),
                     err))
        return -1;
    if (elf_read(obj->host, &obj->elf, err)) return -1;
    if ((obj->name = strdup(path)) == NULL) {
        elf_free(&obj->elf);
        return bbd_err_sys(err, "strdup", path);
    }
    return 0;
}

void ld_obj_free(struct ld_obj *obj)
{
    free(obj->name);
    elf_free(&obj->elf);
}

const struct ld_obj *ld_closure_by_name(const struct ld_closure *c, const char *name)
{
    for (size_t i = 0; i < c->n_objs; i++) {
        const struct ld_obj *o = &c->objs[i];
        if ((o->elf.soname && !strcmp(o->elf.soname, name)) || !strcmp(o->name, name)) return o;
    }
    return NULL;
}

static const struct ld_obj *by_path(const struct ld_closure *c, const char *path)
{
    for (size_t i = 0; i < c->n_objs; i++)
        if (!strcmp(c->objs[i].path, path)) return &c->objs[i];
    return NULL;
}

static struct ld_obj *append(struct ld_closure *c)
{
    struct ld_obj *v = realloc(c->objs, (c->n_objs + 1) * sizeof(*v));
    if (v == NULL) return NULL;
    c->objs = v;
    return &v[c->n_objs];
}

static int add_missing(struct ld_closure *c, const char *name, int requester)
{
    struct ld_missing *v = realloc(c->missing, (c->n_missing + 1) * sizeof(*v));
    if (v == NULL) return -1;
    c->missing = v;
    if ((v[c->n_missing].name = strdup(name)) == NULL) return -1;
    v[c->n_missing++].requester = requester;
    return 0;
}

int ld_closure_add(const struct ld_env *env, struct ld_closure *c, const char *start,
                   struct bbd_err *err)
{
    struct ld_obj *first = append(c);
    if (first == NULL) return bbd_err_sys(err, "realloc", "closure");
    if (ld_obj_open(env, start, first, err)) return -1;
    if (by_path(c, first->path)) { /* already there */
        ld_obj_free(first);
        return 0;
    }
    for (size_t i = c->n_objs++; i < c->n_objs; i++) {
        for (size_t k = 0; k < c->objs[i].elf.n_needed; k++) {
            const char *name = c->objs[i].elf.needed[k];
            if (ld_closure_by_name(c, name)) continue;
            char canon[PATH_MAX], host[PATH_MAX];
            enum ld_how how;
            int found = ld_find(env, c, &c->objs[i], name, canon, host, &how, err);
            if (found < 0) return -1;
            if (!found) {
                if (add_missing(c, name, (int)i)) return bbd_err_sys(err, "realloc", name);
                continue;
            }
            if (by_path(c, canon)) continue; /* same file under another name */
            struct ld_obj *o = append(c);
            if (o == NULL) return bbd_err_sys(err, "realloc", "closure");
            memset(o, 0, sizeof(*o));
            snprintf(o->path, sizeof(o->path), "%s", canon);
            snprintf(o->host, sizeof(o->host), "%s", host);
            o->loader = (int)i;
            o->how = how;
            if ((o->name = strdup(name)) == NULL) return bbd_err_sys(err, "strdup", name);
            if (elf_read(host, &o->elf, err)) {
                free(o->name);
                return -1;
            }
            c->n_objs++;
        }
    }
    return 0;
}

void ld_closure_free(struct ld_closure *c)
{
    for (size_t i = 0; i < c->n_objs; i++)
        ld_obj_free(&c->objs[i]);
    free(c->objs);
    for (size_t i = 0; i < c->n_missing; i++)
        free(c->missing[i].name);
    free(c->missing);
    memset(c, 0, sizeof(*c));
}
