/* Unit tests of the xccl tests' pure parts: bus-bandwidth factors and counts (as
 * nccl-tests), option parsing, the nccl-tests text layout, the NCCL log parser on
 * real-looking lines, the summary's socket-fallback flag, the loaded net plugin scan,
 * and the validation data encodings. No GPU, NCCL or MPI run needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "xccl.h"
#include "xccl_bench.h"
#include "xccl_data.h"
#include "xccl_output.h"
#include "xccl_prov.h"

static void test_bus_factors(void **state)
{
    (void)state;
    /* nccl-tests: all-reduce 2(n-1)/n; all-gather, reduce-scatter, all-to-all (n-1)/n;
     * broadcast, reduce, send/recv 1 */
    assert_true(fabs(bench_coll_info(bench_find("xccl:allreduce")->coll)->bus_factor(8) - 1.75) <
                1e-12);
    assert_true(fabs(bench_coll_info(bench_find("xccl:allreduce")->coll)->bus_factor(2) - 1.0) <
                1e-12);
    assert_true(fabs(bench_coll_info(bench_find("xccl:allreduce")->coll)->bus_factor(1) - 0.0) <
                1e-12);
    assert_true(fabs(bench_coll_info(bench_find("xccl:allgather")->coll)->bus_factor(4) - 0.75) <
                1e-12);
    assert_true(fabs(bench_coll_info(bench_find("xccl:reducescatter")->coll)->bus_factor(4) -
                     0.75) < 1e-12);
    assert_true(fabs(bench_coll_info(bench_find("xccl:alltoall")->coll)->bus_factor(8) - 0.875) <
                1e-12);
    assert_true(fabs(bench_coll_info(bench_find("xccl:broadcast")->coll)->bus_factor(8) - 1.0) <
                1e-12);
    assert_true(fabs(bench_coll_info(bench_find("xccl:reduce")->coll)->bus_factor(8) - 1.0) <
                1e-12);
    assert_true(fabs(bench_coll_info(bench_find("xccl:sendrecv")->coll)->bus_factor(8) - 1.0) <
                1e-12);
}

static void test_value_is_busbw(void **state)
{
    (void)state;
    /* 1 GB of float all-reduce on 4 ranks in 0.5 s: algbw 2 GB/s, busbw 3 GB/s */
    struct bench_shape s = {.nranks = 4, .pairs = 1, .window = 1, .elt = 4};
    const struct bench_info *t = bench_find("xccl:allreduce");
    assert_string_equal(t->unit, "GB/s");
    assert_true(fabs(bench_value(t, &s, 1000000000, 0.5) - 3.0) < 1e-9);
    assert_true(fabs(bench_busbw(COLL_ALLREDUCE, 1e9, 0.5, 4) - 3.0) < 1e-9);
    assert_true(fabs(bench_algbw(1e9, 0.5) - 2.0) < 1e-9);
    assert_string_equal(t->name, "xccl:allreduce");
}

static void test_counts(void **state)
{
    (void)state;
    assert_int_equal(bench_coll_count(bench_find("xccl:allreduce")->coll, 1024, 4, 3), 256);
    /* split among ranks: a multiple of nranks */
    assert_int_equal(bench_coll_count(bench_find("xccl:allgather")->coll, 1024, 4, 3), 255);
    assert_int_equal(bench_coll_count(bench_find("xccl:reducescatter")->coll, 8, 4, 4), 0);
    assert_int_equal(bench_coll_count(bench_find("xccl:alltoall")->coll, 64, 2, 4), 32);
    assert_int_equal(bench_coll_count(bench_find("xccl:broadcast")->coll, 10, 2, 4), 5);
    assert_true(xccl_has_in_place(bench_find("xccl:allreduce")));
    assert_false(xccl_has_in_place(bench_find("xccl:alltoall")));
    assert_false(xccl_has_in_place(bench_find("xccl:sendrecv")));
    assert_true(bench_coll_info(COLL_REDUCESCATTER)->reduces);
    assert_false(bench_coll_info(COLL_ALLGATHER)->reduces);
    assert_true(bench_coll_info(COLL_BROADCAST)->rooted);
    assert_false(bench_coll_info(COLL_ALLREDUCE)->rooted);
    assert_string_equal(bench_find("xccl:reducescatter")->title, "ReduceScatter");
}

