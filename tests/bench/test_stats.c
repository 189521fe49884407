#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <time.h>

#include "clock.h"
#include "stats.h"

static void percentiles_interpolate(void **state)
{
    (void)state;
    double s[] = {5, 1, 4, 2, 3}; /* sorted 1..5 */
    double scratch[5];
    struct bench_stats st;
    assert_int_equal(stats_compute(s, 5, scratch, &st), 0);
    assert_true(st.min == 1.0 && st.max == 5.0);
    assert_true(st.mean == 3.0);
    assert_true(st.p50 == 3.0);
    assert_true(st.p90 > 4.59 && st.p90 < 4.61); /* 4 + 0.6 * (5 - 4) */
    assert_true(st.p99 > 4.95 && st.p99 < 4.97);
    assert_int_equal(stats_compute(s, 0, scratch, &st), -1);
}

static void single_sample(void **state)
{
    (void)state;
    double s[] = {7.5}, scratch[1];
    struct bench_stats st;
    stats_compute(s, 1, scratch, &st);
    assert_true(st.p50 == 7.5 && st.p99 == 7.5 && st.ci95 == 0.0);
}

static void median_ci_order_statistics(void **state)
{
    (void)state;
    /* n = 100 values 1..100: ranks 50 -+ 9.8 -> x(40) = 40 and x(61) = 61,
     * half-width 10.5. */
    double s[100], scratch[100];
    for (int i = 0; i < 100; i++)
        s[i] = 100 - i;
    struct bench_stats st;
    stats_compute(s, 100, scratch, &st);
    assert_true(st.ci95 == 10.5);
    /* Constant samples: no spread. */
    for (int i = 0; i < 100; i++)
        s[i] = 2.0;
    stats_compute(s, 100, scratch, &st);
    assert_true(st.ci95 == 0.0);
    /* The interval narrows as n grows (same distribution). */
    double big[10000], big_scratch[10000];
    for (int i = 0; i < 10000; i++)
        big[i] = (double)(i % 100) + 1;
    stats_compute(big, 10000, big_scratch, &st);
    assert_true(st.ci95 <= 1.0);
}

static void invariant_tsc_needs_both_flags(void **state)
{
    (void)state;
    const char *both = "processor\t: 0\nflags\t\t: fpu tsc constant_tsc rdtscp nonstop_tsc\n";
    const char *one = "processor\t: 0\nflags\t\t: fpu tsc constant_tsc rdtscp\n";
    const char *lookalike = "processor\t: 0\nflags\t\t: xconstant_tsc nonstop_tsc_x\n";
    assert_true(bench_clock_tsc_invariant(both));
    assert_false(bench_clock_tsc_invariant(one));
    assert_false(bench_clock_tsc_invariant(lookalike));
    assert_false(bench_clock_tsc_invariant("no flags here"));
}

static void clock_counts_forward(void **state)
{
    (void)state;
    bench_clock_init();
    uint64_t a = bench_clock_ticks();
    struct timespec ts = {0, 2000000}; /* 2 ms */
    nanosleep(&ts, NULL);
    double s = bench_clock_seconds(bench_clock_ticks() - a);
    assert_true(s > 0.0019 && s < 0.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percentiles_interpolate),
        cmocka_unit_test(single_sample),
        cmocka_unit_test(median_ci_order_statistics),
        cmocka_unit_test(invariant_tsc_needs_both_flags),
        cmocka_unit_test(clock_counts_forward),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
