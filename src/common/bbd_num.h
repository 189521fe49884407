/* bbd_num.h — numbers from text, strictly: the whole text must be the number ("10x",
 * "", " 5", "1e999" are refused), in range. Every numeric option and config value of
 * every bitbulldozer program goes through these. */
#ifndef BBD_NUM_H
#define BBD_NUM_H

#include <stdbool.h>

/* 0, or -1 when s is not a whole decimal integer in [min, max]. */
int bbd_parse_long(const char *s, long long min, long long max, long long *out);
/* 0, or -1 when s is not a finite decimal number in [min, max]. */
int bbd_parse_double(const char *s, double min, double max, double *out);

#endif
