#include "run_import.h"

#include "registry.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void record_free(struct run_record *r)
{
    free(r->mpi_version);
    free(r->bench_run_id);
    free(r->timestamp);
    free(r->hosts_json);
    free(r->provenance_json);
    free(r->json);
}

void run_records_free(struct run_records *rs)
{
    for (int i = 0; i < rs->n; i++)
        record_free(&rs->r[i]);
    free(rs->r);
    rs->r = NULL;
    rs->n = rs->cap = 0;
}

static struct run_record *records_add(struct run_records *rs)
{
    if (rs->n == rs->cap) {
        int cap = rs->cap ? 2 * rs->cap : 64;
        struct run_record *r = realloc(rs->r, (size_t)cap * sizeof(*r));
        if (r == NULL) return NULL;
        rs->r = r;
        rs->cap = cap;
    }
    return &rs->r[rs->n++];
}

static void record_blank(struct run_record *r)
{
    memset(r, 0, sizeof(*r));
    r->value = r->min = r->max = r->mean = r->p50 = r->p90 = r->p99 = r->ci95 = r->msg_rate = NAN;
    r->iterations = r->warmup = r->window = r->pairs = r->ranks = r->errors = -1;
    r->validated = -1;
}

/* 2^53: JSON numbers are doubles, exact as whole numbers up to here (and castable). */
#define JSON_INT_MAX 9007199254740992.0

static int fail(char *why, size_t len, const char *fmt, const char *a)
{
    snprintf(why, len, fmt, a);
    return -1;
}

static int copy_str(const cJSON *o, const char *key, char *dst, size_t dst_len, char *why,
                    size_t why_len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v)) return fail(why, why_len, "\"%s\": missing or not a string", key);
    if (strlen(v->valuestring) >= dst_len) return fail(why, why_len, "\"%s\": too long", key);
    strcpy(dst, v->valuestring);
    return 0;
}

static char *dup_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

