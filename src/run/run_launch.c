#include "run_launch.h"

#include "options.h"
#include "registry.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PUSH(a, s)                                                                                 \
    do {                                                                                           \
        if (run_argv_push((a), (s)) < 0) goto oom;                                                 \
    } while (0)
#define PUSHF(a, ...)                                                                              \
    do {                                                                                           \
        if (run_argv_pushf((a), __VA_ARGS__) < 0) goto oom;                                        \
    } while (0)

char *run_which(const char *name)
{
    if (strchr(name, '/')) return access(name, X_OK) == 0 ? strdup(name) : NULL;
    const char *path = getenv("PATH");
    if (path == NULL) path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path; *p;) {
        size_t len = strcspn(p, ":");
        char *cand = NULL;
        if (asprintf(&cand, "%.*s/%s", (int)len, p, name) < 0) return NULL;
        if (len && access(cand, X_OK) == 0) return cand;
        free(cand);
        p += len + (p[len] == ':');
    }
    return NULL;
}

/* Open MPI's mpiexec takes --host and refuses more ranks than cores without --oversubscribe;
 * Hydra (MPICH, Cray PALS-less sites) takes -hosts. Tell them apart by the resolved file. */
static int mpiexec_is_openmpi(const char *prog)
{
    char *path = run_which(prog);
    char real[PATH_MAX];
    int ompi = 0;
    if (path && realpath(path, real))
        ompi = strstr(real, "openmpi") || strstr(real, "orterun") || strstr(real, "prterun");
    free(path);
    return ompi;
}

static int mpiexec_prefix(const struct run_spec *s, struct run_argv *out, struct bbd_err *err)
{
    char *found = s->mpiexec ? NULL : run_which("mpiexec.mpich");
    const char *prog = s->mpiexec ? s->mpiexec : found ? found : "mpiexec";
    int ompi = mpiexec_is_openmpi(prog);
    PUSH(out, prog);
    PUSH(out, "-n");
    PUSHF(out, "%d", s->ranks);
    if (s->hosts) {
        PUSH(out, ompi ? "--host" : "-hosts");
        PUSH(out, s->hosts);
    }
    if (ompi) PUSH(out, "--oversubscribe");
    if (run_argv_push_words(out, s->launcher_args) < 0) goto oom;
    free(found);
    return 0;
oom:
    free(found);
    return bbd_err_set(err, BBD_EXIT_ENV, "mpiexec command: out of memory");
}

static int srun_prefix(const struct run_spec *s, struct run_argv *out, struct bbd_err *err)
{
    PUSH(out, "srun");
    PUSHF(out, "--mpi=%s", s->srun_mpi ? s->srun_mpi : "pmi2");
    PUSHF(out, "--nodes=%d", s->nodes ? s->nodes : 1);
    PUSHF(out, "--ntasks=%d", s->ranks);
    /* One failed rank must end the cell, not leave its partner waiting until the timeout. */
    PUSH(out, "--kill-on-bad-exit=1");
    if (s->cpu_bind) PUSHF(out, "--cpu-bind=%s", s->cpu_bind);
    if (s->gpu_bind) PUSHF(out, "--gpu-bind=%s", s->gpu_bind);
    if (s->gpus_per_task) PUSHF(out, "--gpus-per-task=%s", s->gpus_per_task);
    if (run_argv_push_words(out, s->launcher_args) < 0) goto oom;
    return 0;
oom:
    return bbd_err_set(err, BBD_EXIT_ENV, "srun command: out of memory");
}

static const struct run_launcher launchers[] = {
    {"mpiexec", mpiexec_prefix},
    {"srun", srun_prefix},
};

