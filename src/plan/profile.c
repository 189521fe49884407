/* profile.c — see profile.h. */
#include "profile.h"

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

static int add_bind(struct profile *prof, const char *src, const char *dst, const char *origin)
{
    struct profile_bind *v = realloc(prof->binds, (prof->n_binds + 1) * sizeof(*v));
    if (v == NULL) return -1;
    prof->binds = v;
    struct profile_bind *b = &v[prof->n_binds++];
    b->src = strdup(src);
    b->dst = strdup(dst ? dst : src);
    b->origin = strdup(origin);
    return b->src && b->dst && b->origin ? 0 : -1;
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
        return add_bind(prof, a, b, origin);
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
    for (size_t i = 0; i < prof->n_host_always; i++)
        free(prof->host_always[i]);
    free(prof->host_always);
    memset(prof, 0, sizeof(*prof));
}

bool profile_host_always(const struct profile *prof, const char *name)
{
    for (size_t i = 0; i < prof->n_host_always; i++)
        if (!fnmatch(prof->host_always[i], name, 0)) return true;
    return false;
}
