/* imagedir.c — see imagedir.h. */
#include "imagedir.h"

#include "bbd_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int image_entries(const char *root, const char *dir, const char *const *skip, image_entry_fn fn,
                  void *ctx, struct bbd_err *err)
{
    char hdir[PATH_MAX];
    snprintf(hdir, sizeof(hdir), "%s%s", root, dir);
    DIR *d = opendir(hdir);
    if (d == NULL) return bbd_err_sys(err, "opendir", hdir);
    const char *sep = strcmp(dir, "/") ? "/" : "";
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d));) {
        bool skipped = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
        for (const char *const *s = skip; s && *s && !skipped; s++)
            skipped = !strcmp(*s, e->d_name);
        if (skipped) continue;
        char host[PATH_MAX + NAME_MAX + 2], inside[PATH_MAX + NAME_MAX + 2], target[PATH_MAX];
        snprintf(host, sizeof(host), "%s%s%s", hdir, sep, e->d_name);
        snprintf(inside, sizeof(inside), "%s%s%s", dir, sep, e->d_name);
        struct stat st;
        ssize_t n = readlink(host, target, sizeof(target) - 1);
        if (n >= 0) target[n] = '\0';
        struct image_entry ent = {inside, host, n >= 0 ? target : NULL,
                                  n < 0 && lstat(host, &st) == 0 && S_ISDIR(st.st_mode)};
        rc = fn(ctx, &ent);
    }
    closedir(d);
    return rc;
}

/* Is PATH (in the container) absent from the image? */
static bool image_lacks(const struct plan *plan, const char *path)
{
    char host[PATH_MAX];
    struct stat st;
    snprintf(host, sizeof(host), "%s%s", plan->image, path);
    return lstat(host, &st) < 0;
}

int imagedir_missing(const struct plan *plan, char dirs[IMAGEDIR_MAX_UNDERLAYS][PATH_MAX],
                     size_t *n, struct bbd_err *err)
{
    *n = 0;
    for (size_t i = 0; i < plan->n_binds; i++) {
        char anc[PATH_MAX];
        snprintf(anc, sizeof(anc), "%s", plan->binds[i].dst);
        if (!image_lacks(plan, anc)) continue;
        do
            *strrchr(anc, '/') = '\0';
        while (anc[0] && image_lacks(plan, anc));
        if (anc[0] == '\0') continue; /* under / : the runtime's own root */
        bool seen = false;
        for (size_t k = 0; k < *n && !seen; k++)
            seen = !strcmp(dirs[k], anc);
        if (seen) continue;
        if (*n == IMAGEDIR_MAX_UNDERLAYS)
            return bbd_err_set(err, BBD_EXIT_USAGE,
                               "more than %d image directories lack a bind destination",
                               IMAGEDIR_MAX_UNDERLAYS);
        snprintf(dirs[(*n)++], PATH_MAX, "%s", anc);
    }
    return 0;
}

/* A + B into OUT (PATH_MAX bytes); -1 with ENAMETOOLONG when it does not fit. */
static int join(char out[PATH_MAX], const char *a, const char *b)
{
    int n = snprintf(out, PATH_MAX, "%s%s", a, b);
    if (n >= 0 && n < PATH_MAX) return 0;
    errno = ENAMETOOLONG;
    return -1;
}

/* An empty placeholder at PATH: a directory, a file, or the same symlink. */
static int placeholder(const char *path, bool is_dir, const char *link)
{
    if (link) return symlink(link, path) < 0 && errno != EEXIST ? -1 : 0;
    if (is_dir) return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    return fd < 0 ? -1 : close(fd);
}

struct stage_ctx {
    const char *tmp;
    struct bbd_err *err;
};

static int stage_entry(void *ctx, const struct image_entry *e)
{
    const struct stage_ctx *c = ctx;
    char path[PATH_MAX];
    if (join(path, c->tmp, e->inside) || placeholder(path, e->is_dir, e->link))
        return bbd_err_sys(c->err, "placeholder", e->inside);
    return 0;
}

/* FNV-1a: the stage's name says what it holds, so ranks and runs share it. */
static uint64_t fnv(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (h ^ 0x1f) * 1099511628211ULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static int fill_stage(const struct plan *plan, char dirs[][PATH_MAX], size_t n, const char *tmp,
                      struct bbd_err *err)
{
    char path[PATH_MAX];
    struct stage_ctx c = {tmp, err};
    for (size_t d = 0; d < n; d++) {
        if (join(path, tmp, dirs[d])) return bbd_err_sys(err, "mkdir", dirs[d]);
        if (bbd_mkdir_p(path, err)) return -1; /* err names the folder that failed */
        if (image_entries(plan->image, dirs[d], NULL, stage_entry, &c, err)) return -1;
    }
    for (size_t i = 0; i < plan->n_binds; i++) {
        const struct plan_bind *b = &plan->binds[i];
        if (!image_lacks(plan, b->dst)) continue;
        struct stat st;
        bool is_dir = stat(b->src, &st) == 0 && S_ISDIR(st.st_mode);
        if (join(path, tmp, b->dst)) return bbd_err_sys(err, "placeholder", b->dst);
        *strrchr(path, '/') = '\0';
        if (bbd_mkdir_p(path, err)) return -1;
        if (join(path, tmp, b->dst) || placeholder(path, is_dir, NULL))
            return bbd_err_sys(err, "placeholder", b->dst);
    }
    return 0;
}

int imagedir_stage(const struct plan *plan, char dirs[][PATH_MAX], size_t n, char stage[PATH_MAX],
                   struct bbd_err *err)
{
    uint64_t h = fnv(14695981039346656037ULL, plan->image);
    for (size_t d = 0; d < n; d++)
        h = fnv(h, dirs[d]);
    for (size_t i = 0; i < plan->n_binds; i++)
        h = fnv(fnv(h, plan->binds[i].dst), plan->binds[i].src);
    const char *tmpdir = getenv("TMPDIR") && getenv("TMPDIR")[0] == '/' ? getenv("TMPDIR") : "/tmp";
    snprintf(stage, PATH_MAX, "%s/bbd-ch-run-%u-%016llx", tmpdir, (unsigned)getuid(),
             (unsigned long long)h);
    char mark[PATH_MAX + 32], tmp[PATH_MAX + 16];
    struct stat st;
    snprintf(mark, sizeof(mark), "%s/.bbd-complete", stage);
    if (stat(mark, &st) == 0) return 0; /* made before, by this run's other ranks or another */
    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", stage);
    if (mkdtemp(tmp) == NULL) return bbd_err_sys(err, "mkdtemp", tmp);
    snprintf(mark, sizeof(mark), "%s/.bbd-complete", tmp);
    int rc = fill_stage(plan, dirs, n, tmp, err);
    if (rc == 0 && placeholder(mark, false, NULL)) rc = bbd_err_sys(err, "create", mark);
    /* published by rename only when complete; a rank that lost the race uses the winner's */
    if (rc == 0 && rename(tmp, stage) < 0 && errno != EEXIST && errno != ENOTEMPTY)
        rc = bbd_err_sys(err, "rename", stage);
    if (stat(tmp, &st) == 0) nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return rc;
}
