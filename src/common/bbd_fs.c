#include "bbd_fs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int make_one(const char *dir, struct bbd_err *err)
{
    if (mkdir(dir, 0755) == 0 || errno == EEXIST) return 0;
    return bbd_err_sys(err, "mkdir", dir);
}

int bbd_mkdir_p(const char *path, struct bbd_err *err)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
        return bbd_err_set(err, BBD_EXIT_USAGE, "mkdir(%.60s...): path too long", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (make_one(buf, err) < 0) return -1;
            *p = '/';
        }
    return make_one(buf, err);
}
