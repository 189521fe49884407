/* Unit tests of src/common's shared helpers: strict numbers, the clocks, mkdir -p and the
 * net-plugin names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bbd_fs.h"
#include "bbd_netplugin.h"
#include "bbd_num.h"
#include "bbd_time.h"

static void strict_numbers(void **state)
{
    (void)state;
    long long v = -1;
    double d = -1;
    assert_int_equal(bbd_parse_long("42", 0, 100, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(bbd_parse_long("-3", -5, 5, &v), 0);
    assert_int_equal(v, -3);
    const char *bad_ints[] = {
        "", "x", "10x", " 5", "5 ", "1.5", "-", "+", "101", "-6", "99999999999999999999999"};
    for (size_t i = 0; i < sizeof(bad_ints) / sizeof(bad_ints[0]); i++)
        if (bbd_parse_long(bad_ints[i], -5, 100, &v) == 0) fail_msg("accepted '%s'", bad_ints[i]);
    assert_int_equal(bbd_parse_double("2.5", 0, 10, &d), 0);
    assert_true(d == 2.5);
    assert_int_equal(bbd_parse_double("1e3", 0, 1e4, &d), 0);
    const char *bad_dbls[] = {"", "x", "5%", " 1", "nan", "inf", "1e999", "-1", "11"};
    for (size_t i = 0; i < sizeof(bad_dbls) / sizeof(bad_dbls[0]); i++)
        if (bbd_parse_double(bad_dbls[i], 0, 10, &d) == 0) fail_msg("accepted '%s'", bad_dbls[i]);
}

static void clocks(void **state)
{
    (void)state;
    double a = bbd_monotonic_s(), b = bbd_monotonic_s();
    assert_true(b >= a && a > 0);
    char iso[32], compact[32];
    bbd_utc_iso(iso, sizeof(iso));
    bbd_utc_compact(compact, sizeof(compact));
    assert_int_equal(strlen(iso), 20);
    assert_true(iso[4] == '-' && iso[10] == 'T' && iso[19] == 'Z');
    assert_int_equal(strlen(compact), 16);
    assert_true(compact[8] == 'T' && compact[15] == 'Z');
}

static void mkdir_p(void **state)
{
    (void)state;
    char dir[] = "/tmp/bbd-test-common-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char deep[256];
    snprintf(deep, sizeof(deep), "%s/a/b/c", dir);
    struct bbd_err err = {0};
    assert_int_equal(bbd_mkdir_p(deep, &err), 0);
    assert_int_equal(bbd_mkdir_p(deep, &err), 0); /* exists: fine */
    struct stat st;
    assert_int_equal(stat(deep, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    char file[256], below[300];
    snprintf(file, sizeof(file), "%s/f", dir);
    fclose(fopen(file, "w"));
    snprintf(below, sizeof(below), "%s/x", file);
    assert_int_equal(bbd_mkdir_p(below, &err), -1);
    assert_non_null(strstr(err.msg, "mkdir"));
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void net_plugins(void **state)
{
    (void)state;
    assert_true(bbd_is_net_plugin("/opt/aws-ofi-rccl/lib/librccl-net.so"));
    assert_true(bbd_is_net_plugin("libnccl-net-ofi.so"));
    assert_true(bbd_is_net_plugin("/x/libnccl-ofi.so.1"));
    assert_true(bbd_is_net_plugin("/x/aws-ofi-nccl.so"));
    assert_false(bbd_is_net_plugin("/usr/lib/libnccl.so.2"));
    assert_false(bbd_is_net_plugin("librccl.so.1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strict_numbers),
        cmocka_unit_test(clocks),
        cmocka_unit_test(mkdir_p),
        cmocka_unit_test(net_plugins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
