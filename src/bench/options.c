#include "options.h"

#include "bbd_num.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int opts_parse_size(const char *s, unsigned long long *out)
{
    if (s == NULL || *s == '\0') return -1;
    errno = 0;
    char *end;
    if (*s == '-') return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s) return -1;
    unsigned long long mult = 1;
    if (*end) {
        switch (*end) {
        case 'k':
        case 'K':
            mult = 1ULL << 10;
            break;
        case 'm':
        case 'M':
            mult = 1ULL << 20;
            break;
        case 'g':
        case 'G':
            mult = 1ULL << 30;
            break;
        default:
            return -1;
        }
        end++;
        if (!strcasecmp(end, "ib") || !strcasecmp(end, "b")) end += strlen(end);
        if (*end) return -1;
    }
    if (v > ULLONG_MAX / mult) return -1;
    *out = v * mult;
    return 0;
}

static int parse_long(const char *arg, const char *what, long min, long *out, struct bbd_err *err)
{
    long long v;
    if (bbd_parse_long(arg, min, LONG_MAX, &v))
        return bbd_err_set(err, BBD_EXIT_USAGE, "%s: '%s' is not an integer >= %ld", what, arg,
                           min);
    *out = (long)v;
    return 0;
}

static int parse_double(const char *arg, const char *what, double *out, struct bbd_err *err)
{
    if (bbd_parse_double(arg, 0.0, 1e300, out))
        return bbd_err_set(err, BBD_EXIT_USAGE, "%s: '%s' is not a number >= 0", what, arg);
    return 0;
}

/* -m [MIN:]MAX, MIN:, or :MAX (OSU syntax). */
static int parse_sizes(const char *arg, struct bench_opts *o, bool *min_given, bool *max_given,
                       struct bbd_err *err)
{
    char buf[128];
    if (strlen(arg) >= sizeof(buf))
        return bbd_err_set(err, BBD_EXIT_USAGE, "-m: '%s' is too long", arg);
    strcpy(buf, arg);
    char *colon = strchr(buf, ':');
    unsigned long long lo = 0, hi = 0;
    const char *lo_s = NULL, *hi_s = buf;
    if (colon) {
        *colon = '\0';
        lo_s = buf;
        hi_s = colon + 1;
    }
    if (lo_s && *lo_s) {
        if (opts_parse_size(lo_s, &lo))
            return bbd_err_set(err, BBD_EXIT_USAGE, "-m: bad minimum size '%s' in '%s'", lo_s, arg);
        o->min_size = lo;
        *min_given = true;
    }
    if (*hi_s) {
        if (opts_parse_size(hi_s, &hi))
            return bbd_err_set(err, BBD_EXIT_USAGE, "-m: bad maximum size '%s' in '%s'", hi_s, arg);
        o->max_size = hi;
        *max_given = true;
    }
    if (!colon && !*hi_s) return bbd_err_set(err, BBD_EXIT_USAGE, "-m: empty size range");
    return 0;
}

static int parse_placement(const char *a, const char *b, struct bench_opts *o, struct bbd_err *err)
{
    const char *pl[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        if (strlen(pl[i]) != 1 ||
            (pl[i][0] != 'H' && pl[i][0] != 'D' && pl[i][0] != 'h' && pl[i][0] != 'd'))
            return bbd_err_set(err, BBD_EXIT_USAGE, "placement: '%s' is not H (host) or D (device)",
                               pl[i]);
        o->placement[i] = (char)(pl[i][0] == 'h' || pl[i][0] == 'H' ? 'H' : 'D');
    }
    return 0;
}

enum long_only {
    OPT_TRANSFER = 256,
    OPT_JSON,
    OPT_TIMEOUT,
    OPT_ADAPTIVE,
    OPT_TIME_PER_SIZE,
    OPT_MEM_LIMIT,
    OPT_NO_PROVENANCE,
    OPT_PROVENANCE,
    OPT_XCCL,
    OPT_XCCL_LIB,
    OPT_DTYPE,
    OPT_OP,
    OPT_ROOT,
    OPT_TIMER,
};

