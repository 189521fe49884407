#include "run_spec.h"

#include "bbd_num.h"
#include "jsonw.h"
#include "registry.h"

#include <ctype.h>
#include <ini.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

const char run_spec_default_ini[] = "[matrix]\n"
                                    "modes = native\n"
                                    "gtl = off\n"
                                    "tests = latency, bw\n"
                                    "placements = H H\n"
                                    "[bench]\n"
                                    "timeout = 300\n"
                                    "[launcher]\n"
                                    "launcher = auto\n"
                                    "ranks = 2\n"
                                    "nodes = 1\n"
                                    "srun_mpi = pmi2\n"
                                    "[container]\n"
                                    "runtime = apptainer\n"
                                    "image_bench = bbd-bench\n"
                                    "[report]\n"
                                    "nic_gbps = 25\n"
                                    "noise = 5\n";

enum field_type { F_STR, F_INT, F_DBL, F_BOOL, F_LIST, F_PLACEMENTS };

struct field {
    const char *section, *key;
    enum field_type type;
    size_t offset;
};

#define FIELD(sec, name, type)                                                                     \
    {                                                                                              \
        sec, #name, type, offsetof(struct run_spec, name)                                          \
    }
#define MODE_FIELD(sec, idx, name)                                                                 \
    {                                                                                              \
        sec, #name, F_STR, offsetof(struct run_spec, mode_conf[idx].name)                          \
    }
/* Every setting, once: the INI reader, the command line and the JSON writer use this. */
static const struct field fields[] = {
    FIELD("matrix", modes, F_LIST),
    FIELD("matrix", gtl, F_LIST),
    FIELD("matrix", tests, F_LIST),
    FIELD("matrix", placements, F_PLACEMENTS),
    FIELD("matrix", gtl_library, F_STR),
    FIELD("bench", bench, F_STR),
    FIELD("bench", sizes, F_STR),
    FIELD("bench", iterations, F_INT),
    FIELD("bench", warmup, F_INT),
    FIELD("bench", validate, F_BOOL),
    FIELD("bench", bench_args, F_STR),
    FIELD("bench", timeout, F_DBL),
    FIELD("launcher", launcher, F_STR),
    FIELD("launcher", mpiexec, F_STR),
    FIELD("launcher", hosts, F_STR),
    FIELD("launcher", ranks, F_INT),
    FIELD("launcher", nodes, F_INT),
    FIELD("launcher", srun_mpi, F_STR),
    FIELD("launcher", cpu_bind, F_STR),
    FIELD("launcher", gpu_bind, F_STR),
    FIELD("launcher", gpus_per_task, F_STR),
    FIELD("launcher", launcher_args, F_STR),
    FIELD("launcher", partition, F_STR),
    FIELD("launcher", account, F_STR),
    FIELD("launcher", time_limit, F_STR),
    FIELD("container", runtime, F_STR),
    FIELD("container", image, F_STR),
    FIELD("container", image_bench, F_STR),
    FIELD("container", bbd, F_STR),
    FIELD("container", exec_args, F_STR),
    MODE_FIELD("mode.basic", RUN_MODE_BASIC, image),
    MODE_FIELD("mode.basic", RUN_MODE_BASIC, image_bench),
    MODE_FIELD("mode.basic", RUN_MODE_BASIC, exec_args),
    MODE_FIELD("mode.bind", RUN_MODE_BIND, image),
    MODE_FIELD("mode.bind", RUN_MODE_BIND, image_bench),
    MODE_FIELD("mode.bind", RUN_MODE_BIND, exec_args),
    MODE_FIELD("mode.hybrid", RUN_MODE_HYBRID, image),
    MODE_FIELD("mode.hybrid", RUN_MODE_HYBRID, image_bench),
    MODE_FIELD("mode.hybrid", RUN_MODE_HYBRID, exec_args),
    FIELD("report", nic_gbps, F_DBL),
    FIELD("report", noise, F_DBL),
    FIELD("report", reference, F_STR),
    FIELD("report", system, F_STR),
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

/* native first, then the container modes in RUN_MODE_* order. */
static const char *const known_modes[] = {"native", "basic", "bind", "hybrid", NULL};

void run_spec_init(struct run_spec *s)
{
    memset(s, 0, sizeof(*s));
}

int run_spec_load_default(struct run_spec *s, struct bbd_err *err)
{
    run_spec_init(s);
    int rc = run_spec_load_string(s, run_spec_default_ini, "default matrix", err);
    s->placements_given = false;
    return rc;
}

static void list_clear(struct run_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->item[i]);
    l->n = 0;
}

