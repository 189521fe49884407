/* format.h — plan output formats and the argument vectors shared with runtimes.
 * One table entry per format (format.c); adding a format is adding an entry. */
#ifndef BBD_FORMAT_H
#define BBD_FORMAT_H

#include "plan.h"

struct plan_format {
    const char *name;
    int (*write)(const struct plan *plan, FILE *out, struct bbd_err *err);
};

const struct plan_format *plan_format_find(const char *name);
/* "apptainer, singularity, ..." for usage messages. */
const char *plan_format_names(void);

/* A growable NULL-terminated argument vector. */
struct argv_vec {
    char **v;
    size_t n, cap;
    bool oom;
};
void argv_push(struct argv_vec *a, const char *s);
void argv_pushf(struct argv_vec *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void argv_free(struct argv_vec *a);

/* The bind and environment arguments of podman/docker (-v, -e) and bwrap
 * (--ro-bind, --setenv): shared with runtime.c, so what is printed is what runs. */
int format_docker_args(const struct plan *plan, struct argv_vec *a, struct bbd_err *err);
int format_bwrap_args(const struct plan *plan, struct argv_vec *a, struct bbd_err *err);

/* Refuse bind paths containing any of SEPARATORS (named for FORMAT in the message). */
int format_check_separators(const struct plan *plan, const char *separators, const char *format,
                            struct bbd_err *err);

/* Write S for a POSIX shell: as is when safe, else single-quoted. */
void format_shell_quote(FILE *out, const char *s);

#endif