static const struct option long_opts[] = {
    {"test", required_argument, NULL, 't'},
    {"message-size", required_argument, NULL, 'm'},
    {"iterations", required_argument, NULL, 'i'},
    {"warmup", required_argument, NULL, 'x'},
    {"window", required_argument, NULL, 'W'},
    {"device", required_argument, NULL, 'd'},
    {"validate", no_argument, NULL, 'c'},
    {"full", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"transfer", required_argument, NULL, OPT_TRANSFER},
    {"json", required_argument, NULL, OPT_JSON},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"adaptive", required_argument, NULL, OPT_ADAPTIVE},
    {"time-per-size", required_argument, NULL, OPT_TIME_PER_SIZE},
    {"mem-limit", required_argument, NULL, OPT_MEM_LIMIT},
    {"provenance", no_argument, NULL, OPT_PROVENANCE},
    {"no-provenance", no_argument, NULL, OPT_NO_PROVENANCE},
    {"xccl", required_argument, NULL, OPT_XCCL},
    {"xccl-lib", required_argument, NULL, OPT_XCCL_LIB},
    {"dtype", required_argument, NULL, OPT_DTYPE},
    {"op", required_argument, NULL, OPT_OP},
    {"root", required_argument, NULL, OPT_ROOT},
    {"timer", required_argument, NULL, OPT_TIMER},
    {"minbytes", required_argument, NULL, 'b'},
    {"maxbytes", required_argument, NULL, 'e'},
    {NULL, 0, NULL, 0},
};

static int set_test(const char *name, struct bench_opts *o, struct bbd_err *err)
{
    o->test = bench_find(name);
    if (o->test) return 0;
    return bbd_err_set(err, BBD_EXIT_USAGE, "test: unknown test '%s' (%s)", name, bench_names());
}

/* "bbd-bench xccl allreduce", "bbd-bench coll bcast": a kind word, then the test. */
static bool is_kind_word(const char *w)
{
    size_t n = strlen(w);
    for (const struct bench_info *t = bench_tests; t->name; t++)
        if (!strncmp(t->name, w, n) && t->name[n] == ':') return true;
    return false;
}

static int set_kind_test(const char *kind, const char *name, struct bench_opts *o,
                         struct bbd_err *err)
{
    char full[96];
    if (strlen(name) > 40)
        return bbd_err_set(err, BBD_EXIT_USAGE, "%s: unknown test '%.40s...'", kind, name);
    snprintf(full, sizeof(full), "%s:%s", kind, name);
    return set_test(full, o, err);
}

/* -b / -e (nccl-tests' spelling of the size range). */
static int set_size(const char *arg, const char *what, size_t *out, bool *given,
                    struct bbd_err *err)
{
    unsigned long long v = 0;
    if (opts_parse_size(arg, &v))
        return bbd_err_set(err, BBD_EXIT_USAGE, "%s: bad size '%s'", what, arg);
    *out = v;
    *given = true;
    return 0;
}

static void set_defaults(struct bench_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->test = bench_find("latency");
    o->window = 64;
    o->placement[0] = o->placement[1] = 'H';
    o->device = "auto";
    o->transfer = XFER_AUTO;
    o->timeout = 300.0;
    o->mem_limit = 1ULL << 30;
    o->provenance = true;
    o->iters_small = o->iters_large = o->warmup_small = o->warmup_large = -1;
    o->xccl = "auto";
    o->xccl_lib = getenv("BBD_XCCL_LIBRARY");
    if (o->xccl_lib && !*o->xccl_lib) o->xccl_lib = NULL;
    o->dtype = XDT_FLOAT;
    o->op = XOP_SUM;
}

