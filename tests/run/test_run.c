/* Unit tests of src/run: spec, matrix, commands, import, store, report and compare,
 * on the fixtures in tests/run/data and the LUMI OSU tables in tests/run/data/lumi. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "run_facts.h"
#include "run_import.h"
#include "run_launch.h"
#include "run_matrix.h"
#include "run_reference.h"
#include "run_report.h"
#include "run_spec.h"
#include "run_store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *joined(const struct run_argv *a)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    run_argv_print(a, f);
    fclose(f);
    return buf;
}

static void load_spec(struct run_spec *s, const char *extra)
{
    struct bbd_err err = {0};
    assert_int_equal(run_spec_load_default(s, &err), 0);
    if (extra) assert_int_equal(run_spec_load_string(s, extra, "extra", &err), 0);
}

static void test_spec_and_matrix(void **state)
{
    (void)state;
    struct run_spec s;
    struct bbd_err err = {0};
    load_spec(&s, "[matrix]\nmodes = native, bind\ngtl = off, on\nplacements = HH, d-h\n"
                  "[container]\nimage = /img.sif\n[env]\nFI_PROVIDER = tcp\n");
    assert_int_equal(run_spec_check(&s, &err), 0);
    assert_string_equal(s.placements.item[1], "D H");
    struct run_cell *cells = NULL;
    int n = run_matrix_expand(&s, &cells, NULL, &err);
    assert_int_equal(n, 2 * 2 * 2 * 2); /* modes x gtl x tests(latency,bw) x placements */
    assert_string_equal(cells[0].key, "native/gtl-off/latency/H H");
    assert_string_equal(cells[n - 1].key, "bind/gtl-on/bw/D H");
    /* bad values are refused with the setting named */
    assert_int_equal(run_spec_set_option(&s, "modes", "native,warp", &err), 0);
    assert_int_equal(run_spec_check(&s, &err), -1);
    assert_non_null(strstr(err.msg, "warp"));
    assert_int_equal(run_spec_set_option(&s, "placements", "HX", &err), -1);
    assert_int_equal(err.code, BBD_EXIT_USAGE);
    assert_int_equal(run_spec_set_option(&s, "set", "launcher.ranks=4", &err), 0);
    assert_int_equal(s.ranks, 4);
    free(cells);
    run_spec_free(&s);
}

static void test_commands(void **state)
{
    (void)state;
    struct run_spec s;
    struct bbd_err err = {0};
    load_spec(&s, "[matrix]\nmodes = bind\ngtl = on\n[launcher]\nlauncher = srun\n"
                  "srun_mpi = cray_shasta\nnodes = 2\ncpu_bind = cores\n[bench]\nsizes = 1:64\n"
                  "[container]\nimage = /img.sif\nruntime = apptainer\n");
    struct run_cell *cells = NULL;
    assert_int_equal(run_matrix_expand(&s, &cells, NULL, &err), 2);
    const struct run_launcher *l = run_launcher_pick(&s, &err);
    assert_non_null(l);
    struct run_argv a;
    run_argv_init(&a);
    assert_int_equal(run_cell_command(&s, l, &cells[1], "/bin/bbd", "/b/bbd-bench", &a, &err), 0);
    char *line = joined(&a);
    assert_string_equal(line, "srun --mpi=cray_shasta --nodes=2 --ntasks=2 --kill-on-bad-exit=1 "
                              "--cpu-bind=cores /bin/bbd exec --mode bind --gtl --image /img.sif "
                              "--runtime apptainer -- bbd-bench bw -m 1:64 --timeout 295 "
                              "--json - H H\n");
    free(line);
    run_argv_free(&a);
    /* mpiexec with hosts, native: the host's bbd-bench, no container words */
    run_spec_set_option(&s, "launcher", "mpiexec", &err);
    run_spec_set_option(&s, "mpiexec", "/opt/hydra/mpiexec", &err);
    run_spec_set_option(&s, "hosts", "a,b", &err);
    run_spec_set_option(&s, "modes", "native", &err);
    free(cells);
    assert_int_equal(run_matrix_expand(&s, &cells, NULL, &err), 2);
    l = run_launcher_pick(&s, &err);
    assert_int_equal(run_cell_command(&s, l, &cells[0], "/bin/bbd", "/b/bbd-bench", &a, &err), 0);
    line = joined(&a);
    assert_string_equal(line, "/opt/hydra/mpiexec -n 2 -hosts a,b /b/bbd-bench latency -m 1:64 "
                              "--timeout 295 --json - H H\n");
    free(line);
    struct run_argv env;
    run_argv_init(&env);
    assert_int_equal(run_cell_env(&s, &cells[0], &env, &err), 0);
    assert_int_equal(env.n, 1); /* native, GTL on: GPU support switched on */
    assert_string_equal(env.v[0], "MPICH_GPU_SUPPORT_ENABLED=1");
    run_argv_free(&env);
    run_argv_free(&a);
    free(cells);
    run_spec_free(&s);
}