static int parse(struct bench_opts *o, struct bbd_err *err, int argc, ...)
{
    char *argv[32] = {"bbd-bench"};
    va_list ap;
    va_start(ap, argc);
    for (int i = 1; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    memset(err, 0, sizeof(*err));
    return opts_parse(argc, argv, o, err);
}

static void test_options(void **state)
{
    (void)state;
    struct bench_opts o;
    struct bbd_err err;
    assert_int_equal(parse(&o, &err, 3, "xccl", "allreduce"), 0);
    assert_ptr_equal(o.test, bench_find("xccl:allreduce"));
    /* nccl-tests-like defaults for collectives */
    assert_int_equal(o.min_size, 8);
    assert_int_equal(o.max_size, 128u << 20);
    assert_int_equal(o.iters_small, 20);
    assert_int_equal(o.warmup_small, 5);
    assert_int_equal(o.dtype, XDT_FLOAT);
    assert_int_equal(o.op, XOP_SUM);
    assert_string_equal(o.xccl, "auto");
    assert_int_equal(o.placement[0], 'D');
    assert_int_equal(o.placement[1], 'D');

    assert_int_equal(parse(&o, &err, 14, "-t", "xccl:reduce", "-b", "1K", "-e", "1M", "--dtype",
                           "bfloat16", "--op", "max", "--root", "1", "--xccl"),
                     -1); /* --xccl without its argument */
    assert_int_equal(parse(&o, &err, 15, "-t", "xccl:reduce", "-b", "1K", "-e", "1M", "--dtype",
                           "bfloat16", "--op", "max", "--root", "1", "--xccl", "rccl"),
                     0);
    assert_ptr_equal(o.test, bench_find("xccl:reduce"));
    assert_int_equal(o.min_size, 1024);
    assert_int_equal(o.max_size, 1 << 20);
    assert_int_equal(o.dtype, XDT_BFLOAT16);
    assert_int_equal(o.op, XOP_MAX);
    assert_int_equal(o.root, 1);
    assert_string_equal(o.xccl, "rccl");
    assert_int_equal(opts_check_ranks(&o, 2, &err), 0);
    assert_int_equal(opts_check_ranks(&o, 1, &err), -1);
    assert_non_null(strstr(err.msg, "--root: 1 is not a rank"));

    /* point-to-point: two ranks, OSU sizes from 0 */
    assert_int_equal(parse(&o, &err, 3, "xccl", "latency"), 0);
    assert_ptr_equal(o.test, bench_find("xccl:latency"));
    assert_int_equal(o.min_size, 0);
    assert_int_equal(opts_check_ranks(&o, 3, &err), -1);
    assert_int_equal(opts_check_ranks(&o, 2, &err), 0);
    assert_int_equal(parse(&o, &err, 3, "xccl", "sendrecv"), 0);
    assert_int_equal(opts_check_ranks(&o, 1, &err), 0); /* self ring */

    assert_int_equal(parse(&o, &err, 3, "xccl", "nosuch"), -1);
    assert_int_equal(err.code, BBD_EXIT_USAGE);
    assert_non_null(strstr(err.msg, "unknown test 'xccl:nosuch'"));
    assert_int_equal(parse(&o, &err, 5, "xccl", "allreduce", "--dtype", "int7"), -1);
    assert_non_null(strstr(err.msg, "--dtype: unknown type 'int7'"));
    assert_int_equal(parse(&o, &err, 5, "xccl", "allreduce", "--xccl", "mpi"), -1);
    assert_non_null(strstr(err.msg, "--xccl: unknown library 'mpi'"));
    assert_int_equal(parse(&o, &err, 5, "xccl", "allreduce", "H", "D"), -1);
    assert_non_null(strstr(err.msg, "no placement letters"));
    /* the MPI tests are unchanged */
    assert_int_equal(parse(&o, &err, 2, "bw"), 0);
    assert_ptr_equal(o.test, bench_find("bw"));
    assert_int_equal(o.max_size, 4u << 20);
}

static char *capture_row(const struct xccl_cols *c, const struct xccl_variant v[2])
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    xccl_out_row(f, c, v);
    fclose(f);
    return buf;
}

