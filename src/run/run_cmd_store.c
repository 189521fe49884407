/* run_cmd_store.c — `bbd import` (records into the store) and `bbd report` (out of it). */
#include "commands.h"

#include "bbd_num.h"
#include "run_import.h"
#include "run_reference.h"
#include "run_report.h"
#include "run_spec.h"
#include "run_store.h"

#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char import_usage[] =
    "usage: bbd import [--db FILE] [--format jsonl|osu] [--label TEXT] [--mode MODE] [--gtl]\n"
    "                  [--test TEST] [--placement 'H D'] [--run ID] FILE...\n"
    "Stores bbd-bench JSON lines (or OSU text tables) as one run (or adds them to run ID).\n"
    "Every bad line is reported as FILE:LINE: reason, and then nothing is stored.\n";

static const char report_usage[] =
    "usage: bbd report [--db FILE] [--run ID | --last] [--format md|html] [-o FILE]\n"
    "                  [--compare RUN_A RUN_B] [--nic-gbps X] [--noise PCT]\n"
    "                  [--reference FILE [--system NAME]] [--config FILE.ini]\n"
    "Plots (gnuplot SVG) are written beside -o FILE, in FILE's stem + '-plots/'.\n"
    "--reference marks every figure it has an expected value for pass or FAIL (docs/run.md);\n"
    "--config reads its [report] section (nic_gbps, noise, reference, system).\n"
    "Exit: 0 ok, 1 a regression (--compare) or a missed reference, 2 usage, 3 environment.\n";

struct import_opts {
    const char *db, *format, *label, *mode, *test, *placement;
    int gtl;
    long long run;
};

/* Records of one (test, placement) go to one cell of the run. */
static int store_grouped(struct run_store *st, long long run_id, const struct import_opts *o,
                         const char *what, struct run_records *all, struct bbd_err *err)
{
    char *done = calloc((size_t)all->n + 1, 1);
    struct run_record *grp = malloc(((size_t)all->n + 1) * sizeof(*grp));
    int rc = 0, cells = 0;
    for (int i = 0; rc == 0 && done && grp && i < all->n; i++) {
        if (done[i]) continue;
        int n = 0;
        for (int j = i; j < all->n; j++)
            if (!done[j] && !strcmp(all->r[j].test, all->r[i].test) &&
                !strcmp(all->r[j].placement, all->r[i].placement))
                grp[n++] = all->r[j], done[j] = 1;
        char key[128];
        snprintf(key, sizeof(key), "%s/gtl-%s/%s/%s", o->mode, o->gtl ? "on" : "off",
                 all->r[i].test, all->r[i].placement);
        struct store_cell c = {
            key,  o->mode, all->r[i].test, all->r[i].placement, o->gtl, "ok", NULL, 0, 0,
            what, NULL};
        rc = run_store_cell_put(st, run_id, &c, grp, n, err);
        cells++;
    }
    if (!done || !grp) rc = bbd_err_set(err, BBD_EXIT_ENV, "import: out of memory");
    free(done);
    free(grp);
    return rc < 0 ? -1 : cells;
}

