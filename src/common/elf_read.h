/* elf_read.h — the one bounds-checked ELF64 reader of bitbulldozer (bbd plan and
 * provenance both use it).
 *
 * elf_read() reads what the dynamic loader uses to find and check libraries:
 * DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH, DT_FLAGS_1 (NODEFLIB) and the
 * symbol-version tables (VERNEED: versions an object requires from each library;
 * VERDEF: versions it defines). elf_read_symbols() reads the dynamic symbol table
 * (.dynsym, sized through .gnu.hash or .hash) with each symbol's version and looks
 * names up the way ld.so does. Tables are located through the dynamic section and
 * PT_LOAD segments, so stripped files (no section headers) are read correctly.
 *
 * Every offset comes from the file, so nothing is assumed aligned: each field is
 * copied out with memcpy after a bounds check. A malformed file yields an error
 * (BBD_EXIT_USAGE), never a crash or an out-of-bounds read. */
#ifndef BBD_ELF_READ_H
#define BBD_ELF_READ_H

#include "bbd_err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
/* The same for SIZE bytes at DATA (any alignment); NAME is used in messages. */
int elf_parse(const void *data, size_t size, const char *name, struct elf_info *out,
              struct bbd_err *err);
void elf_free(struct elf_info *info);

/* Does INFO define version VER (e.g. "FABRIC_1.7")? */
bool elf_defines_version(const struct elf_info *info, const char *ver);

/* The highest defined version starting with PREFIX ("GLIBC_"), NULL if none. */
const char *elf_highest_version(const struct elf_info *info, const char *prefix);

/* Compare dotted version names such as GLIBC_2.34 and GLIBC_2.4 numerically. */
int elf_version_cmp(const char *a, const char *b);

/* ---- the dynamic symbol table ---- */

struct elf_sym {
    uint32_t name;   /* offset into the symbol table's strings */
    uint16_t shndx;  /* SHN_UNDEF for a reference */
    uint16_t versym; /* .gnu.version entry (index | 0x8000 when hidden); 0 without one */
    uint8_t bind;    /* STB_GLOBAL, STB_WEAK, ... */
    uint8_t type;    /* STT_FUNC, STT_OBJECT, ... */
    uint64_t value;  /* st_value: the symbol's address for a definition */
};

/* A version index of the object: defined (VERDEF, file NULL) or required from FILE. */
struct elf_symver {
    const char *name; /* NULL: the index is unused */
    const char *file; /* VERNEED: the library asked for this version */
};

struct elf_symtab {
    char *strtab; /* copy of the dynamic string table, NUL-terminated at its end */
    size_t strsz;
    struct elf_sym *syms; /* symbol index order; syms[0] is the null symbol */
    size_t n_syms;
    struct elf_symver *vers; /* indexed by version index (versym & 0x7fff) */
    size_t n_vers;
    bool has_versym;
    /* Hash table for lookups: GNU (buckets hold the first symbol of a chain whose
     * entries' low bit ends it) or SysV (buckets and chains of indices). */
    bool gnu;
    uint32_t n_buckets, symoffset, n_chains;
    uint32_t *buckets, *chains;
};

int elf_read_symbols(const char *path, struct elf_symtab *out, struct bbd_err *err);
int elf_parse_symbols(const void *data, size_t size, const char *name, struct elf_symtab *out,
                      struct bbd_err *err);
void elf_symtab_free(struct elf_symtab *t);

const char *elf_sym_name(const struct elf_symtab *t, const struct elf_sym *s);
/* The version a symbol defines or, for a reference, requires (NULL: unversioned); *FILE
 * (may be NULL) gets the library a required version is asked of. */
const char *elf_sym_version(const struct elf_symtab *t, const struct elf_sym *s, const char **file);
/* A reference the loader must bind: undefined, global or weak, with a name. */
bool elf_sym_is_reference(const struct elf_symtab *t, const struct elf_sym *s);

/* The definition of NAME the loader would bind a reference to in this object, NULL if
 * none. VERSION: the version the reference requires (NULL for an unversioned one, which
 * binds to the default version or to the symbol of an unversioned library). */
const struct elf_sym *elf_symtab_lookup(const struct elf_symtab *t, const char *name,
                                        const char *version);

/* The hash functions of DT_GNU_HASH and DT_HASH tables (also used on loaded objects). */
uint32_t elf_gnu_hash(const char *name);
uint32_t elf_sysv_hash(const char *name);

/* The NUL-terminated, printable strings the defined symbols SYMBOLS[0..N) point to (e.g.
 * MPICH's MPII_Version_string), read from the file at PATH: VALUES[i] gets a malloc'ed
 * copy, or NULL when the file has no such symbol or it holds no printable string.
 * -1 with ERR only when the file cannot be read as ELF. */
int elf_symbol_strings(const char *path, const char *const *symbols, char **values, size_t n,
                       struct bbd_err *err);

/* Search the file's read-only data (its PT_LOAD segments mapped read-only, not
 * executable: .rodata) for the N bytes of NEEDLE. On the first hit, copy the up to BEFORE
 * bytes that precede it and the up to AFTER bytes that follow it (within its segment) into a
 * malloc'ed *WINDOW of *LEN bytes (NULs inside kept, one more NUL after them), *AT receiving
 * the hit's offset in it. Returns 1 when found, 0 when not (*WINDOW NULL), -1 with ERR when the
 * file cannot be read as ELF. For version strings libraries keep without a symbol. */
int elf_rodata_find(const char *path, const void *needle, size_t n, size_t before, size_t after,
                    char **window, size_t *len, size_t *at, struct bbd_err *err);

#endif
