/* runtime.c — plan_exec(): container runtimes behind one table. Each entry builds
 * the full argument vector; the program is then started with execve (no shell). */
#include "format.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

struct runtime {
    const char *name;
    const char *program;
    int (*argv)(const struct runtime *rt, const struct plan *plan, const char *image_ref,
                struct argv_vec *a, struct bbd_err *err);
};

/* Re-create directory DIR of the image (host path ROOT+DIR) inside bwrap's
 * sandbox: each entry bound read-only, symlinks as symlinks. SKIP lists names
 * that get their own mounts. */
static int bwrap_mirror(const char *root, const char *dir, const char *const *skip,
                        struct argv_vec *a, struct bbd_err *err)
{
    char hdir[PATH_MAX];
    snprintf(hdir, sizeof(hdir), "%s%s", root, dir);
    DIR *d = opendir(hdir);
    if (d == NULL) return bbd_err_sys(err, "opendir", hdir);
    const char *sep = strcmp(dir, "/") ? "/" : "";
    for (struct dirent *e; (e = readdir(d));) {
        bool skipped = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
        for (const char *const *s = skip; s && *s && !skipped; s++)
            skipped = !strcmp(*s, e->d_name);
        if (skipped) continue;
        char host[PATH_MAX + NAME_MAX + 2], target[PATH_MAX];
        snprintf(host, sizeof(host), "%s%s%s", hdir, sep, e->d_name);
        ssize_t n = readlink(host, target, sizeof(target) - 1);
        if (n >= 0) {
            target[n] = '\0';
            argv_push(a, "--symlink");
            argv_push(a, target);
        } else {
            argv_push(a, "--ro-bind");
            argv_push(a, host);
        }
        argv_pushf(a, "%s%s%s", dir, sep, e->d_name);
    }
    closedir(d);
    return 0;
}

/* bwrap cannot create a mount point inside a read-only image directory: for a
 * destination missing from the image, its deepest existing ancestor becomes a
 * tmpfs holding read-only binds of the image's entries (apptainer's "underlay"). */
static int bwrap_underlay(const struct plan *plan, struct argv_vec *a, struct bbd_err *err)
{
    char done[16][PATH_MAX];
    size_t n_done = 0;
    for (size_t i = 0; i < plan->n_binds; i++) {
        char anc[PATH_MAX], host[PATH_MAX];
        struct stat st;
        snprintf(anc, sizeof(anc), "%s", plan->binds[i].dst);
        snprintf(host, sizeof(host), "%s%s", plan->image, anc);
        if (lstat(host, &st) == 0) continue;
        do {
            *strrchr(anc, '/') = '\0';
            snprintf(host, sizeof(host), "%s%s", plan->image, anc);
        } while (anc[0] && lstat(host, &st) < 0);
        if (anc[0] == '\0') continue; /* under / : bwrap's own tmpfs root */
        bool seen = false;
        for (size_t k = 0; k < n_done && !seen; k++)
            seen = !strcmp(done[k], anc);
        if (seen) continue;
        if (n_done == 16) return bbd_err_set(err, BBD_EXIT_USAGE, "too many underlay dirs");
        snprintf(done[n_done++], PATH_MAX, "%s", anc);
        argv_push(a, "--tmpfs");
        argv_push(a, anc);
        if (bwrap_mirror(plan->image, anc, NULL, a, err)) return -1;
    }
    return 0;
}

static int argv_bwrap(const struct runtime *rt, const struct plan *plan, const char *image_ref,
                      struct argv_vec *a, struct bbd_err *err)
{
    (void)image_ref;
    static const char *const own_mounts[] = {"proc", "dev", "tmp", "sys", NULL};
    argv_push(a, rt->program);
    argv_push(a, "--die-with-parent");
    if (bwrap_mirror(plan->image, "/", own_mounts, a, err)) return -1;
    /* As apptainer does by default: the host's /tmp and /dev/shm are shared, so ranks
     * started in separate containers on one node can still use MPI shared memory. */
    const char *const fixed[] = {"--proc",    "/proc",    "--dev",  "/dev", "--bind",
                                 "/dev/shm",  "/dev/shm", "--bind", "/tmp", "/tmp",
                                 "--ro-bind", "/sys",     "/sys",   NULL};
    for (const char *const *f = fixed; *f; f++)
        argv_push(a, *f);
    if (bwrap_underlay(plan, a, err) || format_bwrap_args(plan, a, err)) return -1;
    /* The image is assembled from binds of its folders: tell provenance where they come
     * from, so they are not mistaken for host files (src/prov/prov_mount.h). */
    argv_push(a, "--setenv");
    argv_push(a, "BBD_IMAGE_ROOT");
    argv_push(a, plan->image);
    argv_push(a, "--chdir");
    argv_push(a, "/");
    argv_push(a, "--");
    return 0;
}

