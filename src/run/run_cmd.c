/* run_cmd.c — the command lines of `bbd run`, `bbd import` and `bbd report`. */
#include "commands.h"

#include "bbd_fs.h"
#include "bbd_time.h"

#include "run_exec.h"
#include "run_import.h"
#include "run_launch.h"
#include "run_matrix.h"
#include "run_report.h"
#include "run_spec.h"
#include "run_store.h"

#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static const char run_usage[] =
    "usage: bbd run [--config FILE.ini] [--db FILE] [--out DIR] [--resume] [--sbatch FILE]\n"
    "               [--modes LIST] [--gtl off,on] [--tests LIST] [--placements LIST]\n"
    "               [--sizes MIN:MAX] [-i N] [-x N] [-c] [--timeout S] [--ranks N]\n"
    "               [--launcher auto|mpiexec|srun] [--mpiexec PROG] [--hosts H1,H2]\n"
    "               [--nodes N] [--srun_mpi pmi2|pmix|cray_shasta] [--cpu_bind B]\n"
    "               [--gpu_bind B] [--gpus_per_task N] [--launcher_args WORDS]\n"
    "               [--image IMG] [--runtime apptainer|singularity|podman|docker|bwrap|ch-run]\n"
    "               [--bench PATH] [--gtl_library FILE] [--reference FILE] [--system NAME]\n"
    "               [--env K=V] [--set SECTION.KEY=VALUE]\n"
    "Runs modes x gtl x tests x placements (default: native, 2 ranks, H H, latency+bw),\n"
    "stores every record in the SQLite file and writes report.md/report.html.\n"
    "TESTS are bbd-bench's: latency, bw, bibw, mbw, coll:allreduce ..., xccl:allreduce ...\n"
    "(xccl tests run on D D only, coll:* on H H and D D; basic mode has no GTL cells).\n"
    "Every --KEY VALUE is the config line KEY = VALUE of its section (docs/run.md);\n"
    "[mode.basic|bind|hybrid] sections set image, image_bench, exec_args per mode.\n"
    "Every value is checked (bbd-bench's own options too) before any cell runs.\n"
    "Exit: 0 all cells ok, 1 a cell failed or interrupted, 2 usage, 3 environment (also: the\n"
    "run is being run by another live process, which the message names).\n";

static int dir_of_self(char *buf, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    if (n < 0) return -1;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash) *slash = '\0';
    return 0;
}

static char *self_exe(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n < 0) return strdup("bbd");
    buf[n] = '\0';
    return strdup(buf);
}

/* bbd-bench on the host: configured, $BBD_BENCH, beside bbd (installed), in the build tree
 * (build/src/bbd/bbd -> build/src/bench/bbd-bench), then PATH. */
static char *find_bench(const struct run_spec *s)
{
    if (s->bench) return strdup(s->bench);
    if (getenv("BBD_BENCH")) return strdup(getenv("BBD_BENCH"));
    char dir[PATH_MAX], *cand = NULL;
    if (dir_of_self(dir, sizeof(dir)) == 0) {
        const char *rel[] = {"%s/bbd-bench", "%s/../bench/bbd-bench"};
        for (int i = 0; i < 2; i++) {
            if (asprintf(&cand, rel[i], dir) < 0) return NULL;
            if (access(cand, X_OK) == 0) return cand;
            free(cand);
        }
    }
    return run_which("bbd-bench");
}

/* Last non-empty line of a log: usually the one that says why. */
static void last_line(const char *path, char *out, size_t len)
{
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f == NULL) return;
    char line[300];
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[strspn(line, " \t")]) snprintf(out, len, "%s", line);
    }
    fclose(f);
}

/* Write TEXT to PATH; a short write (a full disk) is an error, not a truncated file. */
static int write_file(const char *path, const char *text, struct bbd_err *err)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) return bbd_err_sys(err, "fopen", path);
    int bad = fputs(text, f) == EOF;
    if ((fclose(f) != 0 || bad) && bbd_err_sys(err, "write", path)) return -1;
    return 0;
}

