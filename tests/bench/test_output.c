#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

static char *render(void (*fn)(FILE *, const struct run_info *, const struct size_result *),
                    const struct run_info *ri, const struct size_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fn(f, ri, r);
    fclose(f);
    return buf;
}

static void header_only(FILE *f, const struct run_info *ri, const struct size_result *r)
{
    (void)r;
    out_text_header(f, ri);
}

static void setup_info(struct run_info *ri, struct bench_opts *o, const struct bench_info *id)
{
    struct bbd_err err = {0};
    char *argv[] = {"bbd-bench", (char *)id->name, NULL};
    opts_parse(2, argv, o, &err);
    static const char *const hosts[] = {"n1", "n2"};
    *ri = (struct run_info){.o = o,
                            .t = id,
                            .gpu_api = "none",
                            .transfer = "host",
                            .ranks = 2,
                            .pairs = 1,
                            .window = 64,
                            .hosts = hosts,
                            .nhosts = 2,
                            .mpi_version = "MPICH Version: 4.0.2",
                            .cmdline = "bbd-bench bw",
                            .run_id = "R1"};
}

static void osu_text_layout(void **state)
{
    (void)state;
    struct bench_opts o;
    struct run_info ri;
    setup_info(&ri, &o, bench_find("latency"));
    char *h = render(header_only, &ri, NULL);
    assert_string_equal(h, "# bbd-bench MPI Latency Test v" BBD_VERSION "\n"
                           "# Datatype: MPI_CHAR.\n"
                           "# Size          Latency (us)\n");
    free(h);
    struct size_result r = {.size = 8, .value = 1.234};
    char *row = render(out_text_row, &ri, &r);
    /* OSU: "%-10d%18.2f\n" */
    assert_string_equal(row, "8                       1.23\n");
    free(row);
    setup_info(&ri, &o, bench_find("bw"));
    o.validate = true;
    r = (struct size_result){.size = 4194304, .value = 22222.704, .errors = 3};
    row = render(out_text_row, &ri, &r);
    assert_string_equal(row, "4194304             22222.70              Fail\n");
    /* ReFrame-style parsers read ^<size>\s+(\S+) */
    regex_t re;
    regmatch_t m[2];
    assert_int_equal(regcomp(&re, "^4194304[[:space:]]+([^[:space:]]+)", REG_EXTENDED), 0);
    assert_int_equal(regexec(&re, row, 2, m, 0), 0);
    assert_int_equal(strncmp(row + m[1].rm_so, "22222.70", 8), 0);
    regfree(&re);
    free(row);
}

static void gpu_and_mbw_headers(void **state)
{
    (void)state;
    struct bench_opts o;
    struct run_info ri;
    setup_info(&ri, &o, bench_find("mbw"));
    ri.gpu_api = "hip";
    ri.transfer = "staged";
    o.placement[0] = 'D';
    char *h = render(header_only, &ri, NULL);
    assert_string_equal(h,
                        "# bbd-bench MPI-ROCM Multiple Bandwidth / Message Rate Test v" BBD_VERSION
                        "\n# Send Buffer on DEVICE (D) and Receive Buffer on HOST (H) "
                        "(transfer: staged)\n"
                        "# [ pairs: 1 ] [ window size: 64 ]\n"
                        "# Datatype: MPI_CHAR.\n"
                        "# Size                  MB/s        Messages/s\n");
    free(h);
}

static void json_record_fields(void **state)
{
    (void)state;
    struct bench_opts o;
    struct run_info ri;
    setup_info(&ri, &o, bench_find("bw"));
    ri.provenance_json = "{\"mpi\":{\"loaded\":true}}";
    struct size_result r = {.size = 1024,
                            .value = 100.5,
                            .msg_rate = 98144.5,
                            .iterations = 100,
                            .warmup = 10,
                            .st = {.n = 100,
                                   .min = 90,
                                   .max = 110,
                                   .mean = 100,
                                   .p50 = 100.25,
                                   .p90 = 105,
                                   .p99 = 109,
                                   .ci95 = 0.5}};
    struct jsonw w;
    jsonw_init(&w);
    out_json_record(&w, &ri, &r, "2026-11-24T04:10:00Z");
    assert_string_equal(
        jsonw_text(&w),
        "{\"schema\":\"bbd-bench/1\",\"run_id\":\"R1\",\"test\":\"bw\",\"size\":1024,"
        "\"unit\":\"MB/s\",\"value\":100.5,\"min\":90,\"max\":110,\"mean\":100,\"p50\":100.25,"
        "\"p90\":105,\"p99\":109,\"ci95\":0.5,\"msg_rate\":98144.5,\"iterations\":100,"
        "\"warmup\":10,\"window\":64,\"pairs\":1,\"placement\":\"H H\",\"gpu_api\":\"none\","
        "\"transfer\":\"host\",\"validated\":false,\"errors\":0,\"adaptive\":false,\"ranks\":2,"
        "\"hosts\":[\"n1\",\"n2\"],\"mpi_version\":\"MPICH Version: "
        "4.0.2\",\"bbd_version\":\"" BBD_VERSION "\",\"cmdline\":\"bbd-bench "
        "bw\",\"timestamp\":\"2026-11-24T04:10:00Z\",\"clock\":\"MPI_Wtime\","
        "\"provenance\":{\"mpi\":{\"loaded\":true}}}");
    jsonw_free(&w);
}

static void values_from_times(void **state)
{
    (void)state;
    struct bench_shape c = {.nranks = 2, .pairs = 2, .window = 64, .elt = 1};
    /* latency: one-way = round trip / 2, in us */
    assert_true(bench_value((bench_find("latency")), &c, 8, 3e-6) == 1.5);
    /* mbw: 2 pairs x 64 x 1e6 bytes in 1 s = 128e6 B/s = 128 MB/s */
    assert_true(bench_value((bench_find("mbw")), &c, 1000000, 1.0) == 128.0);
    assert_true(bench_msg_rate((bench_find("mbw")), &c, 1.0) == 128.0);
    c.pairs = 1;
    /* bibw counts both directions */
    assert_true(bench_value((bench_find("bibw")), &c, 1000000, 1.0) == 128.0);
    assert_true(bench_value((bench_find("bw")), &c, 1000000, 1.0) == 64.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(osu_text_layout),
        cmocka_unit_test(gpu_and_mbw_headers),
        cmocka_unit_test(json_record_fields),
        cmocka_unit_test(values_from_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
