/* prov_probe.c — `bbd probe [--json] [-o FILE] [-- CMD ARGS...]`: run a command with the
 * audit library injected and report what it loaded and opened; with no command, report on
 * bbd itself. The command's own exit status is passed through. */
#include "commands.h"
#include "prov_report_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct probe_opts {
    bool json;
    const char *out;      /* JSON file, NULL: none */
    const char *plan_out; /* learned-objects file for bbd plan --learned, NULL: none */
    char **cmd;           /* NULL: report on ourselves */
};

static void usage(FILE *f)
{
    fprintf(f, "usage: bbd probe [--json] [-o FILE] [--plan-out FILE] [-- CMD [ARGS...]]\n"
               "  Runs CMD with the provenance audit library (LD_AUDIT) and reports which MPI,\n"
               "  libfabric provider (opened, and what most likely carried the bytes), UCX, GPU\n"
               "  runtime, NCCL/RCCL, net plugin, GTL and libcxi it used, and whether each came\n"
               "  from the host or the container image. Without CMD: reports on bbd itself.\n"
               "  --json     print the provenance object (as in bbd-bench records) on stdout\n"
               "  -o FILE    also write it to FILE\n"
               "  --plan-out FILE  write every object the command's processes loaded (and who\n"
               "             asked for it) for `bbd plan --learned FILE`\n"
               "  exit status: CMD's own (127 not found, 126 not executable, 128+N signal N);\n"
               "  2 usage, 3 environment error of bbd probe itself.\n"
               "  BBD_PROV_AUDIT overrides the audit library's path.\n");
}

static int parse(int argc, char **argv, struct probe_opts *o)
{
    memset(o, 0, sizeof(*o));
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            o->cmd = i + 1 < argc ? argv + i + 1 : NULL;
            if (o->cmd == NULL) return -1;
            return 0;
        } else if (!strcmp(argv[i], "--json")) {
            o->json = true;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            o->out = argv[++i];
        } else if (!strcmp(argv[i], "--plan-out") && i + 1 < argc) {
            o->plan_out = argv[++i];
        } else {
            return -1;
        }
    }
    return 0;
}

/* ---- running the command ---- */

/* Fork and exec cmd with LD_AUDIT + BBD_PROV_DIR; *status gets the exit status to pass on.
 * An exec failure comes back through a close-on-exec pipe as errno. */
static int run_command(char **cmd, const char *lib, const char *dir, int *status,
                       struct bbd_err *err)
{
    int pfd[2];
    char *audit = NULL;
    const char *old = getenv("LD_AUDIT");
    if (pipe2(pfd, O_CLOEXEC) < 0) return bbd_err_sys(err, "pipe2", "exec status");
    if (asprintf(&audit, "%s%s%s", lib, old && old[0] ? ":" : "", old ? old : "") < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return bbd_err_sys(err, "asprintf", "LD_AUDIT");
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        free(audit);
        close(pfd[0]);
        close(pfd[1]);
        return bbd_err_sys(err, "fork", cmd[0]);
    }
    if (pid == 0) {
        setenv("LD_AUDIT", audit, 1);
        setenv("BBD_PROV_DIR", dir, 1);
        execvp(cmd[0], cmd);
        int e = errno;
        (void)!write(pfd[1], &e, sizeof(e));
        _exit(127);
    }
    free(audit);
    close(pfd[1]);
    /* the command owns the terminal's signals while it runs; we report afterwards */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    int e = 0, ws = 0;
    ssize_t got = read(pfd[0], &e, sizeof(e));
    close(pfd[0]);
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    if (got == (ssize_t)sizeof(e)) {
        *status = (e == ENOENT || e == ENOTDIR) ? 127 : 126;
        errno = e;
        return bbd_err_sys(err, "execvp", cmd[0]);
    }
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 1;
    return 0;
}

/* ---- reading what the processes left ---- */

static int add_process(struct prov_report *r, const char *dir, const char *name)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) return -1;
    char *text = prov_read_file(path);
    if (text == NULL) return -1;
    struct prov_snap *p = realloc(r->procs, (r->nprocs + 1) * sizeof(*p));
    if (p == NULL) {
        free(text);
        return -1;
    }
    r->procs = p;
    prov_snap_init(&p[r->nprocs]);
    prov_snap_parse(&p[r->nprocs], text);
    free(text);
    r->nprocs++;
    return 0;
}