static int argv_apptainer(const struct runtime *rt, const struct plan *plan, const char *image_ref,
                          struct argv_vec *a, struct bbd_err *err)
{
    if (format_check_separators(plan, ",:", rt->name, err)) return -1;
    argv_push(a, rt->program);
    argv_push(a, "exec");
    for (size_t i = 0; i < plan->n_binds; i++) {
        argv_push(a, "--bind");
        argv_pushf(a, "%s:%s:ro", plan->binds[i].src, plan->binds[i].dst);
    }
    for (size_t i = 0; i < plan->n_env; i++) {
        argv_push(a, "--env");
        argv_pushf(a, "%s=%s", plan->env[i].name, plan->env[i].value);
    }
    argv_push(a, image_ref ? image_ref : plan->image);
    return 0;
}

static int argv_docker(const struct runtime *rt, const struct plan *plan, const char *image_ref,
                       struct argv_vec *a, struct bbd_err *err)
{
    bool podman = !strcmp(rt->name, "podman");
    if (!podman && image_ref == NULL)
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "docker runs images, not root directories: give --image-ref NAME");
    const char *const head[] = {rt->program, "run", "--rm", "--network=host", "--ipc=host", NULL};
    for (const char *const *h = head; *h; h++)
        argv_push(a, *h);
    if (format_docker_args(plan, a, err)) return -1;
    if (image_ref) {
        argv_push(a, image_ref);
    } else {
        argv_push(a, "--rootfs");
        argv_push(a, plan->image);
    }
    return 0;
}

static const struct runtime runtimes[] = {
    {"bwrap", "bwrap", argv_bwrap},
    {"apptainer", "apptainer", argv_apptainer},
    {"singularity", "singularity", argv_apptainer},
    {"podman", "podman", argv_docker},
    {"docker", "docker", argv_docker},
    {NULL, NULL, NULL},
};

/* PROGRAM's path on $PATH, as execvp would find it (but without a shell fallback). */
static int find_program(const char *program, char path[PATH_MAX])
{
    const char *env = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin";
    for (const char *p = env; *p;) {
        size_t n = strcspn(p, ":");
        if (n > 0 && snprintf(path, PATH_MAX, "%.*s/%s", (int)n, p, program) < PATH_MAX &&
            access(path, X_OK) == 0)
            return 0;
        p += n + (p[n] == ':');
    }
    errno = ENOENT;
    return -1;
}

int plan_exec(const struct plan *plan, const char *runtime, const char *image_ref,
              char *const cmd[], bool dry_run, FILE *out, struct bbd_err *err)
{
    const struct runtime *rt = runtimes;
    while (rt->name && strcmp(rt->name, runtime))
        rt++;
    if (rt->name == NULL)
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "--runtime %s: unknown (bwrap, apptainer, singularity, podman, docker)",
                           runtime);
    struct argv_vec a = {0};
    int rc = rt->argv(rt, plan, image_ref, &a, err);
    for (size_t i = 0; rc == 0 && cmd[i]; i++)
        argv_push(&a, cmd[i]);
    if (rc == 0 && a.oom) rc = bbd_err_sys(err, "realloc", "arguments");
    if (rc == 0 && dry_run) {
        for (size_t i = 0; i < a.n; i++)
            fprintf(out, "%s\n", a.v[i]);
    } else if (rc == 0) {
        char path[PATH_MAX];
        fflush(NULL);
        if (find_program(rt->program, path) == 0) execve(path, a.v, environ);
        rc = bbd_err_sys(err, "execve", rt->program);
    }
    argv_free(&a);
    return rc;
}
