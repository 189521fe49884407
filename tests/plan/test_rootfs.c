/* Unit tests of rootfs.c: symlinks never lead out of the image; bind safety. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "rootfs.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[PATH_MAX];

static void make_tree(void)
{
    snprintf(root, sizeof(root), "/tmp/bbd-rootfs-XXXXXX");
    assert_non_null(mkdtemp(root));
    char p[PATH_MAX + 64];
    snprintf(p, sizeof(p), "%s/usr", root), mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/usr/lib", root), mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/usr/lib/libx.so.1.2", root);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(p, sizeof(p), "%s/lib", root), assert_int_equal(symlink("usr/lib", p), 0);
    snprintf(p, sizeof(p), "%s/usr/lib/libx.so.1", root);
    assert_int_equal(symlink("/lib/libx.so.1.2", p), 0); /* absolute: inside the root */
    snprintf(p, sizeof(p), "%s/usr/lib/escape", root);
    assert_int_equal(symlink("../../../../../etc", p), 0); /* ".." stops at the root */
}

static void test_symlinks_stay_inside(void **state)
{
    (void)state;
    struct fs_view v = {root, NULL, 0};
    char canon[PATH_MAX], host[PATH_MAX], want[PATH_MAX + 32];
    struct bbd_err err;
    assert_int_equal(
        view_resolve(&v, "/lib/libx.so.1", canon, sizeof(canon), host, sizeof(host), &err), 0);
    assert_string_equal(canon, "/usr/lib/libx.so.1.2");
    snprintf(want, sizeof(want), "%s/usr/lib/libx.so.1.2", root);
    assert_string_equal(host, want);
    /* /etc does not exist in this root: the escape must not reach the host's /etc */
    assert_int_equal(
        view_resolve(&v, "/usr/lib/escape/passwd", canon, sizeof(canon), host, sizeof(host), &err),
        -1);
    assert_non_null(strstr(err.msg, root));
}

static void test_bind_rules(void **state)
{
    (void)state;
    struct bbd_err err;
    assert_int_equal(
        path_check_bind("/usr/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/libm.so.6", false, &err),
        0);
    assert_int_equal(path_check_bind("/etc", "/etc", true, &err), -1);
    assert_non_null(strstr(err.msg, "/etc would be replaced as a whole"));
    assert_int_equal(path_check_bind("/", "/x", true, &err), -1);
    assert_int_equal(path_check_bind("/etc/shadow", "/etc/shadow", true, &err), -1);
    assert_non_null(strstr(err.msg, "protected path /etc/shadow*"));
    assert_int_equal(path_check_bind("/home/alice", "/home/alice", true, &err), -1);
    assert_int_equal(path_check_bind("relative/lib", "/x", false, &err), -1);
    assert_int_equal(path_check_bind("/opt/cray/../../etc", "/x", false, &err), -1);
    assert_non_null(strstr(err.msg, "free of '.', '..'"));
    assert_int_equal(path_check_bind("/opt/cray", "/opt/cray", true, &err), 0);
}

int main(void)
{
    make_tree();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_symlinks_stay_inside),
        cmocka_unit_test(test_bind_rules),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    if (system(cmd) != 0) rc = 1;
    return rc;
}
