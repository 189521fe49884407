#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "options.h"

#define ARGV(...) ((char *[]){"bbd-bench", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"bbd-bench", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(o, err, ...) opts_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), o, err)

static void osu_defaults_latency(void **state)
{
    (void)state;
    struct bench_opts o;
    struct bbd_err err = {0};
    assert_int_equal(PARSE(&o, &err, "latency"), 0);
    assert_ptr_equal(o.test, bench_find("latency"));
    assert_int_equal(o.min_size, 0);
    assert_int_equal(o.max_size, 4 << 20);
    assert_int_equal(opts_iterations(&o, 8192), 10000);
    assert_int_equal(opts_warmup(&o, 8192), 100);
    assert_int_equal(opts_iterations(&o, 16384), 1000);
    assert_int_equal(opts_warmup(&o, 16384), 10);
    assert_true(o.placement[0] == 'H' && o.placement[1] == 'H');
    assert_true(o.provenance);
}

static void osu_defaults_bandwidth(void **state)
{
    (void)state;
    struct bench_opts o;
    struct bbd_err err = {0};
    assert_int_equal(PARSE(&o, &err, "-t", "bw"), 0);
    assert_int_equal(o.min_size, 1);
    assert_int_equal(o.window, 64);
    assert_int_equal(opts_iterations(&o, 8192), 100);
    assert_int_equal(opts_warmup(&o, 8192), 10);
    assert_int_equal(opts_iterations(&o, 8193), 20);
    assert_int_equal(opts_warmup(&o, 8193), 2);
}

static void sizes_placement_and_flags(void **state)
{
    (void)state;
    struct bench_opts o;
    struct bbd_err err = {0};
    assert_int_equal(PARSE(&o, &err, "bibw", "-m", "4K:1M", "-i", "7", "-x", "3", "-W", "16", "-c",
                           "-d", "cuda", "--transfer", "staged", "--json", "-", "D", "h"),
                     0);
    assert_ptr_equal(o.test, bench_find("bibw"));
    assert_int_equal(o.min_size, 4096);
    assert_int_equal(o.max_size, 1 << 20);
    assert_int_equal(opts_iterations(&o, 1 << 20), 7);
    assert_int_equal(opts_warmup(&o, 64), 3);
    assert_int_equal(o.window, 16);
    assert_true(o.validate);
    assert_string_equal(o.device, "cuda");
    assert_int_equal(o.transfer, XFER_STAGED);
    assert_string_equal(o.json_path, "-");
    assert_true(o.placement[0] == 'D' && o.placement[1] == 'H');
    /* placement letters anywhere among the options, or after "--" */
    assert_int_equal(PARSE(&o, &err, "latency", "H", "D", "-d", "cuda", "-c"), 0);
    assert_true(o.placement[0] == 'H' && o.placement[1] == 'D' && o.validate);
    assert_int_equal(PARSE(&o, &err, "bw", "-m", "8", "D", "-c", "h", "--json", "x.jsonl"), 0);
    assert_true(o.placement[0] == 'D' && o.placement[1] == 'H' && o.validate);
    assert_string_equal(o.json_path, "x.jsonl");
    assert_int_equal(o.max_size, 8);
    assert_int_equal(PARSE(&o, &err, "-c", "D", "D", "-t", "bibw"), 0);
    assert_true(o.test == bench_find("bibw") && o.placement[0] == 'D' && o.placement[1] == 'D');
    assert_int_equal(PARSE(&o, &err, "bw", "-c", "--", "D", "H"), 0);
    assert_true(o.placement[0] == 'D' && o.placement[1] == 'H');
    assert_int_equal(PARSE(&o, &err, "xccl", "allreduce", "--timer", "gpu"), 0);
    assert_true(o.gpu_timer);
    assert_int_equal(PARSE(&o, &err, "xccl", "latency", "--timer", "host"), 0);
    assert_false(o.gpu_timer);
    assert_int_equal(PARSE(&o, &err, "-m", "8", "latency"), 0); /* test name last */
    assert_ptr_equal(o.test, bench_find("latency"));
    assert_int_equal(PARSE(&o, &err, "bw", "-m", "64"), 0); /* OSU: -m MAX */
    assert_int_equal(o.min_size, 1);
    assert_int_equal(o.max_size, 64);
    assert_int_equal(PARSE(&o, &err, "latency", "-m", "128:"), 0);
    assert_int_equal(o.min_size, 128);
    assert_int_equal(o.max_size, 4 << 20);
    assert_int_equal(PARSE(&o, &err, "latency", "--time-per-size", "2"), 0);
    assert_true(o.adaptive_pct == 1.0 && o.time_per_size == 2.0);
}

