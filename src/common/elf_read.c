/* elf_read.c — see elf_read.h. Every offset read from the file is checked against
 * the file size before use, and every structure is copied out with memcpy: tables
 * sit wherever the file says, so none of them may be dereferenced in place. */
#include "elf_read.h"

#include <ctype.h>
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The parts of a mapped file every reader needs, copied into aligned memory. */
struct elf_map {
    const unsigned char *base;
    size_t size;
    unsigned machine;
    Elf64_Phdr *phdr;
    size_t n_phdr;
    Elf64_Dyn *dyn; /* the first PT_DYNAMIC's entries, up to DT_NULL; NULL if none */
    size_t n_dyn;
    bool is_dynamic;
    uint64_t strtab_off, strsz; /* dynamic string table, file offsets */
};

static bool in_bounds(const struct elf_map *m, uint64_t off, uint64_t len)
{
    return off <= m->size && len <= m->size - off;
}

/* Copy LEN bytes at file offset OFF into DST; false when out of bounds. */
static bool copy_in(const struct elf_map *m, uint64_t off, void *dst, size_t len)
{
    if (!in_bounds(m, off, len)) return false;
    memcpy(dst, m->base + off, len);
    return true;
}

/* File offset of virtual address VADDR, through the PT_LOAD segment holding it. */
static bool vaddr_to_off(const struct elf_map *m, uint64_t vaddr, uint64_t *off)
{
    for (size_t i = 0; i < m->n_phdr; i++) {
        const Elf64_Phdr *p = &m->phdr[i];
        if (p->p_type == PT_LOAD && vaddr >= p->p_vaddr && vaddr - p->p_vaddr < p->p_filesz) {
            *off = p->p_offset + (vaddr - p->p_vaddr);
            return true;
        }
    }
    return false;
}

/* The value of the first dynamic entry TAG; false if there is none. */
static bool dyn_get(const struct elf_map *m, int64_t tag, uint64_t *val)
{
    for (size_t i = 0; i < m->n_dyn; i++)
        if (m->dyn[i].d_tag == tag) {
            *val = m->dyn[i].d_un.d_val;
            return true;
        }
    return false;
}

/* The file offset of the table whose address is in dynamic entry TAG. 1: found,
 * 0: no such entry, -1: its address lies outside the file. */
static int dyn_table(const struct elf_map *m, int64_t tag, uint64_t *off)
{
    uint64_t addr;
    if (!dyn_get(m, tag, &addr)) return 0;
    return vaddr_to_off(m, addr, off) ? 1 : -1;
}

/* The NUL-terminated string at index IDX of the dynamic string table, or NULL. */
static const char *dynstr(const struct elf_map *m, uint64_t idx)
{
    if (idx >= m->strsz || !in_bounds(m, m->strtab_off + idx, 1)) return NULL;
    const char *s = (const char *)m->base + m->strtab_off + idx;
    size_t room = m->strsz - idx;
    if (m->size - (m->strtab_off + idx) < room) room = m->size - (m->strtab_off + idx);
    return memchr(s, '\0', room) ? s : NULL;
}

static int bad(struct bbd_err *err, const char *name, const char *why)
{
    return bbd_err_set(err, BBD_EXIT_USAGE, "elf_read(%s): %s", name, why);
}

static void map_close(struct elf_map *m)
{
    free(m->phdr);
    free(m->dyn);
    m->phdr = NULL;
    m->dyn = NULL;
}

