/* checks.h — the checks that refuse a plan before launch. Each error names both
 * files and the exact missing item (a symbol version, an ABI). */
#ifndef BBD_CHECKS_H
#define BBD_CHECKS_H

#include "elf_read.h"

/* Host MPI and image MPI must be the same ABI family and soname major. */
int check_mpi_abi(const char *host_path, const char *host_name, const char *image_path,
                  const char *image_name, struct bbd_err *err);

/* Every version CONSUMER requires from library FILE must be defined by PROVIDER.
 * The *_DESC strings say where each file is ("host /usr/lib/...", "image /usr/..."). */
int check_versions(const char *consumer_desc, const struct elf_info *consumer, const char *file,
                   const char *provider_desc, const struct elf_info *provider, struct bbd_err *err);

/* glibc's own libraries: never injected unless --inject-glibc. */
bool check_is_glibc(const char *soname);

#endif