int bbd_cmd_import(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", 1, 0, 'd'},   {"format", 1, 0, 'f'}, {"label", 1, 0, 'l'}, {"mode", 1, 0, 'M'},
        {"gtl", 0, 0, 'g'},  {"test", 1, 0, 't'},   {"run", 1, 0, 'r'},   {"placement", 1, 0, 'p'},
        {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    struct import_opts o = {RUN_DEFAULT_DB, "jsonl", NULL, "imported", NULL, NULL, 0, 0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o.db = optarg;
            break;
        case 'f':
            o.format = optarg;
            break;
        case 'l':
            o.label = optarg;
            break;
        case 'M':
            o.mode = optarg;
            break;
        case 'g':
            o.gtl = 1;
            break;
        case 't':
            o.test = optarg;
            break;
        case 'p':
            o.placement = optarg;
            break;
        case 'r':
            if (bbd_parse_long(optarg, 1, LLONG_MAX, &o.run)) {
                fprintf(stderr, "bbd import: --run %s: not a run id (a whole number >= 1)\n",
                        optarg);
                return BBD_EXIT_USAGE;
            }
            break;
        case 'h':
            fputs(import_usage, stdout);
            return BBD_EXIT_OK;
        default:
            fputs(import_usage, stderr);
            return BBD_EXIT_USAGE;
        }
    }
    int osu = !strcmp(o.format, "osu");
    char placement[4];
    if (o.placement && run_placement_normalise(o.placement, placement) < 0) {
        fprintf(stderr, "bbd import: --placement %s: expected two of H/D, e.g. 'D H'\n",
                o.placement);
        return BBD_EXIT_USAGE;
    }
    if (o.placement) o.placement = placement;
    if ((!osu && strcmp(o.format, "jsonl")) || optind >= argc) {
        fputs(import_usage, stderr);
        return BBD_EXIT_USAGE;
    }
    struct run_records all = {0};
    int bad = 0;
    char what[PATH_MAX] = "import";
    for (int i = optind; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (f == NULL) {
            fprintf(stderr, "bbd import: fopen(%s): %m\n", argv[i]);
            bad++;
            continue;
        }
        int b = osu ? run_import_osu(f, argv[i], o.test, o.placement, &all, stderr)
                    : run_import_jsonl(f, argv[i], false, &all, stderr);
        fclose(f);
        bad += b < 0 ? 1 : b;
        if (strlen(what) + strlen(argv[i]) + 2 < sizeof(what)) strcat(strcat(what, " "), argv[i]);
    }
    if (bad || all.n == 0) {
        fprintf(stderr, "bbd import: %d bad lines%s: nothing stored\n", bad,
                all.n ? "" : " and no records");
        run_records_free(&all);
        return BBD_EXIT_USAGE;
    }
    struct bbd_err err = {0};
    struct run_store *st = NULL;
    long long run_id = o.run;
    int cells = -1;
    if (run_store_open(o.db, &st, &err) == 0 && run_store_begin(st, &err) == 0) {
        if ((run_id || run_store_run_new(st, "import", o.label, NULL, NULL, &run_id, &err) == 0) &&
            (cells = store_grouped(st, run_id, &o, what, &all, &err)) >= 0 &&
            (o.run || run_store_run_finish(st, run_id, "complete", &err) == 0) &&
            run_store_commit(st, &err) == 0)
            printf("bbd import: %d records in %d cells stored as run %lld in %s\n", all.n, cells,
                   run_id, o.db);
        else
            run_store_rollback(st), cells = -1;
    }
    if (cells < 0) fprintf(stderr, "bbd import: %s: nothing stored\n", err.msg);
    run_store_close(st);
    run_records_free(&all);
    return cells < 0 ? (err.code ? err.code : BBD_EXIT_ENV) : BBD_EXIT_OK;
}

struct report_opts {
    const char *db, *format, *output;
    long long run, cmp_a, cmp_b;
    struct run_spec spec; /* [report]: nic_gbps, noise, reference, system (the defaults) */
};

/* -o out/report.html -> plots in out/report-plots, linked as "report-plots". */
static void plot_paths(const char *output, char *dir, size_t len, char *rel, size_t rel_len)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof(copy), "%s", output);
    char *base = basename(copy);
    char stem[PATH_MAX];
    snprintf(stem, sizeof(stem), "%.*s", (int)strcspn(base, "."), base);
    snprintf(rel, rel_len, "%.200s-plots", stem);
    snprintf(copy, sizeof(copy), "%s", output);
    snprintf(dir, len, "%.3000s/%.300s", dirname(copy), rel);
}

/* A run id argument: a whole number >= 1. */
static int run_id_arg(const char *opt, const char *arg, long long *out, struct bbd_err *err)
{
    if (bbd_parse_long(arg, 1, LLONG_MAX, out) == 0) return 0;
    return bbd_err_set(err, BBD_EXIT_USAGE, "%s %s: not a run id (a whole number >= 1)", opt, arg);
}