/* Header, program headers and the dynamic section of the SIZE bytes at DATA. */
static int map_open(struct elf_map *m, const void *data, size_t size, const char *name,
                    struct bbd_err *err)
{
    memset(m, 0, sizeof(*m));
    m->base = data;
    m->size = size;
    Elf64_Ehdr eh;
    if (!copy_in(m, 0, &eh, sizeof(eh)))
        return bad(err, name, "not a regular file large enough to be ELF");
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) return bad(err, name, "no ELF magic");
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
        return bad(err, name, "not a 64-bit little-endian ELF file");
    if (eh.e_phentsize != sizeof(Elf64_Phdr) ||
        !in_bounds(m, eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr)))
        return bad(err, name, "program headers out of bounds");
    m->machine = eh.e_machine;
    m->n_phdr = eh.e_phnum;
    if (m->n_phdr && (m->phdr = malloc(m->n_phdr * sizeof(*m->phdr))) == NULL)
        return bbd_err_sys(err, "malloc", name);
    if (m->n_phdr) memcpy(m->phdr, m->base + eh.e_phoff, m->n_phdr * sizeof(*m->phdr));
    const Elf64_Phdr *dyn = NULL;
    for (size_t i = 0; i < m->n_phdr && dyn == NULL; i++)
        if (m->phdr[i].p_type == PT_DYNAMIC) dyn = &m->phdr[i];
    if (dyn == NULL) return 0;
    m->is_dynamic = true;
    if (!in_bounds(m, dyn->p_offset, dyn->p_filesz)) {
        map_close(m);
        return bad(err, name, "malformed dynamic section");
    }
    size_t n = dyn->p_filesz / sizeof(Elf64_Dyn);
    if (n && (m->dyn = malloc(n * sizeof(*m->dyn))) == NULL) {
        map_close(m);
        return bbd_err_sys(err, "malloc", name);
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(&m->dyn[i], m->base + dyn->p_offset + i * sizeof(Elf64_Dyn), sizeof(Elf64_Dyn));
        if (m->dyn[i].d_tag == DT_NULL) break;
        m->n_dyn++;
    }
    uint64_t off = 0;
    if (dyn_table(m, DT_STRTAB, &off) != 1 || !dyn_get(m, DT_STRSZ, &m->strsz)) {
        map_close(m);
        return bad(err, name, "malformed dynamic section");
    }
    m->strtab_off = off;
    return 0;
}

static int push_str(char ***vec, size_t *n, const char *s)
{
    char **v = realloc(*vec, (*n + 1) * sizeof(**vec));
    if (v == NULL) return -1;
    *vec = v;
    if ((v[*n] = strdup(s)) == NULL) return -1;
    (*n)++;
    return 0;
}

/* ---- symbol versions: one walk each for VERNEED and VERDEF, shared by both readers ---- */

/* Called for every required version: the library FILE, version NAME, its index OTHER. */
typedef int (*verneed_fn)(void *ctx, const char *file, const char *name, unsigned other);
/* Called for every defined version NAME with index NDX and flags FLAGS. */
typedef int (*verdef_fn)(void *ctx, const char *name, unsigned ndx, unsigned flags);

/* The file offset of version table TAG and its entry count (NUM_TAG): 1 found, 0 none,
 * -1 outside the file. */
static int version_table(const struct elf_map *m, int64_t tag, int64_t num_tag, uint64_t *off,
                         uint64_t *count)
{
    *count = 0;
    int found = dyn_table(m, tag, off);
    if (found > 0) dyn_get(m, num_tag, count);
    return found;
}

/* A linked list of Elf64_Verneed, each with its own list of Elf64_Vernaux. COUNT
 * (DT_VERNEEDNUM) bounds both walks against loops. */
static int walk_verneed(const struct elf_map *m, verneed_fn fn, void *ctx)
{
    uint64_t off, count;
    int found = version_table(m, DT_VERNEED, DT_VERNEEDNUM, &off, &count);
    if (found <= 0) return found;
    for (uint64_t i = 0; i < count; i++) {
        Elf64_Verneed vn;
        if (!copy_in(m, off, &vn, sizeof(vn))) return -1;
        const char *file = dynstr(m, vn.vn_file);
        if (file == NULL || fn(ctx, file, NULL, 0)) return -1;
        uint64_t aoff = off + vn.vn_aux;
        for (unsigned j = 0; j < vn.vn_cnt; j++) {
            Elf64_Vernaux va;
            if (!copy_in(m, aoff, &va, sizeof(va))) return -1;
            const char *name = dynstr(m, va.vna_name);
            if (name == NULL || fn(ctx, file, name, va.vna_other)) return -1;
            if (va.vna_next == 0) break;
            aoff += va.vna_next;
        }
        if (vn.vn_next == 0) break;
        off += vn.vn_next;
    }
    return 0;
}