static void test_text_layout(void **state)
{
    (void)state;
    struct xccl_cols c = {1048576, 262144, "float", "sum", -1};
    struct xccl_variant v[2] = {{true, 52.346, 20.03, 35.06, true, 0},
                                {true, 12345.6, 0.08, 0.15, true, 3}};
    char *row = capture_row(&c, v);
    /* nccl-tests: "%12li  %12li  %8s  %6s  %6i" then "  %7s  %6.2f  %6.2f  %5s" per variant */
    assert_string_equal(row, "     1048576        262144     float     sum      -1    52.35   20.03"
                             "   35.06      0    12346    0.08    0.15      3\n");
    free(row);
    struct xccl_variant na[2] = {{true, 150.25, 1.5, 1.5, false, 0}, {false, 0, 0, 0, false, 0}};
    row = capture_row(&c, na);
    assert_non_null(
        strstr(row, "  150.2    1.50    1.50    N/A      N/A     N/A     N/A    N/A\n"));
    free(row);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    xccl_out_header(f, "AllReduce", "0.1.0", 4, "timing words");
    xccl_out_footer(f, true, 3, 12.5);
    fclose(f);
    assert_non_null(strstr(buf, "# bbd-bench xccl AllReduce Test v0.1.0 (nccl-tests layout)\n"));
    assert_non_null(strstr(buf, "#       size         count      type   redop    root     time"
                                "   algbw   busbw #wrong     time   algbw   busbw #wrong\n"));
    assert_non_null(strstr(buf, "# Out of bounds values : 3 FAILED\n"));
    assert_non_null(strstr(buf, "# Avg bus bandwidth    : 12.5 \n"));
    free(buf);
}

static const char *const log_cxi[] = {
    "nid001234:4242:4242 [0] NCCL INFO RCCL version 2.18.3+hip6.0 HEAD:2f8a5c2\n",
    "nid001234:4242:4242 [0] NCCL INFO NET/Plugin: Loaded net plugin AWS Libfabric (v8)\n",
    "nid001234:4242:4242 [0] NCCL INFO NET/OFI Selected provider is cxi, fabric is cxi (found 4 "
    "nics)\n",
    "nid001234:4242:4242 [0] NCCL INFO Using network AWS Libfabric\n",
    "nid001234:4242:4251 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC comm 0x5581 nRanks "
    "16\n",
    "nid001234:4242:4251 [0] NCCL INFO Channel 01/0 : 7[7] -> 8[0] [send] via NET/AWS "
    "Libfabric/0/GDRDMA\n",
    "nid001234:4242:4251 [0] NCCL INFO Channel 02/0 : 0[0] -> 2[2] via SHM/direct/direct\n",
    NULL,
};

static const char *const log_socket[] = {
    "gpu-1:77:77 [0] NCCL INFO NCCL version 2.28.9+cuda13.0\n",
    "gpu-1:77:77 [0] NCCL INFO NET/Plugin: Could not find: libnccl-net.so. Using internal net "
    "plugin.\n",
    "gpu-1:77:77 [0] NCCL INFO NET/Socket : Using [0]eth0:10.0.0.1<0>\n",
    "gpu-1:77:77 [0] NCCL INFO Using network Socket\n",
    "gpu-1:77:90 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[0] [send] via NET/Socket/0\n",
    "gpu-1:77:90 [0] NCCL INFO Channel 01 : 1[0] -> 0[0] via P2P/direct pointer\n",
    NULL,
};

static void feed(struct xccl_transport *t, const char *const *lines)
{
    memset(t, 0, sizeof(*t));
    for (int i = 0; lines[i]; i++)
        xccl_prov_parse_line(t, lines[i]);
}