/* The registry's defaults (OSU 7.x, or nccl-tests) for whatever -m/-i/-x did not set. */
static void apply_test_defaults(struct bench_opts *o, bool min_given, bool max_given)
{
    static const struct {
        size_t min, max;
        long iters_small, iters_large, warmup_small, warmup_large;
    } defaults[] = {
        [DEFAULTS_OSU_LATENCY] = {0, 1u << 22, 10000, 1000, 100, 10},
        [DEFAULTS_OSU_BW] = {1, 1u << 22, 100, 20, 10, 2},
        [DEFAULTS_OSU_COLL] = {1, 1u << 20, 1000, 100, 100, 10},
        [DEFAULTS_NCCL_TESTS] = {8, 1u << 27, 20, 20, 5, 5},
    };
    const struct bench_info *t = o->test;
    /* nccl-tests: -n / -w count every size alike */
    bool flat = t->defaults == DEFAULTS_NCCL_TESTS;
    if (!min_given) o->min_size = defaults[t->defaults].min;
    if (!max_given) o->max_size = defaults[t->defaults].max;
    if (o->iters_small < 0) o->iters_small = defaults[t->defaults].iters_small;
    if (o->iters_large < 0)
        o->iters_large = flat ? o->iters_small : defaults[t->defaults].iters_large;
    if (o->warmup_small < 0) o->warmup_small = defaults[t->defaults].warmup_small;
    if (o->warmup_large < 0)
        o->warmup_large = flat ? o->warmup_small : defaults[t->defaults].warmup_large;
    if (o->adaptive_pct > 0.0 && o->time_per_size == 0.0) o->time_per_size = 10.0;
    if (o->time_per_size > 0.0 && o->adaptive_pct == 0.0) o->adaptive_pct = 1.0;
}

static int check_memory(const struct bench_opts *o, int nranks, struct bbd_err *err)
{
    bool staged_possible = opts_has_device(o) && o->transfer != XFER_DIRECT;
    unsigned long long need = opts_buffer_bytes(o, nranks, staged_possible);
    if (need <= o->mem_limit) return 0;
    return bbd_err_set(err, BBD_EXIT_USAGE,
                       "-m: maximum size %zu needs %llu bytes of buffers per rank%s, over "
                       "--mem-limit %llu",
                       o->max_size, need,
                       o->test->kind == BENCH_MPI_COLL ? " (at this rank count)" : "",
                       o->mem_limit);
}

static int check_time_caps(const struct bench_opts *o, struct bbd_err *err)
{
    if (o->adaptive_pct > 0.0 && o->timeout > 0.0 && o->time_per_size >= o->timeout)
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "--time-per-size %g must be shorter than --timeout %g", o->time_per_size,
                           o->timeout);
    return 0;
}

