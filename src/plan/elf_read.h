/* elf_read.h — a small, bounds-checked reader for the dynamic section of ELF64 files.
 *
 * Reads what the dynamic loader uses to find and check libraries: DT_NEEDED,
 * DT_SONAME, DT_RPATH, DT_RUNPATH, DT_FLAGS_1 (NODEFLIB) and the symbol-version
 * tables (VERNEED: versions an object requires from each library; VERDEF: versions
 * it defines). Strings are located through PT_LOAD segments, so stripped files
 * (no section headers) are read correctly. */
#ifndef BBD_ELF_READ_H
#define BBD_ELF_READ_H

#include "bbd_err.h"

#include <stdbool.h>
#include <stddef.h>

/* Versions one object requires from one library (one Elf64_Verneed entry). */
struct elf_verneed {
    char *file; /* the library's soname, as recorded by the linker */
    char **versions;
    size_t n_versions;
};

struct elf_info {
    unsigned machine; /* e_machine */
    bool is_dynamic;  /* has a PT_DYNAMIC segment */
    bool nodeflib;    /* DF_1_NODEFLIB: ld.so.cache and default dirs are not searched */
    char *soname;     /* NULL if none */
    char *rpath;      /* DT_RPATH, NULL if none */
    char *runpath;    /* DT_RUNPATH, NULL if none */
    char **needed;
    size_t n_needed;
    struct elf_verneed *verneed;
    size_t n_verneed;
    char **verdef; /* defined version names, the base (file name) entry excluded */
    size_t n_verdef;
};

/* Read PATH. Fails (BBD_EXIT_ENV) when the file cannot be read and (BBD_EXIT_USAGE)
 * when it is not a well-formed ELF64 little-endian file. */
int elf_read(const char *path, struct elf_info *out, struct bbd_err *err);
void elf_free(struct elf_info *info);

/* Does INFO define version VER (e.g. "FABRIC_1.7")? */
bool elf_defines_version(const struct elf_info *info, const char *ver);

/* The highest defined version starting with PREFIX ("GLIBC_"), NULL if none. */
const char *elf_highest_version(const struct elf_info *info, const char *prefix);

/* Compare dotted version names such as GLIBC_2.34 and GLIBC_2.4 numerically. */
int elf_version_cmp(const char *a, const char *b);

#endif