/* Is the file system of DIR out of space? Asked after a cell failed: its logs were then cut. */
static int folder_full(const char *dir)
{
    struct statvfs sv;
    return statvfs(dir, &sv) == 0 && sv.f_bavail == 0;
}

struct run_state {
    struct run_spec spec;
    struct run_store *st;
    long long run_id;
    char folder[PATH_MAX];
    const struct run_launcher *launcher;
    char *self, *bench;
    struct run_refs refs; /* [report] reference, loaded (and checked) before any cell runs */
    const char *system;
};

/* Decide a cell's outcome from how its command ended and what it printed. */
static const char *cell_outcome(const struct run_exec_result *res, int n_recs, int bad,
                                const char *err_log, char *reason, size_t len)
{
    char tail[300];
    last_line(err_log, tail, sizeof(tail));
    if (res->status == RUN_TIMEOUT) {
        snprintf(reason, len, "timeout after %.0f s; stderr: %s", res->seconds, tail);
        return "timeout";
    }
    if (res->signal) {
        snprintf(reason, len, "killed by signal %d; stderr: %s", res->signal, tail);
        return "failed";
    }
    if (res->exit_code) {
        snprintf(reason, len, "exit code %d; stderr: %s", res->exit_code, tail);
        return "failed";
    }
    if (bad) {
        snprintf(reason, len, "%d malformed JSON records on stdout", bad);
        return "failed";
    }
    if (n_recs == 0) {
        snprintf(reason, len, "no JSON records on stdout; stderr: %s", tail);
        return "failed";
    }
    return "ok";
}

static int cell_run(struct run_state *rs, const struct run_cell *c, const char **status,
                    struct bbd_err *err)
{
    struct run_argv argv, env;
    run_argv_init(&argv);
    run_argv_init(&env);
    struct run_records recs = {0};
    int rc = -1;
    char dir[PATH_MAX + 256], out[PATH_MAX + 300], errp[PATH_MAX + 300], cmd[PATH_MAX + 300];
    snprintf(dir, sizeof(dir), "%s/cell-%03d-%s-gtl%s-%s-%c%c", rs->folder, c->index, c->mode,
             c->gtl ? "on" : "off", c->test, c->placement[0], c->placement[2]);
    for (char *p = dir + strlen(rs->folder) + 1; *p; p++)
        if (*p == ':' || *p == '/') *p = '_';
    snprintf(out, sizeof(out), "%s/stdout", dir);
    snprintf(errp, sizeof(errp), "%s/stderr", dir);
    snprintf(cmd, sizeof(cmd), "%s/command", dir);
    if (bbd_mkdir_p(dir, err) < 0) goto done;
    if (run_cell_command(&rs->spec, rs->launcher, c, rs->self, rs->bench, &argv, err) < 0 ||
        run_cell_env(&rs->spec, c, &env, err) < 0)
        goto done;
    char *cmdline = NULL;
    size_t cmdlen = 0;
    FILE *cf = open_memstream(&cmdline, &cmdlen);
    if (cf == NULL) goto done;
    for (int i = 0; i < env.n; i++)
        fprintf(cf, "%s ", env.v[i]);
    run_argv_print(&argv, cf);
    fclose(cf);
    if (write_file(cmd, cmdline, err) < 0) {
        free(cmdline);
        goto done;
    }
    struct run_exec_result res;
    char reason[1200] = "";
    if (run_exec(&argv, &env, out, errp, rs->spec.timeout, &res, err) < 0) {
        /* Not startable (no srun, no mpiexec): a failed cell, and the matrix goes on. */
        snprintf(reason, sizeof(reason), "%s", err->msg);
        *status = "failed";
        res.seconds = 0;
        res.exit_code = 127;
    } else if (res.status == RUN_INTERRUPTED) {
        *status = "interrupted";
        free(cmdline);
        rc = 0;
        goto done;
    } else {
        FILE *so = fopen(out, "r");
        int bad = so ? run_import_jsonl(so, out, true, &recs, stderr) : -1;
        if (so) fclose(so);
        *status = cell_outcome(&res, recs.n, bad, errp, reason, sizeof(reason));
    }
    int ok = !strcmp(*status, "ok"), full = !ok && folder_full(dir);
    if (full) /* the matrix stops: every later cell would fail the same way */
        snprintf(reason, sizeof(reason), "no space left on device for its logs");
    struct store_cell sc = {
        c->key,        c->mode,     c->test, c->placement, c->gtl, *status, ok ? NULL : reason,
        res.exit_code, res.seconds, cmdline, dir};
    if (run_store_begin(rs->st, err) == 0) {
        /* a failed cell keeps what it measured: stored, marked by the cell's status */
        if (run_store_cell_put(rs->st, rs->run_id, &sc, recs.r, recs.n, err) == 0 &&
            run_store_commit(rs->st, err) == 0)
            rc = 0;
        else
            run_store_rollback(rs->st);
    }
    if (!ok)
        fprintf(stderr, "    %s: %s (logs: %s%s)\n", *status, reason, dir,
                recs.n ? "; the records it printed are kept, marked as from a failed cell" : "");
    if (full && rc == 0)
        rc = bbd_err_set(err, BBD_EXIT_ENV,
                         "run folder %s is full: free space, then run the same command with "
                         "--resume",
                         rs->folder);
    free(cmdline);
done:
    run_records_free(&recs);
    run_argv_free(&argv);
    run_argv_free(&env);
    return rc;
}

