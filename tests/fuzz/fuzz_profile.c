/* fuzz_profile.c — the plan profile reader (src/plan/profile.c): bind/env/host-always/
 * mpi-prefix lines. What it accepts must be what profile.h promises. */
#include "fuzz_util.h"
#include "profile.h"

#include <stdbool.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    if (fuzz_file(data, size, path, sizeof(path)) < 0) return 0;
    struct profile p = {0};
    struct bbd_err err = {0};
    if (profile_load(path, &p, &err) < 0 &&
        (err.code != BBD_EXIT_USAGE && err.code != BBD_EXIT_ENV))
        fuzz_fail("fuzz_profile", "error without exit code 2/3");
    for (size_t i = 0; i < p.n_binds; i++) {
        const struct profile_bind *b = &p.binds[i];
        bool is_path = b->kind != PROFILE_BIND_ENV; /* bind-env names a variable */
        if (is_path && (b->src[0] != '/' || (b->dst && b->dst[0] != '/')))
            fuzz_fail("fuzz_profile", "a bind path that is not absolute");
        if (b->kind == PROFILE_DEVICE && strncmp(b->src, "/dev/", 5))
            fuzz_fail("fuzz_profile", "a device outside /dev");
    }
    for (size_t i = 0; i < p.n_env; i++)
        if (strchr(p.env[i], '=') == NULL || p.env[i][0] == '=')
            fuzz_fail("fuzz_profile", "an env entry that is not NAME=VALUE");
    profile_host_always(&p, "libfabric.so.1");
    profile_free(&p);
    return 0;
}
