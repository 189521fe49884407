#include "run_argv.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void run_argv_init(struct run_argv *a)
{
    a->v = NULL;
    a->n = a->cap = 0;
}

void run_argv_free(struct run_argv *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    run_argv_init(a);
}

static int push_owned(struct run_argv *a, char *s)
{
    if (s == NULL) return -1;
    if (a->n + 2 > a->cap) {
        int cap = a->cap ? 2 * a->cap : 16;
        char **v = realloc(a->v, (size_t)cap * sizeof(*v));
        if (v == NULL) {
            free(s);
            return -1;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
    return 0;
}

int run_argv_push(struct run_argv *a, const char *arg)
{
    return push_owned(a, strdup(arg));
}

int run_argv_pushf(struct run_argv *a, const char *fmt, ...)
{
    char *s = NULL;
    va_list ap;
    va_start(ap, fmt);
    int rc = vasprintf(&s, fmt, ap);
    va_end(ap);
    return rc < 0 ? -1 : push_owned(a, s);
}

int run_argv_push_words(struct run_argv *a, const char *words)
{
    if (words == NULL) return 0;
    const char *p = words;
    while (*p) {
        p += strspn(p, " \t\n");
        size_t len = strcspn(p, " \t\n");
        if (len == 0) break;
        if (push_owned(a, strndup(p, len)) < 0) return -1;
        p += len;
    }
    return 0;
}

int run_argv_extend(struct run_argv *a, const struct run_argv *b)
{
    for (int i = 0; i < b->n; i++)
        if (run_argv_push(a, b->v[i]) < 0) return -1;
    return 0;
}

void run_argv_print(const struct run_argv *a, FILE *f)
{
    for (int i = 0; i < a->n; i++) {
        const char *s = a->v[i];
        int plain = *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789_-+=/.,:@%") == strlen(s);
        if (plain) {
            fputs(s, f);
        } else {
            fputc('\'', f);
            for (; *s; s++)
                if (*s == '\'')
                    fputs("'\\''", f);
                else
                    fputc(*s, f);
            fputc('\'', f);
        }
        fputc(i + 1 < a->n ? ' ' : '\n', f);
    }
}