static void write_reports(struct run_state *rs)
{
    static const char *const formats[] = {"md", "html"};
    for (int i = 0; i < 2; i++) {
        char path[PATH_MAX + 32], plots[PATH_MAX + 32];
        snprintf(path, sizeof(path), "%s/report.%s", rs->folder, formats[i]);
        snprintf(plots, sizeof(plots), "%s/plots", rs->folder);
        struct run_report_opts o = {run_doc_find(formats[i]),
                                    plots,
                                    "plots",
                                    rs->spec.nic_gbps,
                                    rs->spec.noise,
                                    rs->refs.n ? &rs->refs : NULL,
                                    rs->system,
                                    rs->spec.reference};
        struct bbd_err err;
        int missed = 0;
        FILE *f = fopen(path, "w");
        int rc = f ? run_report_render(rs->st, rs->run_id, &o, f, &missed, &err)
                   : bbd_err_sys(&err, "fopen", path);
        if (f && fclose(f) != 0 && rc == 0) rc = bbd_err_sys(&err, "write", path);
        if (rc < 0)
            fprintf(stderr, "bbd run: report %s: %s\n", path, err.msg);
        else
            printf("bbd run: report: %s\n", path);
        if (i == 0 && missed)
            printf("bbd run: %d reference figures of %s missed (see the report)\n", missed,
                   rs->spec.reference);
    }
}

static int matrix_loop(struct run_state *rs, const struct run_cell *cells, int n, int resume,
                       struct bbd_err *err)
{
    double t0 = bbd_monotonic_s();
    int ran = 0, failed = 0, skipped = 0;
    run_exec_catch_interrupts();
    for (int i = 0; i < n && !run_exec_interrupted(); i++) {
        const struct run_cell *c = &cells[i];
        if (resume) {
            int have = run_store_cell_ok(rs->st, rs->run_id, c->key, err);
            if (have < 0) return -1;
            if (have) {
                printf("[%d/%d] %s: already stored, skipped (--resume)\n", c->index, n, c->key);
                skipped++;
                continue;
            }
        }
        double el = bbd_monotonic_s() - t0;
        int left = n - i;
        printf("[%d/%d] %s  (elapsed %.0f s, ETA ", c->index, n, c->key, el);
        if (ran)
            printf("%.0f s)\n", el / ran * left);
        else
            printf("unknown)\n");
        fflush(stdout);
        const char *status = "failed";
        double t = bbd_monotonic_s();
        if (cell_run(rs, c, &status, err) < 0) return -1;
        if (!strcmp(status, "interrupted")) break;
        ran++;
        failed += strcmp(status, "ok") != 0;
        printf("[%d/%d] %s: %s in %.1f s\n", c->index, n, c->key, status, bbd_monotonic_s() - t);
        fflush(stdout);
    }
    int interrupted = run_exec_interrupted();
    run_exec_clear_interrupt(); /* handled here; the report's gnuplot must still run */
    const char *final = interrupted ? "interrupted" : failed ? "failed" : "complete";
    if (run_store_run_finish(rs->st, rs->run_id, final, err) < 0) return -1;
    printf("bbd run: run %lld %s: %d cells run, %d failed, %d skipped, %.0f s; database %s\n",
           rs->run_id, final, ran, failed, skipped, bbd_monotonic_s() - t0, "updated");
    write_reports(rs);
    if (interrupted)
        return bbd_err_set(err, BBD_EXIT_FAIL,
                           "interrupted: finished cells are stored; "
                           "run the same command with --resume to go on");
    return failed ? bbd_err_set(err, BBD_EXIT_FAIL, "%d of %d cells failed", failed, ran) : 0;
}