int opts_parse(int argc, char **argv, struct bench_opts *o, struct bbd_err *err)
{
    set_defaults(o);
    bool min_given = false, max_given = false, test_given = false;
    long v = 0;
    double d = 0.0;
    unsigned long long u = 0;
    optind = 1;
    opterr = 0;
    /* A leading word is the test name (bbd-bench bw ...). */
    if (argc > 2 && is_kind_word(argv[1]) && argv[2][0] != '-') {
        if (set_kind_test(argv[1], argv[2], o, err)) return -1;
        test_given = true;
        optind = 3;
    } else if (argc > 1 && argv[1][0] != '-') {
        if (set_test(argv[1], o, err)) return -1;
        test_given = true;
        optind = 2;
    }
    /* Positional words (placement letters, a test name given last) may stand anywhere among
     * the options ('bw D D -c' as well as 'bw -c D D'): "+" stops getopt at each one without
     * reordering argv; the word is kept and the scan goes on after it. After "--" all are
     * words. */
    const char *pos[3];
    int npos = 0, c;
    for (;;) {
        c = getopt_long(argc, argv, "+t:m:b:e:i:x:W:d:cfhV", long_opts, NULL);
        if (c == -1) {
            bool rest_are_words = optind > 1 && !strcmp(argv[optind - 1], "--");
            while (optind < argc) {
                if (npos < 3) pos[npos] = argv[optind];
                npos++;
                optind++;
                if (!rest_are_words) break;
            }
            if (optind >= argc) break;
            continue;
        }
        switch (c) {
        case 't':
            if (set_test(optarg, o, err)) return -1;
            test_given = true;
            break;
        case 'm':
            if (parse_sizes(optarg, o, &min_given, &max_given, err)) return -1;
            break;
        case 'b':
            if (set_size(optarg, "-b/--minbytes", &o->min_size, &min_given, err)) return -1;
            break;
        case 'e':
            if (set_size(optarg, "-e/--maxbytes", &o->max_size, &max_given, err)) return -1;
            break;
        case 'i':
            if (parse_long(optarg, "-i/--iterations", 1, &v, err)) return -1;
            o->iters_small = o->iters_large = v;
            break;
        case 'x':
            if (parse_long(optarg, "-x/--warmup", 0, &v, err)) return -1;
            o->warmup_small = o->warmup_large = v;
            break;
        case 'W':
            if (parse_long(optarg, "-W/--window", 1, &v, err)) return -1;
            if (v > 4096) return bbd_err_set(err, BBD_EXIT_USAGE, "-W/--window: %ld > 4096", v);
            o->window = (int)v;
            break;
        case 'd':
            if (strcmp(optarg, "auto") && strcmp(optarg, "cuda") && strcmp(optarg, "hip") &&
                strcmp(optarg, "standin"))
                return bbd_err_set(err, BBD_EXIT_USAGE,
                                   "-d/--device: unknown GPU runtime '%s' (cuda, hip, auto)",
                                   optarg);
            o->device = optarg;
            break;
        case 'c':
            o->validate = true;
            break;
        case 'f':
            o->full = true;
            break;
        case 'h':
            o->show_help = true;
            return 0;
        case 'V':
            o->show_version = true;
            return 0;
        case OPT_TRANSFER:
            if (!strcmp(optarg, "auto"))
                o->transfer = XFER_AUTO;
            else if (!strcmp(optarg, "direct"))
                o->transfer = XFER_DIRECT;
            else if (!strcmp(optarg, "staged"))
                o->transfer = XFER_STAGED;
            else
                return bbd_err_set(err, BBD_EXIT_USAGE,
                                   "--transfer: '%s' is not auto, direct or staged", optarg);
            break;
        case OPT_JSON:
            o->json_path = optarg;
            break;
        case OPT_TIMEOUT:
            if (parse_double(optarg, "--timeout", &d, err)) return -1;
            o->timeout = d;
            break;
        case OPT_ADAPTIVE:
            if (parse_double(optarg, "--adaptive", &d, err)) return -1;
            if (d <= 0.0 || d >= 100.0)
                return bbd_err_set(err, BBD_EXIT_USAGE,
                                   "--adaptive: '%s' must be a percentage in (0, 100)", optarg);
            o->adaptive_pct = d;
            break;
        case OPT_TIME_PER_SIZE:
            if (parse_double(optarg, "--time-per-size", &d, err)) return -1;
            if (d <= 0.0) return bbd_err_set(err, BBD_EXIT_USAGE, "--time-per-size: must be > 0");
            o->time_per_size = d;
            break;
        case OPT_MEM_LIMIT:
            if (opts_parse_size(optarg, &u) || u == 0)
                return bbd_err_set(err, BBD_EXIT_USAGE, "--mem-limit: bad size '%s'", optarg);
            o->mem_limit = u;
            break;
        case OPT_PROVENANCE:
            o->provenance = true;
            break;
        case OPT_XCCL:
            if (strcmp(optarg, "nccl") && strcmp(optarg, "rccl") && strcmp(optarg, "auto") &&
                strcmp(optarg, "standin"))
                return bbd_err_set(err, BBD_EXIT_USAGE,
                                   "--xccl: unknown library '%s' (nccl, rccl, auto)", optarg);
            o->xccl = optarg;
            break;
        case OPT_XCCL_LIB:
            o->xccl_lib = optarg;
            break;
        case OPT_DTYPE:
            if (xccl_dtype_find(optarg) < 0 || !strcmp(optarg, "uint8"))
                return bbd_err_set(err, BBD_EXIT_USAGE,
                                   "--dtype: unknown type '%s' (float, half, bfloat16, double)",
                                   optarg);
            o->dtype = (enum xccl_dtype)xccl_dtype_find(optarg);
            break;
        case OPT_OP:
            if (xccl_redop_find(optarg) < 0)
                return bbd_err_set(err, BBD_EXIT_USAGE,
                                   "--op: unknown operation '%s' (sum, max, min)", optarg);
            o->op = (enum xccl_redop)xccl_redop_find(optarg);
            break;
        case OPT_ROOT:
            if (parse_long(optarg, "--root", 0, &v, err)) return -1;
            if (v > 1000000) return bbd_err_set(err, BBD_EXIT_USAGE, "--root: %ld is too large", v);
            o->root = (int)v;
            break;
        case OPT_TIMER:
            if (strcmp(optarg, "host") != 0 && strcmp(optarg, "gpu") != 0)
                return bbd_err_set(err, BBD_EXIT_USAGE, "--timer: '%s' is not host or gpu", optarg);
            o->gpu_timer = !strcmp(optarg, "gpu");
            break;
        case OPT_NO_PROVENANCE:
            o->provenance = false;
            break;
        case ':':
            return bbd_err_set(err, BBD_EXIT_USAGE, "%s: missing argument", argv[optind - 1]);
        default:
            return bbd_err_set(err, BBD_EXIT_USAGE, "unknown option '%s' (see --help)",
                               argv[optind - 1]);
        }
    }
    if (npos == 1 && !test_given) {
        if (set_test(pos[0], o, err)) return -1;
    } else if (npos == 2 && !o->test->letters) {
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "%s always uses device buffers: no placement letters ('%s')",
                           o->test->name, pos[0]);
    } else if (npos == 2) {
        if (parse_placement(pos[0], pos[1], o, err)) return -1;
        char why[256];
        if (!bench_place_ok(o->test, o->placement[0], o->placement[1], why, sizeof(why)))
            return bbd_err_set(err, BBD_EXIT_USAGE, "placement: %s", why);
    } else if (npos != 0) {
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "unexpected argument '%s' (placement is two letters, e.g. 'D H')",
                           pos[npos > 2 ? 2 : 0]);
    }
    apply_test_defaults(o, min_given, max_given);
    if (!o->test->letters) o->placement[0] = o->placement[1] = 'D';
    if (o->gpu_timer && !bench_is_xccl(o->test))
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "--timer gpu: only the xccl tests put their work on a GPU stream; "
                           "the MPI tests are timed on the host clock");
    if (o->min_size > o->max_size)
        return bbd_err_set(err, BBD_EXIT_USAGE, "-m: minimum %zu is larger than maximum %zu",
                           o->min_size, o->max_size);
    if (o->test->value != VALUE_ONE_WAY_US && o->max_size == 0)
        return bbd_err_set(err, BBD_EXIT_USAGE, "-m: %s needs a maximum size >= 1", o->test->name);
    /* the collectives' buffers grow with the rank count: checked again by opts_check_ranks */
    return check_memory(o, 1, err) ? -1 : check_time_caps(o, err);
}