const struct run_launcher *run_launcher_pick(const struct run_spec *s, struct bbd_err *err)
{
    const char *name = s->launcher ? s->launcher : "auto";
    if (!strcmp(name, "auto")) name = getenv("SLURM_JOB_ID") ? "srun" : "mpiexec";
    for (size_t i = 0; i < sizeof(launchers) / sizeof(launchers[0]); i++)
        if (!strcmp(launchers[i].name, name)) return &launchers[i];
    bbd_err_set(err, BBD_EXIT_USAGE, "launcher '%s': unknown (mpiexec, srun, auto)", name);
    return NULL;
}

static int bench_words(const struct run_spec *s, const struct run_cell *c, const char *bench,
                       struct run_argv *out)
{
    PUSH(out, bench);
    PUSH(out, c->test);
    if (s->sizes && run_argv_push(out, "-m") < 0) goto oom;
    if (s->sizes) PUSH(out, s->sizes);
    if (s->iterations && run_argv_push(out, "-i") < 0) goto oom;
    if (s->iterations) PUSHF(out, "%d", s->iterations);
    if (s->warmup && run_argv_push(out, "-x") < 0) goto oom;
    if (s->warmup) PUSHF(out, "%d", s->warmup);
    if (s->validate) PUSH(out, "-c");
    /* bbd-bench's own timeout ends a hung MPI run a little before ours does, with its reason. */
    if (s->timeout > 10 && run_argv_push(out, "--timeout") < 0) goto oom;
    if (s->timeout > 10) PUSHF(out, "%.0f", s->timeout - 5);
    if (run_argv_push_words(out, s->bench_args) < 0) goto oom;
    PUSH(out, "--json");
    PUSH(out, "-");
    if (c->info == NULL || c->info->letters) { /* the xccl tests take none: always D D */
        PUSHF(out, "%c", c->placement[0]);
        PUSHF(out, "%c", c->placement[2]);
    }
    return 0;
oom:
    return -1;
}

int run_cell_command(const struct run_spec *s, const struct run_launcher *l,
                     const struct run_cell *c, const char *self, const char *bench,
                     struct run_argv *out, struct bbd_err *err)
{
    if (l->prefix(s, out, err) < 0) return -1;
    struct run_container ct;
    if (run_spec_container(s, c->mode, &ct) == 0) {
        PUSH(out, s->bbd ? s->bbd : self);
        PUSH(out, "exec");
        PUSH(out, "--mode");
        PUSH(out, c->mode);
        if (c->gtl) PUSH(out, "--gtl");
        if (c->gtl && s->gtl_library) {
            PUSH(out, "--host-gtl");
            PUSH(out, s->gtl_library);
        }
        PUSH(out, "--image");
        PUSH(out, ct.image);
        PUSH(out, "--runtime");
        PUSH(out, s->runtime ? s->runtime : "apptainer");
        if (run_argv_push_words(out, ct.exec_args) < 0 ||
            run_argv_push_words(out, ct.mode_args) < 0)
            goto oom;
        PUSH(out, "--");
        bench = ct.image_bench;
    }
    if (bench_words(s, c, bench, out) < 0) goto oom;
    return 0;
oom:
    return bbd_err_set(err, BBD_EXIT_ENV, "cell %s command: out of memory", c->key);
}

int run_cell_env(const struct run_spec *s, const struct run_cell *c, struct run_argv *env,
                 struct bbd_err *err)
{
    for (int i = 0; i < s->env.n; i++)
        PUSH(env, s->env.item[i]);
    /* In native mode nothing else turns GPU support on, nor loads a GTL that the MPI is not
     * linked with; in containers `bbd exec --gtl` does both. */
    if (c->gtl && !strcmp(c->mode, "native")) {
        PUSH(env, "MPICH_GPU_SUPPORT_ENABLED=1");
        if (s->gtl_library) {
            const char *set = NULL;
            for (int i = 0; i < s->env.n; i++)
                if (!strncmp(s->env.item[i], "LD_PRELOAD=", 11)) set = s->env.item[i] + 11;
            if (set == NULL) set = getenv("LD_PRELOAD");
            PUSHF(env, "LD_PRELOAD=%s%s%s", s->gtl_library, set && *set ? ":" : "", set ? set : "");
        }
    }
    return 0;
oom:
    return bbd_err_set(err, BBD_EXIT_ENV, "cell %s environment: out of memory", c->key);
}