int run_import_json_line(const char *line, struct run_record *rec, char *why, size_t why_len)
{
    record_blank(rec);
    cJSON *o = cJSON_Parse(line);
    if (o == NULL) {
        const char *at = cJSON_GetErrorPtr();
        snprintf(why, why_len, "not JSON (near \"%.20s\")", at ? at : "");
        return -1;
    }
    int rc = -1;
    if (!cJSON_IsObject(o)) {
        fail(why, why_len, "%s", "not a JSON object");
        goto out;
    }
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(o, "schema");
    if (!cJSON_IsString(schema) || strncmp(schema->valuestring, "bbd-bench/", 10)) {
        fail(why, why_len, "%s", "\"schema\": missing or not bbd-bench/N");
        goto out;
    }
    if (copy_str(o, "test", rec->test, sizeof(rec->test), why, why_len) < 0 ||
        copy_str(o, "unit", rec->unit, sizeof(rec->unit), why, why_len) < 0 ||
        copy_str(o, "placement", rec->placement, sizeof(rec->placement), why, why_len) < 0)
        goto out;
    /* a record's unit is its test's (src/bench/registry.c): the store never holds a
     * latency in MB/s, nor a bus bandwidth under a name whose unit is MB/s */
    const struct bench_info *t = bench_find(rec->test);
    if (t == NULL) {
        fail(why, why_len, "\"test\": '%s' is not a bbd-bench test", rec->test);
        goto out;
    }
    if (strcmp(rec->unit, t->unit)) {
        snprintf(why, why_len, "\"unit\": '%s' is not %s's unit %s", rec->unit, t->name, t->unit);
        goto out;
    }
    if (strlen(rec->placement) != 3 || !strchr("HD", rec->placement[0]) ||
        rec->placement[1] != ' ' || !strchr("HD", rec->placement[2])) {
        fail(why, why_len, "\"placement\": '%s' is not one of \"H H\", \"H D\", \"D H\", \"D D\"",
             rec->placement);
        goto out;
    }
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(o, "size");
    if (!cJSON_IsNumber(size) || size->valuedouble < 0 || size->valuedouble > JSON_INT_MAX ||
        size->valuedouble != floor(size->valuedouble)) {
        fail(why, why_len, "%s", "\"size\": missing or not a whole number from 0 to 2^53");
        goto out;
    }
    rec->size = (long long)size->valuedouble;
    const struct {
        const char *key;
        double *dst;
        int required;
    } nums[] = {
        {"value", &rec->value, 1}, {"min", &rec->min, 0},   {"max", &rec->max, 0},
        {"mean", &rec->mean, 0},   {"p50", &rec->p50, 0},   {"p90", &rec->p90, 0},
        {"p99", &rec->p99, 0},     {"ci95", &rec->ci95, 0}, {"msg_rate", &rec->msg_rate, 0}};
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, nums[i].key);
        if (cJSON_IsNumber(v) && nums[i].required && !isfinite(v->valuedouble)) {
            fail(why, why_len, "\"%s\": not a finite number", nums[i].key); /* 1e999 */
            goto out;
        } else if (cJSON_IsNumber(v)) {
            *nums[i].dst = v->valuedouble;
        } else if (nums[i].required || (v && !cJSON_IsNull(v))) {
            fail(why, why_len, "\"%s\": missing or not a number", nums[i].key);
            goto out;
        }
    }
    const struct {
        const char *key;
        long long *dst;
    } ints[] = {{"iterations", &rec->iterations}, {"warmup", &rec->warmup},
                {"window", &rec->window},         {"pairs", &rec->pairs},
                {"ranks", &rec->ranks},           {"errors", &rec->errors}};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, ints[i].key);
        if (cJSON_IsNumber(v) && fabs(v->valuedouble) <= JSON_INT_MAX) /* else: absent */
            *ints[i].dst = (long long)v->valuedouble;
    }
    const cJSON *validated = cJSON_GetObjectItemCaseSensitive(o, "validated");
    if (cJSON_IsBool(validated)) rec->validated = cJSON_IsTrue(validated);
    rec->mpi_version = dup_str(o, "mpi_version");
    rec->bench_run_id = dup_str(o, "run_id");
    rec->timestamp = dup_str(o, "timestamp");
    const cJSON *hosts = cJSON_GetObjectItemCaseSensitive(o, "hosts");
    if (hosts) rec->hosts_json = cJSON_PrintUnformatted(hosts);
    const cJSON *prov = cJSON_GetObjectItemCaseSensitive(o, "provenance");
    if (cJSON_IsObject(prov)) rec->provenance_json = cJSON_PrintUnformatted(prov);
    rec->json = strdup(line);
    rc = 0;
out:
    if (rc < 0) record_free(rec);
    cJSON_Delete(o);
    return rc;
}

/* One line without its end-of-line characters, into *line (grown up to RUN_IMPORT_LINE_MAX
 * bytes). A longer line is read to its end and dropped, not kept: *too_long is set and the
 * line comes back empty, so a huge or endless line costs no memory. -1 at end of input,
 * -2 when out of memory. */
static int read_line(FILE *in, char **line, size_t *cap, bool *too_long)
{
    size_t n = 0;
    int c;
    *too_long = false;
    while ((c = getc_unlocked(in)) != EOF && c != '\n') {
        if (n + 1 >= RUN_IMPORT_LINE_MAX) {
            *too_long = true;
            continue;
        }
        if (n + 1 >= *cap) {
            size_t grown = *cap ? 2 * *cap : 256;
            char *p = realloc(*line, grown);
            if (p == NULL) return -2;
            *line = p;
            *cap = grown;
        }
        (*line)[n++] = (char)c;
    }
    if (c == EOF && n == 0 && !*too_long) return -1;
    if (*line == NULL && (*line = malloc(*cap = 1)) == NULL) return -2;
    while (n && (*line)[n - 1] == '\r')
        n--;
    (*line)[*too_long ? 0 : n] = '\0';
    return 0;
}

/* Report a dropped line; returns 1 (one bad line). */
static int line_too_long(FILE *diag, const char *name, int lineno)
{
    fprintf(diag, "%s:%d: line longer than %d bytes, not read\n", name, lineno,
            RUN_IMPORT_LINE_MAX - 1);
    return 1;
}