/* 0, 1 (--help printed), or -1 with err naming the argument. */
static int report_parse(int argc, char **argv, struct report_opts *o, struct bbd_err *err)
{
    static const struct option longopts[] = {{"db", 1, 0, 'd'},
                                             {"run", 1, 0, 'r'},
                                             {"last", 0, 0, 'L'},
                                             {"format", 1, 0, 'f'},
                                             {"output", 1, 0, 'o'},
                                             {"compare", 1, 0, 'C'},
                                             {"nic-gbps", 1, 0, 'N'},
                                             {"noise", 1, 0, 'n'},
                                             {"reference", 1, 0, 'R'},
                                             {"system", 1, 0, 'S'},
                                             {"config", 1, 0, 'c'},
                                             {"help", 0, 0, 'h'},
                                             {0, 0, 0, 0}};
    /* [report] keys the options set, after --config wherever it stands */
    const char *set_key[256] = {
        ['N'] = "nic_gbps", ['n'] = "noise", ['R'] = "reference", ['S'] = "system"};
    const char *set_val[256] = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'r':
            if (run_id_arg("--run", optarg, &o->run, err)) return -1;
            break;
        case 'L':
            o->run = 0;
            break;
        case 'f':
            o->format = optarg;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'C':
            if (run_id_arg("--compare", optarg, &o->cmp_a, err)) return -1;
            if (optind >= argc)
                return bbd_err_set(err, BBD_EXIT_USAGE, "--compare %s: needs two run ids", optarg);
            if (run_id_arg("--compare", argv[optind++], &o->cmp_b, err)) return -1;
            break;
        case 'N':
        case 'n':
        case 'R':
        case 'S':
            set_val[c] = optarg;
            break;
        case 'c':
            if (run_spec_load_file(&o->spec, optarg, err) < 0) return -1;
            break;
        case 'h':
            fputs(report_usage, stdout);
            return 1;
        default:
            return bbd_err_set(err, BBD_EXIT_USAGE, "bbd report: bad option '%s' (see --help)",
                               argv[optind - 1]);
        }
    }
    for (int k = 0; k < 256; k++)
        if (set_val[k] && run_spec_set(&o->spec, "report", set_key[k], set_val[k], err) < 0)
            return -1;
    if (optind != argc)
        return bbd_err_set(err, BBD_EXIT_USAGE, "bbd report: unexpected argument '%s'",
                           argv[optind]);
    if (run_doc_find(o->format) == NULL)
        return bbd_err_set(err, BBD_EXIT_USAGE, "--format %s: md or html", o->format);
    return 0;
}

int bbd_cmd_report(int argc, char **argv)
{
    struct report_opts o = {.db = RUN_DEFAULT_DB, .format = "md"};
    struct bbd_err err = {0};
    struct run_store *st = NULL;
    struct run_refs refs = {0};
    FILE *out = stdout;
    int rc = -1, regressions = 0, missed = 0;
    if (run_spec_load_default(&o.spec, &err) < 0) goto out;
    int p = report_parse(argc, argv, &o, &err);
    if (p > 0) {
        run_spec_free(&o.spec);
        return BBD_EXIT_OK;
    }
    if (p < 0) goto out;
    const char *system = NULL;
    if (o.spec.reference && (run_refs_load(o.spec.reference, &refs, stderr, &err) < 0 ||
                             run_refs_system(&refs, o.spec.system, &system, &err) < 0))
        goto out;
    char dir[PATH_MAX], rel[PATH_MAX];
    struct run_report_opts ro = {run_doc_find(o.format), NULL, NULL,   o.spec.nic_gbps,
                                 o.spec.noise,           NULL, system, o.spec.reference};
    if (refs.n) ro.refs = &refs;
    if (o.output) {
        plot_paths(o.output, dir, sizeof(dir), rel, sizeof(rel));
        ro.plot_dir = dir, ro.plot_rel = rel;
    }
    if (access(o.db, R_OK) != 0) {
        bbd_err_sys(&err, "access", o.db);
        goto out;
    }
    if (run_store_open(o.db, &st, &err) < 0) goto out;
    if (o.output && (out = fopen(o.output, "w")) == NULL) {
        bbd_err_sys(&err, "fopen", o.output);
        goto out;
    }
    if (o.cmp_a) {
        rc = run_report_compare(st, o.cmp_a, o.cmp_b, &ro, out, &regressions, &err);
    } else {
        if (o.run == 0 && run_store_run_last(st, &o.run, &err) < 0) goto out;
        if (o.run == 0) {
            bbd_err_set(&err, BBD_EXIT_USAGE, "%s: no runs stored", o.db);
            goto out;
        }
        rc = run_report_render(st, o.run, &ro, out, &missed, &err);
    }
    if (rc == 0 && o.output) fprintf(stderr, "bbd report: wrote %s\n", o.output);
    if (rc == 0 && missed)
        fprintf(stderr, "bbd report: %d reference figures missed (%s, system %s)\n", missed,
                o.spec.reference, system);
out:
    if (out && out != stdout) fclose(out);
    run_store_close(st);
    run_refs_free(&refs);
    run_spec_free(&o.spec);
    if (rc < 0) {
        fprintf(stderr, "bbd report: %s\n", err.msg);
        return err.code ? err.code : BBD_EXIT_ENV;
    }
    /* A comparison that finds regressions, or a missed reference, fails: CI can gate on it. */
    return regressions || missed ? BBD_EXIT_FAIL : BBD_EXIT_OK;
}
