/* Unit tests of ldcache.c: a hand-built cache, bounds checks, the host's cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ldcache.h"

#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A new-format cache with two x86-64 entries and one i386 entry. */
static char *make_cache(size_t *size, uint32_t bad_offset)
{
    const char strings[] = "libfoo.so.1\0/usr/lib/x86_64-linux-gnu/libfoo.so.1\0"
                           "libbar.so.2\0/lib/libbar.so.2\0";
    size_t hdr = 48, ent = 24, n = 3;
    *size = hdr + n * ent + sizeof(strings);
    char *d = calloc(1, *size);
    memcpy(d, "glibc-ld.so.cache1.1", 20);
    uint32_t nlibs = 3, len = sizeof(strings);
    memcpy(d + 20, &nlibs, 4);
    memcpy(d + 24, &len, 4);
    uint32_t s0 = (uint32_t)(hdr + n * ent);
    struct {
        int32_t flags;
        uint32_t key, value, osv;
        uint64_t hwcap;
    } e[3] = {
        {0x0003, s0 + 50, s0 + 62, 0, 0},                           /* i386 libbar: other machine */
        {0x0303, s0, s0 + 12, 0, 0},                                /* x86-64 libfoo */
        {0x0303, s0 + 50, bad_offset ? bad_offset : s0 + 62, 0, 0}, /* x86-64 libbar */
    };
    e[0].flags = 0x0003 | 0x0800; /* a different required-ABI flag */
    memcpy(d + hdr, e, sizeof(e));
    memcpy(d + s0, strings, sizeof(strings));
    return d;
}

static void test_parse(void **state)
{
    (void)state;
    size_t size;
    char *d = make_cache(&size, 0);
    struct ldcache c;
    struct bbd_err err;
    assert_int_equal(ldcache_parse(d, size, EM_X86_64, &c, &err), 0);
    assert_int_equal(c.n_entries, 2);
    assert_string_equal(ldcache_lookup(&c, "libfoo.so.1"), "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
    assert_string_equal(ldcache_lookup(&c, "libbar.so.2"), "/lib/libbar.so.2");
    assert_null(ldcache_lookup(&c, "libnone.so.1"));
    ldcache_free(&c);
}

static void test_out_of_bounds(void **state)
{
    (void)state;
    size_t size;
    char *d = make_cache(&size, 100000);
    struct ldcache c;
    struct bbd_err err;
    assert_int_equal(ldcache_parse(d, size, EM_X86_64, &c, &err), -1);
    assert_non_null(strstr(err.msg, "out of bounds"));
    free(d);
    d = make_cache(&size, 0);
    assert_int_equal(ldcache_parse(d, 60, EM_X86_64, &c, &err), -1); /* truncated table */
    assert_non_null(strstr(err.msg, "exceed"));
    free(d);
}

static void test_host_cache(void **state)
{
    (void)state;
    struct ldcache c;
    struct bbd_err err;
    assert_int_equal(ldcache_load("/etc/ld.so.cache", EM_X86_64, &c, &err), 0);
    const char *libc = ldcache_lookup(&c, "libc.so.6");
    assert_non_null(libc);
    assert_non_null(strstr(libc, "libc.so.6"));
    ldcache_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_out_of_bounds),
        cmocka_unit_test(test_host_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