struct bad_case {
    int argc;
    char **argv;
    const char *needle; /* the message must name the argument */
};

static void bad_input_is_usage_error(void **state)
{
    (void)state;
    const struct bad_case cases[] = {
        {ARGC("nosuch"), ARGV("nosuch"), "unknown test 'nosuch'"},
        {ARGC("bw", "-m", "8:4"), ARGV("bw", "-m", "8:4"), "minimum 8 is larger than maximum 4"},
        {ARGC("bw", "-m", "1:x"), ARGV("bw", "-m", "1:x"), "bad maximum size 'x'"},
        {ARGC("bw", "-m", "-5"), ARGV("bw", "-m", "-5"), "-m"},
        {ARGC("bw", "-m", "2G"), ARGV("bw", "-m", "2G"), "--mem-limit"},
        {ARGC("bw", "-d", "rocm"), ARGV("bw", "-d", "rocm"), "unknown GPU runtime 'rocm'"},
        {ARGC("bw", "X", "H"), ARGV("bw", "X", "H"), "'X' is not H (host) or D (device)"},
        {ARGC("bw", "-i", "0"), ARGV("bw", "-i", "0"), "-i/--iterations"},
        {ARGC("bw", "--transfer", "magic"), ARGV("bw", "--transfer", "magic"), "--transfer"},
        {ARGC("bw", "--frobnicate"), ARGV("bw", "--frobnicate"), "--frobnicate"},
        {ARGC("bw", "-m", "0"), ARGV("bw", "-m", "0"), "larger than maximum 0"},
        {ARGC("bw", "--adaptive", "150"), ARGV("bw", "--adaptive", "150"), "--adaptive"},
        {ARGC("bw", "H", "H", "H"), ARGV("bw", "H", "H", "H"), "unexpected argument"},
        {ARGC("bw", "D", "-c", "H", "X"), ARGV("bw", "D", "-c", "H", "X"),
         "unexpected argument 'X'"},
        {ARGC("bw", "D", "-c"), ARGV("bw", "D", "-c"), "unexpected argument 'D'"},
        {ARGC("xccl", "allreduce", "--timer", "tsc"), ARGV("xccl", "allreduce", "--timer", "tsc"),
         "--timer: 'tsc' is not host or gpu"},
        {ARGC("latency", "--timer", "gpu"), ARGV("latency", "--timer", "gpu"),
         "--timer gpu: only the xccl tests"},
        {ARGC("xccl", "allreduce", "-c", "D", "D"), ARGV("xccl", "allreduce", "-c", "D", "D"),
         "no placement letters ('D')"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct bench_opts o;
        struct bbd_err err = {0};
        assert_int_equal(opts_parse(cases[i].argc, cases[i].argv, &o, &err), -1);
        assert_int_equal(err.code, BBD_EXIT_USAGE);
        if (!strstr(err.msg, cases[i].needle)) fail_msg("case %zu: '%s'", i, err.msg);
    }
}

static void rank_counts(void **state)
{
    (void)state;
    struct bench_opts o;
    struct bbd_err err = {0};
    PARSE(&o, &err, "latency");
    assert_int_equal(opts_check_ranks(&o, 2, &err), 0);
    assert_int_equal(opts_check_ranks(&o, 3, &err), -1);
    assert_non_null(strstr(err.msg, "exactly 2 ranks, got 3"));
    PARSE(&o, &err, "mbw");
    assert_int_equal(opts_check_ranks(&o, 4, &err), 0);
    assert_int_equal(opts_check_ranks(&o, 5, &err), -1);
    assert_non_null(strstr(err.msg, "even number"));
}

/* MPI collectives: OSU 7.x defaults, H H or D D only, at least 2 ranks, the root a rank,
 * buffers that grow with the rank count checked against --mem-limit */
static void collectives(void **state)
{
    (void)state;
    struct bench_opts o;
    struct bbd_err err = {0};
    assert_int_equal(PARSE(&o, &err, "coll", "allreduce"), 0);
    assert_ptr_equal(o.test, bench_find("coll:allreduce"));
    assert_int_equal(o.min_size, 1);
    assert_int_equal(o.max_size, 1 << 20);
    assert_int_equal(opts_iterations(&o, 8192), 1000);
    assert_int_equal(opts_iterations(&o, 8193), 100);
    assert_int_equal(opts_warmup(&o, 8192), 100);
    assert_int_equal(opts_warmup(&o, 8193), 10);
    assert_int_equal(PARSE(&o, &err, "-t", "coll:bcast", "D", "D", "--root", "2"), 0);
    assert_true(o.placement[0] == 'D' && o.placement[1] == 'D');
    assert_int_equal(opts_check_ranks(&o, 3, &err), 0);
    assert_int_equal(opts_check_ranks(&o, 2, &err), -1);
    assert_non_null(strstr(err.msg, "--root: 2 is not a rank"));
    assert_int_equal(PARSE(&o, &err, "coll", "alltoall", "-m", "64M"), 0);
    assert_int_equal(opts_check_ranks(&o, 2, &err), 0);
    assert_int_equal(opts_check_ranks(&o, 16, &err), -1); /* 2 x 16 x 64 MiB */
    assert_non_null(strstr(err.msg, "--mem-limit"));
    assert_int_equal(opts_check_ranks(&o, 1, &err), -1);
    assert_non_null(strstr(err.msg, "coll:alltoall needs at least 2 ranks, got 1"));
    assert_int_equal(PARSE(&o, &err, "coll", "allreduce", "H", "D"), -1);
    assert_non_null(strstr(err.msg, "takes H H or D D"));
    assert_int_equal(PARSE(&o, &err, "coll", "nosuch"), -1);
    assert_non_null(strstr(err.msg, "unknown test 'coll:nosuch' (latency, bw"));
}

static void buffer_bytes_count_staging(void **state)
{
    (void)state;
    struct bench_opts o;
    struct bbd_err err = {0};
    PARSE(&o, &err, "bw", "-m", "1M", "-W", "8");
    assert_int_equal(opts_buffer_bytes(&o, 2, false), 2ULL << 20);
    assert_int_equal(opts_buffer_bytes(&o, 2, true), (2ULL + 16ULL) << 20);
}

static void size_suffixes(void **state)
{
    (void)state;
    unsigned long long v;
    assert_int_equal(opts_parse_size("4K", &v), 0);
    assert_int_equal(v, 4096);
    assert_int_equal(opts_parse_size("4MiB", &v), 0);
    assert_int_equal(v, 4 << 20);
    assert_int_equal(opts_parse_size("1g", &v), 0);
    assert_int_equal(v, 1ULL << 30);
    assert_int_equal(opts_parse_size("12", &v), 0);
    assert_int_equal(v, 12);
    assert_int_equal(opts_parse_size("4X", &v), -1);
    assert_int_equal(opts_parse_size("", &v), -1);
    assert_int_equal(opts_parse_size("99999999999999999999", &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(osu_defaults_latency),
        cmocka_unit_test(osu_defaults_bandwidth),
        cmocka_unit_test(sizes_placement_and_flags),
        cmocka_unit_test(bad_input_is_usage_error),
        cmocka_unit_test(rank_counts),
        cmocka_unit_test(collectives),
        cmocka_unit_test(buffer_bytes_count_staging),
        cmocka_unit_test(size_suffixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
