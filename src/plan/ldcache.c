/* ldcache.c — see ldcache.h. Layout from glibc's sysdeps/generic/dl-cache.h. */
#include "ldcache.h"

#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_MAGIC_OLD "ld.so-1.7.0"
#define CACHE_MAGIC_NEW "glibc-ld.so.cache1.1"
#define FLAG_TYPE_MASK 0x00ff
#define FLAG_ELF_LIBC6 0x0003
#define FLAG_REQUIRED_MASK 0xff00
#define FLAG_X8664_LIB64 0x0300
#define FLAG_AARCH64_LIB64 0x0a00

struct old_entry {
    int32_t flags;
    uint32_t key, value;
};
struct new_header {
    char magic[sizeof(CACHE_MAGIC_NEW) - 1];
    uint32_t nlibs;
    uint32_t len_strings;
    uint8_t flags;
    uint8_t pad[3];
    uint32_t extension_offset;
    uint32_t unused[3];
};
struct new_entry {
    int32_t flags;
    uint32_t key, value; /* string offsets from the start of the new header */
    uint32_t osversion;
    uint64_t hwcap;
};

static int required_flags(unsigned machine)
{
    switch (machine) {
    case EM_X86_64:
        return FLAG_X8664_LIB64;
    case EM_AARCH64:
        return FLAG_AARCH64_LIB64;
    default:
        return -1;
    }
}

/* NUL-terminated string at OFF inside the cache, or NULL when out of bounds. */
static const char *cache_str(const char *data, size_t size, size_t off)
{
    if (off >= size) return NULL;
    return memchr(data + off, '\0', size - off) ? data + off : NULL;
}

/* Offset of the new-format header: at 0, or after the old table (8-byte aligned). */
static int find_new_header(const char *data, size_t size, size_t *off)
{
    if (size >= sizeof(struct new_header) &&
        !memcmp(data, CACHE_MAGIC_NEW, strlen(CACHE_MAGIC_NEW))) {
        *off = 0;
        return 0;
    }
    size_t hdr = sizeof(CACHE_MAGIC_OLD) - 1 + 1 + sizeof(uint32_t); /* magic, pad, nlibs */
    if (size < hdr || memcmp(data, CACHE_MAGIC_OLD, strlen(CACHE_MAGIC_OLD))) return -1;
    uint32_t nlibs;
    memcpy(&nlibs, data + 12, sizeof(nlibs));
    size_t o = 16 + (size_t)nlibs * sizeof(struct old_entry);
    o = (o + 7) & ~(size_t)7;
    if (o > size || size - o < sizeof(struct new_header) ||
        memcmp(data + o, CACHE_MAGIC_NEW, strlen(CACHE_MAGIC_NEW)))
        return -1;
    *off = o;
    return 0;
}

int ldcache_parse(char *data, size_t size, unsigned machine, struct ldcache *out,
                  struct bbd_err *err)
{
    memset(out, 0, sizeof(*out));
    out->data = data;
    out->size = size;
    size_t off;
    if (find_new_header(data, size, &off))
        return bbd_err_set(err, BBD_EXIT_USAGE, "ldcache_parse: unknown ld.so.cache format");
    struct new_header h;
    memcpy(&h, data + off, sizeof(h));
    size_t ents = off + sizeof(h);
    if (h.nlibs > (size - ents) / sizeof(struct new_entry))
        return bbd_err_set(err, BBD_EXIT_USAGE, "ldcache_parse: %u entries exceed the file",
                           h.nlibs);
    out->entries = calloc(h.nlibs ? h.nlibs : 1, sizeof(*out->entries));
    if (out->entries == NULL) return bbd_err_sys(err, "calloc", "ld.so.cache entries");
    int want = required_flags(machine);
    const char *base = data + off;
    size_t room = size - off;
    for (uint32_t i = 0; i < h.nlibs; i++) {
        struct new_entry e;
        memcpy(&e, data + ents + (size_t)i * sizeof(e), sizeof(e));
        if ((e.flags & FLAG_TYPE_MASK) != FLAG_ELF_LIBC6 ||
            (e.flags & FLAG_REQUIRED_MASK) != want || e.hwcap != 0)
            continue;
        const char *k = cache_str(base, room, e.key), *v = cache_str(base, room, e.value);
        if (k == NULL || v == NULL) {
            free(out->entries);
            out->entries = NULL;
            return bbd_err_set(err, BBD_EXIT_USAGE, "ldcache_parse: entry %u string out of bounds",
                               i);
        }
        out->entries[out->n_entries++] = (struct ldcache_entry){k, v};
    }
    return 0;
}

int ldcache_load(const char *path, unsigned machine, struct ldcache *out, struct bbd_err *err)
{
    memset(out, 0, sizeof(*out));
    FILE *f = fopen(path, "rb");
    if (f == NULL) return errno == ENOENT ? 0 : bbd_err_sys(err, "fopen", path);
    char *data = NULL;
    size_t size = 0, cap = 0, n;
    char buf[65536];
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        if (size + n > cap) {
            cap = (size + n) * 2;
            char *p = realloc(data, cap);
            if (p == NULL) {
                free(data);
                fclose(f);
                return bbd_err_sys(err, "realloc", path);
            }
            data = p;
        }
        memcpy(data + size, buf, n);
        size += n;
    }
    fclose(f);
    if (size == 0) return 0; /* ld.so takes an empty file for no cache too */
    if (ldcache_parse(data, size, machine, out, err)) {
        char why[sizeof(err->msg)];
        snprintf(why, sizeof(why), "%s", err->msg);
        free(data);
        out->data = NULL;
        return bbd_err_set(err, BBD_EXIT_USAGE, "%s: %s", path, why);
    }
    return 0;
}

void ldcache_free(struct ldcache *cache)
{
    free(cache->data);
    free(cache->entries);
    memset(cache, 0, sizeof(*cache));
}

const char *ldcache_lookup(const struct ldcache *cache, const char *name)
{
    for (size_t i = 0; i < cache->n_entries; i++)
        if (!strcmp(cache->entries[i].name, name)) return cache->entries[i].path;
    return NULL;
}
