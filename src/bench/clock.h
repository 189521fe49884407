/* clock.h — the clock around each timed iteration.
 *
 * Per-iteration timing puts one clock read inside every sample, so its cost matters
 * for sub-microsecond latencies: MPI_Wtime (clock_gettime) costs ~28 ns on the build
 * machines, the x86-64 time-stamp counter ~10 ns. The TSC is used only when the CPU
 * says it is invariant (constant_tsc and nonstop_tsc: same rate in every P/C-state and
 * on every core), scaled by a rate calibrated against CLOCK_MONOTONIC at start-up;
 * otherwise, or with BBD_CLOCK=wtime, MPI_Wtime. The JSON records name the clock. */
#ifndef BBD_CLOCK_H
#define BBD_CLOCK_H

#include <stdint.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

struct bench_clock {
    const char *name;        /* "tsc" or "MPI_Wtime" */
    double seconds_per_tick; /* tsc: calibrated; MPI_Wtime: 1e-9 (ticks are ns) */
    int use_tsc;
};

extern struct bench_clock bench_clock;

/* Choose and calibrate the clock (~20 ms). Safe to call before or after MPI_Init. */
void bench_clock_init(void);

/* Is an invariant TSC advertised in this /proc/cpuinfo text? (exposed for tests) */
int bench_clock_tsc_invariant(const char *cpuinfo);

uint64_t bench_clock_wtime_ticks(void);

static inline uint64_t bench_clock_ticks(void)
{
#if defined(__x86_64__)
    if (bench_clock.use_tsc) return __rdtsc();
#endif
    return bench_clock_wtime_ticks();
}

static inline double bench_clock_seconds(uint64_t ticks)
{
    return (double)ticks * bench_clock.seconds_per_tick;
}

#endif
