/* xccl_output.h — text of the xccl collective tests in nccl-tests' layout (same
 * columns, the "# Avg bus bandwidth" footer), so its parsers and eyes can compare the
 * two directly, plus the "# xccl:" provenance summary and its JSON object. */
#ifndef BBD_XCCL_OUTPUT_H
#define BBD_XCCL_OUTPUT_H

#include "jsonw.h"
#include "xccl_prov.h"

#include <stdbool.h>
#include <stdio.h>

struct xccl_cols {
    size_t size, count;
    const char *type, *redop; /* redop "none" for collectives that do not reduce */
    int root;                 /* -1 for collectives without a root */
};

struct xccl_variant {
    bool measured; /* false: printed as N/A (alltoall and sendrecv have no in-place) */
    double time_us, algbw, busbw;
    bool validated;
    unsigned long long wrong;
};

/* What the summary and the JSON object say about the library. */
struct xccl_about {
    const char *name;    /* nccl, rccl, standin */
    const char *version; /* from ncclGetVersion */
    const char *library; /* file */
    const char *plugins; /* loaded net plugin objects, or "none" */
    const struct xccl_transport *tr;
    int nhosts;
};

void xccl_out_header(FILE *f, const char *title, const char *version, int nranks,
                     const char *timing);
void xccl_out_row(FILE *f, const struct xccl_cols *c, const struct xccl_variant v[2]);
/* wrong: elements that failed validation over all sizes; avg_busbw: mean over every
 * measured (size, variant), as nccl-tests. */
void xccl_out_footer(FILE *f, bool validated, unsigned long long wrong, double avg_busbw);

/* nccl-tests' time column: 2 decimals below 100 us, 1 below 10000, none above. */
void xccl_out_time(char *buf, size_t len, double us);

/* "xccl: NCCL 2.28.9 (file), net plugin none, network Socket, transport P2P/IPC,
 * NET/Socket (SOCKET FALLBACK)". */
void xccl_out_summary(char *buf, size_t len, const struct xccl_about *a);
/* The "xccl" object of the JSON records. */
void xccl_out_json(struct jsonw *w, const struct xccl_about *a);

#endif