void run_spec_free(struct run_spec *s)
{
    for (size_t i = 0; i < N_FIELDS; i++) {
        void *p = (char *)s + fields[i].offset;
        if (fields[i].type == F_STR)
            free(*(char **)p);
        else if (fields[i].type == F_LIST || fields[i].type == F_PLACEMENTS)
            list_clear(p);
    }
    list_clear(&s->env);
    run_spec_init(s);
}

static char *trimmed(const char *v, size_t len)
{
    while (len && isspace((unsigned char)*v))
        v++, len--;
    while (len && isspace((unsigned char)v[len - 1]))
        len--;
    return strndup(v, len);
}

/* "HD", "h d", "H-D", "H,D" all mean sender on the host, receiver on the device. */
int run_placement_normalise(const char *in, char out[4])
{
    char side[2];
    int n = 0;
    for (const char *p = in; *p; p++) {
        char c = (char)toupper((unsigned char)*p);
        if (c == 'H' || c == 'D') {
            if (n == 2) return -1;
            side[n++] = c;
        } else if (!isspace((unsigned char)c) && c != '-' && c != '_') {
            return -1;
        }
    }
    if (n != 2) return -1;
    out[0] = side[0], out[1] = ' ', out[2] = side[1], out[3] = '\0';
    return 0;
}

static int list_set(struct run_list *l, const char *value, bool placements, const char *key,
                    struct bbd_err *err)
{
    list_clear(l);
    for (const char *p = value; *p;) {
        size_t len = strcspn(p, ",");
        char *item = trimmed(p, len);
        p += len + (p[len] == ',');
        if (item == NULL) return bbd_err_set(err, BBD_EXIT_ENV, "strndup: out of memory");
        if (!*item) {
            free(item);
            continue;
        }
        if (placements) {
            char norm[4];
            if (run_placement_normalise(item, norm) < 0) {
                bbd_err_set(err, BBD_EXIT_USAGE,
                            "%s: '%s' is not a placement (H or D for sender, then receiver)", key,
                            item);
                free(item);
                return -1;
            }
            free(item); /* "HH" is shorter than its normal form "H H" */
            if ((item = strdup(norm)) == NULL)
                return bbd_err_set(err, BBD_EXIT_ENV, "strdup: out of memory");
        }
        if (l->n == RUN_LIST_MAX) {
            free(item);
            return bbd_err_set(err, BBD_EXIT_USAGE, "%s: more than %d values", key, RUN_LIST_MAX);
        }
        l->item[l->n++] = item;
    }
    return 0;
}

static int parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"1", "yes", "true", "on", NULL};
    static const char *const no[] = {"0", "no", "false", "off", NULL};
    for (int i = 0; yes[i]; i++)
        if (!strcasecmp(v, yes[i])) return *out = true, 0;
    for (int i = 0; no[i]; i++)
        if (!strcasecmp(v, no[i])) return *out = false, 0;
    return -1;
}

static int field_set(struct run_spec *s, const struct field *f, const char *value,
                     struct bbd_err *err)
{
    void *p = (char *)s + f->offset;
    switch (f->type) {
    case F_STR:
        free(*(char **)p);
        *(char **)p = *value ? strdup(value) : NULL;
        return 0;
    case F_INT: {
        long long v;
        if (bbd_parse_long(value, 0, 1000000000, &v)) break;
        *(int *)p = (int)v;
        return 0;
    }
    case F_DBL:
        if (bbd_parse_double(value, 0.0, 1e12, p)) break;
        return 0;
    case F_BOOL:
        if (parse_bool(value, p) < 0) break;
        return 0;
    case F_LIST:
    case F_PLACEMENTS:
        if (f->type == F_PLACEMENTS) s->placements_given = true;
        return list_set(p, value, f->type == F_PLACEMENTS, f->key, err);
    }
    static const char *const expected[] = {
        [F_INT] = "a whole number from 0 to 1000000000",
        [F_DBL] = "a number >= 0",
        [F_BOOL] = "yes/no, on/off, true/false or 1/0",
    };
    return bbd_err_set(err, BBD_EXIT_USAGE, "[%s] %s: invalid value '%s' (expected %s)", f->section,
                       f->key, value, expected[f->type] ? expected[f->type] : "?");
}

