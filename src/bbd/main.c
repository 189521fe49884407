/* bbd — the bitbulldozer front end: dispatches to one sub-command per part. */
#include "bbd_err.h"
#include "commands.h"

#include <stdio.h>
#include <string.h>

struct bbd_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct bbd_command commands[] = {
#ifdef BBD_HAVE_PROV
    {"probe", bbd_cmd_probe, "run a command and report which MPI, libfabric, GPU stack it loaded"},
#endif
#ifdef BBD_HAVE_PLAN
    {"plan", bbd_cmd_plan, "work out (and check) the host files to inject into a container"},
    {"exec", bbd_cmd_exec, "run a command in a container with the plan applied"},
#endif
#ifdef BBD_HAVE_RUN
    {"run", bbd_cmd_run, "run a matrix of modes x tests x placements and store the results"},
    {"import", bbd_cmd_import, "store bbd-bench JSON records produced elsewhere"},
    {"report", bbd_cmd_report, "render a report from the results store"},
#endif
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: bbd COMMAND [ARGS...]   (bbd COMMAND --help for details)\n\ncommands:\n");
    for (const struct bbd_command *c = commands; c->name; c++)
        fprintf(f, "  %-8s %s\n", c->name, c->summary);
    fprintf(f, "\nexit codes: 0 ok, 1 measurement/validation failed, 2 usage error, "
               "3 environment error\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return BBD_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return BBD_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("bbd %s\n", BBD_VERSION);
        return BBD_EXIT_OK;
    }
    for (const struct bbd_command *c = commands; c->name; c++)
        if (!strcmp(argv[1], c->name)) return c->run(argc - 1, argv + 1);
    fprintf(stderr, "bbd: unknown command '%s' (try 'bbd --help')\n", argv[1]);
    return BBD_EXIT_USAGE;
}
