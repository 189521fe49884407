/* runtime.c — plan_exec(): container runtimes behind one table. Each entry builds
 * the full argument vector; the program is then started with execve (no shell). */
#include "format.h"
#include "imagedir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
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
    /* just before execve (NULL: nothing to do) */
    int (*before_exec)(const struct plan *plan, struct bbd_err *err);
};

/* Re-create directory DIR of the image inside bwrap's sandbox: each entry bound
 * read-only, symlinks as symlinks. SKIP lists names that get their own mounts. */
static int bwrap_entry(void *ctx, const struct image_entry *e)
{
    struct argv_vec *a = ctx;
    argv_push(a, e->link ? "--symlink" : "--ro-bind");
    argv_push(a, e->link ? e->link : e->host);
    argv_push(a, e->inside);
    return 0;
}

static int bwrap_mirror(const char *root, const char *dir, const char *const *skip,
                        struct argv_vec *a, struct bbd_err *err)
{
    return image_entries(root, dir, skip, bwrap_entry, a, err);
}

/* bwrap cannot create a mount point inside a read-only image directory: for a
 * destination missing from the image, its deepest existing ancestor becomes a
 * tmpfs holding read-only binds of the image's entries (apptainer's "underlay"). */
static int bwrap_underlay(const struct plan *plan, struct argv_vec *a, struct bbd_err *err)
{
    char dirs[IMAGEDIR_MAX_UNDERLAYS][PATH_MAX];
    size_t n;
    if (imagedir_missing(plan, dirs, &n, err)) return -1;
    for (size_t i = 0; i < n; i++) {
        argv_push(a, "--tmpfs");
        argv_push(a, dirs[i]);
        if (bwrap_mirror(plan->image, dirs[i], NULL, a, err)) return -1;
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

/* podman run keeps descriptors 0-2 only; --preserve-fds=N passes 3..N+2. The highest
 * descriptor a pass-fd variable (PMI_FD) names decides N. */
static int preserve_fds(const struct plan *plan)
{
    int top = 0;
    for (size_t i = 0; i < plan->n_pass_fd; i++) {
        const char *v = getenv(plan->pass_fd[i]);
        char *end;
        long fd = v ? strtol(v, &end, 10) : -1;
        if (v && *end == '\0' && fd >= 3 && fd < 65536 && fd - 2 > top) top = (int)fd - 2;
    }
    return top;
}

/* podman refuses --preserve-fds=N unless every descriptor 3..N+2 is open: the holes below
 * the PMI descriptor get /dev/null, which the program never looks at. */
static int podman_fill_fds(const struct plan *plan, struct bbd_err *err)
{
    int top = preserve_fds(plan) + 2;
    for (int fd = 3; fd <= top; fd++) {
        if (fcntl(fd, F_GETFD) >= 0) continue;
        int null = open("/dev/null", O_RDWR); /* not close-on-exec: podman must see it */
        if (null < 0) return bbd_err_sys(err, "open", "/dev/null");
        if (null != fd && (dup2(null, fd) < 0 || close(null) < 0))
            return bbd_err_sys(err, "dup2", "/dev/null");
    }
    return 0;
}

/* podman and docker: the host's network, IPC and process namespaces, as apptainer has them
 * (MPI ranks in separate containers reach each other's shared memory and CMA). */
static int argv_docker(const struct runtime *rt, const struct plan *plan, const char *image_ref,
                       struct argv_vec *a, struct bbd_err *err)
{
    bool podman = !strcmp(rt->name, "podman");
    if (!podman && image_ref == NULL)
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "docker runs images, not root directories: give --image-ref NAME");
    const char *const head[] = {rt->program,  "run",        "--rm", "--network=host",
                                "--ipc=host", "--pid=host", NULL};
    for (const char *const *h = head; *h; h++)
        argv_push(a, *h);
    int keep = podman ? preserve_fds(plan) : 0;
    if (keep) argv_pushf(a, "--preserve-fds=%d", keep);
    if (format_docker_args(plan, a, err)) return -1;
    if (image_ref) {
        argv_push(a, image_ref);
    } else {
        /* ":O": an overlay over the root, so the mount points runc creates for the binds
         * never land in the image directory itself */
        argv_push(a, "--rootfs");
        argv_pushf(a, "%s:O", plan->image);
    }
    return 0;
}

/* ch-run mounts the image and exactly the -b binds; for destinations the image lacks it
 * gets a staged tree of placeholders (imagedir.h), over which the image's entries of that
 * directory are bound again before the plan's binds. */
struct chrun_ctx {
    struct argv_vec *a;
};

static int chrun_entry(void *ctx, const struct image_entry *e)
{
    const struct chrun_ctx *c = ctx;
    if (e->link) return 0; /* the placeholder is the same symlink */
    argv_push(c->a, "-b");
    argv_pushf(c->a, "%s:%s", e->host, e->inside);
    return 0;
}

static int argv_chrun(const struct runtime *rt, const struct plan *plan, const char *image_ref,
                      struct argv_vec *a, struct bbd_err *err)
{
    (void)image_ref;
    char dirs[IMAGEDIR_MAX_UNDERLAYS][PATH_MAX], stage[PATH_MAX];
    size_t n;
    if (format_check_separators(plan, ":", rt->name, err) || imagedir_missing(plan, dirs, &n, err))
        return -1;
    argv_push(a, rt->program);
    /* Ranks of one node in one container (ch-run --join): sibling user namespaces forbid
     * cross-memory attach and MPI shared memory between them. ch-run counts the peers from
     * Open MPI's or Slurm's variables itself; Hydra's MPI_LOCALNRANKS is told explicitly. */
    const char *hydra = getenv("MPI_LOCALNRANKS");
    if (hydra && atoi(hydra) > 1)
        argv_pushf(a, "--join-ct=%d", atoi(hydra));
    else if (getenv("OMPI_COMM_WORLD_LOCAL_SIZE") || getenv("SLURM_STEP_TASKS_PER_NODE"))
        argv_push(a, "--join");
    if (n && imagedir_stage(plan, dirs, n, stage, err)) return -1;
    struct chrun_ctx c = {a};
    for (size_t i = 0; i < n; i++) {
        argv_push(a, "-b");
        argv_pushf(a, "%s%s:%s", stage, dirs[i], dirs[i]);
        if (image_entries(plan->image, dirs[i], NULL, chrun_entry, &c, err)) return -1;
    }
    for (size_t i = 0; i < plan->n_binds; i++) {
        argv_push(a, "-b");
        argv_pushf(a, "%s:%s", plan->binds[i].src, plan->binds[i].dst);
    }
    /* values as given: no $ expansion by ch-run */
    argv_push(a, "--env-no-expand");
    for (size_t i = 0; i < plan->n_env; i++)
        argv_pushf(a, "--set-env=%s=%s", plan->env[i].name, plan->env[i].value);
    if (n) argv_pushf(a, "--set-env=BBD_IMAGE_ROOT=%s", plan->image);
    argv_push(a, plan->image);
    argv_push(a, "--");
    return 0;
}

static const struct runtime runtimes[] = {
    {"bwrap", "bwrap", argv_bwrap, NULL},
    {"apptainer", "apptainer", argv_apptainer, NULL},
    {"singularity", "singularity", argv_apptainer, NULL},
    {"podman", "podman", argv_docker, podman_fill_fds},
    {"docker", "docker", argv_docker, NULL},
    {"ch-run", "ch-run", argv_chrun, NULL},
    {NULL, NULL, NULL, NULL},
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
                           "--runtime %s: unknown (bwrap, apptainer, singularity, podman, docker, "
                           "ch-run)",
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
        /* ch-run refuses to start without $USER (batch and cron environments lack it) */
        struct passwd *pw = getenv("USER") ? NULL : getpwuid(getuid());
        if (pw) setenv("USER", pw->pw_name, 0);
        if (rt->before_exec && rt->before_exec(plan, err)) {
            rc = -1;
        } else {
            if (find_program(rt->program, path) == 0) execve(path, a.v, environ);
            rc = bbd_err_sys(err, "execve", rt->program);
        }
    }
    argv_free(&a);
    return rc;
}
