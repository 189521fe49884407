/* format.c — see format.h. Every text format is exact and stable: tests compare
 * it byte for byte. */
#include "format.h"

#include "jsonw.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void argv_push(struct argv_vec *a, const char *s)
{
    if (a->oom) return;
    if (a->n + 2 > a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 32;
        char **v = realloc(a->v, cap * sizeof(*v));
        if (v == NULL) {
            a->oom = true;
            return;
        }
        a->v = v;
        a->cap = cap;
    }
    if ((a->v[a->n] = strdup(s)) == NULL) {
        a->oom = true;
        return;
    }
    a->v[++a->n] = NULL;
}

void argv_pushf(struct argv_vec *a, const char *fmt, ...)
{
    char *s = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        a->oom = true;
        return;
    }
    argv_push(a, s);
    free(s);
}

void argv_free(struct argv_vec *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    memset(a, 0, sizeof(*a));
}

void format_shell_quote(FILE *out, const char *s)
{
    if (s[0] &&
        strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-") ==
            strlen(s)) {
        fputs(s, out);
        return;
    }
    fputc('\'', out);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", out);
        else
            fputc(*s, out);
    }
    fputc('\'', out);
}

int format_check_separators(const struct plan *plan, const char *separators, const char *format,
                            struct bbd_err *err)
{
    for (size_t i = 0; i < plan->n_binds; i++) {
        const char *paths[2] = {plan->binds[i].src, plan->binds[i].dst};
        for (int k = 0; k < 2; k++) {
            size_t at = strcspn(paths[k], separators);
            if (paths[k][at])
                return bbd_err_set(err, BBD_EXIT_USAGE,
                                   "%s: cannot express bind %s -> %s: '%c' separates binds in "
                                   "its syntax and cannot be escaped; rename or bind a parent "
                                   "directory",
                                   format, plan->binds[i].src, plan->binds[i].dst, paths[k][at]);
        }
    }
    return 0;
}

/* APPTAINER_BIND / SINGULARITY_BIND and the *ENV_ variables. */
static int write_apptainer_like(const struct plan *plan, FILE *out, const char *prefix,
                                const char *name, struct bbd_err *err)
{
    if (format_check_separators(plan, ",:", name, err)) return -1;
    if (plan->n_binds) {
        fprintf(out, "export %s_BIND=", prefix);
        char *list = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&list, &len);
        if (m == NULL) return bbd_err_sys(err, "open_memstream", name);
        for (size_t i = 0; i < plan->n_binds; i++)
            fprintf(m, "%s%s:%s:ro", i ? "," : "", plan->binds[i].src, plan->binds[i].dst);
        fclose(m);
        format_shell_quote(out, list);
        free(list);
        fputc('\n', out);
    }
    for (size_t i = 0; i < plan->n_env; i++) {
        fprintf(out, "export %sENV_%s=", prefix, plan->env[i].name);
        format_shell_quote(out, plan->env[i].value);
        fputc('\n', out);
    }
    return 0;
}

static int write_apptainer(const struct plan *plan, FILE *out, struct bbd_err *err)
{
    return write_apptainer_like(plan, out, "APPTAINER", "apptainer", err);
}

static int write_singularity(const struct plan *plan, FILE *out, struct bbd_err *err)
{
    return write_apptainer_like(plan, out, "SINGULARITY", "singularity", err);
}

int format_docker_args(const struct plan *plan, struct argv_vec *a, struct bbd_err *err)
{
    if (format_check_separators(plan, ":", "podman/docker -v", err)) return -1;
    for (size_t i = 0; i < plan->n_binds; i++) {
        const struct plan_bind *b = &plan->binds[i];
        argv_push(a, b->device ? "--device" : "-v");
        if (b->device && !strcmp(b->src, b->dst))
            argv_push(a, b->src);
        else
            argv_pushf(a, "%s:%s%s", b->src, b->dst, b->device ? "" : ":ro");
    }
    for (size_t i = 0; i < plan->n_env; i++) {
        argv_push(a, "-e");
        argv_pushf(a, "%s=%s", plan->env[i].name, plan->env[i].value);
    }
    /* the launcher's variables (SLURM_*, PMI_*): by name, the value is the runtime's own */
    for (size_t i = 0; i < plan->n_forward; i++) {
        argv_push(a, "-e");
        argv_push(a, plan->forward[i]);
    }
    return 0;
}

