#include "bbd_time.h"

#include <time.h>

double bbd_monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void utc_format(char *buf, size_t len, const char *fmt)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    if (len && strftime(buf, len, fmt, &tm) == 0) buf[0] = '\0';
}

void bbd_utc_iso(char *buf, size_t len)
{
    utc_format(buf, len, "%Y-%m-%dT%H:%M:%SZ");
}

void bbd_utc_compact(char *buf, size_t len)
{
    utc_format(buf, len, "%Y%m%dT%H%M%SZ");
}
