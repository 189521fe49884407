/* cmd.c — the `bbd plan` and `bbd exec` command lines. */
#include "plan.h"

#include "format.h"
#include "prov_learn.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_LIST 32

struct cmd_args {
    struct plan_opts o;
    const char *format, *runtime, *image_ref, *learned_file;
    bool explain, time, dry_run, learn;
    struct prov_learned traced; /* --learn / --learned FILE */
    struct plan_learned *learned;
    const char *profiles[MAX_LIST];
    char site_file[PATH_MAX];
    struct fs_bind binds[MAX_LIST];
    char *bind_text[MAX_LIST];
};

static void usage(FILE *f, const char *cmd)
{
    fprintf(
        f,
        "usage: bbd %s --mode basic|bind|hybrid [--gtl] --image ROOT [options]%s\n"
        "  --image ROOT          unpacked image root (apptainer sandbox, exported OCI rootfs)\n"
        "  --app PATH            program in the image whose libraries count (default: bbd-bench)\n"
        "  --host-mpi PATH       host MPI library or prefix (default: CRAY_MPICH_DIR, mpicc "
        "-show,\n"
        "                        ld.so.cache)\n"
        "  --host-fabric PATH    host libfabric library or prefix (default: ld.so.cache)\n"
        "  --host-gtl PATH       host GTL library (default: CRAY_MPICH_DIR/../../gtl, "
        "ld.so.cache)\n"
        "  --abi-check P         bind mode's MPI version policy: major (default: soname majors\n"
        "                        agree), full (also refuse a host MPI older than the image's),\n"
        "                        strict (also the same release series); the symbol check\n"
        "                        always runs\n"
        "  --inject-glibc        inject the host's glibc instead of refusing a newer one\n"
        "  --inject-dir DIR      where host libraries absent from the image land (%s)\n"
        "  --bind SRC:DST        extra read-only bind (part of the image as the program sees it)\n"
        "  --site NAME|FILE      site profile (share/profiles/site/NAME.profile, $BBD_SITE_DIR):\n"
        "                        lumi = LUMI's bind list, GPU/NIC devices, RCCL-over-CXI env\n"
        "  --profile FILE        extra profile (bind/device/env/forward/host-always/... lines)\n"
        "  --profile-dir DIR     directory of <mode>.profile files ($BBD_PROFILE_DIR)\n"
        "  --learned FILE        also what a traced run loaded (bbd probe --plan-out FILE):\n"
        "                        plugins the host files dlopen'ed are injected too\n"
        "  --explain             print why each file is injected or skipped (stderr)\n"
        "  --time                print the planning time in ms (stderr)\n",
        cmd,
        strcmp(cmd, "plan") ? " [--runtime R] [--dry-run] -- CMD [ARGS...]"
                            : " [--format F] [--learn -- CMD [ARGS...]]",
        PLAN_DEFAULT_INJECT_DIR);
    if (strcmp(cmd, "plan"))
        fprintf(f,
                "  --runtime R           bwrap (default), podman, ch-run (run here), apptainer,\n"
                "                        singularity, docker; podman on this kind of machine:\n"
                "                        CONTAINERS_CONF=share/containers/containers.conf\n"
                "  --image-ref NAME      image name for docker (and podman instead of --rootfs)\n"
                "  --dry-run             print the runtime's command line, one argument a line\n");
    else
        fprintf(
            f,
            "  --format F            %s (default env)\n"
            "  --learn -- CMD ARGS   run CMD natively under the provenance audit library first\n"
            "                        and add what it loaded (as --learned); CMD's failure is\n"
            "                        passed through and no plan is written\n",
            plan_format_names());
    fprintf(f, "exit: 0 ok, 1 plan refused (would fail at run time), 2 usage, 3 environment\n");
}

/* --site NAME: NAME.profile in $BBD_SITE_DIR, the source tree or the install tree; a
 * NAME with a '/' is the file itself. */