int run_spec_set(struct run_spec *s, const char *section, const char *key, const char *value,
                 struct bbd_err *err)
{
    if (!strcmp(section, "env")) {
        for (int i = 0; i < s->env.n; i++) {
            size_t klen = strcspn(s->env.item[i], "=");
            if (strlen(key) == klen && !strncmp(s->env.item[i], key, klen)) {
                free(s->env.item[i]);
                s->env.item[i] = s->env.item[--s->env.n];
                break;
            }
        }
        if (s->env.n == RUN_LIST_MAX)
            return bbd_err_set(err, BBD_EXIT_USAGE, "[env]: more than %d variables", RUN_LIST_MAX);
        if (asprintf(&s->env.item[s->env.n], "%s=%s", key, value) < 0)
            return bbd_err_set(err, BBD_EXIT_ENV, "asprintf: out of memory");
        s->env.n++;
        return 0;
    }
    for (size_t i = 0; i < N_FIELDS; i++)
        if (!strcmp(fields[i].section, section) && !strcmp(fields[i].key, key))
            return field_set(s, &fields[i], value, err);
    return bbd_err_set(err, BBD_EXIT_USAGE, "unknown setting [%s] %s", section, key);
}

struct ini_ctx {
    struct run_spec *spec;
    struct bbd_err *err;
    int failed;
    FILE *file;               /* run_spec_load_file: read through file_line() */
    int lines, too_long, max; /* lines read; the first one longer than libinih's buffer */
};

static int spec_ini_line(void *user, const char *section, const char *name, const char *value)
{
    struct ini_ctx *c = user;
    if (c->failed) return 0;
    if (run_spec_set(c->spec, section, name, value, c->err) < 0) {
        c->failed = 1;
        return 0;
    }
    return 1;
}

static int ini_result(int rc, struct ini_ctx *c, const char *what, struct bbd_err *err)
{
    if (rc == 0) return 0;
    if (c->failed) {
        char why[sizeof(err->msg)];
        snprintf(why, sizeof(why), "%s", err->msg);
        return bbd_err_set(err, BBD_EXIT_USAGE, "%s:%d: %s", what, rc, why);
    }
    if (rc < 0) return bbd_err_sys(err, "ini_parse", what);
    return bbd_err_set(err, BBD_EXIT_USAGE, "%s:%d: not INI syntax", what, rc);
}

int run_spec_load_string(struct run_spec *s, const char *text, const char *what,
                         struct bbd_err *err)
{
    struct ini_ctx c = {.spec = s, .err = err};
    return ini_result(ini_parse_string(text, spec_ini_line, &c), &c, what, err);
}

/* libinih reads a line into a buffer of its own fixed size and takes the rest of a longer
 * line for the next line: stop at such a line instead, to say so. */
static char *file_line(char *str, int num, void *user)
{
    struct ini_ctx *c = user;
    if (fgets(str, num, c->file) == NULL) return NULL;
    c->lines++;
    size_t n = strlen(str);
    if (n + 1 < (size_t)num || str[n - 1] == '\n') return str;
    int next = getc(c->file); /* the buffer is full: is there more of this line? */
    if (next == EOF) return str;
    ungetc(next, c->file);
    c->too_long = c->lines, c->max = num - 2;
    return NULL;
}

int run_spec_load_file(struct run_spec *s, const char *path, struct bbd_err *err)
{
    struct ini_ctx c = {.spec = s, .err = err, .file = fopen(path, "r")};
    if (c.file == NULL) return bbd_err_sys(err, "fopen", path);
    int rc = ini_parse_stream(file_line, &c, spec_ini_line, &c);
    fclose(c.file);
    if (rc == 0 && c.too_long)
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "%s:%d: line longer than %d characters, the INI reader's limit (give "
                           "such a value on the command line: --KEY VALUE or --set)",
                           path, c.too_long, c.max);
    return ini_result(rc, &c, path, err);
}

int run_spec_set_option(struct run_spec *s, const char *name, const char *value,
                        struct bbd_err *err)
{
    /* --env KEY=VALUE and --set SECTION.KEY=VALUE reach every setting; the others are keys. */
    if (!strcmp(name, "env") || !strcmp(name, "set")) {
        const char *eq = strchr(value, '=');
        if (eq == NULL)
            return bbd_err_set(err, BBD_EXIT_USAGE, "--%s %s: expected %s=VALUE", name, value,
                               name[0] == 'e' ? "KEY" : "SECTION.KEY");
        char *left = strndup(value, (size_t)(eq - value));
        /* the key is after the last dot: sections may hold one ("mode.bind.image") */
        char *dot = name[0] == 's' ? strrchr(left, '.') : NULL;
        int rc;
        if (name[0] == 'e')
            rc = run_spec_set(s, "env", left, eq + 1, err);
        else if (dot == NULL)
            rc = bbd_err_set(err, BBD_EXIT_USAGE, "--set %s: expected SECTION.KEY=VALUE", value);
        else
            *dot = '\0', rc = run_spec_set(s, left, dot + 1, eq + 1, err);
        free(left);
        return rc;
    }
    for (size_t i = 0; i < N_FIELDS; i++)
        if (!strcmp(fields[i].key, name)) return field_set(s, &fields[i], value, err);
    return bbd_err_set(err, BBD_EXIT_USAGE, "unknown option --%s", name);
}