/* [mode.NAME] overrides [container] for that mode only; exec_args of both go before "--". */
static void test_mode_sections(void **state)
{
    (void)state;
    struct run_spec s;
    struct bbd_err err = {0};
    load_spec(&s,
              "[matrix]\nmodes = basic, hybrid\ntests = latency\n[launcher]\nlauncher = mpiexec\n"
              "mpiexec = /m/mpiexec\n[container]\nruntime = bwrap\nimage = /r12\n"
              "image_bench = /opt/b/bbd-bench\nexec_args = --bind /s:/opt/b\n"
              "[mode.hybrid]\nimage = /r12h\nimage_bench = /opt/o/bbd-bench\n"
              "exec_args = --bind /ofi:/opt/mpich-ofi --host-fabric /lf.so\n");
    assert_int_equal(run_spec_check(&s, &err), 0);
    struct run_cell *cells = NULL;
    assert_int_equal(run_matrix_expand(&s, &cells, NULL, &err), 2);
    const struct run_launcher *l = run_launcher_pick(&s, &err);
    const char *want[] = {
        "/m/mpiexec -n 2 /bin/bbd exec --mode basic --image /r12 --runtime bwrap --bind /s:/opt/b "
        "-- /opt/b/bbd-bench latency --timeout 295 --json - H H\n",
        "/m/mpiexec -n 2 /bin/bbd exec --mode hybrid --image /r12h --runtime bwrap --bind "
        "/s:/opt/b "
        "--bind /ofi:/opt/mpich-ofi --host-fabric /lf.so -- /opt/o/bbd-bench latency --timeout 295 "
        "--json - H H\n"};
    for (int i = 0; i < 2; i++) {
        struct run_argv a;
        run_argv_init(&a);
        assert_int_equal(run_cell_command(&s, l, &cells[i], "/bin/bbd", "/b/bbd-bench", &a, &err),
                         0);
        char *line = joined(&a);
        assert_string_equal(line, want[i]);
        free(line);
        run_argv_free(&a);
    }
    /* --set reaches a dotted section; without any image a container mode is refused */
    assert_int_equal(run_spec_set_option(&s, "set", "mode.basic.image=/r13", &err), 0);
    assert_string_equal(s.mode_conf[RUN_MODE_BASIC].image, "/r13");
    assert_int_equal(run_spec_set_option(&s, "image", "", &err), 0);
    assert_int_equal(run_spec_set_option(&s, "modes", "bind", &err), 0);
    assert_int_equal(run_spec_check(&s, &err), -1);
    assert_non_null(strstr(err.msg, "[mode.bind] image"));
    free(cells);
    run_spec_free(&s);
}

/* The registry decides which placements each test runs with: xccl D D only (and no
 * placement letters for bbd-bench), coll:* H H and D D; basic mode has no GTL cells. */