static void test_log_parser(void **state)
{
    (void)state;
    struct xccl_transport t;
    feed(&t, log_cxi);
    assert_string_equal(t.version, "2.18.3+hip6.0");
    assert_string_equal(t.plugin, "AWS Libfabric (v8)");
    assert_string_equal(t.provider, "cxi");
    assert_string_equal(t.network, "AWS Libfabric");
    assert_int_equal(t.nvia, 3);
    assert_string_equal(t.via[0], "P2P/IPC");
    assert_string_equal(t.via[1], "NET/AWS Libfabric");
    assert_string_equal(t.via[2], "SHM");
    assert_false(xccl_prov_socket_fallback(&t, 2));

    feed(&t, log_socket);
    assert_string_equal(t.version, "2.28.9+cuda13.0");
    assert_string_equal(t.network, "Socket");
    assert_string_equal(t.provider, "");
    assert_string_equal(t.via[0], "NET/Socket");
    assert_string_equal(t.via[1], "P2P/direct"); /* "P2P/direct pointer" */
    assert_true(xccl_prov_socket_fallback(&t, 2));

    /* Socket initialised but only P2P used on one node: no fallback; on two hosts with
     * no channel logged yet: fallback */
    struct xccl_transport one = {0};
    xccl_prov_parse_line(&one, log_socket[3]);
    xccl_prov_parse_line(&one,
                         "n:1:1 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via P2P/IPC/read\n");
    assert_false(xccl_prov_socket_fallback(&one, 1));
    struct xccl_transport two = {0};
    xccl_prov_parse_line(&two, log_socket[3]);
    assert_true(xccl_prov_socket_fallback(&two, 2));

    /* merging ranks' views: union of transports, first non-empty fields */
    xccl_prov_merge(&one, &t);
    assert_int_equal(one.nvia, 3);
    assert_string_equal(one.version, "2.28.9+cuda13.0");

    char line[1024];
    struct xccl_about a = {"nccl", "2.28.9", "/usr/lib/libnccl.so.2", "none", &t, 2};
    xccl_out_summary(line, sizeof(line), &a);
    assert_string_equal(line, "xccl: NCCL 2.28.9 (/usr/lib/libnccl.so.2), net plugin none, network "
                              "Socket, transport NET/Socket, P2P/direct (SOCKET FALLBACK)");
    feed(&t, log_cxi);
    a = (struct xccl_about){
        "rccl", "2.18.3", "/opt/rocm/lib/librccl.so.1", "/opt/aws-ofi-rccl/lib/librccl-net.so",
        &t,     2};
    xccl_out_summary(line, sizeof(line), &a);
    assert_non_null(strstr(line, "network AWS Libfabric (provider cxi), transport P2P/IPC"));
    assert_null(strstr(line, "FALLBACK"));

    struct jsonw w;
    jsonw_init(&w);
    xccl_out_json(&w, &a);
    assert_non_null(strstr(jsonw_text(&w), "\"provider\":\"cxi\""));
    assert_non_null(strstr(jsonw_text(&w), "\"socket_fallback\":false"));
    assert_non_null(
        strstr(jsonw_text(&w), "\"transport\":[\"P2P/IPC\",\"NET/AWS Libfabric\",\"SHM\"]"));
    jsonw_free(&w);
}

static void test_log_file_env(void **state)
{
    (void)state;
    char out[256];
    xccl_prov_expand("/tmp/nccl.%h.%p.log", "nid001.cluster.example", 4242, out, sizeof(out));
    assert_string_equal(out, "/tmp/nccl.nid001.4242.log");
    unsetenv("NCCL_DEBUG");
    unsetenv("NCCL_DEBUG_FILE");
    unsetenv("NCCL_DEBUG_SUBSYS");
    char path[512];
    bool owned;
    xccl_prov_prepare_log("/tmp", "t", path, sizeof(path), &owned);
    assert_true(owned);
    assert_string_equal(getenv("NCCL_DEBUG"), "INFO");
    assert_string_equal(getenv("NCCL_DEBUG_FILE"), "/tmp/bbd-xccl.t.%h.%p");
    assert_non_null(strstr(path, "/tmp/bbd-xccl.t."));
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; log_socket[i]; i++)
        fputs(log_socket[i], f);
    fclose(f);
    struct xccl_transport t = {0};
    assert_int_equal(xccl_prov_parse_file(&t, path), 0);
    assert_string_equal(t.via[0], "NET/Socket");
    unlink(path);
    /* the user's NCCL_DEBUG without a file: nothing to read, nothing owned */
    setenv("NCCL_DEBUG", "WARN", 1);
    unsetenv("NCCL_DEBUG_FILE");
    xccl_prov_prepare_log("/tmp", "t", path, sizeof(path), &owned);
    assert_false(owned);
    assert_string_equal(path, "");
    assert_int_equal(xccl_prov_parse_file(&t, path), -1);
    unsetenv("NCCL_DEBUG");
}

