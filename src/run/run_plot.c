#include "run_plot.h"

#include "run_argv.h"
#include "run_exec.h"
#include "run_launch.h"
#include "run_units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                      "#9467bd", "#8c564b", "#e377c2", "#17becf"};
#define N_PALETTE (int)(sizeof(palette) / sizeof(palette[0]))

const char *run_plot_colour(int i)
{
    return palette[i % N_PALETTE];
}

/* gnuplot strings are single-quoted; a quote in a label would end it. */
static void gp_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        fputc(*s == '\'' ? '"' : *s, f);
    fputc('\'', f);
}

static int write_data(const struct run_plot *p, const char *path, struct bbd_err *err)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) return bbd_err_sys(err, "fopen", path);
    for (int z = 0; z < p->n_sizes; z++) {
        if (p->sizes[z] <= 0) continue; /* no 0 on a log axis */
        fprintf(f, "%lld", p->sizes[z]);
        for (int s = 0; s < p->n_series; s++) {
            double v = p->values[z * p->n_series + s];
            if (isfinite(v) && v > 0)
                fprintf(f, " %.6g", v);
            else
                fputs(" ?", f);
        }
        fputc('\n', f);
    }
    return fclose(f) == 0 ? 0 : bbd_err_sys(err, "fclose", path);
}

static int write_script(const struct run_plot *p, const char *gp, const char *dat, const char *svg,
                        struct bbd_err *err)
{
    FILE *f = fopen(gp, "w");
    if (f == NULL) return bbd_err_sys(err, "fopen", gp);
    fprintf(f, "set terminal svg size 760,440 font 'sans,11' background '#ffffff'\n"
               "set output ");
    gp_quoted(f, svg);
    fputs("\nset title ", f);
    gp_quoted(f, p->title);
    /* sizes in powers of two, labelled as people write them: 1, 4, 64, 1K, 64K, 1M */
    fputs("\nset logscale xy 2\nset logscale y 10\nset format y '%g'\n", f);
    int n_tics = 0, step = p->n_sizes > 12 ? 2 : 1;
    for (int z = 0, k = 0; z < p->n_sizes; z++) {
        if (p->sizes[z] <= 0 || k++ % step) continue;
        char label[32];
        run_size_label(label, sizeof(label), p->sizes[z]);
        fprintf(f, "%s'%s' %lld", n_tics++ ? ", " : "set xtics (", label, p->sizes[z]);
    }
    fputs(n_tics ? ")\nset xlabel 'message size (bytes)'\nset ylabel "
                 : "set xlabel 'message size (bytes)'\nset ylabel ",
          f);
    gp_quoted(f, p->ylabel);
    fputs("\nset grid\nset key top left\nset datafile missing '?'\nplot ", f);
    for (int s = 0; s < p->n_series; s++) {
        fputs(s ? ", \\\n     " : "", f);
        gp_quoted(f, dat);
        fprintf(f, " using 1:%d with linespoints lw 2 pt 7 ps 0.5 lc rgb '%s' title ", s + 2,
                run_plot_colour(s));
        gp_quoted(f, p->labels[s]);
    }
    fputc('\n', f);
    return fclose(f) == 0 ? 0 : bbd_err_sys(err, "fclose", gp);
}

int run_plot_svg(const struct run_plot *p, const char *stem, struct bbd_err *err)
{
    char *gnuplot = run_which("gnuplot");
    if (gnuplot == NULL) return 1;
    char dat[4096], gp[4096], svg[4096], log[4096];
    snprintf(dat, sizeof(dat), "%s.dat", stem);
    snprintf(gp, sizeof(gp), "%s.gp", stem);
    snprintf(svg, sizeof(svg), "%s.svg", stem);
    snprintf(log, sizeof(log), "%s.gnuplot.log", stem);
    int rc = -1;
    struct run_argv argv;
    run_argv_init(&argv);
    struct run_exec_result res;
    if (write_data(p, dat, err) < 0 || write_script(p, gp, dat, svg, err) < 0) goto out;
    if (run_argv_push(&argv, gnuplot) < 0 || run_argv_push(&argv, gp) < 0) goto out;
    if (run_exec(&argv, NULL, log, log, 60, &res, err) < 0) goto out;
    if (res.status != RUN_EXITED || res.exit_code || res.signal) {
        char how[64];
        if (res.status == RUN_INTERRUPTED)
            snprintf(how, sizeof(how), "interrupted");
        else if (res.status == RUN_TIMEOUT)
            snprintf(how, sizeof(how), "timed out");
        else if (res.signal)
            snprintf(how, sizeof(how), "killed by signal %d", res.signal);
        else
            snprintf(how, sizeof(how), "exit %d", res.exit_code);
        bbd_err_set(err, BBD_EXIT_ENV, "gnuplot(%s): failed (%s), see %s", gp, how, log);
        goto out;
    }
    rc = 0;
out:
    run_argv_free(&argv);
    free(gnuplot);
    return rc;
}