int format_bwrap_args(const struct plan *plan, struct argv_vec *a, struct bbd_err *err)
{
    (void)err;
    for (size_t i = 0; i < plan->n_binds; i++) {
        argv_push(a, plan->binds[i].device ? "--dev-bind" : "--ro-bind");
        argv_push(a, plan->binds[i].src);
        argv_push(a, plan->binds[i].dst);
    }
    for (size_t i = 0; i < plan->n_env; i++) {
        argv_push(a, "--setenv");
        argv_push(a, plan->env[i].name);
        argv_push(a, plan->env[i].value);
    }
    return 0;
}

/* One line of shell-quoted arguments. */
static int write_args(const struct plan *plan, FILE *out, struct bbd_err *err,
                      int (*args)(const struct plan *, struct argv_vec *, struct bbd_err *))
{
    struct argv_vec a = {0};
    int rc = args(plan, &a, err);
    if (rc == 0 && a.oom) rc = bbd_err_sys(err, "realloc", "arguments");
    for (size_t i = 0; rc == 0 && i < a.n; i++) {
        if (i) fputc(' ', out);
        format_shell_quote(out, a.v[i]);
    }
    if (rc == 0 && a.n) fputc('\n', out);
    argv_free(&a);
    return rc;
}

static int write_docker(const struct plan *plan, FILE *out, struct bbd_err *err)
{
    return write_args(plan, out, err, format_docker_args);
}

static int write_bwrap(const struct plan *plan, FILE *out, struct bbd_err *err)
{
    return write_args(plan, out, err, format_bwrap_args);
}

static int write_env(const struct plan *plan, FILE *out, struct bbd_err *err)
{
    (void)err;
    for (size_t i = 0; i < plan->n_env; i++) {
        fprintf(out, "export %s=", plan->env[i].name);
        format_shell_quote(out, plan->env[i].value);
        fputc('\n', out);
    }
    return 0;
}

/* One MPI library as its file says it is, or null. */
static void json_mpi(struct jsonw *w, const char *key, const struct plan_mpi *m)
{
    jsonw_key(w, key);
    if (!m->known) {
        jsonw_null(w);
        return;
    }
    char abi[48] = "";
    for (int i = 0, n = 0; i < 3 && m->v.abi[i] >= 0 && n >= 0 && (size_t)n < sizeof(abi); i++)
        n += snprintf(abi + n, sizeof(abi) - (size_t)n, "%s%d", i ? "." : "", m->v.abi[i]);
    jsonw_obj_begin(w);
    jsonw_kstr(w, "path", m->path);
    jsonw_kstr(w, "family", m->v.family[0] ? m->v.family : NULL);
    jsonw_kstr(w, "release", m->v.release[0] ? m->v.release : NULL);
    jsonw_kstr(w, "mpich_base", m->v.base[0] ? m->v.base : NULL);
    jsonw_kstr(w, "device", m->v.device[0] ? m->v.device : NULL);
    jsonw_kstr(w, "abi", abi[0] ? abi : NULL);
    jsonw_obj_end(w);
}