static int walk_verdef(const struct elf_map *m, verdef_fn fn, void *ctx)
{
    uint64_t off, count;
    int found = version_table(m, DT_VERDEF, DT_VERDEFNUM, &off, &count);
    if (found <= 0) return found;
    for (uint64_t i = 0; i < count; i++) {
        Elf64_Verdef vd;
        if (!copy_in(m, off, &vd, sizeof(vd))) return -1;
        if (vd.vd_cnt > 0) {
            Elf64_Verdaux va;
            if (!copy_in(m, off + vd.vd_aux, &va, sizeof(va))) return -1;
            const char *name = dynstr(m, va.vda_name);
            if (name == NULL || fn(ctx, name, vd.vd_ndx, vd.vd_flags)) return -1;
        }
        if (vd.vd_next == 0) break;
        off += vd.vd_next;
    }
    return 0;
}

/* ---- elf_read: the dynamic section ---- */

static int info_verneed(void *ctx, const char *file, const char *name, unsigned other)
{
    (void)other;
    struct elf_info *out = ctx;
    if (name == NULL) { /* a new library */
        struct elf_verneed *v = realloc(out->verneed, (out->n_verneed + 1) * sizeof(*v));
        if (v == NULL) return -1;
        out->verneed = v;
        struct elf_verneed *e = &v[out->n_verneed++];
        memset(e, 0, sizeof(*e));
        return (e->file = strdup(file)) ? 0 : -1;
    }
    struct elf_verneed *e = &out->verneed[out->n_verneed - 1];
    return push_str(&e->versions, &e->n_versions, name);
}

static int info_verdef(void *ctx, const char *name, unsigned ndx, unsigned flags)
{
    (void)ndx;
    struct elf_info *out = ctx;
    if (flags & VER_FLG_BASE) return 0; /* the file's own name */
    return push_str(&out->verdef, &out->n_verdef, name);
}

static int parse_dynamic(const struct elf_map *m, struct elf_info *out)
{
    for (size_t i = 0; i < m->n_dyn; i++) {
        const Elf64_Dyn *d = &m->dyn[i];
        if (d->d_tag == DT_FLAGS_1) out->nodeflib = (d->d_un.d_val & DF_1_NODEFLIB) != 0;
        if (d->d_tag != DT_NEEDED && d->d_tag != DT_SONAME && d->d_tag != DT_RPATH &&
            d->d_tag != DT_RUNPATH)
            continue;
        const char *s = dynstr(m, d->d_un.d_val);
        if (s == NULL) return -1;
        if (d->d_tag == DT_NEEDED && push_str(&out->needed, &out->n_needed, s)) return -1;
        char **slot = d->d_tag == DT_SONAME    ? &out->soname
                      : d->d_tag == DT_RPATH   ? &out->rpath
                      : d->d_tag == DT_RUNPATH ? &out->runpath
                                               : NULL;
        if (slot && *slot == NULL && (*slot = strdup(s)) == NULL) return -1;
    }
    if (walk_verneed(m, info_verneed, out) || walk_verdef(m, info_verdef, out)) return -1;
    return 0;
}

int elf_parse(const void *data, size_t size, const char *name, struct elf_info *out,
              struct bbd_err *err)
{
    memset(out, 0, sizeof(*out));
    struct elf_map m;
    if (map_open(&m, data, size, name, err)) return -1;
    out->machine = m.machine;
    out->is_dynamic = m.is_dynamic;
    int rc =
        m.is_dynamic && parse_dynamic(&m, out) ? bad(err, name, "malformed dynamic section") : 0;
    map_close(&m);
    if (rc) elf_free(out);
    return rc;
}

/* Map PATH read-only; *BASE is NULL for an empty or unreadable file (ERR set). */
static int map_file(const char *path, void **base, size_t *size, struct bbd_err *err)
{
    *base = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return bbd_err_sys(err, "open", path);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return bbd_err_sys(err, "fstat", path);
    }
    if (!S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        close(fd);
        return bad(err, path, "not a regular file large enough to be ELF");
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) return bbd_err_sys(err, "mmap", path);
    *base = p;
    *size = (size_t)st.st_size;
    return 0;
}

int elf_read(const char *path, struct elf_info *out, struct bbd_err *err)
{
    void *base;
    size_t size;
    memset(out, 0, sizeof(*out));
    if (map_file(path, &base, &size, err)) return -1;
    int rc = elf_parse(base, size, path, out, err);
    munmap(base, size);
    return rc;
}

