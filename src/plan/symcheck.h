/* symcheck.h — the symbol check: a replaced library must define every symbol the image's
 * objects bound to the file it replaces.
 *
 * MPI's symbols carry no version, so the version checks (checks.h) cannot see that an
 * image built against MPICH 4.2 calls MPI_Status_get_source (MPI 4.1), which a host
 * MPICH 4.0 lacks: the run dies with "symbol lookup error". For every image object still
 * loaded after the replacement, every reference the loader would have bound to a replaced
 * file (first definition in load order, with ld.so's version matching) must be defined by
 * its replacement or by another object of the container's new load order. Weak references
 * are reported, not refused (they stay NULL). */
#ifndef BBD_SYMCHECK_H
#define BBD_SYMCHECK_H

#include "ldsearch.h"

#include <stdbool.h>

struct sym_missing {
    char *symbol;   /* "MPI_Status_get_source", or "fi_fabric2@FABRIC_1.8" */
    char *consumer; /* the image object (path in the image) that needs it */
    char *provider; /* the host file that lacks it */
    char *replaced; /* the image file it replaces */
    bool weak;
};

struct sym_report {
    struct sym_missing *missing; /* strong ones first, each sorted by symbol */
    size_t n_missing, n_strong;
    size_t n_pairs;     /* replaced libraries checked */
    size_t n_consumers; /* image objects whose references were checked */
    size_t n_refs;      /* references that a replaced file answered */
    size_t n_elsewhere; /* of those, answered by another object after the replacement */
};

/* Check every image object of IMG against the injected files of INJ that land on an image
 * object's path (replacements). Returns 0 (REP filled, possibly with missing symbols) or
 * -1 with ERR when a file cannot be read. */
int symcheck_run(const struct ld_closure *img, const struct ld_closure *inj, struct sym_report *rep,
                 struct bbd_err *err);
void symcheck_free(struct sym_report *rep);

#endif
