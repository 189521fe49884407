/* rootfs.h — file paths as a container will see them, and what may be bound.
 *
 * A view is an image root directory plus the extra binds the container will get;
 * paths inside it are resolved component by component like the kernel does after
 * chroot: absolute symlink targets restart at the root and ".." stops at it, so no
 * symlink ever leads out of the image. A view with root NULL is the host itself. */
#ifndef BBD_ROOTFS_H
#define BBD_ROOTFS_H

#include "bbd_err.h"

#include <stdbool.h>
#include <stddef.h>

struct fs_bind {
    const char *src; /* host path */
    const char *dst; /* path in the view */
};

struct fs_view {
    const char *root; /* image root directory on the host, NULL for the host itself */
    const struct fs_bind *binds;
    size_t n_binds;
};

/* Resolve absolute PATH in VIEW. CANON receives the path inside the view with every
 * symlink resolved; HOST the host path to read the file from. Fails with
 * BBD_EXIT_ENV and errno-style reason when a component is missing. */
int view_resolve(const struct fs_view *view, const char *path, char *canon, size_t canon_size,
                 char *host, size_t host_size, struct bbd_err *err);

/* PATH with the symlinks of its longest existing part resolved in VIEW, the rest appended
 * as is: where a file that may not exist yet would land. */
void view_canonical(const struct fs_view *view, const char *path, char *canon, size_t size);

/* Does PATH exist as a regular file (after symlinks) in VIEW? Fills CANON/HOST. */
bool view_has_file(const struct fs_view *view, const char *path, char *canon, size_t canon_size,
                   char *host, size_t host_size);

/* Absolute, no "." or ".." components, no empty name, no newline. */
bool path_is_clean_abs(const char *path);

/* May host path SRC be bound at DST? Refuses relative paths, ".." escapes, the
 * root, /etc and other system trees wholesale, home directories, credential files
 * (/etc/shadow ...) and, unless NAMED_BY_PROFILE, sockets. */
int path_check_bind(const char *src, const char *dst, bool named_by_profile, struct bbd_err *err);

#endif