int opts_check_ranks(const struct bench_opts *o, int nranks, struct bbd_err *err)
{
    char why[256];
    if (!bench_ranks_ok(o->test, nranks, why, sizeof(why)))
        return bbd_err_set(err, BBD_EXIT_USAGE, "ranks: %s", why);
    if (bench_coll_info(o->test->coll)->rooted && o->root >= nranks)
        return bbd_err_set(err, BBD_EXIT_USAGE, "--root: %d is not a rank (%d ranks)", o->root,
                           nranks);
    return check_memory(o, nranks, err);
}

size_t opts_coll_send_bytes(const struct bench_info *t, size_t size, int nranks)
{
    return t->coll == COLL_ALLTOALL ? size * (size_t)nranks : size;
}

size_t opts_coll_recv_bytes(const struct bench_info *t, size_t size, int nranks)
{
    return t->coll == COLL_ALLTOALL || t->coll == COLL_ALLGATHER ? size * (size_t)nranks : size;
}

unsigned long long opts_buffer_bytes(const struct bench_opts *o, int nranks, bool staged)
{
    unsigned long long size = o->max_size ? o->max_size : 1;
    if (bench_is_xccl(o->test)) return 2 * size; /* device send + receive buffers */
    if (o->test->kind == BENCH_MPI_COLL) {
        /* a send and a receive buffer of the larger of the two, and one staging slot each */
        unsigned long long s = opts_coll_send_bytes(o->test, size, nranks);
        unsigned long long r = opts_coll_recv_bytes(o->test, size, nranks);
        unsigned long long big = s > r ? s : r;
        return 2 * big + (staged ? 2 * big : 0);
    }
    /* send + receive buffers, and for staging one pinned host slot per message in flight
     * on each side (the ping-pong has one message in flight). */
    unsigned long long slots =
        o->test->pattern == PATTERN_PINGPONG ? 1 : (unsigned long long)o->window;
    return 2 * size + (staged ? 2 * slots * size : 0);
}