/* The process the report is about: one that loaded MPI (a rank), with a complete record,
 * preferring one that opened a fabric; else the command itself (the first). */
static size_t main_process(const struct prov_report *r)
{
    size_t best = 0;
    int best_score = -1;
    for (size_t i = 0; i < r->nprocs; i++) {
        const struct prov_snap *p = &r->procs[i];
        int score = 4 * p->comp[PROV_MPI].loaded + 2 * p->complete + (p->nfab > 0);
        if (score > best_score || (score == best_score && p->pid < r->procs[best].pid)) {
            best = i;
            best_score = score;
        }
    }
    return best;
}

/* Ranks: processes that loaded MPI; nodes: their distinct host names. */
static void count_ranks(struct prov_report *r)
{
    const char *hosts[256];
    int nhosts = 0;
    r->ranks = 0;
    for (size_t i = 0; i < r->nprocs; i++) {
        const struct prov_snap *p = &r->procs[i];
        if (!p->comp[PROV_MPI].loaded) continue;
        r->ranks++;
        const char *h = p->hostname ? p->hostname : "?";
        int seen = 0;
        for (int k = 0; k < nhosts; k++)
            seen |= !strcmp(hosts[k], h);
        if (!seen && nhosts < 256) hosts[nhosts++] = h;
    }
    r->nodes = r->ranks ? nhosts : -1;
    if (r->ranks == 0) r->ranks = -1;
}

static struct prov_report *collect_dir(const char *dir, struct bbd_err *err)
{
    struct prov_report *r = calloc(1, sizeof(*r));
    DIR *d = opendir(dir);
    struct dirent *e;
    if (r == NULL || d == NULL) {
        free(r);
        if (d) closedir(d);
        bbd_err_sys(err, "opendir", dir);
        return NULL;
    }
    while ((e = readdir(d)) != NULL) {
        const char *dot = strrchr(e->d_name, '.');
        if (dot && !strcmp(dot, ".events")) add_process(r, dir, e->d_name);
    }
    closedir(d);
    if (r->nprocs == 0) {
        free(r);
        bbd_err_set(err, BBD_EXIT_ENV,
                    "LD_AUDIT: no process of the command loaded the audit library (static or "
                    "setuid binary, or the library is not visible where it ran)");
        return NULL;
    }
    r->main = main_process(r);
    count_ranks(r);
    prov_analyse(r);
    return r;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[PATH_MAX];
    if (d == NULL) return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path)) unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

/* ---- output ---- */

static void print_human(const struct prov_report *r, FILE *f)
{
    char line[4096];
    const struct prov_snap *s = &r->procs[r->main];
    prov_summary(r, line, sizeof(line));
    fprintf(f, "%s\n", line);
    fprintf(f, "process %ld %s on %s, container: %s\n", s->pid, s->exe ? s->exe : "?",
            s->hostname ? s->hostname : "?", s->container ? s->container : "unknown");
    for (int c = 0; c < PROV_COMP_COUNT; c++) {
        const struct prov_found *p = &s->comp[c];
        if (!p->loaded) {
            fprintf(f, "  %-12s not loaded\n", prov_comps[c].key);
            continue;
        }
        /* only the first line of multi-line version texts (MPI) */
        const char *v = p->version ? p->version : "unknown";
        fprintf(f, "  %-12s %.*s | %s (%s) [%s%s%s]%s\n", prov_comps[c].key, (int)strcspn(v, "\n"),
                v, p->path, p->soname ? p->soname : "no soname", p->origin ? p->origin : "unknown",
                p->host_path ? " from " : "", p->host_path ? p->host_path : "",
                p->closed ? " (unloaded)" : "");
    }
    for (size_t i = 0; i < s->nfab; i++)
        fprintf(f, "  fabric opened: provider %s fabric %s x%ld (failed %ld)\n", s->fab[i].provider,
                s->fab[i].fabric, s->fab[i].opened, s->fab[i].failed);
    fprintf(f, "  opened: %s\n  carried: %s\n", r->opened, r->carried);
    fprintf(f, "  %zu objects loaded, %zu audited processes\n", s->nobj, r->nprocs);
    if (s->warning) fprintf(f, "  warning: %s\n", s->warning);
}

