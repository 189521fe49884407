#include "run_report.h"

#include "bbd_fs.h"
#include "registry.h"
#include "run_facts.h"
#include "run_plot.h"
#include "run_units.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 32
#define MAX_GROUPS 96
#define MAX_COLS (2 * MAX_SERIES + 1)

/* A series is one line of a plot / one column of a table: a mode with GTL on or off. */
struct series {
    char label[48]; /* "native", "bind+gtl": table columns and plot keys */
    char name[64];  /* "native, GTL off": answers, where the GTL state must be said */
    const char *mode;
    int gtl;
};

/* A group is one table: a test (and its in-place variant), a placement and a unit. */
struct group {
    int first, count;
    const char *test, *placement, *unit;
    int in_place;
    char name[80]; /* "bw", "xccl:allreduce (in place)" */
    const struct bench_info *info;
};

struct rep {
    struct run_store *st;
    const struct run_report_opts *o;
    FILE *out;
    struct store_row *rows;
    int n_rows, n_ok; /* rows[0..n_ok) are of ok cells, the rest of failed ones */
    struct series ser[MAX_SERIES];
    int n_ser;
    struct group grp[MAX_GROUPS];
    int n_grp;
};

static int mode_rank(const char *mode)
{
    static const char *const order[] = {"native", "basic", "bind", "hybrid", NULL};
    for (int i = 0; order[i]; i++)
        if (!strcmp(mode, order[i])) return i;
    return 4;
}

static int series_cmp(const void *a, const void *b)
{
    const struct series *x = a, *y = b;
    int r = mode_rank(x->mode) - mode_rank(y->mode);
    if (r == 0) r = strcmp(x->mode, y->mode);
    return r ? r : x->gtl - y->gtl;
}

static int series_of(const struct rep *r, const char *mode, int gtl)
{
    for (int i = 0; i < r->n_ser; i++)
        if (!strcmp(r->ser[i].mode, mode) && r->ser[i].gtl == gtl) return i;
    return -1;
}

static bool same_group(const struct group *g, const struct store_row *row)
{
    return !strcmp(g->test, row->test) && g->in_place == row->in_place &&
           !strcmp(g->placement, row->placement) && !strcmp(g->unit, row->unit);
}

static int collect(struct rep *r, struct bbd_err *err)
{
    r->n_ok = 0;
    while (r->n_ok < r->n_rows && !r->rows[r->n_ok].failed)
        r->n_ok++;
    for (int i = 0; i < r->n_ok; i++) {
        const struct store_row *row = &r->rows[i];
        if (series_of(r, row->mode, row->gtl) < 0) {
            if (r->n_ser == MAX_SERIES)
                return bbd_err_set(err, BBD_EXIT_USAGE, "report: more than %d modes", MAX_SERIES);
            struct series *s = &r->ser[r->n_ser++];
            s->mode = row->mode;
            s->gtl = row->gtl;
            snprintf(s->label, sizeof(s->label), "%s%s", row->mode, row->gtl ? "+gtl" : "");
            snprintf(s->name, sizeof(s->name), "%s, GTL %s", row->mode, row->gtl ? "on" : "off");
        }
        struct group *g = r->n_grp ? &r->grp[r->n_grp - 1] : NULL;
        if (g == NULL || !same_group(g, row)) {
            if (r->n_grp == MAX_GROUPS)
                return bbd_err_set(err, BBD_EXIT_USAGE, "report: more than %d tables", MAX_GROUPS);
            g = &r->grp[r->n_grp++];
            *g = (struct group){i,         0,
                                row->test, row->placement,
                                row->unit, row->in_place,
                                "",        bench_find(row->test)};
            snprintf(g->name, sizeof(g->name), "%s%s", row->test,
                     row->in_place ? " (in place)" : "");
        }
        g->count++;
    }
    qsort(r->ser, (size_t)r->n_ser, sizeof(r->ser[0]), series_cmp);
    return 0;
}

