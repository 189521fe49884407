#include "bbd_num.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* strtoll/strtod skip leading blanks and accept a lone sign: refuse both. */
static bool starts_well(const char *s)
{
    return s && *s && !isspace((unsigned char)*s);
}

int bbd_parse_long(const char *s, long long min, long long max, long long *out)
{
    if (!starts_well(s)) return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) return -1;
    *out = v;
    return 0;
}

int bbd_parse_double(const char *s, double min, double max, double *out)
{
    if (!starts_well(s)) return -1;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < min || v > max) return -1;
    *out = v;
    return 0;
}
