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
#include "run_report.h"
#include "run_spec.h"
#include "run_store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    run_spec_init(s);
    assert_int_equal(run_spec_load_string(s, run_spec_default_ini, "default", &err), 0);
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
    int n = run_matrix_expand(&s, &cells, &err);
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
    assert_int_equal(run_matrix_expand(&s, &cells, &err), 2);
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
    assert_int_equal(run_matrix_expand(&s, &cells, &err), 2);
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
    assert_int_equal(run_matrix_expand(&s, &cells, &err), 2);
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
    struct run_report_opts o = {run_doc_find("md"), NULL, NULL, 25, 5};
    if (other)
        assert_int_equal(run_report_compare(st, id, other, &o, f, regressions, &err), 0);
    else
        assert_int_equal(run_report_render(st, id, &o, f, &err), 0);
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
    assert_non_null(strstr(text, "| x | bw H H | 4194304 | 22222.70 | 2198.81 | -90.1 % |"));
    free(text);
    text = render(st, cxi, 0, NULL);
    assert_non_null(strstr(text, "| 4194304 | 22222.70 |"));
    assert_non_null(strstr(
        text, "no: best 22222.70 MB/s (x, bw H H, 4194304 B; hosts not recorded) <= one NIC"));
    free(text);
    run_store_close(st);
    unlink(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_and_matrix),      cmocka_unit_test(test_commands),
        cmocka_unit_test(test_mode_sections),        cmocka_unit_test(test_import_jsonl),
        cmocka_unit_test(test_store_report_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