static int write_json(const struct plan *plan, FILE *out, struct bbd_err *err)
{
    struct jsonw w;
    jsonw_init(&w);
    jsonw_obj_begin(&w);
    jsonw_kstr(&w, "schema", "bbd-plan/1");
    jsonw_kstr(&w, "mode", plan_mode_name(plan->mode));
    jsonw_kbool(&w, "gtl", plan->gtl);
    jsonw_kstr(&w, "image", plan->image);
    jsonw_kstr(&w, "abi_check", plan->mode == PLAN_BIND ? abi_check_name(plan->abi_check) : NULL);
    jsonw_key(&w, "mpi");
    jsonw_obj_begin(&w);
    json_mpi(&w, "image", &plan->mpi_image);
    json_mpi(&w, "host", &plan->mpi_host);
    jsonw_obj_end(&w);
    jsonw_key(&w, "binds");
    jsonw_arr_begin(&w);
    for (size_t i = 0; i < plan->n_binds; i++) {
        jsonw_obj_begin(&w);
        jsonw_kstr(&w, "src", plan->binds[i].src);
        jsonw_kstr(&w, "dst", plan->binds[i].dst);
        jsonw_kstr(&w, "why", plan->binds[i].why);
        if (plan->binds[i].learned) jsonw_kbool(&w, "learned", true);
        if (plan->binds[i].device) jsonw_kbool(&w, "device", true);
        jsonw_obj_end(&w);
    }
    jsonw_arr_end(&w);
    jsonw_key(&w, "env");
    jsonw_obj_begin(&w);
    for (size_t i = 0; i < plan->n_env; i++)
        jsonw_kstr(&w, plan->env[i].name, plan->env[i].value);
    jsonw_obj_end(&w);
    jsonw_key(&w, "forward");
    jsonw_arr_begin(&w);
    for (size_t i = 0; i < plan->n_forward; i++)
        jsonw_str(&w, plan->forward[i]);
    jsonw_arr_end(&w);
    jsonw_key(&w, "symbols");
    jsonw_obj_begin(&w);
    jsonw_kint(&w, "replaced", (long long)plan->symbols.pairs);
    jsonw_kint(&w, "objects", (long long)plan->symbols.consumers);
    jsonw_kint(&w, "references", (long long)plan->symbols.refs);
    jsonw_kint(&w, "answered_elsewhere", (long long)plan->symbols.elsewhere);
    jsonw_kint(&w, "weak_missing", (long long)plan->symbols.weak_missing);
    jsonw_obj_end(&w);
    jsonw_key(&w, "learned");
    jsonw_obj_begin(&w);
    jsonw_kint(&w, "objects", (long long)plan->learned.objects);
    jsonw_kint(&w, "added", (long long)plan->learned.added);
    jsonw_obj_end(&w);
    jsonw_key(&w, "explain");
    jsonw_arr_begin(&w);
    for (size_t i = 0; i < plan->n_explain; i++)
        jsonw_str(&w, plan->explain[i]);
    jsonw_arr_end(&w);
    jsonw_obj_end(&w);
    int rc = w.oom ? bbd_err_sys(err, "realloc", "json") : 0;
    if (rc == 0) fprintf(out, "%s\n", jsonw_text(&w));
    jsonw_free(&w);
    return rc;
}

static const struct plan_format formats[] = {
    {"apptainer", write_apptainer}, {"singularity", write_singularity},
    {"podman", write_docker},       {"docker", write_docker},
    {"bwrap", write_bwrap},         {"env", write_env},
    {"json", write_json},           {NULL, NULL},
};

const struct plan_format *plan_format_find(const char *name)
{
    for (const struct plan_format *f = formats; f->name; f++)
        if (!strcmp(f->name, name)) return f;
    return NULL;
}

const char *plan_format_names(void)
{
    return "apptainer, singularity, podman, docker, bwrap, env, json";
}

int plan_write(const struct plan *plan, const char *format, FILE *out, struct bbd_err *err)
{
    const struct plan_format *f = plan_format_find(format);
    if (f == NULL)
        return bbd_err_set(err, BBD_EXIT_USAGE, "--format %s: unknown (one of %s)", format,
                           plan_format_names());
    return f->write(plan, out, err);
}
