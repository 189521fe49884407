/* prov.h — provenance: which MPI, libfabric provider, UCX, GPU runtime, NCCL/RCCL, net
 * plugin, Cray GTL and libcxi produced a measurement, and whether each file came from the
 * host (bind-mounted) or from the container image.
 *
 * Objects loaded and libfabric fabrics opened are recorded by an LD_AUDIT library
 * (libbbd-prov-audit.so, see prov_audit.c) that prov_activate() injects; without it the
 * report falls back to the objects loaded at the time of prov_collect(). */
#ifndef BBD_PROV_H
#define BBD_PROV_H

#include "bbd_err.h"
#include "jsonw.h"

#include <stddef.h>

struct prov_ctx {            /* filled by bbd-bench; NULL when called from `bbd probe` */
    const char *mpi_version; /* MPI_Get_library_version() text of this rank */
    int ranks;               /* MPI_COMM_WORLD size */
    int nodes;               /* distinct hosts among the ranks */
};
struct prov_report;

/* If provenance is wanted and the audit library is not yet active in this process, re-exec
 * the program (/proc/self/exe, same argv, env + LD_AUDIT) so it is; called by bbd-bench
 * BEFORE MPI_Init. Returns 0 when nothing needs doing (already active); on exec failure, or
 * when a re-exec already happened and the audit library still did not load, returns -1 with
 * err filled and the caller goes on without it (warns once). */
int prov_activate(int argc, char **argv, struct bbd_err *err);

/* Report on the running process. */
struct prov_report *prov_collect(const struct prov_ctx *ctx, struct bbd_err *err);
/* Write ONE object value (the "provenance" key's value). */
void prov_write_json(const struct prov_report *r, struct jsonw *w);
/* One human line; returns the length snprintf would have written, or -1. */
int prov_summary(const struct prov_report *r, char *buf, size_t len);
void prov_free(struct prov_report *r);

/* Path of the audit library: $BBD_PROV_AUDIT, else searched beside /proc/self/exe
 * (../lib/bitbulldozer, ., and ../prov, ../src/prov, ../../src/prov for the build tree). -1 with
 * err when not found. */
int prov_audit_path(char *buf, size_t len, struct bbd_err *err);

#endif