static void test_matrix_registry(void **state)
{
    (void)state;
    struct run_spec s;
    struct bbd_err err = {0};
    load_spec(&s, "[matrix]\nmodes = native, basic\ngtl = off, on\n"
                  "tests = latency, coll:allreduce, xccl:allreduce\n"
                  "placements = H H, H D, D H, D D\ngtl_library = /bin/sh\n"
                  "[container]\nimage = /img\n");
    assert_int_equal(run_spec_check(&s, &err), 0);
    struct run_cell *cells = NULL;
    int skipped = -1, n = run_matrix_expand(&s, &cells, &skipped, &err);
    assert_int_equal(n, 3 * 7);         /* native off, native on, basic off: 4 + 2 + 1 each */
    assert_int_equal(skipped, 48 - 21); /* 2 modes x 2 gtl x 3 tests x 4 placements */
    assert_string_equal(cells[4].key, "native/gtl-off/coll:allreduce/H H");
    assert_string_equal(cells[5].key, "native/gtl-off/coll:allreduce/D D");
    assert_string_equal(cells[6].key, "native/gtl-off/xccl:allreduce/D D");
    assert_string_equal(cells[n - 1].key, "basic/gtl-off/xccl:allreduce/D D");
    assert_int_equal(run_cells_check(&s, cells, n, &err), 0);
    const struct run_launcher *l = run_launcher_pick(&s, &err);
    struct run_argv a, env;
    run_argv_init(&a);
    run_argv_init(&env);
    assert_int_equal(run_cell_command(&s, l, &cells[13], "/bin/bbd", "/b/bbd-bench", &a, &err), 0);
    char *line = joined(&a);
    assert_non_null(strstr(line, " /b/bbd-bench xccl:allreduce --timeout 295 --json -\n"));
    free(line);
    /* native with GTL on: the GTL preloaded, GPU support switched on */
    assert_true(cells[13].gtl && !strcmp(cells[13].mode, "native"));
    assert_int_equal(run_cell_env(&s, &cells[13], &env, &err), 0);
    assert_string_equal(env.v[0], "MPICH_GPU_SUPPORT_ENABLED=1");
    assert_int_equal(strncmp(env.v[1], "LD_PRELOAD=/bin/sh", 18), 0);
    run_argv_free(&env);
    run_argv_free(&a);
    free(cells);
    /* a container mode with GTL on passes the library to bbd exec */
    run_spec_set_option(&s, "modes", "bind", &err);
    run_spec_set_option(&s, "gtl", "on", &err);
    run_spec_set_option(&s, "tests", "bw", &err);
    assert_int_equal(run_matrix_expand(&s, &cells, NULL, &err), 4);
    run_argv_init(&a);
    assert_int_equal(run_cell_command(&s, l, &cells[0], "/bin/bbd", "/b/bbd-bench", &a, &err), 0);
    line = joined(&a);
    assert_non_null(strstr(line, "exec --mode bind --gtl --host-gtl /bin/sh --image /img"));
    free(line);
    run_argv_free(&a);
    free(cells);
    run_spec_free(&s);

    /* placements left at the default (H H): an xccl test still runs, on D D */
    load_spec(&s, "[matrix]\ntests = latency, xccl:bw\n");
    assert_int_equal(run_matrix_expand(&s, &cells, NULL, &err), 2);
    assert_string_equal(cells[1].key, "native/gtl-off/xccl:bw/D D");
    free(cells);
    /* ... but asked explicitly for H H only, it is a config error */
    assert_int_equal(run_spec_set_option(&s, "placements", "H H", &err), 0);
    assert_int_equal(run_matrix_expand(&s, &cells, NULL, &err), -1);
    assert_int_equal(err.code, BBD_EXIT_USAGE);
    assert_non_null(strstr(err.msg, "xccl:bw always uses device buffers (D D)"));
    assert_int_equal(run_spec_set_option(&s, "tests", "coll:bcast", &err), 0);
    assert_int_equal(run_spec_set_option(&s, "placements", "H D", &err), 0);
    assert_int_equal(run_matrix_expand(&s, &cells, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "takes H H or D D"));
    run_spec_free(&s);
}