static int ll_cmp(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Distinct sizes of a group, ascending; malloc'ed. */
static int group_sizes(const struct rep *r, const struct group *g, long long **sizes)
{
    long long *z = malloc((size_t)g->count * sizeof(*z));
    int n = 0;
    if (z == NULL) return -1;
    for (int i = 0; i < g->count; i++)
        z[n++] = r->rows[g->first + i].size;
    qsort(z, (size_t)n, sizeof(*z), ll_cmp);
    int u = 0;
    for (int i = 0; i < n; i++)
        if (u == 0 || z[u - 1] != z[i]) z[u++] = z[i];
    *sizes = z;
    return u;
}

/* The row of series s at a size in a group, or NULL. */
static const struct store_row *group_row(const struct rep *r, const struct group *g, int s,
                                         long long size)
{
    for (int i = 0; i < g->count; i++) {
        const struct store_row *row = &r->rows[g->first + i];
        if (row->size == size && row->gtl == r->ser[s].gtl && !strcmp(row->mode, r->ser[s].mode))
            return row;
    }
    return NULL;
}

static double group_value(const struct rep *r, const struct group *g, int s, long long size)
{
    const struct store_row *row = group_row(r, g, s, size);
    return row ? row->value : NAN;
}

static void fmt_num(char *buf, size_t len, double v)
{
    if (isfinite(v))
        snprintf(buf, len, "%.2f", v);
    else
        snprintf(buf, len, "-");
}

/* "bw H H", "xccl:allreduce (in place) D D": a group for sentences. */
static void group_title(const struct group *g, char *buf, size_t len)
{
    snprintf(buf, len, "%s %s", g->name, g->placement);
}

/* What a group's value is, for headings and axes. */
static const char *quantity_word(const struct group *g)
{
    if (g->info && g->info->value == VALUE_BUSBW_GB_S) return "bus bandwidth";
    return run_unit_lower_is_better(g->unit) ? "latency" : "bandwidth";
}

/* The reference column for ratios: native (GTL off) if the group has it, else none (best). */
static int group_reference(const struct rep *r, const struct group *g)
{
    int s = series_of(r, "native", 0);
    if (s < 0) return -1;
    for (int i = 0; i < g->count; i++)
        if (!strcmp(r->rows[g->first + i].mode, "native") && !r->rows[g->first + i].gtl) return s;
    return -1;
}

static double best_at(const struct rep *r, const struct group *g, long long size)
{
    double best = NAN;
    bool lower = run_unit_lower_is_better(g->unit);
    for (int s = 0; s < r->n_ser; s++) {
        double v = group_value(r, g, s, size);
        if (isfinite(v) && (!isfinite(best) || (lower ? v < best : v > best))) best = v;
    }
    return best;
}

/* Series present in a group (a table shows only the modes that have data in it). */
static int group_series(const struct rep *r, const struct group *g, int *idx)
{
    int n = 0;
    for (int s = 0; s < r->n_ser; s++)
        for (int i = 0; i < g->count; i++) {
            const struct store_row *row = &r->rows[g->first + i];
            if (row->gtl == r->ser[s].gtl && !strcmp(row->mode, r->ser[s].mode)) {
                idx[n++] = s;
                break;
            }
        }
    return n;
}

static void group_plot(struct rep *r, const struct group *g, const int *idx, int n_idx,
                       const long long *sizes, int n_sizes)
{
    if (r->o->plot_dir == NULL) return;
    double *values = malloc((size_t)(n_sizes * n_idx) * sizeof(*values));
    const char *labels[MAX_SERIES];
    if (values == NULL) return;
    for (int k = 0; k < n_idx; k++)
        labels[k] = r->ser[idx[k]].label;
    for (int z = 0; z < n_sizes; z++)
        for (int k = 0; k < n_idx; k++)
            values[z * n_idx + k] = group_value(r, g, idx[k], sizes[z]);
    char title[160], ylabel[64], stem[4096], name[128];
    snprintf(title, sizeof(title), "%s, placement %s (%s)", g->name, g->placement, g->unit);
    snprintf(ylabel, sizeof(ylabel), "%s (%s)", quantity_word(g), g->unit);
    snprintf(name, sizeof(name), "%s%s-%c%c", g->test, g->in_place ? "-inplace" : "",
             g->placement[0], g->placement[2]);
    for (char *c = name; *c; c++)
        if (*c == ':' || *c == '/') *c = '_';
    snprintf(stem, sizeof(stem), "%s/%s", r->o->plot_dir, name);
    struct run_plot p = {title, ylabel, n_idx, labels, n_sizes, sizes, values};
    struct bbd_err err;
    int rc = run_plot_svg(&p, stem, &err);
    if (rc < 0) fprintf(stderr, "bbd report: plot %s: %s\n", name, err.msg);
    if (rc == 0) {
        char svg[4200], rel[4200];
        snprintf(svg, sizeof(svg), "%s.svg", stem);
        snprintf(rel, sizeof(rel), "%s/%s.svg", r->o->plot_rel ? r->o->plot_rel : r->o->plot_dir,
                 name);
        r->o->doc->plot(r->out, svg, rel, title);
    }
    free(values);
}

/* The seed's layout: size, then one value column per mode, then each mode's ratio. */
static void group_table(struct rep *r, const struct group *g)
{
    const struct run_doc *d = r->o->doc;
    int idx[MAX_SERIES], n_idx = group_series(r, g, idx);
    int ref = group_reference(r, g);
    long long *sizes = NULL;
    int n_sizes = group_sizes(r, g, &sizes);
    if (n_sizes < 0) return;
    char head[MAX_COLS][80], cell[MAX_COLS][64], title[200];
    const char *hp[MAX_COLS], *cp[MAX_COLS];
    int nc = 0;
    snprintf(title, sizeof(title), "%s, placement %s: %s (%s)", g->name, g->placement,
             quantity_word(g), g->unit);
    d->heading(r->out, 3, title);
    snprintf(head[nc++], 80, "Size (B)");
    for (int k = 0; k < n_idx; k++)
        snprintf(head[nc++], 80, "%s (%s)", r->ser[idx[k]].label, g->unit);
    for (int k = 0; k < n_idx; k++)
        if (idx[k] != ref)
            snprintf(head[nc++], 80, "%s / %s", r->ser[idx[k]].label, ref >= 0 ? "native" : "best");
    for (int i = 0; i < nc; i++)
        hp[i] = head[i], cp[i] = cell[i];
    d->table_head(r->out, nc, hp);
    for (int z = 0; z < n_sizes; z++) {
        int c = 0;
        run_size_label(cell[c++], 64, sizes[z]);
        double refv = ref >= 0 ? group_value(r, g, ref, sizes[z]) : best_at(r, g, sizes[z]);
        for (int k = 0; k < n_idx; k++)
            fmt_num(cell[c++], 64, group_value(r, g, idx[k], sizes[z]));
        for (int k = 0; k < n_idx; k++) {
            if (idx[k] == ref) continue;
            double v = group_value(r, g, idx[k], sizes[z]);
            fmt_num(cell[c++], 64, refv > 0 ? v / refv : NAN);
        }
        d->table_row(r->out, nc, cp);
    }
    d->table_end(r->out);
    group_plot(r, g, idx, n_idx, sizes, n_sizes);
    free(sizes);
}

/* The size a summary quotes: the smallest non-zero size for latency, the largest for
 * bandwidth (where the wire, not the software overhead, is measured). */
static long long summary_size(const struct rep *r, const struct group *g)
{
    long long *sizes = NULL;
    int n = group_sizes(r, g, &sizes);
    long long pick = -1;
    bool lower = run_unit_lower_is_better(g->unit);
    for (int i = 0; i < n; i++)
        if (lower ? (sizes[i] > 0 && pick < 0) : 1) pick = sizes[i];
    if (pick < 0 && n > 0) pick = sizes[0];
    free(sizes);
    return pick;
}

/* One summary table per unit: latencies (smallest size) or bandwidths (largest size). */
static void summary_table(struct rep *r, const char *unit)
{
    const struct run_doc *d = r->o->doc;
    char head[MAX_COLS][80], cell[MAX_COLS][64], title[128];
    const char *hp[MAX_COLS], *cp[MAX_COLS];
    int nc = 0, printed = 0;
    bool lower = run_unit_lower_is_better(unit);
    snprintf(head[nc++], 80, "Test, placement, size (B)");
    for (int s = 0; s < r->n_ser; s++)
        snprintf(head[nc++], 80, "%s (%s)", r->ser[s].label, unit);
    for (int i = 0; i < nc; i++)
        hp[i] = head[i], cp[i] = cell[i];
    for (int gi = 0; gi < r->n_grp; gi++) {
        const struct group *g = &r->grp[gi];
        if (strcmp(g->unit, unit)) continue;
        if (!printed++) {
            snprintf(title, sizeof(title), "%s (%s)",
                     lower ? "Small-message latency" : "Large-message bandwidth", unit);
            d->heading(r->out, 3, title);
            d->table_head(r->out, nc, hp);
        }
        long long size = summary_size(r, g);
        char sz[32];
        run_size_label(sz, sizeof(sz), size);
        snprintf(cell[0], 64, "%.40s %.3s, %.12s", g->name, g->placement, sz);
        for (int s = 0; s < r->n_ser; s++)
            fmt_num(cell[s + 1], 64, group_value(r, g, s, size));
        d->table_row(r->out, nc, cp);
    }
    if (printed) d->table_end(r->out);
}

static void summaries(struct rep *r)
{
    const char *seen[8];
    int n_seen = 0;
    for (int pass = 0; pass < 2; pass++) /* latencies first, then bandwidths */
        for (int gi = 0; gi < r->n_grp; gi++) {
            const char *u = r->grp[gi].unit;
            bool dup = false;
            for (int k = 0; k < n_seen; k++)
                dup |= !strcmp(seen[k], u);
            if (dup || run_unit_lower_is_better(u) != (pass == 0) || n_seen == 8) continue;
            seen[n_seen++] = u;
            summary_table(r, u);
        }
}

/* A difference counts only beyond the measured noise: the two 95 % intervals, or
 * noise_pct of the value when the records carry none (OSU text, old files). Both rows
 * are in the same unit (the callers make sure). */
static int beyond_noise(const struct store_row *a, double b_value, double b_ci95, double noise_pct)
{
    double noise =
        isfinite(a->ci95) && isfinite(b_ci95) ? a->ci95 + b_ci95 : fabs(a->value) * noise_pct / 100;
    return fabs(b_value - a->value) > noise;
}

struct gtl_delta {
    const struct group *g;
    const struct series *off_series;
    long long size;
    const struct store_row *off, *on;
};

/* MPI groups (xccl = 0) or the NCCL/RCCL ones (xccl = 1). */
static int gtl_deltas(const struct rep *r, struct gtl_delta *out, int max, int xccl)
{
    int n = 0;
    for (int gi = 0; gi < r->n_grp; gi++) {
        const struct group *g = &r->grp[gi];
        if (g->info == NULL || xccl != bench_is_xccl(g->info)) continue;
        long long size = summary_size(r, g);
        for (int s = 0; s < r->n_ser && n < max; s++) {
            if (r->ser[s].gtl) continue;
            int on = series_of(r, r->ser[s].mode, 1);
            const struct store_row *a = group_row(r, g, s, size);
            const struct store_row *b = on >= 0 ? group_row(r, g, on, size) : NULL;
            if (a && b) out[n++] = (struct gtl_delta){g, &r->ser[s], size, a, b};
        }
    }
    return n;
}

static bool gtl_beyond(const struct rep *r, const struct gtl_delta *dl)
{
    return beyond_noise(dl->off, dl->on->value, dl->on->ci95, r->o->noise_pct);
}

static void gtl_table(struct rep *r)
{
    struct gtl_delta dl[128];
    int n = gtl_deltas(r, dl, 128, 0);
    n += gtl_deltas(r, dl + n, 128 - n, 1);
    if (n == 0) return;
    const struct run_doc *d = r->o->doc;
    static const char *const head[] = {"Test, placement", "Mode",   "Size (B)",    "GTL off",
                                       "GTL on",          "Change", "Beyond noise"};
    d->heading(r->out, 3, "GTL on/off");
    d->table_head(r->out, 7, head);
    for (int i = 0; i < n; i++) {
        char c[7][96];
        const char *cp[7] = {c[0], c[1], c[2], c[3], c[4], c[5], c[6]};
        group_title(dl[i].g, c[0], 96);
        snprintf(c[1], 96, "%s", dl[i].off_series->mode);
        run_size_label(c[2], 96, dl[i].size);
        snprintf(c[3], 96, "%.2f %s", dl[i].off->value, dl[i].g->unit);
        snprintf(c[4], 96, "%.2f %s", dl[i].on->value, dl[i].g->unit);
        snprintf(c[5], 96, "%+.1f %%",
                 100 * (dl[i].on->value - dl[i].off->value) / dl[i].off->value);
        snprintf(c[6], 96, "%s", gtl_beyond(r, &dl[i]) ? "yes" : "no");
        d->table_row(r->out, 7, cp);
    }
    d->table_end(r->out);
}

/* Append to a growing answer text. */
static void add(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used >= len) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

/* "bw H H at 4M: native, GTL off 9499.60 MB/s; basic, GTL off 2100.00 MB/s." per group:
 * every figure names its cell (mode, GTL, test, placement) and its unit. */
static void answer_extreme(struct rep *r, int want_latency, char *buf, size_t len)
{
    for (int gi = 0; gi < r->n_grp; gi++) {
        const struct group *g = &r->grp[gi];
        if (run_unit_lower_is_better(g->unit) != want_latency || (g->info && g->info->aggregate))
            continue;
        long long size = summary_size(r, g);
        char sz[32], title[128];
        run_size_label(sz, sizeof(sz), size);
        group_title(g, title, sizeof(title));
        add(buf, len, "%s%s at %s B%s:", *buf ? " " : "", title, sz,
            g->info && g->info->value == VALUE_BUSBW_GB_S ? " (bus bandwidth)" : "");
        for (int s = 0, k = 0; s < r->n_ser; s++) {
            double v = group_value(r, g, s, size);
            if (isfinite(v))
                add(buf, len, "%s %s %.2f %s", k++ ? ";" : "", r->ser[s].name, v, g->unit);
        }
        add(buf, len, ".");
    }
    if (!*buf) snprintf(buf, len, "not measured in this run.");
}

/* What one record's provenance says about libfabric, e.g. "yes, provider tcp;ofi_rxm, bytes
 * carried by libfabric: libfabric tcp (MPI /opt/.../libmpi.so.12 [image])". */
static void fabric_text(struct rep *r, const struct store_row *row, char *buf, size_t len)
{
    char *prov = row->prov_id ? run_store_provenance(r->st, row->prov_id) : NULL;
    char loaded[64], provider[256], carried[256], mpi[256], origin[32];
    run_fact_get(prov, FACT_FABRIC_LOADED, loaded, sizeof(loaded));
    run_fact_get(prov, FACT_FABRIC_PROVIDER, provider, sizeof(provider));
    run_fact_get(prov, FACT_FABRIC_CARRIED, carried, sizeof(carried));
    run_fact_get(prov, FACT_MPI_LIBRARY, mpi, sizeof(mpi));
    run_fact_get(prov, FACT_MPI_ORIGIN, origin, sizeof(origin));
    /* src/prov's summary reads "libfabric provider tcp;ofi_rxm": the answer names the provider */
    const char *pfx = "libfabric provider ", *pv = provider;
    if (!strncmp(pv, pfx, strlen(pfx))) pv += strlen(pfx);
    if (prov == NULL)
        snprintf(buf, len, "unknown (records carry no provenance)");
    else if (!strcmp(loaded, "no"))
        snprintf(buf, len, "no (libfabric not loaded; carried by: %s; MPI %s [%s])", carried, mpi,
                 origin);
    else /* older records say carried: true/false, src/prov names the carrier */
        snprintf(buf, len, "%s, provider %s, bytes carried by%s: %s (MPI %s [%s])", loaded, pv,
                 strcmp(carried, "yes") && strcmp(carried, "no") ? "" : " libfabric", carried, mpi,
                 origin);
    free(prov);
}

/* One answer per distinct finding of a series, naming the cells (test placement) it holds
 * for: a cell that fell back to another transport shows up, not hidden behind the first. */
static void answer_libfabric(struct rep *r, int arg, char *buf, size_t len)
{
    (void)arg;
    enum { MAX_FINDINGS = 8 };
    for (int s = 0; s < r->n_ser; s++) {
        char text[MAX_FINDINGS][1024], cells[MAX_FINDINGS][512];
        int n = 0;
        long long seen_prov = -1;
        const struct store_row *prev = NULL;
        for (int i = 0; i < r->n_ok; i++) {
            const struct store_row *row = &r->rows[i];
            if (row->gtl != r->ser[s].gtl || strcmp(row->mode, r->ser[s].mode)) continue;
            /* rows of a cell (they are adjacent) share one provenance */
            if (prev && row->prov_id == seen_prov && !strcmp(prev->test, row->test) &&
                !strcmp(prev->placement, row->placement))
                continue;
            seen_prov = row->prov_id;
            prev = row;
            char one[1024], cell[128];
            fabric_text(r, row, one, sizeof(one));
            snprintf(cell, sizeof(cell), "%s %s", row->test, row->placement);
            int k = 0;
            while (k < n && strcmp(text[k], one))
                k++;
            if (k == n) {
                if (n == MAX_FINDINGS) continue;
                snprintf(text[n], sizeof(text[n]), "%s", one);
                cells[n++][0] = '\0';
            }
            if (!strstr(cells[k], cell) && strlen(cells[k]) + strlen(cell) + 3 < sizeof(cells[k]))
                strcat(strcat(cells[k], cells[k][0] ? ", " : ""), cell);
        }
        for (int k = 0; k < n; k++)
            add(buf, len, "%s%s [%s]: %s", *buf ? "; " : "", r->ser[s].name, cells[k], text[k]);
    }
    add(buf, len, "%s", *buf ? "." : "not measured in this run.");
}

static void answer_gtl(struct rep *r, int xccl, char *buf, size_t len)
{
    struct gtl_delta dl[128];
    int n = gtl_deltas(r, dl, 128, xccl), changed = 0;
    for (int i = 0; i < n; i++)
        changed += gtl_beyond(r, &dl[i]);
    if (n == 0) {
        add(buf, len, "not measured: no %scells with GTL both off and on in this run.",
            xccl ? "xccl " : "MPI ");
        return;
    }
    add(buf, len, "%s: %d of %d comparisons differ beyond the noise (", changed ? "yes" : "no",
        changed, n);
    for (int i = 0; i < n; i++) {
        char title[128], sz[32];
        group_title(dl[i].g, title, sizeof(title));
        run_size_label(sz, sizeof(sz), dl[i].size);
        add(buf, len, "%s%s %s at %s B: %.2f -> %.2f %s, %+.1f %%%s", i ? "; " : "",
            dl[i].off_series->mode, title, sz, dl[i].off->value, dl[i].on->value, dl[i].g->unit,
            100 * (dl[i].on->value - dl[i].off->value) / dl[i].off->value,
            gtl_beyond(r, &dl[i]) ? " beyond" : "");
    }
    add(buf, len, ").");
}

/* Bandwidth between ranks on one host goes through memory (shared memory, or loopback
 * when the MPI is told to treat ranks as remote): whatever the figure, it says nothing
 * about a NIC. The records' hosts list and the provenance tell which case it is. Figures
 * of every bandwidth unit are compared in MB/s. */
static void answer_nic(struct rep *r, int arg, char *buf, size_t len)
{
    (void)arg;
    const struct store_row *best = NULL;
    double best_mbs = 0;
    for (int i = 0; i < r->n_ok; i++) {
        double mbs = run_unit_convert(r->rows[i].value, r->rows[i].unit, "MB/s");
        if (isfinite(mbs) && (!best || mbs > best_mbs)) best = &r->rows[i], best_mbs = mbs;
    }
    if (best == NULL) {
        snprintf(buf, len, "not measured: no bandwidth cells.");
        return;
    }
    double nic = r->o->nic_gbps * 1000; /* MB/s */
    char host[128], carried[256] = "", same[16] = "", sz[32], conv[64] = "";
    int n_hosts = run_hosts_distinct(best->hosts, host, sizeof(host));
    char *prov = best->prov_id ? run_store_provenance(r->st, best->prov_id) : NULL;
    run_fact_get(prov, FACT_FABRIC_CARRIED, carried, sizeof(carried));
    run_fact_get(prov, FACT_SAME_NODE, same, sizeof(same));
    free(prov);
    run_size_label(sz, sizeof(sz), best->size);
    if (strcmp(best->unit, "MB/s")) snprintf(conv, sizeof(conv), " = %.2f MB/s", best_mbs);
    char what[512];
    snprintf(what, sizeof(what), "best %.2f %s%s (%s, GTL %s, %s%s %s, %s B", best->value,
             best->unit, conv, best->mode, best->gtl ? "on" : "off", best->test,
             best->in_place ? " (in place)" : "", best->placement, sz);
    if (n_hosts == 1 || (n_hosts == 0 && !strcmp(same, "yes")))
        snprintf(buf, len,
                 "not measured: the %s) is intra-node, all ranks on host %s (carried by: %s), "
                 "not a network measurement.",
                 what, n_hosts ? host : "(one node per provenance)", carried);
    else if (n_hosts == 0)
        snprintf(buf, len, "%s: %s; hosts not recorded) %s one NIC's %.0f MB/s.",
                 best_mbs > nic ? "yes" : "no", what, best_mbs > nic ? ">" : "<=", nic);
    else
        snprintf(buf, len, "%s: %s, %d hosts, carried by: %s) %s one NIC's %.0f MB/s.",
                 best_mbs > nic ? "yes" : "no", what, n_hosts, carried,
                 best_mbs > nic ? ">" : "<=", nic);
}

/* The seed's questions, in the order the report answers them; arg selects a variant
 * of the answer (latency vs bandwidth, MPI vs NCCL/RCCL) where the answer takes one. */
static const struct question {
    const char *text;
    void (*answer)(struct rep *r, int arg, char *buf, size_t len);
    int arg;
} questions[] = {
    {"Bandwidth?", answer_extreme, 0},
    {"Latency?", answer_extreme, 1},
    {"Is libfabric used (which provider)?", answer_libfabric, 0},
    {"Does GTL change latency/bandwidth?", answer_gtl, 0},
    {"Does GTL affect NCCL/RCCL?", answer_gtl, 1},
    {"More than one NIC's worth of bandwidth?", answer_nic, 0},
};

static void checklist(struct rep *r)
{
    const struct run_doc *d = r->o->doc;
    char buf[16384];
    d->heading(r->out, 2, "Questions answered from the data");
    for (size_t i = 0; i < sizeof(questions) / sizeof(questions[0]); i++) {
        buf[0] = '\0';
        questions[i].answer(r, questions[i].arg, buf, sizeof(buf));
        d->item(r->out, questions[i].text, buf);
    }
    fputc('\n', r->out); /* ends the Markdown list */
}

/* The row a reference is about (ok cells only), or NULL. */
static const struct store_row *ref_row(const struct rep *r, const struct run_ref *ref)
{
    for (int i = 0; i < r->n_ok; i++) {
        const struct store_row *row = &r->rows[i];
        char label[80];
        snprintf(label, sizeof(label), "%s%s", row->mode, row->gtl ? "+gtl" : "");
        if (row->size == ref->size && row->in_place == ref->in_place && !strcmp(label, ref->mode) &&
            !strcmp(row->test, ref->test) && !strcmp(row->placement, ref->placement) &&
            (ref->ranks < 0 || row->ranks == ref->ranks))
            return row;
    }
    return NULL;
}

/* Every reference of the system, measured or not, marked pass / FAIL. */
static int reference_section(struct rep *r)
{
    const struct run_doc *d = r->o->doc;
    int pass = 0, fail = 0, absent = 0;
    char title[512], buf[512];
    snprintf(title, sizeof(title), "Reference figures (%s, system %s)",
             r->o->refs_file ? r->o->refs_file : "reference", r->o->system);
    d->heading(r->out, 2, title);
    static const char *const head[] = {"Mode",  "Test, placement", "Size (B)", "Ranks", "Expected",
                                       "Range", "Measured",        "Result",   "Source"};
    d->table_head(r->out, 9, head);
    for (int i = 0; i < r->o->refs->n; i++) {
        const struct run_ref *ref = &r->o->refs->r[i];
        if (strcmp(ref->system, r->o->system)) continue;
        const struct store_row *row = ref_row(r, ref);
        double got = row ? run_unit_convert(row->value, row->unit, ref->unit) : NAN;
        int ok = row && run_ref_pass(ref, got);
        pass += ok, fail += row && !ok, absent += row == NULL;
        char c[9][160];
        const char *cp[9] = {c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], ref->source};
        snprintf(c[0], 160, "%s", ref->mode);
        snprintf(c[1], 160, "%s%s %s", ref->test, ref->in_place ? " (in place)" : "",
                 ref->placement);
        run_size_label(c[2], 160, ref->size);
        if (ref->ranks > 0)
            snprintf(c[3], 160, "%lld", ref->ranks);
        else
            snprintf(c[3], 160, "any");
        snprintf(c[4], 160, "%.2f %s", ref->value, ref->unit);
        run_ref_range(ref, c[5], 160);
        if (row)
            snprintf(c[6], 160, "%.2f %s", got, ref->unit);
        else
            snprintf(c[6], 160, "-");
        snprintf(c[7], 160, "%s", row == NULL ? "not measured" : ok ? "pass" : "FAIL");
        d->table_row(r->out, 9, cp);
    }
    d->table_end(r->out);
    snprintf(buf, sizeof(buf), "%d references: %d pass, %d fail, %d not measured in this run.",
             pass + fail + absent, pass, fail, absent);
    d->para(r->out, buf);
    return fail;
}

