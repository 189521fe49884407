/* prov_mount.h — where a file comes from, read from /proc/self/mountinfo: the container
 * image (the mount at "/") or a bind mount of a host file or directory. */
#ifndef BBD_PROV_MOUNT_H
#define BBD_PROV_MOUNT_H

#include "bbd_err.h"

#include <stddef.h>

struct prov_mount {
    char *root;   /* path inside the source file system (field 4) */
    char *point;  /* mount point (field 5) */
    char *fstype; /* after the " - " separator */
    char *source;
};

struct prov_mounts {
    struct prov_mount *m;
    size_t n;
};

/* Parse a mountinfo file (octal escapes such as \040 decoded). -1 with err on failure. */
int prov_mounts_read(const char *file, struct prov_mounts *out, struct bbd_err *err);
void prov_mounts_free(struct prov_mounts *ms);

/* The mount that holds path: the last-mounted entry with the longest matching mount point
 * (later mounts hide earlier ones at the same point). NULL if none. */
const struct prov_mount *prov_mount_of(const struct prov_mounts *ms, const char *path);

/* Origin of a file: "native" outside a container; inside one, "image" when it lies on the
 * container's root mount, "host" when on another (bind) mount of a real file system, in which
 * case host_path gets the path inside that mount's source ("root" field + rest of path), and
 * "virtual" on tmpfs/proc-like mounts.
 * image_root (may be NULL): the image's directory on the host when the runtime assembles the
 * image from bind mounts of its folders (bbd exec with bwrap passes it as BBD_IMAGE_ROOT);
 * a mount whose source lies under it is the image's, not the host's. */
const char *prov_mount_origin(const struct prov_mounts *ms, int in_container, const char *path,
                              const char *image_root, char *host_path, size_t len);

#endif