static void free_vec(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void elf_free(struct elf_info *info)
{
    free(info->soname);
    free(info->rpath);
    free(info->runpath);
    free_vec(info->needed, info->n_needed);
    for (size_t i = 0; i < info->n_verneed; i++) {
        free(info->verneed[i].file);
        free_vec(info->verneed[i].versions, info->verneed[i].n_versions);
    }
    free(info->verneed);
    free_vec(info->verdef, info->n_verdef);
    memset(info, 0, sizeof(*info));
}

bool elf_defines_version(const struct elf_info *info, const char *ver)
{
    for (size_t i = 0; i < info->n_verdef; i++)
        if (!strcmp(info->verdef[i], ver)) return true;
    return false;
}

int elf_version_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            char *ea, *eb;
            unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
            if (x != y) return x < y ? -1 : 1;
            a = ea;
            b = eb;
        } else {
            if (*a != *b) return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            a++;
            b++;
        }
    }
    return *a ? 1 : *b ? -1 : 0;
}

const char *elf_highest_version(const struct elf_info *info, const char *prefix)
{
    const char *best = NULL;
    size_t n = strlen(prefix);
    for (size_t i = 0; i < info->n_verdef; i++) {
        const char *v = info->verdef[i];
        if (!strncmp(v, prefix, n) && isdigit((unsigned char)v[n]) &&
            (best == NULL || elf_version_cmp(v, best) > 0))
            best = v;
    }
    return best;
}

/* ---- elf_read_symbols: .dynsym, its versions and its hash table ---- */

/* Read N 32-bit words at file offset OFF into a fresh array. */
static uint32_t *copy_words(const struct elf_map *m, uint64_t off, uint64_t n)
{
    if (n > m->size / 4 || !in_bounds(m, off, n * 4)) return NULL;
    uint32_t *v = malloc(n ? n * 4 : 1);
    if (v) memcpy(v, m->base + off, n * 4);
    return v;
}

static bool word_at(const struct elf_map *m, uint64_t off, uint32_t *w)
{
    return copy_in(m, off, w, sizeof(*w));
}

/* Size the symbol table through DT_GNU_HASH (the last chain ends the table), DT_HASH
 * (nchain) or, without either, the section headers; keep the hash table for lookups. */
static int read_hash(const struct elf_map *m, struct elf_symtab *t)
{
    uint64_t off;
    int gnu = dyn_table(m, DT_GNU_HASH, &off);
    if (gnu < 0) return -1;
    if (gnu) {
        uint32_t h[4];
        if (!copy_in(m, off, h, sizeof(h))) return -1;
        uint64_t buckets_off = off + 16 + (uint64_t)h[2] * 8;
        t->gnu = true;
        t->n_buckets = h[0];
        t->symoffset = h[1];
        if ((t->buckets = copy_words(m, buckets_off, h[0])) == NULL) return -1;
        uint64_t chains_off = buckets_off + (uint64_t)h[0] * 4, last = 0;
        for (uint32_t b = 0; b < h[0]; b++)
            if (t->buckets[b] > last) last = t->buckets[b];
        if (last < t->symoffset) { /* every chain empty: only the unhashed symbols */
            t->n_syms = t->symoffset;
        } else {
            for (uint32_t w = 0;; last++) {
                if (!word_at(m, chains_off + (last - t->symoffset) * 4, &w)) return -1;
                if (w & 1) break;
            }
            t->n_syms = last + 1;
        }
        t->n_chains = (uint32_t)(t->n_syms - t->symoffset);
        return (t->chains = copy_words(m, chains_off, t->n_chains)) ? 0 : -1;
    }
    int sysv = dyn_table(m, DT_HASH, &off);
    if (sysv < 0) return -1;
    if (sysv) {
        uint32_t h[2];
        if (!copy_in(m, off, h, sizeof(h))) return -1;
        t->n_buckets = h[0];
        t->n_chains = h[1];
        t->n_syms = h[1];
        t->buckets = copy_words(m, off + 8, h[0]);
        t->chains = copy_words(m, off + 8 + (uint64_t)h[0] * 4, h[1]);
        return t->buckets && t->chains ? 0 : -1;
    }
    Elf64_Ehdr eh;
    if (!copy_in(m, 0, &eh, sizeof(eh)) || eh.e_shentsize != sizeof(Elf64_Shdr)) return 0;
    for (unsigned i = 0; i < eh.e_shnum; i++) {
        Elf64_Shdr sh;
        if (!copy_in(m, eh.e_shoff + (uint64_t)i * sizeof(sh), &sh, sizeof(sh))) return -1;
        if (sh.sh_type == SHT_DYNSYM && sh.sh_entsize == sizeof(Elf64_Sym)) {
            t->n_syms = sh.sh_size / sizeof(Elf64_Sym);
            return 0;
        }
    }
    return 0; /* no way to size it: no symbols */
}