/* What failed cells printed before failing: kept, never used above. */
static void failed_section(struct rep *r)
{
    if (r->n_ok == r->n_rows) return;
    const struct run_doc *d = r->o->doc;
    d->heading(r->out, 3, "Measured by failed cells");
    d->para(r->out, "These records were printed by cells that did not end ok (see the list "
                    "above); they are kept for diagnosis and used in no table, answer or "
                    "comparison of this report.");
    static const char *const head[] = {"Cell", "Size (B)", "Value"};
    d->table_head(r->out, 3, head);
    for (int i = r->n_ok; i < r->n_rows; i++) {
        const struct store_row *row = &r->rows[i];
        char c[3][160];
        const char *cp[3] = {c[0], c[1], c[2]};
        snprintf(c[0], 160, "%s/gtl-%s/%s%s/%s (failed)", row->mode, row->gtl ? "on" : "off",
                 row->test, row->in_place ? " (in place)" : "", row->placement);
        run_size_label(c[1], 160, row->size);
        snprintf(c[2], 160, "%.2f %s", row->value, row->unit);
        d->table_row(r->out, 3, cp);
    }
    d->table_end(r->out);
}

static int run_header(struct rep *r, long long run_id, struct bbd_err *err)
{
    struct store_run run;
    if (run_store_run_get(r->st, run_id, &run, err) < 0) return -1;
    const struct run_doc *d = r->o->doc;
    char title[128], buf[1024];
    snprintf(title, sizeof(title), "bitbulldozer report: run %lld", run_id);
    d->begin(r->out, title);
    snprintf(buf, sizeof(buf), "%s%s%s%s on %s, started %s, finished %s, status %s, bbd %s.",
             run.kind, run.label ? " \"" : "", run.label ? run.label : "", run.label ? "\"" : "",
             run.host, run.started, run.finished ? run.finished : "-", run.status, run.bbd_version);
    d->para(r->out, buf);
    if (run.folder) {
        snprintf(buf, sizeof(buf), "Logs of every cell: %s", run.folder);
        d->para(r->out, buf);
    }
    d->para(r->out, "Sizes are in bytes, 1K = 1024 B, 1M = 1024 K; MB/s = 1e6 bytes/s, "
                    "GB/s = 1e9 bytes/s (nccl-tests' bus bandwidth for xccl collectives).");
    run_store_run_free(&run);
    return 0;
}