static int site_profile(const char *name, char path[PATH_MAX])
{
    struct stat st;
    if (strchr(name, '/')) return snprintf(path, PATH_MAX, "%s", name), 0;
    const char *dirs[3] = {getenv("BBD_SITE_DIR"), BBD_PLAN_SITE_SRC_DIR,
                           BBD_PLAN_SITE_INSTALL_DIR};
    for (int i = 0; i < 3; i++)
        if (dirs[i] && snprintf(path, PATH_MAX, "%s/%s.profile", dirs[i], name) < PATH_MAX &&
            stat(path, &st) == 0)
            return 0;
    return -1;
}

static const char *default_profile_dir(void)
{
    struct stat st;
    if (getenv("BBD_PROFILE_DIR")) return getenv("BBD_PROFILE_DIR");
    if (stat(BBD_PLAN_PROFILE_SRC_DIR, &st) == 0) return BBD_PLAN_PROFILE_SRC_DIR;
    return BBD_PLAN_PROFILE_INSTALL_DIR;
}

/* Parse options; returns -1 on a usage error (message printed). */
static int parse(int argc, char **argv, const char *cmd, struct cmd_args *a)
{
    enum {
        O_GTL = 256,
        O_HMPI,
        O_HFAB,
        O_HGTL,
        O_GLIBC,
        O_IDIR,
        O_PDIR,
        O_TIME,
        O_REF,
        O_DRY,
        O_ABI,
        O_LEARN,
        O_LEARNED,
        O_SITE
    };
    static const struct option opts[] = {
        {"mode", required_argument, NULL, 'm'},
        {"gtl", no_argument, NULL, O_GTL},
        {"image", required_argument, NULL, 'i'},
        {"app", required_argument, NULL, 'a'},
        {"host-mpi", required_argument, NULL, O_HMPI},
        {"host-fabric", required_argument, NULL, O_HFAB},
        {"host-gtl", required_argument, NULL, O_HGTL},
        {"inject-glibc", no_argument, NULL, O_GLIBC},
        {"abi-check", required_argument, NULL, O_ABI},
        {"learn", no_argument, NULL, O_LEARN},
        {"learned", required_argument, NULL, O_LEARNED},
        {"site", required_argument, NULL, O_SITE},
        {"inject-dir", required_argument, NULL, O_IDIR},
        {"bind", required_argument, NULL, 'b'},
        {"profile", required_argument, NULL, 'p'},
        {"profile-dir", required_argument, NULL, O_PDIR},
        {"format", required_argument, NULL, 'f'},
        {"explain", no_argument, NULL, 'e'},
        {"time", no_argument, NULL, O_TIME},
        {"runtime", required_argument, NULL, 'r'},
        {"image-ref", required_argument, NULL, O_REF},
        {"dry-run", no_argument, NULL, O_DRY},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    a->o.mode = -1;
    a->format = "env";
    a->runtime = "bwrap";
    a->o.host_ld_library_path = getenv("LD_LIBRARY_PATH");
    a->o.profile_dir = default_profile_dir();
    bool is_plan = !strcmp(cmd, "plan");
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (plan_mode_parse(optarg, &a->o.mode)) {
                fprintf(stderr, "bbd %s: --mode %s: one of basic, bind, hybrid\n", cmd, optarg);
                return -1;
            }
            break;
        case O_GTL:
            a->o.gtl = true;
            break;
        case 'i':
            a->o.image = optarg;
            break;
        case 'a':
            a->o.app = optarg;
            break;
        case O_HMPI:
            a->o.host_mpi = optarg;
            break;
        case O_HFAB:
            a->o.host_fabric = optarg;
            break;
        case O_HGTL:
            a->o.host_gtl = optarg;
            break;
        case O_GLIBC:
            a->o.inject_glibc = true;
            break;
        case O_LEARN:
            if (!is_plan) {
                fprintf(stderr, "bbd exec: --learn: trace with `bbd probe --plan-out FILE -- CMD` "
                                "and give --learned FILE\n");
                return -1;
            }
            a->learn = true;
            break;
        case O_LEARNED:
            a->learned_file = optarg;
            break;
        case O_SITE:
            if (site_profile(optarg, a->site_file) || a->o.n_extra_profiles == MAX_LIST) {
                fprintf(stderr, "bbd %s: --site %s: no %s.profile in $BBD_SITE_DIR, %s or %s\n",
                        cmd, optarg, optarg, BBD_PLAN_SITE_SRC_DIR, BBD_PLAN_SITE_INSTALL_DIR);
                return -1;
            }
            /* before the --profile files, so a user's profile overrides the site's */
            memmove(a->profiles + 1, a->profiles, a->o.n_extra_profiles * sizeof(*a->profiles));
            a->profiles[0] = a->site_file;
            a->o.n_extra_profiles++;
            break;
        case O_ABI:
            if (abi_check_parse(optarg, &a->o.abi_check)) {
                fprintf(stderr, "bbd %s: --abi-check %s: one of major, full, strict\n", cmd,
                        optarg);
                return -1;
            }
            break;
        case O_IDIR:
            a->o.inject_dir = optarg;
            break;
        case O_PDIR:
            a->o.profile_dir = optarg;
            break;
        case 'f':
            a->format = optarg;
            break;
        case 'e':
            a->explain = true;
            break;
        case O_TIME:
            a->time = true;
            break;
        case 'r':
            a->runtime = optarg;
            break;
        case O_REF:
            a->image_ref = optarg;
            break;
        case O_DRY:
            a->dry_run = true;
            break;
        case 'p':
            if (a->o.n_extra_profiles == MAX_LIST)
                return fprintf(stderr, "too many --profile\n"), -1;
            a->profiles[a->o.n_extra_profiles++] = optarg;
            break;
        case 'b': {
            char *colon = strchr(optarg, ':');
            if (colon == NULL || a->o.n_user_binds == MAX_LIST) {
                fprintf(stderr, "bbd %s: --bind %s: expected SRC:DST\n", cmd, optarg);
                return -1;
            }
            size_t k = a->o.n_user_binds++;
            a->bind_text[k] = strdup(optarg);
            a->bind_text[k][colon - optarg] = '\0';
            a->binds[k] = (struct fs_bind){a->bind_text[k], a->bind_text[k] + (colon - optarg) + 1};
            break;
        }
        case 'h':
            usage(stdout, cmd);
            return 1;
        default:
            usage(stderr, cmd);
            return -1;
        }
    }
    a->o.extra_profiles = a->profiles;
    a->o.user_binds = a->binds;
    bool wants_cmd = !is_plan || a->learn;
    if ((int)a->o.mode < 0 || a->o.image == NULL || (a->learn && a->learned_file) ||
        (!wants_cmd && optind != argc) || (wants_cmd && optind == argc)) {
        fprintf(stderr, "bbd %s: %s\n", cmd,
                (int)a->o.mode < 0            ? "--mode is required"
                : a->o.image == NULL          ? "--image is required"
                : a->learn && a->learned_file ? "--learn and --learned: give one"
                : !wants_cmd                  ? "unexpected arguments (--learn -- CMD traces one)"
                : a->learn                    ? "--learn: no command after --"
                                              : "no command after --");
        usage(stderr, cmd);
        return -1;
    }
    return 0;
}