/* Version names point into the symbol table's own copy of the strings. */
struct symtab_ctx {
    const struct elf_map *m;
    struct elf_symtab *t;
};

static const char *own_string(const struct symtab_ctx *c, const char *s)
{
    return c->t->strtab + (s - ((const char *)c->m->base + c->m->strtab_off));
}

static int symtab_verneed(void *ctx, const char *file, const char *name, unsigned other)
{
    struct symtab_ctx *c = ctx;
    unsigned ndx = other & 0x7fff;
    if (name == NULL || ndx >= c->t->n_vers) return 0;
    c->t->vers[ndx].name = own_string(c, name);
    c->t->vers[ndx].file = own_string(c, file);
    return 0;
}

static int symtab_verdef(void *ctx, const char *name, unsigned ndx, unsigned flags)
{
    struct symtab_ctx *c = ctx;
    ndx &= 0x7fff;
    if (ndx >= c->t->n_vers) return 0;
    /* the base entry (index 1) is the file's own name, not a version a symbol can have */
    c->t->vers[ndx].name = flags & VER_FLG_BASE ? NULL : own_string(c, name);
    c->t->vers[ndx].file = NULL;
    return 0;
}

static int parse_symbols(const struct elf_map *m, struct elf_symtab *t)
{
    uint64_t symoff = 0, versym_off = 0, syment = sizeof(Elf64_Sym);
    if (m->strsz > m->size || !in_bounds(m, m->strtab_off, m->strsz)) return -1;
    if ((t->strtab = malloc(m->strsz + 1)) == NULL) return -1;
    memcpy(t->strtab, m->base + m->strtab_off, m->strsz);
    t->strtab[m->strsz] = '\0';
    t->strsz = m->strsz;
    if (read_hash(m, t)) return -1;
    int have = dyn_table(m, DT_SYMTAB, &symoff);
    if (have < 0 || (dyn_get(m, DT_SYMENT, &syment) && syment != sizeof(Elf64_Sym))) return -1;
    if (!have) t->n_syms = 0;
    if (t->n_syms > m->size / sizeof(Elf64_Sym) ||
        !in_bounds(m, symoff, t->n_syms * sizeof(Elf64_Sym)))
        return -1;
    if (t->n_syms && (t->syms = calloc(t->n_syms, sizeof(*t->syms))) == NULL) return -1;
    int versym = dyn_table(m, DT_VERSYM, &versym_off);
    if (versym < 0 || (versym && !in_bounds(m, versym_off, t->n_syms * 2))) return -1;
    t->has_versym = versym > 0;
    size_t max_ver = 1;
    for (size_t i = 0; i < t->n_syms; i++) {
        Elf64_Sym s;
        memcpy(&s, m->base + symoff + i * sizeof(s), sizeof(s));
        if (s.st_name >= t->strsz) return -1;
        struct elf_sym *o = &t->syms[i];
        *o = (struct elf_sym){.name = s.st_name,
                              .shndx = s.st_shndx,
                              .bind = ELF64_ST_BIND(s.st_info),
                              .type = ELF64_ST_TYPE(s.st_info),
                              .value = s.st_value};
        if (t->has_versym) memcpy(&o->versym, m->base + versym_off + i * 2, 2);
        if ((size_t)(o->versym & 0x7fff) + 1 > max_ver) max_ver = (o->versym & 0x7fff) + 1u;
    }
    t->n_vers = max_ver;
    if ((t->vers = calloc(t->n_vers, sizeof(*t->vers))) == NULL) return -1;
    struct symtab_ctx c = {m, t};
    return walk_verneed(m, symtab_verneed, &c) || walk_verdef(m, symtab_verdef, &c) ? -1 : 0;
}