/* Options of `bbd run` itself; everything else is a spec setting. */
struct run_opts {
    const char *config, *db, *out, *sbatch;
    int resume;
};

static int parse_run_args(int argc, char **argv, struct run_spec *s, struct run_opts *o,
                          struct run_argv *rerun, struct bbd_err *err)
{
    static const struct {
        const char *alias, *key;
    } aliases[] = {{"-i", "iterations"}, {"-x", "warmup"}, {"-m", "sizes"}, {"-n", "ranks"}};
    for (int pass = 0; pass < 2; pass++) { /* pass 0: --config only, so options override it */
        for (int i = 1; i < argc; i++) {
            const char *a = argv[i], *val = NULL;
            char name[64];
            if (!strcmp(a, "-c") || !strcmp(a, "--validate")) {
                if (pass && run_spec_set_option(s, "validate", "yes", err) < 0) return -1;
                continue;
            }
            if (!strcmp(a, "--resume")) {
                o->resume = 1;
                continue;
            }
            int alias = -1;
            for (size_t k = 0; k < sizeof(aliases) / sizeof(aliases[0]); k++)
                if (!strcmp(a, aliases[k].alias)) alias = (int)k;
            if (alias < 0 && strncmp(a, "--", 2))
                return bbd_err_set(err, BBD_EXIT_USAGE, "bbd run: unexpected argument '%s'", a);
            const char *eq = strchr(a, '=');
            if (alias >= 0) {
                snprintf(name, sizeof(name), "%s", aliases[alias].key);
            } else if (eq) {
                snprintf(name, sizeof(name), "%.*s", (int)(eq - a - 2), a + 2);
                val = eq + 1;
            } else {
                snprintf(name, sizeof(name), "%s", a + 2);
            }
            if (val == NULL) {
                if (i + 1 >= argc)
                    return bbd_err_set(err, BBD_EXIT_USAGE, "bbd run: %s needs a value", a);
                val = argv[++i];
            }
            if (!strcmp(name, "config")) {
                o->config = val;
                if (pass == 0 && run_spec_load_file(s, val, err) < 0) return -1;
            } else if (!strcmp(name, "sbatch")) {
                o->sbatch = val;
                continue; /* the batch script's own `bbd run` must not write it again */
            } else if (!strcmp(name, "db")) {
                o->db = val;
            } else if (!strcmp(name, "out")) {
                o->out = val;
            } else if (pass && run_spec_set_option(s, name, val, err) < 0) {
                return -1;
            }
            if (pass && rerun) {
                run_argv_push(rerun, a);
                if (!eq && (alias >= 0 || strncmp(a, "--", 2) == 0)) run_argv_push(rerun, val);
            }
        }
    }
    return 0;
}

