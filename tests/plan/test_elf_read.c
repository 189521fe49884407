/* Unit tests of elf_read.c on the host's own libc and on malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "elf_read.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

static void test_libc(void **state)
{
    (void)state;
    struct elf_info e;
    struct bbd_err err;
    assert_int_equal(elf_read("/lib/x86_64-linux-gnu/libc.so.6", &e, &err), 0);
    assert_int_equal(e.machine, EM_X86_64);
    assert_string_equal(e.soname, "libc.so.6");
    assert_true(elf_defines_version(&e, "GLIBC_2.2.5"));
    assert_true(elf_defines_version(&e, "GLIBC_2.34"));
    assert_false(elf_defines_version(&e, "GLIBC_9.99"));
    const char *top = elf_highest_version(&e, "GLIBC_");
    assert_non_null(top);
    assert_true(elf_version_cmp(top, "GLIBC_2.34") >= 0);
    /* libc needs the loader's versions */
    bool found = false;
    for (size_t i = 0; i < e.n_verneed; i++)
        found |= !strcmp(e.verneed[i].file, "ld-linux-x86-64.so.2");
    assert_true(found);
    elf_free(&e);
}

static void test_version_cmp(void **state)
{
    (void)state;
    assert_true(elf_version_cmp("GLIBC_2.34", "GLIBC_2.4") > 0);
    assert_true(elf_version_cmp("FABRIC_1.6", "FABRIC_1.7") < 0);
    assert_int_equal(elf_version_cmp("GLIBC_2.2.5", "GLIBC_2.2.5"), 0);
}

static void test_not_elf(void **state)
{
    (void)state;
    struct elf_info e;
    struct bbd_err err;
    assert_int_equal(elf_read("/etc/passwd", &e, &err), -1);
    assert_non_null(strstr(err.msg, "/etc/passwd"));
    assert_int_equal(elf_read("/nonexistent/lib.so", &e, &err), -1);
    assert_int_equal(err.code, BBD_EXIT_ENV);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_libc),
        cmocka_unit_test(test_version_cmp),
        cmocka_unit_test(test_not_elf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