static int cells_section(struct rep *r, long long run_id, struct bbd_err *err)
{
    struct store_cell_info *cells = NULL;
    int n = 0, ok = 0;
    if (run_store_cells(r->st, run_id, &cells, &n, err) < 0) return -1;
    for (int i = 0; i < n; i++)
        ok += !strcmp(cells[i].status, "ok");
    const struct run_doc *d = r->o->doc;
    char buf[256];
    d->heading(r->out, 2, "Cells");
    snprintf(buf, sizeof(buf), "%d cells stored: %d ok, %d failed.", n, ok, n - ok);
    d->para(r->out, buf);
    if (ok < n) {
        static const char *const head[] = {"Cell", "Status", "Reason", "Records kept", "Logs"};
        d->table_head(r->out, 5, head);
        for (int i = 0; i < n; i++) {
            if (!strcmp(cells[i].status, "ok")) continue;
            char kept[32];
            snprintf(kept, sizeof(kept), "%d", cells[i].n_records);
            const char *c[] = {cells[i].key, cells[i].status,
                               cells[i].reason ? cells[i].reason : "", kept,
                               cells[i].log_dir ? cells[i].log_dir : ""};
            d->table_row(r->out, 5, c);
        }
        d->table_end(r->out);
    }
    run_store_cells_free(cells, n);
    failed_section(r);
    return 0;
}