/* A JSON file that cannot be written is a warning: the probe's answer still stands. */
static void write_outputs(const struct prov_report *r, const struct probe_opts *o)
{
    struct jsonw w;
    jsonw_init(&w);
    prov_write_json(r, &w);
    if (o->json)
        printf("%s\n", jsonw_text(&w));
    else
        print_human(r, stdout);
    if (o->out) {
        FILE *f = fopen(o->out, "we");
        int bad = f == NULL;
        if (f) {
            bad |= fprintf(f, "%s\n", jsonw_text(&w)) < 0;
            bad |= fclose(f) != 0;
        }
        if (bad)
            fprintf(stderr, "bbd probe: warning: cannot write %s: %s\n", o->out, strerror(errno));
    }
    jsonw_free(&w);
    fflush(stdout);
}

/* Run CMD audited and read what its processes left. NULL with ERR when bbd probe itself
 * failed (ERR->code) or the command could not be started (*STATUS 126/127). */
static struct prov_report *probe_run(char **cmd, int *status, struct bbd_err *err)
{
    char lib[PATH_MAX], dir[PATH_MAX];
    *status = 0;
    if (prov_audit_path(lib, sizeof(lib), err) < 0) return NULL;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/bbd-probe-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        bbd_err_sys(err, "mkdtemp", dir);
        return NULL;
    }
    /* the command may run as another user or in a container that maps ids differently */
    chmod(dir, 01777);
    if (run_command(cmd, lib, dir, status, err) < 0) {
        char why[sizeof(err->msg)];
        snprintf(why, sizeof(why), "%s", err->msg);
        bbd_err_set(err, BBD_EXIT_ENV, "cannot run '%s': %s", cmd[0], why);
        remove_dir(dir);
        return NULL;
    }
    struct prov_report *r = collect_dir(dir, err);
    if (getenv("BBD_PROV_KEEP") == NULL) remove_dir(dir);
    return r;
}

int prov_learn_run(char **cmd, struct prov_learned *out, int *status, struct bbd_err *err)
{
    memset(out, 0, sizeof(*out));
    struct prov_report *r = probe_run(cmd, status, err);
    if (r == NULL) return -1;
    int rc = 0;
    if (*status != 0)
        rc = bbd_err_set(err, BBD_EXIT_FAIL, "the traced command '%s' exited with status %d",
                         cmd[0], *status);
    else if (prov_learned_from_snaps(r->procs, r->nprocs, out))
        rc = bbd_err_sys(err, "malloc", "learned objects");
    if (rc) prov_learned_free(out);
    prov_free(r);
    return rc;
}

/* --plan-out: a file that cannot be written fails the probe (what it was asked for). */
static int write_plan_out(const struct prov_report *r, const char *path)
{
    struct prov_learned l = {0};
    struct bbd_err err = {0};
    int rc = prov_learned_from_snaps(r->procs, r->nprocs, &l) ? bbd_err_sys(&err, "malloc", path)
                                                              : prov_learned_write(&l, path, &err);
    if (rc) fprintf(stderr, "bbd probe: --plan-out: %s\n", err.msg);
    prov_learned_free(&l);
    return rc;
}

int bbd_cmd_probe(int argc, char **argv)
{
    struct probe_opts o;
    struct bbd_err err = {0};
    int status = 0;
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        usage(stdout);
        return BBD_EXIT_OK;
    }
    if (parse(argc, argv, &o) < 0) {
        usage(stderr);
        return BBD_EXIT_USAGE;
    }
    if (o.cmd == NULL) {
        if (o.plan_out) {
            fprintf(stderr, "bbd probe: --plan-out needs a command after --\n");
            return BBD_EXIT_USAGE;
        }
        struct prov_report *r = prov_collect(NULL, &err);
        if (r == NULL) goto env_error;
        write_outputs(r, &o);
        prov_free(r);
        return BBD_EXIT_OK;
    }
    struct prov_report *r = probe_run(o.cmd, &status, &err);
    if (status != 0 && r)
        fprintf(stderr, "bbd probe: '%s' exited with status %d\n", o.cmd[0], status);
    if (r == NULL) {
        fprintf(stderr, "bbd probe: %s\n", err.msg);
        return status ? status : err.code ? err.code : BBD_EXIT_ENV;
    }
    write_outputs(r, &o);
    int plan_rc = o.plan_out ? write_plan_out(r, o.plan_out) : 0;
    prov_free(r);
    return status ? status : plan_rc ? BBD_EXIT_ENV : BBD_EXIT_OK;
env_error:
    fprintf(stderr, "bbd probe: %s\n", err.msg);
    return err.code ? err.code : BBD_EXIT_ENV;
}
