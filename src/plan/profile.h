/* profile.h — per-mode run-time needs of a host MPI, in small text files users
 * can extend (share/profiles/plan/<mode>.profile, gtl.profile, --profile FILE).
 *
 *   bind PATH [DST]   bind host PATH (at DST, default PATH) when it exists on the host
 *   env NAME=VALUE    set in the container
 *   host-always GLOB  libraries (soname glob) always taken from the host when the
 *                     host stack needs them, even if the image has a copy
 *   mpi-prefix        bind the host MPI's install prefix (unless a system prefix)
 *   # comment */
#ifndef BBD_PROFILE_H
#define BBD_PROFILE_H

#include "bbd_err.h"

#include <stdbool.h>
#include <stddef.h>

struct profile_bind {
    char *src, *dst;
    char *origin; /* "file:line", for messages */
};

struct profile {
    struct profile_bind *binds;
    size_t n_binds;
    char **env; /* "NAME=VALUE" */
    size_t n_env;
    char **host_always;
    size_t n_host_always;
    bool mpi_prefix;
};

/* Append the directives of PATH to PROF; syntax errors name file and line. */
int profile_load(const char *path, struct profile *prof, struct bbd_err *err);
void profile_free(struct profile *prof);
/* Does soname NAME match a host-always glob? */
bool profile_host_always(const struct profile *prof, const char *name);

#endif
