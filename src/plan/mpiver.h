/* mpiver.h — which MPI a library file is, read from the file itself, and the version
 * policy of bind mode (--abi-check, in the manner of Sarus' MPI hook).
 *
 * MPICH and its derivatives export MPII_Version_string ("4.0.2") and MPII_Version_device
 * ("ch4:ucx"); Open MPI exports ompi_version_string ("4.1.4"); cray-mpich's libmpi_*.so
 * carries "CRAY MPICH version 8.1.x" (and "ANL base 3.4a2", the MPICH it derives from).
 * The file name's numbers (libmpich.so.12.2.2) are the libtool ABI version Sarus compares.
 *
 * Policies (the soname majors must always agree; checks.h):
 *   major   nothing more (the symbol check still runs)
 *   full    also refuse a host MPI older than the image's (the MPICH release it is based
 *           on; the file names' minor number when a release cannot be read)
 *   strict  also refuse unless both are the same release series (major.minor) */
#ifndef BBD_MPIVER_H
#define BBD_MPIVER_H

#include "bbd_err.h"

#include <stdbool.h>
#include <stddef.h>

struct mpi_version {
    char family[32];  /* "MPICH", "Cray MPICH", "Open MPI", "" when unknown */
    char release[64]; /* the family's own release: "4.0.2", "8.1.27.13", "4.1.4" */
    char base[64];    /* the MPICH release it derives from (MPICH: = release; Cray: ANL base) */
    char device[64];  /* "ch4:ucx", "" when unknown */
    int abi[3];       /* numbers of the file name after ".so.", -1 when absent */
};

enum abi_check { ABI_MAJOR, ABI_FULL, ABI_STRICT };

const char *abi_check_name(enum abi_check c);
int abi_check_parse(const char *name, enum abi_check *c);

/* Read what FILE (a path to read on this machine) says it is; NAME is the file name whose
 * numbers count (its real name in its own view). Missing strings leave fields empty. The
 * exported symbols are read always; DEEP also searches the read-only data for versions kept
 * without a symbol (MPICH >= 4.1, cray-mpich), a few ms for a 50 MB library. */
int mpi_version_read(const char *file, const char *name, bool deep, struct mpi_version *v,
                     struct bbd_err *err);

/* "MPICH 4.0.2 (ch4:ucx), ABI 12.2.2" — for --explain and messages. */
void mpi_version_text(const struct mpi_version *v, char *buf, size_t len);

/* Apply POLICY to HOST replacing IMAGE (paths for messages). 0 accepted, -1 refused
 * (BBD_EXIT_FAIL). WHY gets a sentence saying what was compared. */
int mpi_version_check(enum abi_check policy, const struct mpi_version *host, const char *host_path,
                      const struct mpi_version *image, const char *image_path, char *why,
                      size_t why_len, struct bbd_err *err);

#endif
