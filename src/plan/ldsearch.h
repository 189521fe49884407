/* ldsearch.h — where the dynamic loader finds each library, and the closure of an
 * object (everything it loads), in a host or image view.
 *
 * The search order is ld.so's (man ld.so, "Dynamic library search order"), written
 * out once in ldsearch.c: a name with a slash is used as is; else DT_RPATH of the
 * requesting object and its loaders when it has no DT_RUNPATH, LD_LIBRARY_PATH,
 * DT_RUNPATH, ld.so.cache, the default directories. $ORIGIN, $LIB and $PLATFORM
 * are expanded. Candidates of another machine or not ELF64 are skipped, as ld.so
 * does. glibc-hwcaps and legacy hwcap subdirectories are not searched. */
#ifndef BBD_LDSEARCH_H
#define BBD_LDSEARCH_H

#include "elf_read.h"
#include "ldcache.h"
#include "rootfs.h"

#include <limits.h>

struct ld_env {
    const struct fs_view *view;
    const struct ldcache *cache; /* the view's own /etc/ld.so.cache */
    const char *ld_library_path; /* colon-separated, NULL or "" for none */
    unsigned machine;            /* e_machine every object must have */
};

/* How a library was found: the step of the search order that produced it. */
enum ld_how {
    LD_BY_PATH,
    LD_BY_RPATH,
    LD_BY_LD_LIBRARY_PATH,
    LD_BY_RUNPATH,
    LD_BY_CACHE,
    LD_BY_DEFAULT
};

struct ld_obj {
    char path[PATH_MAX]; /* canonical path in the view */
    char host[PATH_MAX]; /* where to read it on this machine */
    char *name;          /* the name it was asked for (DT_NEEDED), or the start path */
    struct elf_info elf;
    int loader; /* index of the object that needed it first, -1 for a start object */
    enum ld_how how;
};

/* A library someone needs and the loader would not find. */
struct ld_missing {
    char *name;
    int requester; /* index into objs */
};

struct ld_closure {
    struct ld_obj *objs;
    size_t n_objs;
    struct ld_missing *missing;
    size_t n_missing;
};

const char *ld_how_name(enum ld_how how);

/* Find NAME as ld.so would for object REQ (REQ->loader indexes C for the RPATH
 * chain; C may be NULL when REQ has no loader). Returns 1 and fills CANON/HOST/HOW
 * when found, 0 when not found, -1 on error. */
int ld_find(const struct ld_env *env, const struct ld_closure *c, const struct ld_obj *req,
            const char *name, char canon[PATH_MAX], char host[PATH_MAX], enum ld_how *how,
            struct bbd_err *err);

/* Add the object at view path START and everything it loads (breadth first, each
 * file once, names already loaded reused by soname as ld.so does). */
int ld_closure_add(const struct ld_env *env, struct ld_closure *c, const char *start,
                   struct bbd_err *err);
void ld_closure_free(struct ld_closure *c);

/* The loaded object that answers NAME (by soname or the name it was asked for). */
const struct ld_obj *ld_closure_by_name(const struct ld_closure *c, const char *name);

/* Read object at view path PATH into a fresh ld_obj (no loader). */
int ld_obj_open(const struct ld_env *env, const char *path, struct ld_obj *obj,
                struct bbd_err *err);
void ld_obj_free(struct ld_obj *obj);

/* Default directories of a Debian-style multiarch ld.so for MACHINE. */
const char *const *ld_default_dirs(unsigned machine);

#endif