/* What bbd-bench would refuse is refused when the config is read, by bbd-bench's parser. */
static void test_config_checked_by_bench_parser(void **state)
{
    (void)state;
    static const struct {
        const char *ini, *needle;
    } cases[] = {
        {"[bench]\nsizes = 1:1x\n",
         "latency H H: bbd-bench would refuse its options: -m: bad maximum size '1x'"},
        {"[bench]\nbench_args = --frobnicate\n", "unknown option '--frobnicate'"},
        {"[launcher]\nranks = 3\n", "latency needs exactly 2 ranks, got 3"},
        {"[matrix]\ntests = mbw\n[launcher]\nranks = 3\n", "even number of ranks"},
        {"[bench]\nsizes = 1:2G\n", "--mem-limit"},
        {"[matrix]\ngtl_library = relative.so\n", "gtl_library relative.so: not an absolute path"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct run_spec s;
        struct bbd_err err = {0};
        load_spec(&s, cases[i].ini);
        struct run_cell *cells = NULL;
        int n = run_matrix_expand(&s, &cells, NULL, &err);
        assert_true(n > 0);
        assert_int_equal(run_cells_check(&s, cells, n, &err), -1);
        assert_int_equal(err.code, BBD_EXIT_USAGE);
        if (!strstr(err.msg, cases[i].needle)) fail_msg("case %zu: '%s'", i, err.msg);
        free(cells);
        run_spec_free(&s);
    }
    /* strict numbers in every numeric setting */
    struct run_spec s;
    struct bbd_err err = {0};
    load_spec(&s, NULL);
    const char *bad[][2] = {{"iterations", "10x"}, {"iterations", ""},      {"ranks", "-2"},
                            {"timeout", "x"},      {"noise", "5%"},         {"nic_gbps", "1e999"},
                            {"validate", "maybe"}, {"ranks", "99999999999"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (run_spec_set_option(&s, bad[i][0], bad[i][1], &err) == 0)
            fail_msg("--%s %s accepted", bad[i][0], bad[i][1]);
        assert_int_equal(err.code, BBD_EXIT_USAGE);
        assert_non_null(strstr(err.msg, bad[i][0]));
    }
    run_spec_free(&s);
}

static FILE *fixture(const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", BBD_RUN_TEST_DATA, name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    return f;
}

static void test_import_jsonl(void **state)
{
    (void)state;
    struct run_records rs = {0};
    char *diag = NULL;
    size_t len = 0;
    FILE *d = open_memstream(&diag, &len);
    FILE *f = fixture("bad.jsonl");
    assert_int_equal(run_import_jsonl(f, "bad.jsonl", false, &rs, d), 3);
    fclose(f);
    fclose(d);
    assert_int_equal(rs.n, 1);
    assert_non_null(strstr(diag, "bad.jsonl:2: \"value\": missing or not a number"));
    assert_non_null(strstr(diag, "bad.jsonl:4: \"placement\""));
    assert_non_null(strstr(diag, "bad.jsonl:5: not JSON"));
    free(diag);
    run_records_free(&rs);
    f = fixture("good.jsonl");
    assert_int_equal(run_import_jsonl(f, "good.jsonl", false, &rs, stderr), 0);
    fclose(f);
    assert_int_equal(rs.n, 3);
    assert_int_equal(rs.r[1].size, 4194304);
    assert_float_equal(rs.r[1].value, 2198.8, 1e-9);
    assert_int_equal(rs.r[1].window, 64);
    assert_true(isnan(rs.r[2].ci95));
    char buf[128];
    assert_int_equal(run_fact_get(rs.r[0].provenance_json, FACT_FABRIC_PROVIDER, buf, sizeof(buf)),
                     0);
    assert_string_equal(buf, "tcp;ofi_rxm");
    run_fact_get(rs.r[0].provenance_json, FACT_GTL_LOADED, buf, sizeof(buf));
    assert_string_equal(buf, "no");
    run_fact_get(rs.r[2].provenance_json, FACT_FABRIC_LOADED, buf, sizeof(buf));
    assert_string_equal(buf, "no");
    run_records_free(&rs);
}

static long long import_osu(struct run_store *st, const char *file, const char *mode)
{
    struct run_records rs = {0};
    struct bbd_err err = {0};
    FILE *f = fixture(file);
    assert_int_equal(run_import_osu(f, file, NULL, NULL, &rs, stderr), 0);
    fclose(f);
    assert_int_equal(rs.n, 23);
    assert_string_equal(rs.r[0].test, "bw");
    long long id = 0;
    char key[64];
    snprintf(key, sizeof(key), "%s/gtl-off/bw/H H", mode);
    struct store_cell c = {key, mode, "bw", "H H", 0, "ok", NULL, 0, 0, file, NULL};
    assert_int_equal(run_store_begin(st, &err), 0);
    assert_int_equal(run_store_run_new(st, "import", file, NULL, NULL, &id, &err), 0);
    assert_int_equal(run_store_cell_put(st, id, &c, rs.r, rs.n, &err), 0);
    assert_int_equal(run_store_commit(st, &err), 0);
    run_records_free(&rs);
    return id;
}

static char *render(struct run_store *st, long long id, long long other, int *regressions)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct bbd_err err = {0};
    struct run_report_opts o = {.doc = run_doc_find("md"), .nic_gbps = 25, .noise_pct = 5};
    if (other)
        assert_int_equal(run_report_compare(st, id, other, &o, f, regressions, &err), 0);
    else
        assert_int_equal(run_report_render(st, id, &o, f, NULL, &err), 0);
    fclose(f);
    return buf;
}

static void test_store_report_compare(void **state)
{
    (void)state;
    char db[] = "/tmp/bbd-test-run-XXXXXX";
    int fd = mkstemp(db);
    assert_true(fd >= 0);
    close(fd);
    struct run_store *st = NULL;
    struct bbd_err err = {0};
    assert_int_equal(run_store_open(db, &st, &err), 0);
    long long tcp = import_osu(st, "lumi/lumi-osu_bw-basic-container-mpich-host-host.txt", "x");
    long long cxi = import_osu(st, "lumi/lumi-osu_bw-bind-host-craympich-host-host.txt", "x");
    assert_int_equal(run_store_cell_ok(st, tcp, "x/gtl-off/bw/H H", &err), 1);
    assert_int_equal(run_store_cell_ok(st, tcp, "x/gtl-on/bw/H H", &err), 0);
    int regressions = -1;
    char *text = render(st, tcp, cxi, &regressions);
    assert_int_equal(regressions, 0); /* TCP -> CXI is faster at every size */
    assert_non_null(strstr(text, "23 sizes compared: 0 regressions, 23 improvements"));
    free(text);
    text = render(st, cxi, tcp, &regressions);
    assert_int_equal(regressions, 23);
    assert_non_null(
        strstr(text, "| x | bw H H | 4194304 | 22222.70 MB/s | 2198.81 MB/s | -90.1 % |"));
    free(text);
    text = render(st, cxi, 0, NULL);
    assert_non_null(strstr(text, "| 4M | 22222.70 |"));
    assert_non_null(strstr(text, "| Size (B) | x (MB/s) |"));
    assert_non_null(strstr(
        text, "no: best 22222.70 MB/s (x, GTL off, bw H H, 4M B; hosts not recorded) <= one NIC"));
    free(text);
    run_store_close(st);
    unlink(db);
}

static char *temp_db(void)
{
    static char db[64];
    snprintf(db, sizeof(db), "/tmp/bbd-test-run-XXXXXX");
    int fd = mkstemp(db);
    assert_true(fd >= 0);
    close(fd);
    return db;
}

static long long import_jsonl(struct run_store *st, const char *file, const char *status)
{
    struct run_records rs = {0};
    struct bbd_err err = {0};
    FILE *f = fixture(file);
    assert_int_equal(run_import_jsonl(f, file, false, &rs, stderr), 0);
    fclose(f);
    long long id = 0;
    assert_int_equal(run_store_begin(st, &err), 0);
    assert_int_equal(run_store_run_new(st, "import", file, NULL, NULL, &id, &err), 0);
    /* one cell per (test, placement), as bbd import groups them */
    for (int i = 0; i < rs.n;) {
        int j = i;
        while (j < rs.n && !strcmp(rs.r[j].test, rs.r[i].test) &&
               !strcmp(rs.r[j].placement, rs.r[i].placement))
            j++;
        char key[96];
        snprintf(key, sizeof(key), "x/gtl-off/%s/%s", rs.r[i].test, rs.r[i].placement);
        struct store_cell c = {key,
                               "x",
                               rs.r[i].test,
                               rs.r[i].placement,
                               0,
                               status,
                               strcmp(status, "ok") ? "exit code 1" : NULL,
                               0,
                               0,
                               file,
                               NULL};
        assert_int_equal(run_store_cell_put(st, id, &c, rs.r + i, j - i, &err), 0);
        i = j;
    }
    assert_int_equal(run_store_commit(st, &err), 0);
    run_records_free(&rs);
    return id;
}

/* MB/s and GB/s in one run: summaries and questions keep them apart or convert. */
static void test_units_never_mix(void **state)
{
    (void)state;
    char *db = temp_db();
    struct run_store *st = NULL;
    struct bbd_err err = {0};
    assert_int_equal(run_store_open(db, &st, &err), 0);
    long long id = import_jsonl(st, "units.jsonl", "ok");
    char *text = render(st, id, 0, NULL);
    assert_non_null(strstr(text, "### Large-message bandwidth (MB/s)"));
    assert_non_null(strstr(text, "### Large-message bandwidth (GB/s)"));
    assert_non_null(strstr(text, "### Small-message latency (us)"));
    assert_non_null(strstr(text, "| xccl:allreduce D D, 4M | 30.00 |"));
    assert_non_null(strstr(text, "| bw H H, 4M | 9000.00 |"));
    assert_null(strstr(text, "| xccl:allreduce D D, 4M | 30.00 | 9000")); /* no mixed table */
    assert_non_null(strstr(text, "### xccl:allreduce (in place), placement D D: bus bandwidth "
                                 "(GB/s)"));
    /* the NIC answer compares every bandwidth in MB/s: 30 GB/s beats 9000 MB/s */
    assert_non_null(strstr(text, "yes: best 30.00 GB/s = 30000.00 MB/s (x, GTL off, "
                                 "xccl:allreduce D D, 4M B, 2 hosts"));
    /* answers name the cells: mode, GTL, test, placement, with units */
    assert_non_null(strstr(text, "bw H H at 4M B: x, GTL off 9000.00 MB/s."));
    assert_non_null(strstr(text, "xccl:allreduce D D at 4M B (bus bandwidth): x, GTL off 30.00 "
                                 "GB/s."));
    assert_non_null(strstr(text, "latency H H at 1 B: x, GTL off 0.52 us."));
    free(text);
    /* a bandwidth stored in GB/s under a test in MB/s (older data) is converted, never
     * compared as is: 9 GB/s = 9000 MB/s, no change */
    struct run_records rs = {0};
    char why[256];
    rs.r = calloc(1, sizeof(*rs.r));
    rs.n = 1;
    assert_int_equal(
        run_import_json_line("{\"schema\":\"bbd-bench/1\",\"test\":\"bw\",\"size\":4194304,"
                             "\"unit\":\"MB/s\",\"value\":9.0,\"placement\":\"H H\"}",
                             &rs.r[0], why, sizeof(why)),
        0);
    snprintf(rs.r[0].unit, sizeof(rs.r[0].unit), "GB/s");
    long long other = 0;
    struct store_cell c = {"x/gtl-off/bw/H H", "x", "bw", "H H", 0, "ok", NULL, 0, 0, "t", NULL};
    assert_int_equal(run_store_begin(st, &err), 0);
    assert_int_equal(run_store_run_new(st, "import", "gb", NULL, NULL, &other, &err), 0);
    assert_int_equal(run_store_cell_put(st, other, &c, rs.r, 1, &err), 0);
    assert_int_equal(run_store_commit(st, &err), 0);
    run_records_free(&rs);
    int regressions = -1;
    text = render(st, id, other, &regressions);
    assert_int_equal(regressions, 0);
    assert_non_null(strstr(text, "1 sizes compared: 0 regressions, 0 improvements beyond the "
                                 "noise, 1 within it."));
    free(text);
    /* a record whose unit is not its test's is refused at import */
    struct run_record bad;
    assert_int_equal(
        run_import_json_line("{\"schema\":\"bbd-bench/1\",\"test\":\"xccl:allreduce\","
                             "\"size\":8,\"unit\":\"MB/s\",\"value\":1,\"placement\":\"D D\"}",
                             &bad, why, sizeof(why)),
        -1);
    assert_string_equal(why, "\"unit\": 'MB/s' is not xccl:allreduce's unit GB/s");
    run_store_close(st);
    unlink(db);
}

/* A failed cell's records are stored, shown apart, never used in tables or comparisons. */
static void test_failed_cells_keep_records(void **state)
{
    (void)state;
    char *db = temp_db();
    struct run_store *st = NULL;
    struct bbd_err err = {0};
    assert_int_equal(run_store_open(db, &st, &err), 0);
    long long id = import_jsonl(st, "units.jsonl", "failed");
    char *text = render(st, id, 0, NULL);
    assert_non_null(strstr(text, "### Measured by failed cells"));
    assert_non_null(strstr(text, "| x/gtl-off/bw/H H (failed) | 4M | 9000.00 MB/s |"));
    assert_non_null(strstr(text, "| x/gtl-off/bw/H H | failed | exit code 1 | 2 |"));
    assert_non_null(strstr(text, "**Bandwidth?** not measured in this run."));
    assert_null(strstr(text, "### Large-message bandwidth"));
    free(text);
    long long ok = import_jsonl(st, "units.jsonl", "ok");
    int regressions = -1;
    text = render(st, ok, id, &regressions);
    assert_non_null(strstr(text, "0 sizes compared"));
    free(text);
    run_store_close(st);
    unlink(db);
}

/* Reference figures: parsed strictly, held against the run, pass/FAIL per figure. */
static void test_reference_figures(void **state)
{
    (void)state;
    struct run_refs refs;
    struct bbd_err err = {0};
    char path[4096], *diag = NULL;
    size_t len = 0;
    FILE *d = open_memstream(&diag, &len);
    snprintf(path, sizeof(path), "%s/units.ref", BBD_RUN_TEST_DATA);
    assert_int_equal(run_refs_load(path, &refs, d, &err), -1);
    fclose(d);
    assert_int_equal(err.code, BBD_EXIT_USAGE);
    assert_non_null(strstr(diag, "units.ref:4: unit: does not measure what the test measures"));
    free(diag);
    snprintf(path, sizeof(path), "%s/units-good.ref", BBD_RUN_TEST_DATA);
    assert_int_equal(run_refs_load(path, &refs, stderr, &err), 0);
    assert_int_equal(refs.n, 6);
    assert_string_equal(refs.r[5].source, "another system | with a bar in its source");
    const char *system = NULL;
    assert_int_equal(run_refs_system(&refs, NULL, &system, &err), -1); /* two systems */
    assert_non_null(strstr(err.msg, "testsys, other"));
    assert_int_equal(run_refs_system(&refs, "testsys", &system, &err), 0);
    char *db = temp_db();
    struct run_store *st = NULL;
    assert_int_equal(run_store_open(db, &st, &err), 0);
    long long id = import_jsonl(st, "units.jsonl", "ok");
    char *text = NULL;
    FILE *f = open_memstream(&text, &len);
    struct run_report_opts o = {.doc = run_doc_find("md"),
                                .nic_gbps = 25,
                                .noise_pct = 5,
                                .refs = &refs,
                                .system = system,
                                .refs_file = "units-good.ref"};
    int missed = -1;
    assert_int_equal(run_report_render(st, id, &o, f, &missed, &err), 0);
    fclose(f);
    assert_int_equal(missed, 1);
    assert_non_null(strstr(text, "## Reference figures (units-good.ref, system testsys)"));
    assert_non_null(strstr(text, "| x | bw H H | 4M | 2 | 9500.00 MB/s | -10 % .. +inf | 9000.00 "
                                 "MB/s | pass |"));
    assert_non_null(strstr(text, "| x | bw H H | 1K | any | 6000.00 MB/s | -5 % .. +inf | "
                                 "5000.00 MB/s | FAIL |"));
    assert_non_null(strstr(text, "| x | xccl:allreduce (in place) D D | 4M | 2 | 29000.00 MB/s | "
                                 "-5 % .. +inf | 29000.00 MB/s | pass |"));
    assert_non_null(strstr(text, "| x | latency D D | 1 | any | 0.50 us | -inf .. +10 % | - | not "
                                 "measured |"));
    assert_non_null(strstr(text, "5 references: 3 pass, 1 fail, 1 not measured in this run."));
    free(text);
    run_refs_free(&refs);
    run_store_close(st);
    unlink(db);
}

/* One process per run: a second claim of the same run from another process is refused,
 * naming the holder; another run is free; the claim dies with its holder. */
static void test_one_process_per_run(void **state)
{
    (void)state;
    char *db = temp_db();
    struct run_store *st = NULL;
    struct bbd_err err = {0};
    assert_int_equal(run_store_open(db, &st, &err), 0);
    int ready[2], done[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(done), 0);
    pid_t child = fork();
    if (child == 0) {
        struct run_store *mine = NULL;
        char c = 0;
        int ok = run_store_open(db, &mine, &err) == 0 && run_store_claim_run(mine, 7, &err) == 0;
        if (write(ready[1], ok ? "y" : "n", 1) != 1 || read(done[0], &c, 1) < 0) _exit(2);
        _exit(0);
    }
    char c = 0;
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(c, 'y');
    assert_int_equal(run_store_claim_run(st, 7, &err), -1);
    assert_int_equal(err.code, BBD_EXIT_ENV);
    char want[64];
    snprintf(want, sizeof(want), "is being run by process %d", (int)child);
    if (!strstr(err.msg, want)) fail_msg("%s", err.msg);
    assert_int_equal(run_store_claim_run(st, 8, &err), 0);
    assert_int_equal(write(done[1], "x", 1), 1);
    int status = 0;
    waitpid(child, &status, 0);
    assert_int_equal(run_store_claim_run(st, 7, &err), 0); /* the holder is gone */
    run_store_close(st);
    unlink(db);
    char lock[96];
    snprintf(lock, sizeof(lock), "%s.lock", db);
    unlink(lock);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_and_matrix),
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_mode_sections),
        cmocka_unit_test(test_matrix_registry),
        cmocka_unit_test(test_config_checked_by_bench_parser),
        cmocka_unit_test(test_import_jsonl),
        cmocka_unit_test(test_store_report_compare),
        cmocka_unit_test(test_units_never_mix),
        cmocka_unit_test(test_failed_cells_keep_records),
        cmocka_unit_test(test_reference_figures),
        cmocka_unit_test(test_one_process_per_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
