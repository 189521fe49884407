/* rootfs.c — see rootfs.h. */
#include "rootfs.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SYMLINKS 40 /* as the kernel's path walk */

/* Host path of view path VPATH: through the longest bind whose dst covers it, else
 * under the root. */
static int view_to_host(const struct fs_view *v, const char *vpath, char *host, size_t size)
{
    const struct fs_bind *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < v->n_binds; i++) {
        size_t n = strlen(v->binds[i].dst);
        if (!strncmp(vpath, v->binds[i].dst, n) && (vpath[n] == '/' || vpath[n] == '\0') &&
            n >= best_len) {
            best = &v->binds[i];
            best_len = n;
        }
    }
    int n = best ? snprintf(host, size, "%s%s", best->src, vpath + best_len)
                 : snprintf(host, size, "%s%s", v->root, vpath);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Prepend "A/B" (A the link target) to the unresolved REST. */
static int push_front(char *rest, size_t size, const char *target)
{
    size_t t = strlen(target), r = strlen(rest);
    if (t + 1 + r + 1 > size) return -1;
    memmove(rest + t + 1, rest, r + 1);
    memcpy(rest, target, t);
    rest[t] = '/';
    return 0;
}

int view_resolve(const struct fs_view *view, const char *path, char *canon, size_t canon_size,
                 char *host, size_t host_size, struct bbd_err *err)
{
    if (path[0] != '/')
        return bbd_err_set(err, BBD_EXIT_USAGE, "view_resolve(%s): not an absolute path", path);
    if (view->root == NULL) {
        char tmp[PATH_MAX];
        if (realpath(path, tmp) == NULL) return bbd_err_sys(err, "realpath", path);
        snprintf(canon, canon_size, "%s", tmp);
        snprintf(host, host_size, "%s", tmp);
        return 0;
    }
    char rest[2 * PATH_MAX], cur[PATH_MAX] = "", hp[PATH_MAX];
    snprintf(rest, sizeof(rest), "%s", path);
    int links = 0;
    while (rest[0]) {
        char *p = rest;
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        char comp[NAME_MAX + 1];
        if (n > NAME_MAX)
            return bbd_err_set(err, BBD_EXIT_ENV, "view_resolve(%s): name too long", path);
        memcpy(comp, p, n);
        comp[n] = '\0';
        memmove(rest, p + n, strlen(p + n) + 1);
        if (n == 0 || !strcmp(comp, ".")) continue;
        if (!strcmp(comp, "..")) {
            char *slash = strrchr(cur, '/');
            if (slash) *slash = '\0'; /* at the root ".." stays at the root */
            continue;
        }
        char next[PATH_MAX];
        if (snprintf(next, sizeof(next), "%s/%s", cur, comp) >= (int)sizeof(next) ||
            view_to_host(view, next, hp, sizeof(hp)))
            return bbd_err_set(err, BBD_EXIT_ENV, "view_resolve(%s): path too long", path);
        struct stat st;
        if (lstat(hp, &st) < 0) return bbd_err_sys(err, "lstat", hp);
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t len = readlink(hp, target, sizeof(target) - 1);
            if (len < 0) return bbd_err_sys(err, "readlink", hp);
            target[len] = '\0';
            if (++links > MAX_SYMLINKS || push_front(rest, sizeof(rest), target)) {
                errno = ELOOP;
                return bbd_err_sys(err, "view_resolve", path);
            }
            if (target[0] == '/') cur[0] = '\0';
            continue;
        }
        if (rest[strspn(rest, "/")] != '\0' && !S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            return bbd_err_sys(err, "view_resolve", hp);
        }
        snprintf(cur, sizeof(cur), "%s", next);
    }
    snprintf(canon, canon_size, "%s", cur[0] ? cur : "/");
    if (view_to_host(view, canon, host, host_size))
        return bbd_err_set(err, BBD_EXIT_ENV, "view_resolve(%s): path too long", path);
    return 0;
}