bool opts_has_device(const struct bench_opts *o)
{
    return o->placement[0] == 'D' || o->placement[1] == 'D';
}

long opts_iterations(const struct bench_opts *o, size_t size)
{
    return size > BENCH_LARGE_MESSAGE ? o->iters_large : o->iters_small;
}

long opts_warmup(const struct bench_opts *o, size_t size)
{
    return size > BENCH_LARGE_MESSAGE ? o->warmup_large : o->warmup_small;
}

void opts_usage(FILE *f)
{
    fputs("usage: bbd-bench TEST [options] [A B]\n"
          "\n"
          "MPI point-to-point and collective benchmark in OSU Micro-Benchmarks 7.x layout,\n"
          "NCCL/RCCL in nccl-tests layout, for any host/GPU buffer placement, with\n"
          "statistics, validation and provenance.\n"
          "\n"
          "TEST (first word or -t; 'xccl NAME' and 'coll NAME' mean xccl:NAME, coll:NAME):\n",
          f);
    for (const struct bench_info *t = bench_tests; t->name; t++)
        fprintf(f, "  %-19s %s\n", t->name, t->help);
    fputs("A B         buffer placement, sender side then receiver side: H (host) or D (device);\n"
          "            default H H. For latency/bibw A is rank 0, B is rank 1; for coll:* A\n"
          "            is every rank's send buffer, B its receive buffer (H H or D D). The\n"
          "            xccl tests take none (always D D). See docs/bench.md, docs/xccl.md.\n"
          "\n"
          "options:\n"
          "  -m, --message-size [MIN:]MAX  sizes, doubling (K/M/G suffixes; default 0 or 1 B:4M,\n"
          "                         coll:* 1 B:1M)\n"
          "  -i, --iterations N     timed iterations per size (default as OSU: latency\n"
          "                         10000 up to 8 KiB then 1000; bandwidth 100 then 20;\n"
          "                         coll:* 1000 then 100)\n"
          "  -x, --warmup N         warm-up iterations (latency 100/10, bandwidth 10/2,\n"
          "                         coll:* 100/10)\n"
          "  -W, --window N         messages in flight per iteration (default 64)\n"
          "  -d, --device RT        GPU runtime for D buffers: cuda, hip, auto (default auto)\n"
          "      --transfer MODE    auto (default): direct if the MPI reports GPU support,\n"
          "                         else staged; direct: device pointers to MPI; staged: copy\n"
          "                         through pinned host memory, copy time included\n"
          "  -c, --validate         check every received byte; mismatches make exit code 1\n"
          "  -f, --full             extra columns: avg min p50 p90 p99 ci95 iterations\n"
          "      --json FILE        one JSON record per size (appended); '-' = stdout (the\n"
          "                         tables then go to stderr)\n"
          "      --adaptive PCT     iterate until the 95% CI of the median is within PCT %\n"
          "      --time-per-size S  time cap per size for --adaptive (default 10 s)\n"
          "      --timeout S        abort (exit 3) if one size takes longer (default 300, 0 off)\n"
          "      --mem-limit SIZE   largest buffer allocation per rank (default 1G)\n"
          "      --no-provenance    skip the provenance summary and JSON object\n"
          "xccl options:\n"
          "      --xccl LIB         nccl (libnccl.so.2), rccl (librccl.so.1), auto (default);\n"
          "                         standin: the TEST-ONLY stand-in beside bbd-bench\n"
          "      --xccl-lib FILE    load this library file instead (env BBD_XCCL_LIBRARY)\n"
          "      --dtype T          float (default), half, bfloat16, double\n"
          "      --op OP            sum (default), max, min\n"
          "      --root R           root rank of broadcast / reduce (xccl and coll:*; default 0)\n"
          "      --timer T          host (default): host clock around enqueue + stream sync;\n"
          "                         gpu: GPU events around the enqueued work, per iteration\n"
          "  -b, -e SIZE            minimum / maximum size (like -m; collectives default\n"
          "                         8 B .. 128 MiB, 20 iterations, 5 warm-up)\n"
          "  -h, --help             this text;  -V, --version  the version\n"
          "\n"
          "exit codes: 0 ok, 1 validation failed, 2 usage error, 3 environment error (MPI,\n"
          "GPU, file, timeout)\n",
          f);
}