static void print_explain(const struct plan *p, const char *cmd)
{
    for (size_t i = 0; i < p->n_explain; i++)
        fprintf(stderr, "bbd %s: %s\n", cmd, p->explain[i]);
}

/* --learn -- CMD (run it now) or --learned FILE: what a traced run loaded, for the plan.
 * Returns an exit code, or -1 to go on. */
static int load_learned(struct cmd_args *a, char **cmd_argv, const char *cmd)
{
    struct bbd_err err = {0};
    int status = 0;
    if (a->learn) {
        fprintf(stderr, "bbd %s: --learn: tracing '%s' natively\n", cmd, cmd_argv[0]);
        if (prov_learn_run(cmd_argv, &a->traced, &status, &err)) {
            fprintf(stderr, "bbd %s: --learn: %s; no plan written\n", cmd, err.msg);
            return status ? status : err.code ? err.code : BBD_EXIT_ENV;
        }
    } else if (a->learned_file && prov_learned_read(a->learned_file, &a->traced, &err)) {
        fprintf(stderr, "bbd %s: --learned %s\n", cmd, err.msg);
        return err.code == BBD_EXIT_USAGE ? BBD_EXIT_USAGE : BBD_EXIT_ENV;
    }
    if (a->traced.n == 0) return -1;
    if ((a->learned = calloc(a->traced.n, sizeof(*a->learned))) == NULL) return BBD_EXIT_ENV;
    for (size_t i = 0; i < a->traced.n; i++)
        a->learned[i] = (struct plan_learned){a->traced.objs[i].path, a->traced.objs[i].asked,
                                              a->traced.objs[i].by};
    a->o.learned = a->learned;
    a->o.n_learned = a->traced.n;
    return -1;
}

