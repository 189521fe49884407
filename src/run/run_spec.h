/* run_spec.h — what a `bbd run` will do: the matrix and how to launch it.
 *
 * A spec is filled from the embedded default (an INI text), then an optional INI
 * file (`--config`), then command-line options; all three go through the same
 * section/key setter, so a command-line option is exactly an INI line. */
#ifndef BBD_RUN_SPEC_H
#define BBD_RUN_SPEC_H

#include "bbd_err.h"

#include <stdbool.h>

#define RUN_LIST_MAX 16

struct run_list {
    char *item[RUN_LIST_MAX];
    int n;
};

/* The modes that run in a container, in the index order of run_spec.mode_conf. */
enum { RUN_MODE_BASIC, RUN_MODE_BIND, RUN_MODE_HYBRID, RUN_CONTAINER_MODES };

struct run_mode_conf {
    char *image, *image_bench, *exec_args; /* NULL: [container]'s */
};

/* What a container mode runs with: [mode.NAME] where set, else [container]. */
struct run_container {
    const char *image, *image_bench;
    const char *exec_args, *mode_args; /* [container]'s words, then [mode.NAME]'s */
};

struct run_spec {
    /* [matrix] */
    struct run_list modes;      /* native, basic, bind, hybrid */
    struct run_list gtl;        /* off, on */
    struct run_list tests;      /* bbd-bench's test names (src/bench/registry.c) */
    struct run_list placements; /* "H H", "D H", "H D", "D D" */
    bool placements_given;      /* by the config or the command line, not the default */
    char *gtl_library;          /* GTL for gtl=on cells: native LD_PRELOAD, else --host-gtl */
    /* [bench] */
    char *bench;      /* bbd-bench on the host (native mode) */
    char *sizes;      /* MIN:MAX, NULL = bbd-bench's default */
    int iterations;   /* -i, 0 = default */
    int warmup;       /* -x, 0 = default */
    bool validate;    /* -c */
    char *bench_args; /* extra words for bbd-bench */
    double timeout;   /* seconds per cell */
    /* [launcher] */
    char *launcher; /* auto, mpiexec, srun */
    char *mpiexec;  /* program; default mpiexec.mpich when present */
    char *hosts;    /* mpiexec -hosts */
    int ranks;      /* total ranks */
    int nodes;      /* srun -N / sbatch */
    char *srun_mpi; /* pmi2, pmix, cray_shasta */
    char *cpu_bind, *gpu_bind, *gpus_per_task;
    char *launcher_args;                    /* extra words for the launcher */
    char *partition, *account, *time_limit; /* sbatch */
    /* [container] */
    char *runtime;     /* apptainer, singularity, podman, docker, bwrap */
    char *image;       /* image file or root folder */
    char *image_bench; /* bbd-bench inside the image */
    char *bbd;         /* bbd used for `bbd exec` (default: this program) */
    char *exec_args;   /* extra words for `bbd exec` (--bind, --app, --host-mpi ...) */
    /* [mode.basic], [mode.bind], [mode.hybrid]: what differs per mode (another image,
     * a bbd-bench built against that image's MPI, the host stack to inject). */
    struct run_mode_conf mode_conf[RUN_CONTAINER_MODES];
    /* [report] */
    double nic_gbps; /* one NIC's bandwidth, GB/s, for the "beyond one NIC" question */
    double noise;    /* % difference counted as beyond the noise when records have no ci95 */
    char *reference; /* reference figures file (bbd report --reference) */
    char *system;    /* the system's name in that file */
    /* [env]: KEY = VALUE set for every cell */
    struct run_list env; /* "KEY=VALUE" */
};

/* The embedded default matrix: native, 2 ranks, host buffers, latency and bw. Every
 * default of bbd run, import and report is written here, once. */
extern const char run_spec_default_ini[];
#define RUN_DEFAULT_DB "bbd.db"
#define RUN_DEFAULT_OUT "bbd-runs"

void run_spec_init(struct run_spec *s);
/* Initialise s with the embedded default (run_spec_default_ini). */
int run_spec_load_default(struct run_spec *s, struct bbd_err *err);
void run_spec_free(struct run_spec *s);
/* Set one value, as an INI line `[section] key = value` would. */
int run_spec_set(struct run_spec *s, const char *section, const char *key, const char *value,
                 struct bbd_err *err);
/* Parse INI text / an INI file into the spec (later values override earlier ones). */
int run_spec_load_string(struct run_spec *s, const char *text, const char *what,
                         struct bbd_err *err);
int run_spec_load_file(struct run_spec *s, const char *path, struct bbd_err *err);
/* Command-line option `--NAME VALUE`: its INI section/key, or a usage error if unknown. */
int run_spec_set_option(struct run_spec *s, const char *name, const char *value,
                        struct bbd_err *err);
/* Check the values together (modes, tests known; container settings present). */
int run_spec_check(const struct run_spec *s, struct bbd_err *err);
/* The container settings of MODE (basic, bind, hybrid); -1 for native or unknown. */
int run_spec_container(const struct run_spec *s, const char *mode, struct run_container *out);
/* "HD", "h d", "H-D" -> "H D"; -1 if not two of H/D. */
int run_placement_normalise(const char *in, char out[4]);
/* The whole spec as canonical JSON (stored with the run; equal text = same matrix). */
char *run_spec_json(const struct run_spec *s);

#endif
