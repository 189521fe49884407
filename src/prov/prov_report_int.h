/* prov_report_int.h — the report behind prov.h, shared by prov_report.c (analysis, JSON,
 * summary) and prov_probe.c (bbd probe, which builds a report from other processes). */
#ifndef BBD_PROV_REPORT_INT_H
#define BBD_PROV_REPORT_INT_H

#include "prov.h"
#include "prov_learn.h"
#include "prov_snap.h"

#include <stdbool.h>

struct prov_report {
    struct prov_snap *procs; /* every process seen (one for bbd-bench) */
    size_t nprocs;
    size_t main;      /* the one the report is about */
    int ranks, nodes; /* -1: unknown */
    /* derived by prov_analyse */
    char mpi_family[32], mpi_release[64], mpi_device[96];
    char opened[512], carried[512];
    int libfabric_carries; /* 1 yes, 0 no, -1 cannot tell */
    int same_node;         /* 1 all ranks on one node, 0 not, -1 unknown */
    const char *mpi_shm;   /* "on", "off", "n/a" */
};

/* Fill the derived fields from procs[main], ranks and nodes. */
void prov_analyse(struct prov_report *r);

/* Events of this process written by the audit library (memfd or $BBD_PROV_DIR file), as a
 * malloc'ed string; NULL when the audit library is not active here. */
char *prov_own_events(void);

/* The union of the objects N processes loaded, each path once (prov_learn.c). */
int prov_learned_from_snaps(const struct prov_snap *procs, size_t n, struct prov_learned *out);

/* Read a whole file into a malloc'ed string; NULL on error (errno set). */
char *prov_read_file(const char *path);

#endif