/* Shared by both commands: parse, build the plan, explain; returns an exit code or
 * -1 to go on with PLAN built. */
static int prepare(int argc, char **argv, const char *cmd, struct cmd_args *a, struct plan *plan,
                   struct bbd_err *err)
{
    int p = parse(argc, argv, cmd, a);
    if (p) return p > 0 ? BBD_EXIT_OK : BBD_EXIT_USAGE;
    int l = load_learned(a, argv + optind, cmd);
    if (l >= 0) return l;
    a->o.describe = a->explain || (!strcmp(cmd, "plan") && !strcmp(a->format, "json"));
    int rc = plan_build(&a->o, plan, err);
    if (a->explain) print_explain(plan, cmd);
    if (a->time) fprintf(stderr, "bbd %s: planning took %.3f ms\n", cmd, plan->elapsed_ms);
    if (rc) {
        fprintf(stderr, "bbd %s: %s\n", cmd, err->msg);
        for (size_t i = 0; i < plan->n_refusal; i++)
            fprintf(stderr, "bbd %s:   %s\n", cmd, plan->refusal[i]);
        return err->code ? err->code : BBD_EXIT_FAIL;
    }
    return -1;
}

static void free_args(struct cmd_args *a)
{
    for (size_t i = 0; i < a->o.n_user_binds; i++)
        free(a->bind_text[i]);
    free(a->learned);
    prov_learned_free(&a->traced);
}

int bbd_cmd_plan(int argc, char **argv)
{
    struct cmd_args a = {0};
    struct plan plan = {0};
    struct bbd_err err = {0};
    int rc = prepare(argc, argv, "plan", &a, &plan, &err);
    if (rc < 0) {
        rc = BBD_EXIT_OK;
        if (plan_write(&plan, a.format, stdout, &err)) {
            fprintf(stderr, "bbd plan: %s\n", err.msg);
            rc = err.code;
        }
    }
    plan_free(&plan);
    free_args(&a);
    return rc;
}

int bbd_cmd_exec(int argc, char **argv)
{
    struct cmd_args a = {0};
    struct plan plan = {0};
    struct bbd_err err = {0};
    int rc = prepare(argc, argv, "exec", &a, &plan, &err);
    if (rc < 0) {
        rc = BBD_EXIT_OK;
        if (plan_exec(&plan, a.runtime, a.image_ref, argv + optind, a.dry_run, stdout, &err)) {
            fprintf(stderr, "bbd exec: %s\n", err.msg);
            rc = err.code;
        }
    }
    plan_free(&plan);
    free_args(&a);
    return rc;
}
