#include "run_reference.h"

#include "bbd_num.h"
#include "options.h"
#include "registry.h"
#include "run_spec.h"
#include "run_units.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    F_SYSTEM,
    F_MODE,
    F_TEST,
    F_PLACEMENT,
    F_SIZE,
    F_RANKS,
    F_VALUE,
    F_UNIT,
    F_LOWER,
    F_UPPER,
    F_SOURCE,
    N_FIELDS
};

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* "-5%", "-0.05", "+10%", "": a relative bound (NAN = none). */
static int parse_bound(const char *s, double *out)
{
    if (!*s) return *out = NAN, 0;
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", s);
    size_t n = strlen(buf);
    bool pct = n && buf[n - 1] == '%';
    if (pct) buf[n - 1] = '\0';
    const char *num = buf[0] == '+' ? buf + 1 : buf;
    if (bbd_parse_double(num, -1e6, 1e6, out)) return -1;
    if (pct) *out /= 100.0;
    return 0;
}

/* One line into *r; NULL, or the reason it is not a reference. */
static const char *parse_line(char *line, struct run_ref *r)
{
    char *f[N_FIELDS];
    int n = 0;
    for (char *p = line; n < N_FIELDS; n++) {
        char *bar = n < F_SOURCE ? strchr(p, '|') : NULL; /* the source may hold '|' */
        f[n] = p;
        if (bar == NULL) {
            n++;
            break;
        }
        *bar = '\0';
        p = bar + 1;
    }
    if (n != N_FIELDS) return "expected 11 fields separated by '|' (see docs/run.md)";
    for (int i = 0; i < N_FIELDS; i++)
        f[i] = trim(f[i]);
    memset(r, 0, sizeof(*r));
    if (!*f[F_SYSTEM] || strlen(f[F_SYSTEM]) >= sizeof(r->system))
        return "system: empty or too long";
    if (!*f[F_MODE] || strlen(f[F_MODE]) >= sizeof(r->mode)) return "mode: empty or too long";
    snprintf(r->system, sizeof(r->system), "%s", f[F_SYSTEM]);
    snprintf(r->mode, sizeof(r->mode), "%s", f[F_MODE]);
    char *ip = strstr(f[F_TEST], " (in place)");
    if (ip) *ip = '\0', r->in_place = 1;
    const struct bench_info *t = bench_find(trim(f[F_TEST]));
    if (t == NULL) return "test: not a bbd-bench test";
    if (r->in_place && t->kind != BENCH_XCCL_COLL)
        return "test: only xccl collectives run in place";
    snprintf(r->test, sizeof(r->test), "%s", t->name);
    if (run_placement_normalise(f[F_PLACEMENT], r->placement) < 0)
        return "placement: not two of H/D (e.g. H H)";
    unsigned long long size;
    if (opts_parse_size(f[F_SIZE], &size) || size > (1ULL << 40))
        return "size: not a size (4M, 4194304)";
    r->size = (long long)size;
    r->ranks = -1;
    if (*f[F_RANKS] && bbd_parse_long(f[F_RANKS], 1, 10000000, &r->ranks))
        return "ranks: not a whole number >= 1 (or empty for any)";
    if (bbd_parse_double(f[F_VALUE], 1e-300, 1e300, &r->value)) return "value: not a number > 0";
    if (strlen(f[F_UNIT]) >= sizeof(r->unit) || run_unit_quantity(f[F_UNIT]) == QTY_UNKNOWN)
        return "unit: not us, ms, s, MB/s or GB/s";
    snprintf(r->unit, sizeof(r->unit), "%s", f[F_UNIT]);
    if (run_unit_quantity(r->unit) != run_unit_quantity(t->unit))
        return "unit: does not measure what the test measures";
    if (parse_bound(f[F_LOWER], &r->lower) || (isfinite(r->lower) && r->lower > 0))
        return "lower: not a bound <= 0 ('-5%', '-0.05' or empty)";
    if (parse_bound(f[F_UPPER], &r->upper) || (isfinite(r->upper) && r->upper < 0))
        return "upper: not a bound >= 0 ('+10%', '0.1' or empty)";
    if (!*f[F_SOURCE]) return "source: say where the figure comes from";
    snprintf(r->source, sizeof(r->source), "%s", f[F_SOURCE]);
    return NULL;
}

int run_refs_load(const char *path, struct run_refs *out, FILE *diag, struct bbd_err *err)
{
    memset(out, 0, sizeof(*out));
    FILE *f = fopen(path, "r");
    if (f == NULL) return bbd_err_sys(err, "fopen", path);
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, bad = 0, room = 0;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        char *p = trim(line);
        if (!*p || *p == '#') continue;
        if (out->n == room) {
            room = room ? 2 * room : 32;
            struct run_ref *grown = realloc(out->r, (size_t)room * sizeof(*grown));
            if (grown == NULL) {
                bad++;
                break;
            }
            out->r = grown;
        }
        const char *why = parse_line(p, &out->r[out->n]);
        if (why) {
            fprintf(diag, "%s:%d: %s\n", path, lineno, why);
            bad++;
            continue;
        }
        out->r[out->n++].line = lineno;
    }
    free(line);
    fclose(f);
    if (bad || out->n == 0) {
        run_refs_free(out);
        return bbd_err_set(err, BBD_EXIT_USAGE, "%s: %s", path,
                           bad ? "bad reference lines (above)" : "no references in it");
    }
    return 0;
}

void run_refs_free(struct run_refs *refs)
{
    free(refs->r);
    memset(refs, 0, sizeof(*refs));
}

int run_refs_system(const struct run_refs *refs, const char *want, const char **system,
                    struct bbd_err *err)
{
    const char *only = refs->n ? refs->r[0].system : NULL;
    char names[512] = "";
    for (int i = 0; i < refs->n; i++) {
        if (want && !strcmp(refs->r[i].system, want)) return *system = refs->r[i].system, 0;
        if (only && strcmp(only, refs->r[i].system)) only = NULL;
        if (!strstr(names, refs->r[i].system) && strlen(names) + 70 < sizeof(names))
            strcat(strcat(names, names[0] ? ", " : ""), refs->r[i].system);
    }
    if (want == NULL && only) return *system = only, 0;
    return bbd_err_set(err, BBD_EXIT_USAGE, "reference: %s (systems in the file: %s)",
                       want ? "no such system" : "several systems: say which with --system", names);
}

int run_ref_pass(const struct run_ref *ref, double measured)
{
    if (!isfinite(measured)) return 0;
    if (isfinite(ref->lower) && measured < ref->value * (1 + ref->lower)) return 0;
    if (isfinite(ref->upper) && measured > ref->value * (1 + ref->upper)) return 0;
    return 1;
}

void run_ref_range(const struct run_ref *ref, char *buf, size_t len)
{
    char lo[32] = "-inf", hi[32] = "+inf";
    if (isfinite(ref->lower)) snprintf(lo, sizeof(lo), "%+g %%", ref->lower * 100);
    if (isfinite(ref->upper)) snprintf(hi, sizeof(hi), "%+g %%", ref->upper * 100);
    snprintf(buf, len, "%s .. %s", lo, hi);
}