int run_report_render(struct run_store *st, long long run_id, const struct run_report_opts *o,
                      FILE *out, int *ref_failed, struct bbd_err *err)
{
    struct rep r = {.st = st, .o = o, .out = out};
    int rc = -1, missed = 0;
    if (o->plot_dir && bbd_mkdir_p(o->plot_dir, err) < 0) return -1;
    if (run_store_rows(st, run_id, &r.rows, &r.n_rows, err) < 0) return -1;
    if (collect(&r, err) < 0 || run_header(&r, run_id, err) < 0) goto out;
    checklist(&r);
    if (o->refs) missed = reference_section(&r);
    o->doc->heading(out, 2, "Summaries");
    summaries(&r);
    gtl_table(&r);
    o->doc->heading(out, 2, "Results by test and placement");
    if (r.n_grp == 0) o->doc->para(out, "No measurements of ok cells stored for this run.");
    for (int gi = 0; gi < r.n_grp; gi++)
        group_table(&r, &r.grp[gi]);
    if (cells_section(&r, run_id, err) < 0) goto out;
    o->doc->end(out);
    if (ref_failed) *ref_failed = missed;
    rc = 0;
out:
    run_store_rows_free(r.rows, r.n_rows);
    return rc;
}

/* The row of b's run that is a's counterpart (same cell and size), or NULL. */
static const struct store_row *counterpart(const struct store_row *x, const struct store_row *rb,
                                           int nb)
{
    for (int j = 0; j < nb; j++) {
        const struct store_row *y = &rb[j];
        if (!y->failed && x->size == y->size && x->gtl == y->gtl && x->in_place == y->in_place &&
            !strcmp(x->mode, y->mode) && !strcmp(x->test, y->test) &&
            !strcmp(x->placement, y->placement))
            return y;
    }
    return NULL;
}

