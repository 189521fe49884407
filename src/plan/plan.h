/* plan.h — the interface of bbd plan / bbd exec (src/plan).
 *
 * plan_build() works out which host files a container needs for a mode (basic,
 * bind, hybrid, +gtl), where each must land in the image, which environment to set,
 * and refuses plans that would fail at run time. plan_write() renders a plan for a
 * container runtime; plan_exec() runs a command with it (execve, no shell). */
#ifndef BBD_PLAN_H
#define BBD_PLAN_H

#include "bbd_err.h"
#include "mpiver.h"
#include "rootfs.h"

#include <limits.h>

#include <stdbool.h>
#include <stdio.h>

enum plan_mode { PLAN_BASIC, PLAN_BIND, PLAN_HYBRID };

/* One object a traced native run loaded (bbd plan --learn, bbd probe --plan-out). */
struct plan_learned {
    const char *path;  /* as the loader named it */
    const char *asked; /* the DT_NEEDED name or dlopen argument, NULL when unknown */
    const char *by;    /* the object that asked for it, NULL when unknown */
};

struct plan_opts {
    enum plan_mode mode;
    bool gtl;          /* add the host GTL via LD_PRELOAD, MPICH_GPU_SUPPORT_ENABLED=1 */
    bool inject_glibc; /* allow host glibc to be injected instead of refusing */
    const char *image; /* unpacked image root directory on the host */
    const char *app;   /* program in the image whose libraries count; NULL: bbd-bench */
    const char *host_mpi, *host_fabric, *host_gtl; /* file or prefix; NULL: discover */
    const char *inject_dir;                        /* where host files absent from the image land */
    const char *host_ld_library_path;              /* the host loader's LD_LIBRARY_PATH */
    const char *profile_dir;                       /* holds <mode>.profile and gtl.profile */
    const char *const *extra_profiles;             /* user profiles, applied after the mode's */
    size_t n_extra_profiles;
    const struct fs_bind *user_binds; /* --bind SRC:DST, part of the container's view */
    size_t n_user_binds;
    enum abi_check abi_check;           /* bind mode's MPI version policy (default major) */
    const struct plan_learned *learned; /* what a traced run loaded: dlopen'ed host plugins */
    size_t n_learned;
    bool describe; /* the plan is shown (--explain, JSON): also read versions that cost ms */
};

struct plan_bind {
    char *src; /* host path */
    char *dst; /* path in the container */
    char *why;
    bool learned; /* added because the traced run loaded it (--learn) */
    bool device;  /* a device node (or a directory of them): --dev-bind, --device */
};

struct plan_env {
    char *name, *value;
};

struct plan {
    enum plan_mode mode;
    bool gtl;
    char *image;
    struct plan_bind *binds;
    size_t n_binds;
    struct plan_env *env;
    size_t n_env;
    char **explain; /* one line per decision: why each file is injected or skipped */
    size_t n_explain;
    char **refusal; /* a refusal's details, one line each (the missing symbols) */
    size_t n_refusal;
    char **forward; /* the launcher's variables to pass into podman/docker (-e NAME), sorted */
    size_t n_forward;
    char **pass_fd; /* variables holding descriptors the program needs (PMI_FD) */
    size_t n_pass_fd;
    enum abi_check abi_check;
    struct plan_mpi { /* the MPI libraries, as their files say (bind and hybrid modes) */
        bool known;
        char path[PATH_MAX]; /* path in the container (image) or on the host */
        struct mpi_version v;
    } mpi_image, mpi_host;
    struct plan_symbols { /* the symbol check (symcheck.h) */
        size_t pairs, consumers, refs, elsewhere, weak_missing;
    } symbols;
    struct plan_learned_count { /* --learn: objects the traced run loaded, files added */
        size_t objects, added;
    } learned;
    double elapsed_ms; /* time plan_build took */
};

#define PLAN_DEFAULT_INJECT_DIR "/opt/bitbulldozer/host-lib"

const char *plan_mode_name(enum plan_mode mode);
int plan_mode_parse(const char *name, enum plan_mode *mode);

/* Build the plan. On refusal returns -1 with BBD_EXIT_FAIL and a message naming
 * both files and the missing item (details, e.g. every missing symbol, in
 * plan->refusal); BBD_EXIT_USAGE / BBD_EXIT_ENV for bad input. */
int plan_build(const struct plan_opts *opts, struct plan *out, struct bbd_err *err);
void plan_free(struct plan *plan);

/* Render PLAN in FORMAT: apptainer, singularity, podman, docker, bwrap, env, json. */
int plan_write(const struct plan *plan, const char *format, FILE *out, struct bbd_err *err);

/* Run CMD in the image with PLAN applied, through RUNTIME (bwrap, apptainer,
 * singularity, podman, docker; IMAGE_REF names the image for docker, and for podman
 * instead of --rootfs). With DRY_RUN, print the command line instead (one argument
 * per line). Only returns on error or dry run. */
int plan_exec(const struct plan *plan, const char *runtime, const char *image_ref,
              char *const cmd[], bool dry_run, FILE *out, struct bbd_err *err);

/* sub-commands (src/bbd/commands.h) */
int bbd_cmd_plan(int argc, char **argv);
int bbd_cmd_exec(int argc, char **argv);

#endif