int run_import_jsonl(FILE *in, const char *name, bool lenient, struct run_records *out, FILE *diag)
{
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, bad = 0;
    bool too_long;
    int got;
    while ((got = read_line(in, &line, &cap, &too_long)) == 0) {
        lineno++;
        if (too_long) {
            bad += line_too_long(diag, name, lineno);
            continue;
        }
        const char *p = line + strspn(line, " \t");
        if (!*p || (lenient && *p != '{')) continue;
        struct run_record *r = records_add(out);
        char why[256];
        if (r == NULL) {
            fprintf(diag, "%s:%d: out of memory\n", name, lineno);
            bad++;
            break;
        }
        if (run_import_json_line(p, r, why, sizeof(why)) < 0) {
            out->n--;
            fprintf(diag, "%s:%d: %s\n", name, lineno, why);
            bad++;
        }
    }
    free(line);
    return ferror(in) || got == -2 ? -1 : bad;
}

/* The test an OSU (or bbd-bench OSU-layout) header line names: the registry entry whose
 * title it holds, the longest such ("Allreduce Latency Test" before "Latency Test"). */
static const struct bench_info *osu_header_test(const char *line)
{
    if (!strstr(line, "OSU") && !strstr(line, "bbd-bench")) return NULL;
    const struct bench_info *best = NULL;
    for (const struct bench_info *t = bench_tests; t->name; t++)
        if (t->layout == LAYOUT_OSU && strstr(line, t->title) &&
            (best == NULL || strlen(t->title) > strlen(best->title)))
            best = t;
    return best;
}

int run_import_osu(FILE *in, const char *name, const char *test, const char *placement,
                   struct run_records *out, FILE *diag)
{
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, bad = 0, rows = 0;
    const struct bench_info *found = NULL;
    bool too_long;
    int got;
    while ((got = read_line(in, &line, &cap, &too_long)) == 0) {
        lineno++;
        if (too_long) {
            bad += line_too_long(diag, name, lineno);
            continue;
        }
        const char *p = line + strspn(line, " \t");
        if (!*p) continue;
        if (*p == '#') {
            if (!found) found = osu_header_test(p);
            continue;
        }
        char *end;
        long long size = strtoll(p, &end, 10);
        char *vend = end;
        double value = end != p && isspace((unsigned char)*end) ? strtod(end, &vend) : NAN;
        if (end == p || vend == end || !isfinite(value) || size < 0) {
            fprintf(diag, "%s:%d: expected \"<size> <value>\", got \"%.40s\"\n", name, lineno, p);
            bad++;
            continue;
        }
        struct run_record *r = records_add(out);
        if (r == NULL) return -1;
        record_blank(r);
        r->size = size;
        r->value = value;
        rows++;
    }
    free(line);
    if (ferror(in) || got == -2) return -1;
    const struct bench_info *t = test ? bench_find(test) : found;
    if (test && t == NULL) {
        fprintf(diag, "%s: --test %s: not a bbd-bench test (%s)\n", name, test, bench_names());
        bad++;
    } else if (t && t->layout != LAYOUT_OSU) {
        /* its rows read "size count type ...": the second number is no figure of the test */
        fprintf(diag,
                "%s: --test %s: printed in nccl-tests' layout, which bbd import cannot "
                "read (import bbd-bench's --json records)\n",
                name, t->name);
        bad++;
        t = NULL;
    } else if (t == NULL) {
        fprintf(diag, "%s: no OSU header naming the test: give --test\n", name);
        bad++;
    }
    if (rows == 0) {
        fprintf(diag, "%s: no \"<size> <value>\" rows\n", name);
        bad++;
    }
    /* a test without placement letters (xccl: device buffers) is D D, not H H */
    const char *where = placement ? placement : t && !t->letters ? "D D" : "H H";
    char why[160];
    if (t && placement && !bench_place_ok(t, placement[0], placement[2], why, sizeof(why))) {
        fprintf(diag, "%s: --placement %s: %s\n", name, placement, why);
        bad++;
        t = NULL;
    }
    for (int i = out->n - rows; t && i < out->n; i++) {
        snprintf(out->r[i].test, sizeof(out->r[i].test), "%s", t->name);
        snprintf(out->r[i].placement, sizeof(out->r[i].placement), "%s", where);
        snprintf(out->r[i].unit, sizeof(out->r[i].unit), "%s", t->unit);
    }
    return bad;
}