int run_report_compare(struct run_store *st, long long a, long long b,
                       const struct run_report_opts *o, FILE *out, int *regressions,
                       struct bbd_err *err)
{
    struct store_row *ra = NULL, *rb = NULL;
    int na = 0, nb = 0, matched = 0, better = 0, other_unit = 0, rc = -1;
    *regressions = 0;
    if (run_store_rows(st, a, &ra, &na, err) < 0 || run_store_rows(st, b, &rb, &nb, err) < 0)
        goto out;
    const struct run_doc *d = o->doc;
    char title[128], buf[320];
    snprintf(title, sizeof(title), "bitbulldozer comparison: run %lld -> run %lld", a, b);
    d->begin(out, title);
    static const char *const head[] = {"Mode",  "Test, placement", "Size (B)", "Before",
                                       "After", "Change",          "Noise"};
    int printed = 0;
    for (int i = 0; i < na; i++) {
        const struct store_row *x = &ra[i], *y = x->failed ? NULL : counterpart(x, rb, nb);
        if (y == NULL) continue;
        /* b's figure in a's unit: never a MB/s against a GB/s */
        double yv = run_unit_convert(y->value, y->unit, x->unit);
        double yci = isfinite(y->ci95) ? run_unit_convert(y->ci95, y->unit, x->unit) : NAN;
        if (!isfinite(yv)) {
            other_unit++;
            continue;
        }
        matched++;
        int worse = run_unit_lower_is_better(x->unit) ? yv > x->value : yv < x->value;
        if (!beyond_noise(x, yv, yci, o->noise_pct)) continue;
        if (!worse) {
            better++;
            continue;
        }
        if (!printed++) {
            d->heading(out, 2, "Regressions beyond the measured noise");
            d->table_head(out, 7, head);
        }
        (*regressions)++;
        char c[7][96];
        const char *cp[7] = {c[0], c[1], c[2], c[3], c[4], c[5], c[6]};
        snprintf(c[0], 96, "%s%s", y->mode, y->gtl ? "+gtl" : "");
        snprintf(c[1], 96, "%s%s %s", y->test, y->in_place ? " (in place)" : "", y->placement);
        snprintf(c[2], 96, "%lld", y->size);
        snprintf(c[3], 96, "%.2f %s", x->value, x->unit);
        snprintf(c[4], 96, "%.2f %s", yv, x->unit);
        snprintf(c[5], 96, "%+.1f %%", 100 * (yv - x->value) / x->value);
        if (isfinite(x->ci95) && isfinite(yci))
            snprintf(c[6], 96, "ci95 %.2f + %.2f", x->ci95, yci);
        else
            snprintf(c[6], 96, "%.0f %% (no ci95)", o->noise_pct);
        d->table_row(out, 7, cp);
    }
    if (printed) d->table_end(out);
    snprintf(buf, sizeof(buf),
             "%d sizes compared: %d regressions, %d improvements beyond the noise, %d within it.",
             matched, *regressions, better, matched - *regressions - better);
    if (other_unit)
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
                 " %d not compared: their units measure different things.", other_unit);
    d->para(out, buf);
    d->end(out);
    rc = 0;
out:
    run_store_rows_free(ra, na);
    run_store_rows_free(rb, nb);
    return rc;
}
