/* prov_selftest.c — does what bbd-bench does with provenance, without MPI: activate the
 * audit library (re-exec), dlopen a library at run time (like a libfabric provider plugin or
 * the CUDA runtime), then collect and print the summary line and the JSON object. */
#include "prov.h"

#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    struct bbd_err err = {0};
    if (prov_activate(argc, argv, &err) < 0)
        fprintf(stderr, "prov_selftest: warning: provenance without audit library: %s\n", err.msg);
    void *z = dlopen("libz.so.1", RTLD_NOW);
    struct prov_ctx ctx = {"MPICH Version:\t9.9.9\nMPICH Device:\tch4:ofi\n", 2, 1};
    struct prov_report *r = prov_collect(&ctx, &err);
    if (r == NULL) {
        fprintf(stderr, "prov_selftest: %s\n", err.msg);
        return 3;
    }
    char line[4096];
    struct jsonw w;
    jsonw_init(&w);
    prov_write_json(r, &w);
    prov_summary(r, line, sizeof(line));
    printf("%s\n%s\n", line, jsonw_text(&w));
    jsonw_free(&w);
    prov_free(r);
    if (z) dlclose(z);
    return 0;
}