void view_canonical(const struct fs_view *view, const char *path, char *canon, size_t size)
{
    char head[PATH_MAX], host[PATH_MAX], c[PATH_MAX];
    struct bbd_err err;
    snprintf(head, sizeof(head), "%s", path);
    for (size_t len = strlen(head); len > 0;) {
        if (view_resolve(view, head, c, sizeof(c), host, sizeof(host), &err) == 0) {
            snprintf(canon, size, "%s%s", strcmp(c, "/") ? c : "", path + len);
            return;
        }
        char *slash = strrchr(head, '/');
        if (slash == NULL || slash == head) break;
        *slash = '\0';
        len = (size_t)(slash - head);
    }
    snprintf(canon, size, "%s", path);
}

bool view_has_file(const struct fs_view *view, const char *path, char *canon, size_t canon_size,
                   char *host, size_t host_size)
{
    struct bbd_err err;
    struct stat st;
    return view_resolve(view, path, canon, canon_size, host, host_size, &err) == 0 &&
           stat(host, &st) == 0 && S_ISREG(st.st_mode);
}

bool path_is_clean_abs(const char *path)
{
    if (path == NULL || path[0] != '/' || strchr(path, '\n')) return false;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) return false;
        p += n;
    }
    return true;
}

/* Trees never bound as a whole: they would replace the image's own system. */
static const char *const whole_tree_refused[] = {
    "/",     "/etc", "/usr",   "/usr/lib", "/usr/lib64", "/usr/local", "/bin",
    "/sbin", "/lib", "/lib64", "/var",     "/run",       "/opt",       "/proc",
    "/sys",  "/dev", "/boot",  "/tmp",     "/home",      "/root",      NULL,
};
/* Credentials and keys: never bound, whatever a profile says. */
static const char *const secret_patterns[] = {
    "/etc/shadow*", "/etc/gshadow*", "/etc/sudoers*",  "/etc/ssh/*", "/etc/security/*",
    "/etc/munge/*", "/root/*",       "/var/lib/sss/*", NULL,
};

/* PATH without trailing slashes (at most one byte shorter per slash). */
static void strip_slashes(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s", path);
    size_t n = strlen(out);
    while (n > 1 && out[n - 1] == '/')
        out[--n] = '\0';
}

int path_check_bind(const char *src, const char *dst, bool named_by_profile, struct bbd_err *err)
{
    const char *both[2] = {src, dst};
    for (int i = 0; i < 2; i++) {
        if (!path_is_clean_abs(both[i]))
            return bbd_err_set(err, BBD_EXIT_USAGE,
                               "refusing to bind %s -> %s: %s is not an absolute path free of "
                               "'.', '..' and newlines",
                               src, dst, both[i]);
        char p[PATH_MAX];
        strip_slashes(both[i], p, sizeof(p));
        for (const char *const *r = whole_tree_refused; *r; r++)
            if (!strcmp(p, *r))
                return bbd_err_set(err, BBD_EXIT_USAGE,
                                   "refusing to bind %s -> %s: %s would be replaced as a whole",
                                   src, dst, *r);
        if (!fnmatch("/home/*", p, FNM_PATHNAME))
            return bbd_err_set(err, BBD_EXIT_USAGE,
                               "refusing to bind %s -> %s: %s is a home directory", src, dst, p);
        for (const char *const *s = secret_patterns; *s; s++)
            if (!fnmatch(*s, p, 0) || !fnmatch(*s, p, FNM_LEADING_DIR))
                return bbd_err_set(err, BBD_EXIT_USAGE,
                                   "refusing to bind %s -> %s: %s matches protected path %s", src,
                                   dst, p, *s);
    }
    struct stat st;
    if (stat(src, &st) == 0 && S_ISSOCK(st.st_mode) && !named_by_profile)
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "refusing to bind socket %s: sockets are bound only when a profile "
                           "names them",
                           src);
    return 0;
}
