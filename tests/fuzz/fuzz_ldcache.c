/* fuzz_ldcache.c — the ld.so.cache parser (src/plan/ldcache.c) on arbitrary bytes, for
 * both machines it knows, and from a file as bbd plan loads it. Every entry it returns
 * must lie inside the file. */
#include "fuzz_util.h"
#include "ldcache.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

static void parse(const uint8_t *data, size_t size, unsigned machine)
{
    char *copy = malloc(size ? size : 1);
    if (copy == NULL) abort();
    memcpy(copy, data, size);
    struct ldcache c;
    struct bbd_err err = {0};
    if (ldcache_parse(copy, size, machine, &c, &err) < 0) {
        if (err.code != BBD_EXIT_USAGE || !err.msg[0])
            fuzz_fail("fuzz_ldcache", "error without exit code 2 or message");
        free(copy);
        return;
    }
    for (size_t i = 0; i < c.n_entries; i++) {
        const char *k = c.entries[i].name, *v = c.entries[i].path;
        if (k < c.data || v < c.data || k + strlen(k) >= c.data + c.size ||
            v + strlen(v) >= c.data + c.size)
            fuzz_fail("fuzz_ldcache", "entry string outside the file");
        if (ldcache_lookup(&c, k) == NULL) fuzz_fail("fuzz_ldcache", "entry not found by name");
    }
    ldcache_free(&c);
}

/* As bbd plan reads a cache: from a file (an empty one is no cache). */
static void load(const uint8_t *data, size_t size)
{
    char path[64];
    struct ldcache c;
    struct bbd_err err = {0};
    if (fuzz_file(data, size, path, sizeof(path)) < 0) return;
    if (ldcache_load(path, EM_X86_64, &c, &err) == 0) {
        if (size == 0 && c.n_entries) fuzz_fail("fuzz_ldcache", "entries in an empty file");
        ldcache_free(&c);
    } else if (err.code != BBD_EXIT_USAGE || strchr(err.msg, '\n')) {
        fuzz_fail("fuzz_ldcache", "load error without exit code 2 or one-line message");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse(data, size, EM_X86_64);
    parse(data, size, EM_AARCH64);
    load(data, size);
    return 0;
}
