/* fuzz_mountinfo.c — the /proc/self/mountinfo reader (src/prov/prov_mount.c) and the
 * origin lookup on what it read: every mount point, and a path below each. */
#include "fuzz_util.h"
#include "prov_mount.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    if (fuzz_file(data, size, path, sizeof(path)) < 0) return 0;
    struct prov_mounts ms;
    struct bbd_err err = {0};
    if (prov_mounts_read(path, &ms, &err) < 0) {
        if (!err.msg[0]) fuzz_fail("fuzz_mountinfo", "error without a message");
        return 0;
    }
    char host[PATH_MAX], below[PATH_MAX + 16];
    for (size_t i = 0; i < ms.n; i++) {
        snprintf(below, sizeof(below), "%s/lib/libfabric.so.1", ms.m[i].point);
        const char *paths[] = {ms.m[i].point, below, "/usr/lib/libmpi.so.12"};
        for (int k = 0; k < 3; k++) {
            const char *o = prov_mount_origin(&ms, 1, paths[k], "/img", host, sizeof(host));
            if (o == NULL || (!strcmp(o, "host") && host[0] == '\0'))
                fuzz_fail("fuzz_mountinfo", "no origin, or host origin without a host path");
        }
    }
    prov_mounts_free(&ms);
    return 0;
}
