/* Unit tests of mpiver.c: versions read from this host's real MPI libraries (Debian's
 * MPICH exports MPII_Version_*, Open MPI ompi_version_string) and the --abi-check
 * policies on given versions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "mpiver.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_host_mpich(void **state)
{
    (void)state;
    char real[PATH_MAX];
    struct mpi_version v;
    struct bbd_err err;
    assert_non_null(realpath("/usr/lib/x86_64-linux-gnu/libmpich.so.12", real));
    assert_int_equal(mpi_version_read(real, real, true, &v, &err), 0);
    assert_string_equal(v.family, "MPICH");
    assert_true(v.release[0] >= '3' && v.release[0] <= '9' && strchr(v.release, '.'));
    assert_string_equal(v.base, v.release);
    assert_string_equal(v.device, "ch4:ucx"); /* Debian's MPICH */
    assert_int_equal(v.abi[0], 12);
    assert_true(v.abi[1] >= 0 && v.abi[2] >= 0);
    char text[256];
    mpi_version_text(&v, text, sizeof(text));
    assert_non_null(strstr(text, "MPICH "));
    assert_non_null(strstr(text, "(ch4:ucx), ABI 12."));
}

static void test_host_openmpi(void **state)
{
    (void)state;
    char real[PATH_MAX];
    struct mpi_version v;
    struct bbd_err err;
    if (realpath("/usr/lib/x86_64-linux-gnu/libmpi.so.40", real) == NULL) skip();
    assert_int_equal(mpi_version_read(real, real, true, &v, &err), 0);
    assert_string_equal(v.family, "Open MPI");
    assert_true(v.release[0] >= '1' && v.release[0] <= '9');
    assert_string_equal(v.base, "");
    assert_int_equal(v.abi[0], 40);
}

static void test_not_mpi(void **state)
{
    (void)state;
    struct mpi_version v;
    struct bbd_err err;
    assert_int_equal(
        mpi_version_read("/lib/x86_64-linux-gnu/libc.so.6", "libc.so.6", true, &v, &err), 0);
    assert_string_equal(v.family, "");
    assert_int_equal(v.abi[0], 6);
    assert_int_equal(v.abi[1], -1);
    assert_int_equal(mpi_version_read("/etc/passwd", "passwd", true, &v, &err), -1);
}

static struct mpi_version ver(const char *base, int minor)
{
    struct mpi_version v = {.family = "MPICH", .abi = {12, minor, 0}};
    snprintf(v.release, sizeof(v.release), "%s", base);
    snprintf(v.base, sizeof(v.base), "%s", base);
    return v;
}

static void test_policies(void **state)
{
    (void)state;
    char why[256];
    struct bbd_err err;
    struct mpi_version h402 = ver("4.0.2", 2), i421 = ver("4.2.1", 4), h405 = ver("4.0.5", 2);
    /* major never compares releases */
    assert_int_equal(mpi_version_check(ABI_MAJOR, &h402, "h", &i421, "i", why, sizeof(why), &err),
                     0);
    /* full: an older host is refused, a newer or equal one accepted */
    assert_int_equal(mpi_version_check(ABI_FULL, &h402, "h", &i421, "i", why, sizeof(why), &err),
                     -1);
    assert_int_equal(err.code, BBD_EXIT_FAIL);
    assert_non_null(strstr(err.msg, "is older than the image's i"));
    assert_int_equal(mpi_version_check(ABI_FULL, &i421, "h", &h402, "i", why, sizeof(why), &err),
                     0);
    /* strict: the same release series only */
    assert_int_equal(mpi_version_check(ABI_STRICT, &h405, "h", &h402, "i", why, sizeof(why), &err),
                     0);
    assert_int_equal(mpi_version_check(ABI_STRICT, &i421, "h", &h402, "i", why, sizeof(why), &err),
                     -1);
    /* no release readable: the file names' minor decides (Sarus' rule) */
    struct mpi_version a = {.abi = {12, 2, 2}}, b = {.abi = {12, 4, 1}},
                       none = {.abi = {12, -1, -1}};
    assert_int_equal(mpi_version_check(ABI_FULL, &b, "h", &a, "i", why, sizeof(why), &err), 0);
    assert_int_equal(mpi_version_check(ABI_FULL, &a, "h", &b, "i", why, sizeof(why), &err), -1);
    assert_non_null(strstr(err.msg, "ABI minor 2"));
    /* nothing to compare: refused with advice */
    assert_int_equal(mpi_version_check(ABI_FULL, &none, "h", &b, "i", why, sizeof(why), &err), -1);
    assert_non_null(strstr(err.msg, "use --abi-check major"));
    enum abi_check c;
    assert_int_equal(abi_check_parse("strict", &c), 0);
    assert_int_equal(c, ABI_STRICT);
    assert_int_equal(abi_check_parse("newest", &c), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_mpich),
        cmocka_unit_test(test_host_openmpi),
        cmocka_unit_test(test_not_mpi),
        cmocka_unit_test(test_policies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