int elf_parse_symbols(const void *data, size_t size, const char *name, struct elf_symtab *out,
                      struct bbd_err *err)
{
    memset(out, 0, sizeof(*out));
    struct elf_map m;
    if (map_open(&m, data, size, name, err)) return -1;
    int rc = m.is_dynamic && parse_symbols(&m, out) ? bad(err, name, "malformed symbol table") : 0;
    map_close(&m);
    if (rc) elf_symtab_free(out);
    return rc;
}

int elf_read_symbols(const char *path, struct elf_symtab *out, struct bbd_err *err)
{
    void *base;
    size_t size;
    memset(out, 0, sizeof(*out));
    if (map_file(path, &base, &size, err)) return -1;
    int rc = elf_parse_symbols(base, size, path, out, err);
    munmap(base, size);
    return rc;
}

void elf_symtab_free(struct elf_symtab *t)
{
    free(t->strtab);
    free(t->syms);
    free(t->vers);
    free(t->buckets);
    free(t->chains);
    memset(t, 0, sizeof(*t));
}

const char *elf_sym_name(const struct elf_symtab *t, const struct elf_sym *s)
{
    return t->strtab + s->name;
}

const char *elf_sym_version(const struct elf_symtab *t, const struct elf_sym *s, const char **file)
{
    unsigned ndx = s->versym & 0x7fff;
    if (file) *file = NULL;
    if (!t->has_versym || ndx < 2 || ndx >= t->n_vers) return NULL; /* local or unversioned */
    if (file) *file = t->vers[ndx].file;
    return t->vers[ndx].name;
}

bool elf_sym_is_reference(const struct elf_symtab *t, const struct elf_sym *s)
{
    return s->shndx == SHN_UNDEF && (s->bind == STB_GLOBAL || s->bind == STB_WEAK) &&
           t->strtab[s->name] != '\0';
}

/* Would ld.so bind a reference to NAME (VERSION or NULL) to symbol IDX? (do_lookup_x's
 * check_match: defined, of a bindable type, and of the right version.) */
static bool sym_matches(const struct elf_symtab *t, uint32_t idx, const char *name,
                        const char *version)
{
    if (idx >= t->n_syms) return false;
    const struct elf_sym *s = &t->syms[idx];
    static const unsigned types = 1u << STT_NOTYPE | 1u << STT_OBJECT | 1u << STT_FUNC |
                                  1u << STT_COMMON | 1u << STT_TLS | 1u << STT_GNU_IFUNC;
    if (s->shndx == SHN_UNDEF || (s->value == 0 && s->type != STT_TLS) ||
        !(types & (1u << s->type)) ||
        (s->bind != STB_GLOBAL && s->bind != STB_WEAK && s->bind != STB_GNU_UNIQUE) ||
        strcmp(t->strtab + s->name, name))
        return false;
    if (!t->has_versym) return true; /* an unversioned library answers any version */
    unsigned ndx = s->versym & 0x7fff;
    bool hidden = (s->versym & 0x8000) != 0;
    const char *defined = ndx < t->n_vers && t->vers[ndx].file == NULL ? t->vers[ndx].name : NULL;
    if (version) return defined ? !strcmp(defined, version) : !hidden;
    return ndx < 3 || !hidden; /* an unversioned reference takes the default version */
}

uint32_t elf_gnu_hash(const char *name)
{
    uint32_t h = 5381;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        h = h * 33 + *c;
    return h;
}

uint32_t elf_sysv_hash(const char *name)
{
    uint32_t h = 0, g;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        h = (h << 4) + *c;
        if ((g = h & 0xf0000000u)) h ^= g >> 24;
        h &= ~g;
    }
    return h;
}

