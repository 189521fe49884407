/* elf_read.c — see elf_read.h. Every offset read from the file is checked against
 * the file size before use; a malformed file yields an error, never a crash. */
#include "elf_read.h"

#include <ctype.h>
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct elf_map {
    const unsigned char *base;
    size_t size;
    const unsigned char *phdr; /* the file chooses the offset: read entries with memcpy */
    size_t n_phdr;
    size_t strtab_off, strsz; /* dynamic string table, file offsets */
};

static bool in_bounds(const struct elf_map *m, uint64_t off, uint64_t len)
{
    return off <= m->size && len <= m->size - off;
}

/* Copy a structure out of the file: offsets come from the file and need not be aligned. */
#define READ_AT(dst, src) memcpy(&(dst), (src), sizeof(dst))

static Elf64_Phdr phdr_at(const struct elf_map *m, size_t i)
{
    Elf64_Phdr p;
    READ_AT(p, m->phdr + i * sizeof(p));
    return p;
}

/* File offset of virtual address VADDR, through the PT_LOAD segment holding it. */
static bool vaddr_to_off(const struct elf_map *m, uint64_t vaddr, uint64_t *off)
{
    for (size_t i = 0; i < m->n_phdr; i++) {
        Elf64_Phdr p = phdr_at(m, i);
        if (p.p_type == PT_LOAD && vaddr >= p.p_vaddr && vaddr - p.p_vaddr < p.p_filesz) {
            *off = p.p_offset + (vaddr - p.p_vaddr);
            return true;
        }
    }
    return false;
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

static int push_str(char ***vec, size_t *n, const char *s)
{
    char **v = realloc(*vec, (*n + 1) * sizeof(**vec));
    if (v == NULL) return -1;
    *vec = v;
    if ((v[*n] = strdup(s)) == NULL) return -1;
    (*n)++;
    return 0;
}

static int bad(struct bbd_err *err, const char *path, const char *why)
{
    return bbd_err_set(err, BBD_EXIT_USAGE, "elf_read(%s): %s", path, why);
}

/* Versions required from each library: a linked list of Elf64_Verneed, each with
 * its own list of Elf64_Vernaux. COUNT bounds both walks against loops. */
static int read_verneed(const struct elf_map *m, uint64_t off, uint64_t count, struct elf_info *out)
{
    for (uint64_t i = 0; i < count; i++) {
        if (!in_bounds(m, off, sizeof(Elf64_Verneed))) return -1;
        Elf64_Verneed vn;
        READ_AT(vn, m->base + off);
        const char *file = dynstr(m, vn.vn_file);
        if (file == NULL) return -1;
        struct elf_verneed *v = realloc(out->verneed, (out->n_verneed + 1) * sizeof(*v));
        if (v == NULL) return -1;
        out->verneed = v;
        struct elf_verneed *e = &v[out->n_verneed++];
        memset(e, 0, sizeof(*e));
        if ((e->file = strdup(file)) == NULL) return -1;
        uint64_t aoff = off + vn.vn_aux;
        for (unsigned j = 0; j < vn.vn_cnt; j++) {
            if (!in_bounds(m, aoff, sizeof(Elf64_Vernaux))) return -1;
            Elf64_Vernaux va;
            READ_AT(va, m->base + aoff);
            const char *name = dynstr(m, va.vna_name);
            if (name == NULL || push_str(&e->versions, &e->n_versions, name)) return -1;
            if (va.vna_next == 0) break;
            aoff += va.vna_next;
        }
        if (vn.vn_next == 0) break;
        off += vn.vn_next;
    }
    return 0;
}

static int read_verdef(const struct elf_map *m, uint64_t off, uint64_t count, struct elf_info *out)
{
    for (uint64_t i = 0; i < count; i++) {
        if (!in_bounds(m, off, sizeof(Elf64_Verdef))) return -1;
        Elf64_Verdef vd;
        READ_AT(vd, m->base + off);
        if (!(vd.vd_flags & VER_FLG_BASE) && vd.vd_cnt > 0) {
            if (!in_bounds(m, off + vd.vd_aux, sizeof(Elf64_Verdaux))) return -1;
            Elf64_Verdaux va;
            READ_AT(va, m->base + off + vd.vd_aux);
            const char *name = dynstr(m, va.vda_name);
            if (name == NULL || push_str(&out->verdef, &out->n_verdef, name)) return -1;
        }
        if (vd.vd_next == 0) break;
        off += vd.vd_next;
    }
    return 0;
}

static int parse_dyn_entries(const struct elf_map *m0, const Elf64_Dyn *d, size_t n,
                             struct elf_info *out)
{
    struct elf_map m = *m0;
    uint64_t strtab = 0, verneed = 0, verneednum = 0, verdef = 0, verdefnum = 0;
    for (size_t i = 0; i < n && d[i].d_tag != DT_NULL; i++) {
        switch (d[i].d_tag) {
        case DT_STRTAB:
            strtab = d[i].d_un.d_ptr;
            break;
        case DT_STRSZ:
            m.strsz = d[i].d_un.d_val;
            break;
        case DT_VERNEED:
            verneed = d[i].d_un.d_ptr;
            break;
        case DT_VERNEEDNUM:
            verneednum = d[i].d_un.d_val;
            break;
        case DT_VERDEF:
            verdef = d[i].d_un.d_ptr;
            break;
        case DT_VERDEFNUM:
            verdefnum = d[i].d_un.d_val;
            break;
        case DT_FLAGS_1:
            out->nodeflib = (d[i].d_un.d_val & DF_1_NODEFLIB) != 0;
            break;
        }
    }
    uint64_t off;
    if (!vaddr_to_off(&m, strtab, &off)) return -1;
    m.strtab_off = off;
    for (size_t i = 0; i < n && d[i].d_tag != DT_NULL; i++) {
        const char *s = NULL;
        if (d[i].d_tag == DT_NEEDED || d[i].d_tag == DT_SONAME || d[i].d_tag == DT_RPATH ||
            d[i].d_tag == DT_RUNPATH) {
            if ((s = dynstr(&m, d[i].d_un.d_val)) == NULL) return -1;
        }
        if (d[i].d_tag == DT_NEEDED && push_str(&out->needed, &out->n_needed, s)) return -1;
        char **slot = d[i].d_tag == DT_SONAME    ? &out->soname
                      : d[i].d_tag == DT_RPATH   ? &out->rpath
                      : d[i].d_tag == DT_RUNPATH ? &out->runpath
                                                 : NULL;
        if (slot && *slot == NULL && (*slot = strdup(s)) == NULL) return -1;
    }
    if (verneed && (!vaddr_to_off(&m, verneed, &off) || read_verneed(&m, off, verneednum, out)))
        return -1;
    if (verdef && (!vaddr_to_off(&m, verdef, &off) || read_verdef(&m, off, verdefnum, out)))
        return -1;
    return 0;
}

static int parse_dynamic(const struct elf_map *m0, const Elf64_Phdr *dyn, struct elf_info *out)
{
    if (!in_bounds(m0, dyn->p_offset, dyn->p_filesz)) return -1;
    size_t n = dyn->p_filesz / sizeof(Elf64_Dyn);
    Elf64_Dyn *d = malloc((n ? n : 1) * sizeof(*d)); /* aligned copy of the table */
    if (d == NULL) return -1;
    memcpy(d, m0->base + dyn->p_offset, n * sizeof(*d));
    int rc = parse_dyn_entries(m0, d, n, out);
    free(d);
    return rc;
}

int elf_read(const char *path, struct elf_info *out, struct bbd_err *err)
{
    memset(out, 0, sizeof(*out));
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
    void *base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (base == MAP_FAILED) return bbd_err_sys(err, "mmap", path);
    struct elf_map m = {.base = base, .size = (size_t)st.st_size};
    const Elf64_Ehdr *eh = base;
    int rc = -1;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
        bad(err, path, "no ELF magic");
    } else if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB) {
        bad(err, path, "not a 64-bit little-endian ELF file");
    } else if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
               !in_bounds(&m, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr))) {
        bad(err, path, "program headers out of bounds");
    } else {
        out->machine = eh->e_machine;
        m.phdr = (const unsigned char *)base + eh->e_phoff;
        m.n_phdr = eh->e_phnum;
        rc = 0;
        for (size_t i = 0; i < m.n_phdr && rc == 0; i++) {
            Elf64_Phdr p = phdr_at(&m, i);
            if (p.p_type != PT_DYNAMIC) continue;
            out->is_dynamic = true;
            if (parse_dynamic(&m, &p, out)) rc = bad(err, path, "malformed dynamic section");
        }
    }
    munmap(base, m.size);
    if (rc) elf_free(out);
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