int bbd_cmd_run(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(run_usage, stdout);
        return BBD_EXIT_OK;
    }
    struct run_state rs = {0};
    struct run_opts o = {NULL, RUN_DEFAULT_DB, RUN_DEFAULT_OUT, NULL, 0};
    struct bbd_err err = {0};
    struct run_cell *cells = NULL;
    struct run_argv rerun;
    run_argv_init(&rerun);
    int n = 0;
    char *matrix = NULL;
    rs.self = self_exe();
    run_argv_push(&rerun, rs.self);
    run_argv_push(&rerun, "run");
    if (run_spec_load_default(&rs.spec, &err) < 0 ||
        parse_run_args(argc, argv, &rs.spec, &o, &rerun, &err) < 0 ||
        run_spec_check(&rs.spec, &err) < 0)
        goto out;
    if (o.resume) run_argv_push(&rerun, "--resume");
    int skipped = 0;
    if ((n = run_matrix_expand(&rs.spec, &cells, &skipped, &err)) < 0 ||
        run_cells_check(&rs.spec, cells, n, &err) < 0)
        goto out;
    if (rs.spec.reference && (run_refs_load(rs.spec.reference, &rs.refs, stderr, &err) < 0 ||
                              run_refs_system(&rs.refs, rs.spec.system, &rs.system, &err) < 0))
        goto out;
    if (skipped)
        printf("bbd run: %d combinations left out: they do not apply (xccl:* runs on D D only, "
               "coll:* on H H and D D, basic mode has no GTL)\n",
               skipped);
    rs.bench = find_bench(&rs.spec);
    if (rs.bench == NULL) rs.bench = strdup("bbd-bench"); /* the cell will fail and say so */
    if (o.sbatch) {
        if (run_sbatch_write(&rs.spec, o.sbatch, &rerun, cells, n, rs.self, rs.bench, &err) == 0)
            printf("bbd run: wrote %s (%d cells); submit it with: sbatch %s\n", o.sbatch, n,
                   o.sbatch);
        goto out;
    }
    if ((rs.launcher = run_launcher_pick(&rs.spec, &err)) == NULL) goto out;
    matrix = run_spec_json(&rs.spec);
    if (matrix == NULL || run_store_open(o.db, &rs.st, &err) < 0) goto out;
    if (o.resume && run_store_run_find_matrix(rs.st, matrix, &rs.run_id, &err) < 0) goto out;
    if (o.resume && rs.run_id == 0)
        printf("bbd run: --resume: no earlier run of this matrix in %s, starting a new one\n",
               o.db);
    if (rs.run_id == 0 && run_store_run_new(rs.st, "run", NULL, matrix, NULL, &rs.run_id, &err) < 0)
        goto out;
    /* one process per run: a second --resume (or an orphaned bbd run) would write the same
     * cells' logs and records */
    if (run_store_claim_run(rs.st, rs.run_id, &err) < 0) goto out;
    char absout[PATH_MAX - 64];
    if (bbd_mkdir_p(o.out, &err) < 0 || realpath(o.out, absout) == NULL) {
        if (!err.msg[0]) bbd_err_sys(&err, "realpath", o.out);
        goto out;
    }
    snprintf(rs.folder, sizeof(rs.folder), "%s/run-%lld", absout, rs.run_id);
    if (bbd_mkdir_p(rs.folder, &err) < 0 ||
        run_store_set_folder(rs.st, rs.run_id, rs.folder, &err) < 0)
        goto out;
    printf("bbd run: run %lld: %d cells, launcher %s, database %s, logs %s\n", rs.run_id, n,
           rs.launcher->name, o.db, rs.folder);
    matrix_loop(&rs, cells, n, o.resume, &err);
out:
    if (err.msg[0]) fprintf(stderr, "bbd run: %s\n", err.msg);
    run_store_close(rs.st);
    run_spec_free(&rs.spec);
    run_refs_free(&rs.refs);
    run_argv_free(&rerun);
    free(cells);
    free(matrix);
    free(rs.self);
    free(rs.bench);
    return err.msg[0] ? (err.code ? err.code : BBD_EXIT_ENV) : BBD_EXIT_OK;
}
