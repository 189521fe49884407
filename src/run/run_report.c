#include "run_report.h"

#include "bbd_fs.h"

#include "run_facts.h"
#include "run_plot.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_SERIES 32
#define MAX_GROUPS 64
#define MAX_COLS (2 * MAX_SERIES + 1)

/* A series is one line of a plot / one column of a table: a mode with GTL on or off. */
struct series {
    char label[48];
    const char *mode;
    int gtl;
};

/* A group is one table: a test and a placement (rows are stored sorted that way). */
struct group {
    int first, count;
    const char *test, *placement, *unit;
};

struct rep {
    struct run_store *st;
    const struct run_report_opts *o;
    FILE *out;
    struct store_row *rows;
    int n_rows;
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

static int collect(struct rep *r, struct bbd_err *err)
{
    for (int i = 0; i < r->n_rows; i++) {
        const struct store_row *row = &r->rows[i];
        if (series_of(r, row->mode, row->gtl) < 0) {
            if (r->n_ser == MAX_SERIES)
                return bbd_err_set(err, BBD_EXIT_USAGE, "report: more than %d modes", MAX_SERIES);
            struct series *s = &r->ser[r->n_ser++];
            s->mode = row->mode;
            s->gtl = row->gtl;
            snprintf(s->label, sizeof(s->label), "%s%s", row->mode, row->gtl ? "+gtl" : "");
        }
        struct group *g = r->n_grp ? &r->grp[r->n_grp - 1] : NULL;
        if (g == NULL || strcmp(g->test, row->test) || strcmp(g->placement, row->placement)) {
            if (r->n_grp == MAX_GROUPS)
                return bbd_err_set(err, BBD_EXIT_USAGE, "report: more than %d tables", MAX_GROUPS);
            g = &r->grp[r->n_grp++];
            g->first = i;
            g->count = 0;
            g->test = row->test;
            g->placement = row->placement;
            g->unit = row->unit;
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

static int lower_is_better(const char *unit)
{
    return !strcmp(unit, "us");
}

static void fmt_num(char *buf, size_t len, double v)
{
    if (isfinite(v))
        snprintf(buf, len, "%.2f", v);
    else
        snprintf(buf, len, "-");
}

static void fmt_size(char *buf, size_t len, long long size)
{
    if (size >= (1LL << 20) && size % (1LL << 20) == 0)
        snprintf(buf, len, "%lld MiB", size >> 20);
    else if (size >= 1024 && size % 1024 == 0)
        snprintf(buf, len, "%lld KiB", size >> 10);
    else
        snprintf(buf, len, "%lld B", size);
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
    for (int s = 0; s < r->n_ser; s++) {
        double v = group_value(r, g, s, size);
        if (isfinite(v) && (!isfinite(best) || (lower_is_better(g->unit) ? v < best : v > best)))
            best = v;
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
    char title[128], ylabel[64], stem[4096], name[128];
    snprintf(title, sizeof(title), "%s, placement %s", g->test, g->placement);
    snprintf(ylabel, sizeof(ylabel), "%s (%s)", lower_is_better(g->unit) ? "latency" : "bandwidth",
             g->unit);
    snprintf(name, sizeof(name), "%s-%c%c", g->test, g->placement[0], g->placement[2]);
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
    char head[MAX_COLS][64], cell[MAX_COLS][64], title[160];
    const char *hp[MAX_COLS], *cp[MAX_COLS];
    int nc = 0;
    snprintf(title, sizeof(title), "%s, placement %s (%s)", g->test, g->placement, g->unit);
    d->heading(r->out, 3, title);
    snprintf(head[nc++], 64, "Size");
    for (int k = 0; k < n_idx; k++)
        snprintf(head[nc++], 64, "%s", r->ser[idx[k]].label);
    for (int k = 0; k < n_idx; k++)
        if (idx[k] != ref)
            snprintf(head[nc++], 64, "%s / %s", r->ser[idx[k]].label, ref >= 0 ? "native" : "best");
    for (int i = 0; i < nc; i++)
        hp[i] = head[i], cp[i] = cell[i];
    d->table_head(r->out, nc, hp);
    for (int z = 0; z < n_sizes; z++) {
        int c = 0;
        snprintf(cell[c++], 64, "%lld", sizes[z]);
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
    for (int i = 0; i < n; i++)
        if (lower_is_better(g->unit) ? (sizes[i] > 0 && pick < 0) : 1) pick = sizes[i];
    if (pick < 0 && n > 0) pick = sizes[0];
    free(sizes);
    return pick;
}

static void summary_table(struct rep *r, int want_latency)
{
    const struct run_doc *d = r->o->doc;
    char head[MAX_COLS][64], cell[MAX_COLS][64];
    const char *hp[MAX_COLS], *cp[MAX_COLS];
    int nc = 0, printed = 0;
    snprintf(head[nc++], 64, "Test, placement, size");
    for (int s = 0; s < r->n_ser; s++)
        snprintf(head[nc++], 64, "%s", r->ser[s].label);
    for (int i = 0; i < nc; i++)
        hp[i] = head[i], cp[i] = cell[i];
    for (int gi = 0; gi < r->n_grp; gi++) {
        const struct group *g = &r->grp[gi];
        if (lower_is_better(g->unit) != want_latency) continue;
        if (!printed++) {
            d->heading(r->out, 3,
                       want_latency ? "Small-message latency (us)"
                                    : "Large-message bandwidth (MB/s)");
            d->table_head(r->out, nc, hp);
        }
        long long size = summary_size(r, g);
        char sz[32];
        fmt_size(sz, sizeof(sz), size);
        snprintf(cell[0], 64, "%s %s, %s", g->test, g->placement, sz);
        for (int s = 0; s < r->n_ser; s++)
            fmt_num(cell[s + 1], 64, group_value(r, g, s, size));
        d->table_row(r->out, nc, cp);
    }
    if (printed) d->table_end(r->out);
}

/* A difference counts only beyond the measured noise: the two 95 % intervals, or
 * noise_pct of the value when the records carry none (OSU text, old files). */
static int beyond_noise(const struct store_row *a, const struct store_row *b, double noise_pct)
{
    double noise = isfinite(a->ci95) && isfinite(b->ci95) ? a->ci95 + b->ci95
                                                          : fabs(a->value) * noise_pct / 100;
    return fabs(b->value - a->value) > noise;
}

struct gtl_delta {
    const struct group *g;
    const char *mode;
    long long size;
    const struct store_row *off, *on;
};

static int gtl_deltas(const struct rep *r, struct gtl_delta *out, int max, int xccl_only)
{
    int n = 0;
    for (int gi = 0; gi < r->n_grp; gi++) {
        const struct group *g = &r->grp[gi];
        if (xccl_only != !strncmp(g->test, "xccl", 4)) continue;
        long long size = summary_size(r, g);
        for (int s = 0; s < r->n_ser && n < max; s++) {
            if (r->ser[s].gtl) continue;
            int on = series_of(r, r->ser[s].mode, 1);
            const struct store_row *a = group_row(r, g, s, size);
            const struct store_row *b = on >= 0 ? group_row(r, g, on, size) : NULL;
            if (a && b) out[n++] = (struct gtl_delta){g, r->ser[s].mode, size, a, b};
        }
    }
    return n;
}

static void gtl_table(struct rep *r)
{
    struct gtl_delta dl[128];
    int n = gtl_deltas(r, dl, 128, 0);
    n += gtl_deltas(r, dl + n, 128 - n, 1);
    if (n == 0) return;
    const struct run_doc *d = r->o->doc;
    static const char *const head[] = {"Test, placement", "Mode",   "Size",        "GTL off",
                                       "GTL on",          "Change", "Beyond noise"};
    d->heading(r->out, 3, "GTL on/off");
    d->table_head(r->out, 7, head);
    for (int i = 0; i < n; i++) {
        char c[7][64];
        const char *cp[7] = {c[0], c[1], c[2], c[3], c[4], c[5], c[6]};
        snprintf(c[0], 64, "%s %s", dl[i].g->test, dl[i].g->placement);
        snprintf(c[1], 64, "%s", dl[i].mode);
        fmt_size(c[2], 64, dl[i].size);
        fmt_num(c[3], 64, dl[i].off->value);
        fmt_num(c[4], 64, dl[i].on->value);
        snprintf(c[5], 64, "%+.1f %%",
                 100 * (dl[i].on->value - dl[i].off->value) / dl[i].off->value);
        snprintf(c[6], 64, "%s", beyond_noise(dl[i].off, dl[i].on, r->o->noise_pct) ? "yes" : "no");
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

/* "bw H H at 4 MiB: native 9499.60 MB/s, basic 2100.00 MB/s." for each group. */
static void answer_extreme(struct rep *r, int want_latency, char *buf, size_t len)
{
    for (int gi = 0; gi < r->n_grp; gi++) {
        const struct group *g = &r->grp[gi];
        if (lower_is_better(g->unit) != want_latency || !strcmp(g->test, "mbw")) continue;
        long long size = summary_size(r, g);
        char sz[32];
        fmt_size(sz, sizeof(sz), size);
        add(buf, len, "%s%s %s at %s:", *buf ? " " : "", g->test, g->placement, sz);
        for (int s = 0, k = 0; s < r->n_ser; s++) {
            double v = group_value(r, g, s, size);
            if (isfinite(v))
                add(buf, len, "%s %s %.2f %s", k++ ? "," : "", r->ser[s].label, v, g->unit);
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

/* One answer per distinct finding of a series: a mode normally has one, but a cell that
 * fell back to another transport must show up, not be hidden behind the first. */
static void answer_libfabric(struct rep *r, char *buf, size_t len)
{
    enum { MAX_FINDINGS = 8 };
    for (int s = 0; s < r->n_ser; s++) {
        char text[MAX_FINDINGS][1024];
        const struct store_row *first[MAX_FINDINGS];
        int n = 0;
        long long seen_prov = -1;
        for (int i = 0; i < r->n_rows && n < MAX_FINDINGS; i++) {
            const struct store_row *row = &r->rows[i];
            if (row->gtl != r->ser[s].gtl || strcmp(row->mode, r->ser[s].mode)) continue;
            if (row->prov_id == seen_prov) continue; /* rows of a cell share one provenance */
            seen_prov = row->prov_id;
            fabric_text(r, row, text[n], sizeof(text[n]));
            int dup = 0;
            for (int k = 0; k < n; k++)
                dup |= !strcmp(text[k], text[n]);
            if (!dup) first[n++] = row;
        }
        for (int k = 0; k < n; k++) {
            add(buf, len, "%s%s", *buf ? "; " : "", r->ser[s].label);
            if (n > 1) add(buf, len, " [%s %s]", first[k]->test, first[k]->placement);
            add(buf, len, ": %s", text[k]);
        }
    }
    add(buf, len, "%s", *buf ? "." : "not measured in this run.");
}

static void answer_gtl(struct rep *r, int xccl, char *buf, size_t len)
{
    struct gtl_delta dl[128];
    int n = gtl_deltas(r, dl, 128, xccl), changed = 0;
    for (int i = 0; i < n; i++)
        changed += beyond_noise(dl[i].off, dl[i].on, r->o->noise_pct);
    if (n == 0) {
        add(buf, len, "not measured: no %scells with GTL both off and on in this run.",
            xccl ? "xccl " : "");
        return;
    }
    add(buf, len, "%s: %d of %d comparisons differ beyond the noise (", changed ? "yes" : "no",
        changed, n);
    for (int i = 0; i < n; i++)
        add(buf, len, "%s%s %s %s %+.1f %%", i ? "; " : "", dl[i].mode, dl[i].g->test,
            dl[i].g->placement, 100 * (dl[i].on->value - dl[i].off->value) / dl[i].off->value);
    add(buf, len, ").");
}

/* Bandwidth between ranks on one host goes through memory (shared memory, or loopback
 * when the MPI is told to treat ranks as remote): whatever the figure, it says nothing
 * about a NIC. The records' hosts list and the provenance tell which case it is. */
static void answer_nic(struct rep *r, char *buf, size_t len)
{
    const struct store_row *best = NULL;
    for (int i = 0; i < r->n_rows; i++)
        if (!lower_is_better(r->rows[i].unit) && (!best || r->rows[i].value > best->value))
            best = &r->rows[i];
    if (best == NULL) {
        snprintf(buf, len, "not measured: no bandwidth cells.");
        return;
    }
    double nic = r->o->nic_gbps * 1000; /* MB/s */
    char host[128], carried[256] = "", same[16] = "";
    int n_hosts = run_hosts_distinct(best->hosts, host, sizeof(host));
    char *prov = best->prov_id ? run_store_provenance(r->st, best->prov_id) : NULL;
    run_fact_get(prov, FACT_FABRIC_CARRIED, carried, sizeof(carried));
    run_fact_get(prov, FACT_SAME_NODE, same, sizeof(same));
    free(prov);
    char what[512];
    snprintf(what, sizeof(what), "best %.2f MB/s (%s%s, %s %s, %lld B", best->value, best->mode,
             best->gtl ? "+gtl" : "", best->test, best->placement, best->size);
    if (n_hosts == 1 || (n_hosts == 0 && !strcmp(same, "yes")))
        snprintf(buf, len,
                 "not measured: the %s) is intra-node, all ranks on host %s (carried by: %s), "
                 "not a network measurement.",
                 what, n_hosts ? host : "(one node per provenance)", carried);
    else if (n_hosts == 0)
        snprintf(buf, len, "%s: %s; hosts not recorded) %s one NIC's %.0f MB/s.",
                 best->value > nic ? "yes" : "no", what, best->value > nic ? ">" : "<=", nic);
    else
        snprintf(buf, len, "%s: %s, %d hosts, carried by: %s) %s one NIC's %.0f MB/s.",
                 best->value > nic ? "yes" : "no", what, n_hosts, carried,
                 best->value > nic ? ">" : "<=", nic);
}

/* The seed's questions, in the order the report answers them; arg selects a variant
 * of the answer (latency vs bandwidth, MPI vs NCCL/RCCL) where the answer takes one. */
static void answer_libfabric_q(struct rep *r, int arg, char *buf, size_t len)
{
    (void)arg;
    answer_libfabric(r, buf, len);
}

static void answer_nic_q(struct rep *r, int arg, char *buf, size_t len)
{
    (void)arg;
    answer_nic(r, buf, len);
}

static const struct question {
    const char *text;
    void (*answer)(struct rep *r, int arg, char *buf, size_t len);
    int arg;
} questions[] = {
    {"Bandwidth?", answer_extreme, 0},
    {"Latency?", answer_extreme, 1},
    {"Is libfabric used (which provider)?", answer_libfabric_q, 0},
    {"Does GTL change latency/bandwidth?", answer_gtl, 0},
    {"Does GTL affect NCCL/RCCL?", answer_gtl, 1},
    {"More than one NIC's worth of bandwidth?", answer_nic_q, 0},
};

static void checklist(struct rep *r)
{
    const struct run_doc *d = r->o->doc;
    char buf[8192];
    d->heading(r->out, 2, "Questions answered from the data");
    for (size_t i = 0; i < sizeof(questions) / sizeof(questions[0]); i++) {
        buf[0] = '\0';
        questions[i].answer(r, questions[i].arg, buf, sizeof(buf));
        d->item(r->out, questions[i].text, buf);
    }
    fputc('\n', r->out); /* ends the Markdown list */
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
        static const char *const head[] = {"Cell", "Status", "Reason", "Logs"};
        d->table_head(r->out, 4, head);
        for (int i = 0; i < n; i++) {
            if (!strcmp(cells[i].status, "ok")) continue;
            const char *c[] = {cells[i].key, cells[i].status,
                               cells[i].reason ? cells[i].reason : "",
                               cells[i].log_dir ? cells[i].log_dir : ""};
            d->table_row(r->out, 4, c);
        }
        d->table_end(r->out);
    }
    run_store_cells_free(cells, n);
    return 0;
}

int run_report_render(struct run_store *st, long long run_id, const struct run_report_opts *o,
                      FILE *out, struct bbd_err *err)
{
    struct rep r = {.st = st, .o = o, .out = out};
    int rc = -1;
    if (o->plot_dir && bbd_mkdir_p(o->plot_dir, err) < 0) return -1;
    if (run_store_rows(st, run_id, &r.rows, &r.n_rows, err) < 0) return -1;
    if (collect(&r, err) < 0 || run_header(&r, run_id, err) < 0) goto out;
    checklist(&r);
    o->doc->heading(out, 2, "Summaries");
    summary_table(&r, 1);
    summary_table(&r, 0);
    gtl_table(&r);
    o->doc->heading(out, 2, "Results by test and placement");
    if (r.n_grp == 0) o->doc->para(out, "No measurements stored for this run.");
    for (int gi = 0; gi < r.n_grp; gi++)
        group_table(&r, &r.grp[gi]);
    if (cells_section(&r, run_id, err) < 0) goto out;
    o->doc->end(out);
    rc = 0;
out:
    run_store_rows_free(r.rows, r.n_rows);
    return rc;
}

int run_report_compare(struct run_store *st, long long a, long long b,
                       const struct run_report_opts *o, FILE *out, int *regressions,
                       struct bbd_err *err)
{
    struct store_row *ra = NULL, *rb = NULL;
    int na = 0, nb = 0, matched = 0, better = 0, rc = -1;
    *regressions = 0;
    if (run_store_rows(st, a, &ra, &na, err) < 0 || run_store_rows(st, b, &rb, &nb, err) < 0)
        goto out;
    const struct run_doc *d = o->doc;
    char title[128], buf[256];
    snprintf(title, sizeof(title), "bitbulldozer comparison: run %lld -> run %lld", a, b);
    d->begin(out, title);
    static const char *const head[] = {"Mode",  "Test, placement", "Size", "Before",
                                       "After", "Change",          "Noise"};
    int printed = 0;
    for (int j = 0; j < nb; j++)
        for (int i = 0; i < na; i++) {
            const struct store_row *x = &ra[i], *y = &rb[j];
            if (x->size != y->size || x->gtl != y->gtl || strcmp(x->mode, y->mode) ||
                strcmp(x->test, y->test) || strcmp(x->placement, y->placement))
                continue;
            matched++;
            int worse = lower_is_better(x->unit) ? y->value > x->value : y->value < x->value;
            if (!beyond_noise(x, y, o->noise_pct)) break;
            if (!worse) {
                better++;
                break;
            }
            if (!printed++) {
                d->heading(out, 2, "Regressions beyond the measured noise");
                d->table_head(out, 7, head);
            }
            (*regressions)++;
            char c[7][96];
            const char *cp[7] = {c[0], c[1], c[2], c[3], c[4], c[5], c[6]};
            snprintf(c[0], 96, "%s%s", y->mode, y->gtl ? "+gtl" : "");
            snprintf(c[1], 96, "%s %s", y->test, y->placement);
            snprintf(c[2], 96, "%lld", y->size);
            fmt_num(c[3], 96, x->value);
            fmt_num(c[4], 96, y->value);
            snprintf(c[5], 96, "%+.1f %%", 100 * (y->value - x->value) / x->value);
            if (isfinite(x->ci95) && isfinite(y->ci95))
                snprintf(c[6], 96, "ci95 %.2f + %.2f", x->ci95, y->ci95);
            else
                snprintf(c[6], 96, "%.0f %% (no ci95)", o->noise_pct);
            d->table_row(out, 7, cp);
            break;
        }
    if (printed) d->table_end(out);
    snprintf(buf, sizeof(buf),
             "%d sizes compared: %d regressions, %d improvements beyond the noise, %d within it.",
             matched, *regressions, better, matched - *regressions - better);
    d->para(out, buf);
    d->end(out);
    rc = 0;
out:
    run_store_rows_free(ra, na);
    run_store_rows_free(rb, nb);
    return rc;
}
