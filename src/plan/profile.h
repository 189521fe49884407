/* profile.h — per-mode run-time needs of a host MPI, in small text files users
 * can extend (share/profiles/plan/<mode>.profile, gtl.profile, --profile FILE).
 *
 *   bind PATH [DST]   bind host PATH (at DST, default PATH) when it exists on the host
 *   device GLOB       bind the host's device nodes (or directories of them) matching GLOB
 *                     as devices (/dev/kfd, /dev/dri, /dev/cxi*)
 *   bind-env VAR      bind the directory $VAR names, at the same path, when VAR is set
 *   ld-path DIR       append DIR (${VAR} expanded; skipped when a VAR is unset or DIR is
 *                     not on the host) to the container's LD_LIBRARY_PATH
 *   env NAME=VALUE    set in the container
 *   forward GLOB      pass the launcher's variables matching GLOB (SLURM_*, PMI_*) into
 *                     runtimes that do not pass the environment (podman, docker)
 *   pass-fd VAR       VAR holds a descriptor number the program needs (PMI_FD): runtimes
 *                     that close descriptors are told to keep it (podman --preserve-fds)
 *   host-always GLOB  libraries (soname glob) always taken from the host when the
 *                     host stack needs them, even if the image has a copy
 *   mpi-prefix        bind the host MPI's install prefix (unless a system prefix)
 *   # comment */
#ifndef BBD_PROFILE_H
#define BBD_PROFILE_H

#include "bbd_err.h"

#include <stdbool.h>
#include <stddef.h>

enum profile_bind_kind { PROFILE_BIND, PROFILE_DEVICE, PROFILE_BIND_ENV };

struct profile_bind {
    enum profile_bind_kind kind;
    char *src;    /* a path, a device glob, or a variable's name (bind-env) */
    char *dst;    /* PROFILE_BIND only: where it lands (default src) */
    char *origin; /* "file:line", for messages */
};

struct profile {
    struct profile_bind *binds;
    size_t n_binds;
    char **env; /* "NAME=VALUE" */
    size_t n_env;
    char **host_always;
    size_t n_host_always;
    char **forward; /* variable name globs */
    size_t n_forward;
    char **pass_fd; /* variable names */
    size_t n_pass_fd;
    char **ld_path; /* directories, ${VAR} not yet expanded */
    size_t n_ld_path;
    bool mpi_prefix;
};

/* Append the directives of PATH to PROF; syntax errors name file and line. */
int profile_load(const char *path, struct profile *prof, struct bbd_err *err);
void profile_free(struct profile *prof);
/* Does soname NAME match a host-always glob? */
bool profile_host_always(const struct profile *prof, const char *name);

#endif
