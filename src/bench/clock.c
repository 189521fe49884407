#include "clock.h"

#include "bbd_time.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bench_clock bench_clock = {"MPI_Wtime", 1e-9, 0};

uint64_t bench_clock_wtime_ticks(void)
{
    return (uint64_t)(MPI_Wtime() * 1e9);
}

/* Whole words only: "constant_tsc" must not match inside another flag name. */
static int has_flag(const char *text, const char *flag)
{
    size_t n = strlen(flag);
    for (const char *p = strstr(text, flag); p; p = strstr(p + 1, flag)) {
        char before = p == text ? ' ' : p[-1];
        char after = p[n];
        if ((before == ' ' || before == '\t') && (after == ' ' || after == '\n' || after == '\0'))
            return 1;
    }
    return 0;
}

int bench_clock_tsc_invariant(const char *cpuinfo)
{
    const char *flags = strstr(cpuinfo, "\nflags");
    if (flags == NULL) return 0;
    const char *end = strchr(flags + 1, '\n');
    size_t len = end ? (size_t)(end - flags) : strlen(flags);
    char *line = strndup(flags, len);
    if (line == NULL) return 0;
    int ok = has_flag(line, "constant_tsc") && has_flag(line, "nonstop_tsc");
    free(line);
    return ok;
}

#if defined(__x86_64__)
static int cpu_has_invariant_tsc(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL) return 0;
    static char buf[1 << 16];
    size_t n = fread(buf + 1, 1, sizeof(buf) - 2, f);
    fclose(f);
    buf[0] = '\n'; /* so the first line can match "\nflags" */
    buf[n + 1] = '\0';
    return bench_clock_tsc_invariant(buf);
}
#endif

void bench_clock_init(void)
{
    const char *want = getenv("BBD_CLOCK");
    if (want && !strcmp(want, "wtime")) return;
#if defined(__x86_64__)
    if (!cpu_has_invariant_tsc()) return;
    /* Rate from ~20 ms of both clocks; the error is ~1e-7 relative. */
    double w0 = bbd_monotonic_s();
    uint64_t c0 = __rdtsc();
    double w1;
    do
        w1 = bbd_monotonic_s();
    while (w1 - w0 < 0.02);
    uint64_t c1 = __rdtsc();
    if (c1 <= c0) return;
    bench_clock.seconds_per_tick = (w1 - w0) / (double)(c1 - c0);
    bench_clock.use_tsc = 1;
    bench_clock.name = "tsc";
#endif
}
