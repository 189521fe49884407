/* imagedir.h — putting a plan's binds into a read-only image directory.
 *
 * bwrap and ch-run cannot create a mount point inside a read-only image: for a destination
 * the image lacks, its deepest existing ancestor is replaced by something that holds the
 * image's own entries of that directory again plus the missing path. bwrap mounts a tmpfs
 * there (apptainer's "underlay"); ch-run, which mounts only what -b names, gets a small
 * staged tree of empty placeholders on the host. */
#ifndef BBD_IMAGEDIR_H
#define BBD_IMAGEDIR_H

#include "plan.h"

#include <limits.h>
#include <stdbool.h>

struct image_entry {
    const char *inside; /* DIR/NAME, as the container sees it */
    const char *host;   /* ROOT/DIR/NAME, where it is on this machine */
    const char *link;   /* a symlink's target, or NULL */
    bool is_dir;
};

typedef int (*image_entry_fn)(void *ctx, const struct image_entry *e);

/* Call FN for each entry of directory DIR of the image at ROOT, except the names in SKIP. */
int image_entries(const char *root, const char *dir, const char *const *skip, image_entry_fn fn,
                  void *ctx, struct bbd_err *err);

#define IMAGEDIR_MAX_UNDERLAYS 16

/* The deepest existing image ancestor of every bind destination the image lacks, each
 * once, "/" excluded (a runtime's own root takes any name). */
int imagedir_missing(const struct plan *plan, char dirs[IMAGEDIR_MAX_UNDERLAYS][PATH_MAX],
                     size_t *n, struct bbd_err *err);

/* For ch-run: a host directory STAGE (under $TMPDIR or /tmp, named after what it holds, made
 * once and reused) with, for each of DIRS, a placeholder of every image entry of that
 * directory and of every missing bind destination below it. */
int imagedir_stage(const struct plan *plan, char dirs[][PATH_MAX], size_t n, char stage[PATH_MAX],
                   struct bbd_err *err);

#endif