const struct elf_sym *elf_symtab_lookup(const struct elf_symtab *t, const char *name,
                                        const char *version)
{
    if (t->buckets == NULL) { /* sized from the section headers: no hash table */
        for (uint32_t i = 1; i < t->n_syms; i++)
            if (sym_matches(t, i, name, version)) return &t->syms[i];
        return NULL;
    }
    if (t->n_buckets == 0) return NULL;
    if (t->gnu) {
        uint32_t h = elf_gnu_hash(name);
        for (uint32_t i = t->buckets[h % t->n_buckets]; i >= t->symoffset; i++) {
            if (i - t->symoffset >= t->n_chains) return NULL;
            uint32_t c = t->chains[i - t->symoffset];
            if ((c | 1) == (h | 1) && sym_matches(t, i, name, version)) return &t->syms[i];
            if (c & 1) return NULL;
        }
        return NULL;
    }
    /* SysV: a chain longer than the table is a loop in a malformed file */
    uint32_t i = t->buckets[elf_sysv_hash(name) % t->n_buckets];
    for (uint32_t steps = 0; i != STN_UNDEF && i < t->n_chains && steps <= t->n_chains; steps++) {
        if (sym_matches(t, i, name, version)) return &t->syms[i];
        i = t->chains[i];
    }
    return NULL;
}

/* The printable NUL-terminated string at virtual address VADDR, malloc'ed, or NULL. */
static char *string_at(const struct elf_map *m, uint64_t vaddr)
{
    uint64_t off;
    if (!vaddr_to_off(m, vaddr, &off) || off >= m->size) return NULL;
    size_t room = m->size - off < 4096 ? m->size - off : 4096;
    const char *s = (const char *)m->base + off;
    const char *end = memchr(s, '\0', room);
    if (end == NULL || end == s) return NULL;
    for (const char *p = s; p < end; p++)
        if (!isprint((unsigned char)*p) && *p != '\t' && *p != '\n') return NULL;
    return strndup(s, (size_t)(end - s));
}

int elf_symbol_strings(const char *path, const char *const *symbols, char **values, size_t n,
                       struct bbd_err *err)
{
    void *base;
    size_t size;
    struct elf_map m;
    struct elf_symtab t;
    for (size_t i = 0; i < n; i++)
        values[i] = NULL;
    if (map_file(path, &base, &size, err)) return -1;
    int rc = map_open(&m, base, size, path, err);
    if (rc == 0) {
        memset(&t, 0, sizeof(t));
        rc = m.is_dynamic && parse_symbols(&m, &t) ? bad(err, path, "malformed symbol table") : 0;
        for (size_t i = 0; rc == 0 && i < n; i++) {
            const struct elf_sym *s = elf_symtab_lookup(&t, symbols[i], NULL);
            if (s && s->type == STT_OBJECT) values[i] = string_at(&m, s->value);
        }
        elf_symtab_free(&t);
        map_close(&m);
    }
    munmap(base, size);
    return rc;
}

int elf_rodata_find(const char *path, const void *needle, size_t n, size_t before, size_t after,
                    char **window, size_t *len, size_t *at, struct bbd_err *err)
{
    void *base;
    size_t size;
    struct elf_map m;
    int found = 0;
    *window = NULL;
    *at = *len = 0;
    if (map_file(path, &base, &size, err)) return -1;
    if (map_open(&m, base, size, path, err)) {
        munmap(base, size);
        return -1;
    }
    for (size_t i = 0; i < m.n_phdr && !found; i++) {
        const Elf64_Phdr *p = &m.phdr[i];
        if (p->p_type != PT_LOAD || p->p_flags != PF_R || !in_bounds(&m, p->p_offset, p->p_filesz))
            continue;
        const unsigned char *seg = m.base + p->p_offset, *end = seg + p->p_filesz;
        const unsigned char *hit = memmem(seg, p->p_filesz, needle, n);
        if (hit == NULL) continue;
        const unsigned char *from = (size_t)(hit - seg) < before ? seg : hit - before;
        const unsigned char *to = (size_t)(end - hit - n) < after ? end : hit + n + after;
        if ((*window = malloc((size_t)(to - from) + 1)) == NULL) {
            found = bbd_err_sys(err, "malloc", path);
            break;
        }
        memcpy(*window, from, (size_t)(to - from));
        (*window)[to - from] = '\0';
        *at = (size_t)(hit - from);
        *len = (size_t)(to - from);
        found = 1;
    }
    map_close(&m);
    munmap(base, size);
    return found;
}
