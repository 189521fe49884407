/* ldcache.h — a bounds-checked reader of glibc's /etc/ld.so.cache.
 *
 * Understands the "glibc-ld.so.cache1.1" format (written by ldconfig since glibc
 * 2.32), alone or after the old "ld.so-1.7.0" table. Only entries for the requested
 * machine (x86-64 or AArch64 libc6) and without a hardware-capability subdirectory
 * (glibc-hwcaps) are returned: what ld.so picks on a CPU without those subdirs. */
#ifndef BBD_LDCACHE_H
#define BBD_LDCACHE_H

#include "bbd_err.h"

#include <stddef.h>

struct ldcache_entry {
    const char *name; /* soname key, e.g. "libmpich.so.12" */
    const char *path; /* absolute path as seen by the cache's own system */
};

struct ldcache {
    char *data; /* the whole file; entries point into it */
    size_t size;
    struct ldcache_entry *entries;
    size_t n_entries;
};

/* Load the cache file at PATH for ELF machine MACHINE (EM_X86_64, EM_AARCH64).
 * A missing or empty file gives an empty cache (ld.so then searches only the default dirs). */
int ldcache_load(const char *path, unsigned machine, struct ldcache *out, struct bbd_err *err);
/* Parse a cache already in memory (DATA from malloc; owned by OUT on success, still
 * the caller's on failure). */
int ldcache_parse(char *data, size_t size, unsigned machine, struct ldcache *out,
                  struct bbd_err *err);
void ldcache_free(struct ldcache *cache);

/* Path for soname NAME, or NULL: the first matching entry, as ld.so uses. */
const char *ldcache_lookup(const struct ldcache *cache, const char *name);

#endif
