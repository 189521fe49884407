/* profile.c — see profile.h. */
#include "profile.h"

#include <ctype.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push(char ***vec, size_t *n, const char *s)
{
    char **v = realloc(*vec, (*n + 1) * sizeof(*v));
    if (v == NULL) return -1;
    *vec = v;
    return (v[(*n)++] = strdup(s)) ? 0 : -1;
}

static int add_bind(struct profile *prof, enum profile_bind_kind kind, const char *src,
                    const char *dst, const char *origin)
{
    struct profile_bind *v = realloc(prof->binds, (prof->n_binds + 1) * sizeof(*v));
    if (v == NULL) return -1;
    prof->binds = v;
    struct profile_bind *b = &v[prof->n_binds++];
    b->kind = kind;
    b->src = strdup(src);
    b->dst = strdup(dst ? dst : src);
    b->origin = strdup(origin);
    return b->src && b->dst && b->origin ? 0 : -1;
}

/* A shell-style variable name. */
static bool is_var_name(const char *s)
{
    return s[0] && !isdigit((unsigned char)s[0]) &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
               strlen(s);
}

/* One directive; returns 0, or -1 with a reason in WHY. */
static int parse_line(struct profile *prof, char *line, const char *origin, const char **why)
{
    char *save = NULL;
    char *word = strtok_r(line, " \t", &save);
    char *a = strtok_r(NULL, " \t", &save), *b = strtok_r(NULL, " \t", &save);
    char *extra = strtok_r(NULL, " \t", &save);
    *why = "out of memory";
    if (!strcmp(word, "bind") && a && !extra) {
        if (a[0] != '/' || (b && b[0] != '/')) return (*why = "bind needs absolute paths"), -1;
        return add_bind(prof, PROFILE_BIND, a, b, origin);
    }
    if (!strcmp(word, "device") && a && !b) {
        if (strncmp(a, "/dev/", 5)) return (*why = "device needs a path under /dev/"), -1;
        return add_bind(prof, PROFILE_DEVICE, a, NULL, origin);
    }
    if (!strcmp(word, "bind-env") && a && !b) {
        if (!is_var_name(a)) return (*why = "bind-env needs a variable name"), -1;
        return add_bind(prof, PROFILE_BIND_ENV, a, NULL, origin);
    }
    if (!strcmp(word, "ld-path") && a && !b) {
        if (a[0] != '/' && a[0] != '$') return (*why = "ld-path needs an absolute path"), -1;
        return push(&prof->ld_path, &prof->n_ld_path, a);
    }
    if (!strcmp(word, "forward") && a && !b) return push(&prof->forward, &prof->n_forward, a);
    if (!strcmp(word, "pass-fd") && a && !b) {
        if (!is_var_name(a)) return (*why = "pass-fd needs a variable name"), -1;
        return push(&prof->pass_fd, &prof->n_pass_fd, a);
    }
    if (!strcmp(word, "env") && a && !b && strchr(a, '=') && a[0] != '=')
        return push(&prof->env, &prof->n_env, a);
    if (!strcmp(word, "host-always") && a && !b)
        return push(&prof->host_always, &prof->n_host_always, a);
    if (!strcmp(word, "mpi-prefix") && !a) {
        prof->mpi_prefix = true;
        return 0;
    }
    *why = "unknown directive or wrong number of arguments";
    return -1;
}

int profile_load(const char *path, struct profile *prof, struct bbd_err *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) return bbd_err_sys(err, "fopen", path);
    char *line = NULL; /* a whole line, however long: a cut line would read as two */
    size_t cap = 0;
    int lineno = 0, rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        lineno++;
        line[strcspn(line, "#\r\n")] = '\0';
        if (line[strspn(line, " \t")] == '\0') continue;
        char origin[PATH_MAX + 16];
        const char *why;
        snprintf(origin, sizeof(origin), "%s:%d", path, lineno);
        if (parse_line(prof, line, origin, &why))
            rc = bbd_err_set(err, BBD_EXIT_USAGE, "profile %s: %s", origin, why);
    }
    if (rc == 0 && ferror(f)) rc = bbd_err_sys(err, "read", path); /* e.g. a directory */
    free(line);
    fclose(f);
    return rc;
}

void profile_free(struct profile *prof)
{
    for (size_t i = 0; i < prof->n_binds; i++) {
        free(prof->binds[i].src);
        free(prof->binds[i].dst);
        free(prof->binds[i].origin);
    }
    free(prof->binds);
    for (size_t i = 0; i < prof->n_env; i++)
        free(prof->env[i]);
    free(prof->env);
    char **const lists[] = {prof->host_always, prof->forward, prof->pass_fd, prof->ld_path};
    const size_t counts[] = {prof->n_host_always, prof->n_forward, prof->n_pass_fd,
                             prof->n_ld_path};
    for (size_t l = 0; l < 4; l++) {
        for (size_t i = 0; i < counts[l]; i++)
            free(lists[l][i]);
        free(lists[l]);
    }
    memset(prof, 0, sizeof(*prof));
}

bool profile_host_always(const struct profile *prof, const char *name)
{
    for (size_t i = 0; i < prof->n_host_always; i++)
        if (!fnmatch(prof->host_always[i], name, 0)) return true;
    return false;
}
