/* run_argv.h — a growable, NULL-terminated argument vector.
 *
 * Every command bbd run starts (launcher, container wrapper, bbd-bench, gnuplot) is
 * built as one of these and handed to execvp: no shell ever parses a command line. */
#ifndef BBD_RUN_ARGV_H
#define BBD_RUN_ARGV_H

#include <stdio.h>

struct run_argv {
    char **v; /* v[n] == NULL */
    int n, cap;
};

void run_argv_init(struct run_argv *a);
void run_argv_free(struct run_argv *a);
/* Append one argument (copied). Returns -1 on allocation failure. */
int run_argv_push(struct run_argv *a, const char *arg);
/* Append a printf-formatted argument. */
int run_argv_pushf(struct run_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append every whitespace-separated word of `words` (site options such as "--exclusive -p gpu"). */
int run_argv_push_words(struct run_argv *a, const char *words);
/* Append all of `b`. */
int run_argv_extend(struct run_argv *a, const struct run_argv *b);
/* Write the vector as one line, quoting arguments the shell would split (for logs and sbatch). */
void run_argv_print(const struct run_argv *a, FILE *f);

#endif