static bool in_set(const char *v, const char *const *set)
{
    for (int i = 0; set[i]; i++)
        if (!strcmp(v, set[i])) return true;
    return false;
}

int run_spec_check(const struct run_spec *s, struct bbd_err *err)
{
    static const char *const gtl_values[] = {"off", "on", NULL};
    static const char *const launchers[] = {"auto", "mpiexec", "srun", NULL};
    const struct {
        const struct run_list *list;
        const char *key;
        const char *const *set;
    } lists[] = {{&s->modes, "modes", known_modes}, {&s->gtl, "gtl", gtl_values}};
    for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
        if (lists[l].list->n == 0)
            return bbd_err_set(err, BBD_EXIT_USAGE, "[matrix] %s: empty", lists[l].key);
        for (int i = 0; i < lists[l].list->n; i++)
            if (!in_set(lists[l].list->item[i], lists[l].set))
                return bbd_err_set(err, BBD_EXIT_USAGE, "[matrix] %s: unknown value '%s'",
                                   lists[l].key, lists[l].list->item[i]);
    }
    if (s->tests.n == 0) return bbd_err_set(err, BBD_EXIT_USAGE, "[matrix] tests: empty");
    for (int i = 0; i < s->tests.n; i++)
        if (bench_find(s->tests.item[i]) == NULL)
            return bbd_err_set(err, BBD_EXIT_USAGE, "[matrix] tests: unknown test '%s' (%s)",
                               s->tests.item[i], bench_names());
    if (s->placements.n == 0) return bbd_err_set(err, BBD_EXIT_USAGE, "[matrix] placements: empty");
    if (s->launcher && !in_set(s->launcher, launchers))
        return bbd_err_set(err, BBD_EXIT_USAGE, "[launcher] launcher: unknown '%s'", s->launcher);
    if (s->ranks < 1) return bbd_err_set(err, BBD_EXIT_USAGE, "[launcher] ranks: need at least 1");
    for (int i = 0; i < s->modes.n; i++) {
        struct run_container c;
        if (run_spec_container(s, s->modes.item[i], &c) == 0 && c.image == NULL)
            return bbd_err_set(err, BBD_EXIT_USAGE,
                               "mode %s runs in a container: set [container] image (--image) "
                               "or [mode.%s] image",
                               s->modes.item[i], s->modes.item[i]);
    }
    return 0;
}

int run_spec_container(const struct run_spec *s, const char *mode, struct run_container *out)
{
    for (int m = 0; m < RUN_CONTAINER_MODES; m++) {
        if (strcmp(known_modes[m + 1], mode)) continue;
        const struct run_mode_conf *mc = &s->mode_conf[m];
        out->image = mc->image ? mc->image : s->image;
        out->image_bench = mc->image_bench  ? mc->image_bench
                           : s->image_bench ? s->image_bench
                                            : "bbd-bench";
        out->exec_args = s->exec_args;
        out->mode_args = mc->exec_args;
        return 0;
    }
    return -1;
}

char *run_spec_json(const struct run_spec *s)
{
    struct jsonw w;
    jsonw_init(&w);
    jsonw_obj_begin(&w);
    for (size_t i = 0; i < N_FIELDS; i++) {
        const void *p = (const char *)s + fields[i].offset;
        char key[64];
        snprintf(key, sizeof(key), "%s.%s", fields[i].section, fields[i].key);
        switch (fields[i].type) {
        case F_STR:
            jsonw_kstr(&w, key, *(char *const *)p);
            break;
        case F_INT:
            jsonw_kint(&w, key, *(const int *)p);
            break;
        case F_DBL:
            jsonw_knum(&w, key, *(const double *)p);
            break;
        case F_BOOL:
            jsonw_kbool(&w, key, *(const bool *)p);
            break;
        case F_LIST:
        case F_PLACEMENTS: {
            const struct run_list *l = p;
            jsonw_key(&w, key);
            jsonw_arr_begin(&w);
            for (int j = 0; j < l->n; j++)
                jsonw_str(&w, l->item[j]);
            jsonw_arr_end(&w);
        }
        }
    }
    jsonw_key(&w, "env");
    jsonw_arr_begin(&w);
    for (int j = 0; j < s->env.n; j++)
        jsonw_str(&w, s->env.item[j]);
    jsonw_arr_end(&w);
    jsonw_obj_end(&w);
    char *out = w.oom ? NULL : strdup(jsonw_text(&w));
    jsonw_free(&w);
    return out;
}
