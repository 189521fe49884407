/* run_launch.h — turning a cell into the command that runs it.
 *
 * launcher prefix (mpiexec or srun, a table of backends)
 *   + container wrapper (`bbd exec --mode M [--gtl] --image I --runtime R --`, not for native)
 *   + bbd-bench TEST [options] --json - A B
 * and `--sbatch`: a batch script that runs the same `bbd run` inside an allocation. */
#ifndef BBD_RUN_LAUNCH_H
#define BBD_RUN_LAUNCH_H

#include "run_argv.h"
#include "run_matrix.h"
#include "run_spec.h"

struct run_launcher {
    const char *name;
    /* Append the launcher's own words, up to (not including) the program it starts. */
    int (*prefix)(const struct run_spec *s, struct run_argv *out, struct bbd_err *err);
};

/* The launcher named by the spec; "auto" is srun inside a Slurm allocation
 * (SLURM_JOB_ID set), mpiexec otherwise. */
const struct run_launcher *run_launcher_pick(const struct run_spec *s, struct bbd_err *err);

/* The full command of one cell. `self` is the bbd program used for `bbd exec`;
 * `bench` is bbd-bench on the host (native mode). */
int run_cell_command(const struct run_spec *s, const struct run_launcher *l,
                     const struct run_cell *c, const char *self, const char *bench,
                     struct run_argv *out, struct bbd_err *err);

/* Environment added for a cell (GTL on: MPICH_GPU_SUPPORT_ENABLED=1; [env] settings). */
int run_cell_env(const struct run_spec *s, const struct run_cell *c, struct run_argv *env,
                 struct bbd_err *err);

/* Write a batch script that re-runs `run_argv` (the bbd run command without --sbatch)
 * under sbatch; the cells' srun lines are listed in it as comments. */
int run_sbatch_write(const struct run_spec *s, const char *path, const struct run_argv *run_cmd,
                     const struct run_cell *cells, int n_cells, const char *self, const char *bench,
                     struct bbd_err *err);

/* Refuse, before anything runs, what bbd-bench would refuse in any cell: its words
 * (sizes, iterations, [bench] bench_args, placement letters) are parsed by bbd-bench's own
 * option parser and checked against the rank count; and a gtl_library must exist.
 * 0, or -1 with err (BBD_EXIT_USAGE) naming the test, the placement and the reason. */
int run_cells_check(const struct run_spec *s, const struct run_cell *cells, int n,
                    struct bbd_err *err);

/* First executable called `name` in PATH (or `name` itself if it holds a '/'); NULL if none. */
char *run_which(const char *name);

#endif
