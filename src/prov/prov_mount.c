#include "prov_mount.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
    char *out = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
            s[3] >= '0' && s[3] <= '7') {
            *out++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
            s += 3;
        } else {
            *out++ = *s;
        }
    }
    *out = '\0';
}

/* One line: ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS */
static int parse_line(char *line, struct prov_mount *m)
{
    char *save = NULL, *f[6] = {0};
    int i = 0;
    char *t, *from = line;
    while (i < 6 && (t = strtok_r(from, " \n", &save)) != NULL) {
        f[i++] = t;
        from = NULL;
    }
    if (i < 6) return -1;
    while ((t = strtok_r(NULL, " \n", &save)) && strcmp(t, "-") != 0) {
    }
    char *fstype = t ? strtok_r(NULL, " \n", &save) : NULL;
    char *source = fstype ? strtok_r(NULL, " \n", &save) : NULL;
    if (fstype == NULL) return -1;
    unescape_octal(f[3]);
    unescape_octal(f[4]);
    m->root = strdup(f[3]);
    m->point = strdup(f[4]);
    m->fstype = strdup(fstype);
    m->source = strdup(source ? source : "");
    return m->root && m->point && m->fstype && m->source ? 0 : -1;
}

static void free_mount(struct prov_mount *m)
{
    free(m->root);
    free(m->point);
    free(m->fstype);
    free(m->source);
}

void prov_mounts_free(struct prov_mounts *ms)
{
    for (size_t i = 0; i < ms->n; i++)
        free_mount(&ms->m[i]);
    free(ms->m);
    ms->m = NULL;
    ms->n = 0;
}

int prov_mounts_read(const char *file, struct prov_mounts *out, struct bbd_err *err)
{
    FILE *f = fopen(file, "re");
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    out->m = NULL;
    out->n = 0;
    if (f == NULL) return bbd_err_sys(err, "fopen", file);
    while (getline(&line, &cap, f) > 0) {
        if (out->n == alloc) {
            alloc = alloc ? 2 * alloc : 64;
            struct prov_mount *p = realloc(out->m, alloc * sizeof(*p));
            if (p == NULL) goto oom;
            out->m = p;
        }
        memset(&out->m[out->n], 0, sizeof(out->m[0]));
        if (parse_line(line, &out->m[out->n]) == 0) {
            out->n++;
        } else {
            free_mount(&out->m[out->n]); /* a line we cannot read is skipped */
        }
    }
    free(line);
    fclose(f);
    return 0;
oom:
    errno = ENOMEM;
    free(line);
    fclose(f);
    prov_mounts_free(out);
    return bbd_err_sys(err, "realloc", file);
}

static size_t point_matches(const char *point, const char *path)
{
    size_t n = strlen(point);
    if (!strcmp(point, "/")) return 1;
    if (strncmp(path, point, n) != 0) return 0;
    return (path[n] == '/' || path[n] == '\0') ? n : 0;
}

const struct prov_mount *prov_mount_of(const struct prov_mounts *ms, const char *path)
{
    const struct prov_mount *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < ms->n; i++) {
        size_t n = point_matches(ms->m[i].point, path);
        if (n > 0 && n >= best_len) {
            best = &ms->m[i];
            best_len = n;
        }
    }
    return best;
}

static int is_virtual_fs(const char *fstype)
{
    static const char *const v[] = {"tmpfs", "proc", "sysfs", "devtmpfs", "devpts", "ramfs", NULL};
    for (const char *const *p = v; *p; p++)
        if (!strcmp(fstype, *p)) return 1;
    return 0;
}

/* Is dir equal to, or below, base? ("/a/bc" is not below "/a/b"). */
static int path_under(const char *dir, const char *base)
{
    size_t n = strlen(base);
    while (n > 1 && base[n - 1] == '/')
        n--;
    return strncmp(dir, base, n) == 0 && (dir[n] == '/' || dir[n] == '\0');
}

const char *prov_mount_origin(const struct prov_mounts *ms, int in_container, const char *path,
                              const char *image_root, char *host_path, size_t len)
{
    if (len) host_path[0] = '\0';
    if (!in_container) return "native";
    const struct prov_mount *m = prov_mount_of(ms, path);
    if (m == NULL) return "unknown";
    if (!strcmp(m->point, "/")) return "image";
    /* a fresh tmpfs/proc of the container; a file bound from a host tmpfs has a root */
    if (is_virtual_fs(m->fstype) && !strcmp(m->root, "/")) return "virtual";
    /* The mount's root is the bound file or directory as seen in its source file system. */
    const char *rest = path + strlen(m->point);
    snprintf(host_path, len, "%s%s", strcmp(m->root, "/") ? m->root : "", rest);
    if (host_path[0] == '\0') snprintf(host_path, len, "/");
    if (image_root && *image_root && path_under(m->root, image_root)) return "image";
    return "host";
}