static void test_loaded_plugins(void **state)
{
    (void)state;
    char buf[1024];
    xccl_prov_loaded_plugins(buf, sizeof(buf));
    assert_string_equal(buf, "none");
    void *dl = dlopen(FAKE_NET_PLUGIN, RTLD_NOW);
    assert_non_null(dl);
    xccl_prov_loaded_plugins(buf, sizeof(buf));
    assert_non_null(strstr(buf, "libnccl-net-bbdtest.so"));
    dlclose(dl);
}

static void test_library_errors(void **state)
{
    (void)state;
    struct bbd_err err = {0};
    assert_null(xccl_open("nccl", "/nonexistent/libnccl.so.2", &err));
    assert_int_equal(err.code, BBD_EXIT_USAGE);
    assert_non_null(strstr(err.msg, "dlopen(/nonexistent/libnccl.so.2)"));
    char v[32];
    xccl_version_string(22809, v, sizeof(v));
    assert_string_equal(v, "2.28.9");
    xccl_version_string(2804, v, sizeof(v));
    assert_string_equal(v, "2.8.4");
}

static void test_data(void **state)
{
    (void)state;
    unsigned char buf[64];
    static const double vals[] = {0.0, 1.0, 3.0, 61.0, 200.0, 256.0, 2048.0};
    for (int t = 0; t < XDT_COUNT; t++)
        for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
            if (t == XDT_UINT8 && vals[i] > 255) continue;
            if (t == XDT_BFLOAT16 && vals[i] > 256) continue;
            xccl_store((enum xccl_dtype)t, buf, 3, vals[i]);
            assert_true(xccl_load((enum xccl_dtype)t, buf, 3) == vals[i]);
        }
    /* known encodings: half 3.0 = 0x4200, bfloat16 3.0 = 0x4040 */
    uint16_t h;
    xccl_store(XDT_HALF, &h, 0, 3.0);
    assert_int_equal(h, 0x4200);
    xccl_store(XDT_BFLOAT16, &h, 0, 3.0);
    assert_int_equal(h, 0x4040);
    /* the cleared pattern (all ones) is NaN in every float type: never a valid result */
    memset(buf, 0xff, sizeof(buf));
    assert_true(isnan(xccl_load(XDT_HALF, buf, 0)));
    assert_true(isnan(xccl_load(XDT_BFLOAT16, buf, 0)));
    assert_true(isnan(xccl_load(XDT_FLOAT, buf, 0)));
    /* inputs: small, positive, depend on rank, index and iteration */
    assert_true(xccl_input(0, 0, 0, 1) >= 1.0 && xccl_input(0, 0, 0, 1) <= 4.0);
    assert_true(xccl_input(3, 7, 2, 0) <= 61.0);
    assert_true(xccl_input(1, 0, 0, 0) != xccl_input(2, 0, 0, 0));
    assert_true(xccl_input(1, 0, 0, 0) != xccl_input(1, 0, 1, 0));
    assert_true(xccl_combine(XOP_MAX, 2.0, 5.0) == 5.0);
    assert_true(xccl_combine(XOP_MIN, 2.0, 5.0) == 2.0);
    assert_true(xccl_combine(XOP_SUM, 2.0, 5.0) == 7.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bus_factors),    cmocka_unit_test(test_value_is_busbw),
        cmocka_unit_test(test_counts),         cmocka_unit_test(test_options),
        cmocka_unit_test(test_text_layout),    cmocka_unit_test(test_log_parser),
        cmocka_unit_test(test_log_file_env),   cmocka_unit_test(test_loaded_plugins),
        cmocka_unit_test(test_library_errors), cmocka_unit_test(test_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