int run_sbatch_write(const struct run_spec *s, const char *path, const struct run_argv *run_cmd,
                     const struct run_cell *cells, int n_cells, const char *self, const char *bench,
                     struct bbd_err *err)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) return bbd_err_sys(err, "fopen", path);
    int nodes = s->nodes ? s->nodes : 1;
    fprintf(f, "#!/bin/bash\n# Written by `bbd run --sbatch`: submit with `sbatch %s`.\n", path);
    fprintf(f, "#SBATCH --job-name=bbd-run\n#SBATCH --nodes=%d\n", nodes);
    fprintf(f, "#SBATCH --ntasks-per-node=%d\n", (s->ranks + nodes - 1) / nodes);
    if (s->partition) fprintf(f, "#SBATCH --partition=%s\n", s->partition);
    if (s->account) fprintf(f, "#SBATCH --account=%s\n", s->account);
    if (s->time_limit) fprintf(f, "#SBATCH --time=%s\n", s->time_limit);
    if (s->gpus_per_task) fprintf(f, "#SBATCH --gpus-per-task=%s\n", s->gpus_per_task);
    fprintf(f, "#SBATCH --output=bbd-run-%%j.out\nset -euo pipefail\n");
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd))) fprintf(f, "cd '%s'\n", cwd);
    for (int i = 0; i < s->env.n; i++)
        fprintf(f, "export '%s'\n", s->env.item[i]);
    fprintf(f, "\n# The %d cells bbd run will start with srun inside this allocation:\n", n_cells);
    struct run_spec srun_spec = *s;
    srun_spec.launcher = "srun";
    const struct run_launcher *l = run_launcher_pick(&srun_spec, err);
    for (int i = 0; l && i < n_cells; i++) {
        struct run_argv a;
        run_argv_init(&a);
        if (run_cell_command(s, l, &cells[i], self, bench, &a, err) == 0) {
            fputs("#   ", f);
            run_argv_print(&a, f);
        }
        run_argv_free(&a);
    }
    fputs("\nexec ", f);
    run_argv_print(run_cmd, f);
    if (fclose(f) != 0) return bbd_err_sys(err, "fclose", path);
    if (chmod(path, 0755) < 0) return bbd_err_sys(err, "chmod", path);
    return 0;
}

int run_cells_check(const struct run_spec *s, const struct run_cell *cells, int n,
                    struct bbd_err *err)
{
    struct stat st;
    if (s->gtl_library && (s->gtl_library[0] != '/' || stat(s->gtl_library, &st) < 0))
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "[matrix] gtl_library %s: not an absolute path to an existing file",
                           s->gtl_library);
    for (int i = 0; i < n; i++) {
        const struct run_cell *c = &cells[i];
        bool seen = false; /* modes and GTL do not change the words: each test x placement once */
        for (int j = 0; j < i && !seen; j++)
            seen = cells[j].info == c->info && !strcmp(cells[j].placement, c->placement);
        if (seen) continue;
        struct run_argv a;
        run_argv_init(&a);
        struct bench_opts o;
        struct bbd_err why = {0};
        int rc = bench_words(s, c, "bbd-bench", &a);
        if (rc == 0 &&
            (opts_parse(a.n, a.v, &o, &why) < 0 || opts_check_ranks(&o, s->ranks, &why) < 0))
            rc = bbd_err_set(err, BBD_EXIT_USAGE, "%s %s: bbd-bench would refuse its options: %s",
                             c->test, c->placement, why.msg);
        else if (rc < 0)
            bbd_err_set(err, BBD_EXIT_ENV, "cell %s: out of memory", c->key);
        run_argv_free(&a);
        if (rc < 0) return -1;
    }
    return 0;
}
