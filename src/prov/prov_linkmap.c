/* prov_linkmap.c — prov_linkmap_sym: look a symbol up in a loaded object by walking its
 * dynamic section and GNU (or SysV) hash table, the way the loader does, without calling it. */
#include "elf_read.h"
#include "prov_comp.h"

#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <string.h>

struct dyn_tables {
    ElfW(Addr) base;
    const ElfW(Sym) * symtab;
    const char *strtab;
    const uint32_t *gnu_hash, *sysv_hash;
};

/* The loader relocates these d_ptr entries in place on most targets, not on all: a value
 * below the load base is still an offset. */
static const void *dyn_ptr(ElfW(Addr) base, ElfW(Addr) p)
{
    return (const void *)(p < base ? p + base : p);
}

static int read_tables(const struct link_map *m, struct dyn_tables *t)
{
    memset(t, 0, sizeof(*t));
    t->base = m->l_addr;
    for (const ElfW(Dyn) *d = m->l_ld; d && d->d_tag != DT_NULL; d++) {
        const void *p = dyn_ptr(t->base, d->d_un.d_ptr);
        switch (d->d_tag) {
        case DT_SYMTAB:
            t->symtab = p;
            break;
        case DT_STRTAB:
            t->strtab = p;
            break;
        case DT_GNU_HASH:
            t->gnu_hash = p;
            break;
        case DT_HASH:
            t->sysv_hash = p;
            break;
        default:
            break;
        }
    }
    return t->symtab && t->strtab && (t->gnu_hash || t->sysv_hash) ? 0 : -1;
}

static void *defined(const struct dyn_tables *t, uint32_t idx, const char *name)
{
    const ElfW(Sym) *s = &t->symtab[idx];
    int type = ELF64_ST_TYPE(s->st_info);
    if (s->st_shndx == SHN_UNDEF || (type != STT_FUNC && type != STT_OBJECT)) return NULL;
    if (strcmp(t->strtab + s->st_name, name) != 0) return NULL;
    return (void *)(t->base + s->st_value);
}

static void *gnu_lookup(const struct dyn_tables *t, const char *name)
{
    const uint32_t *h = t->gnu_hash;
    uint32_t nbuckets = h[0], symoffset = h[1], bloom_size = h[2];
    const ElfW(Addr) *bloom = (const ElfW(Addr) *)&h[4];
    const uint32_t *buckets = (const uint32_t *)&bloom[bloom_size];
    const uint32_t *chain = &buckets[nbuckets];
    uint32_t hash = elf_gnu_hash(name);
    if (nbuckets == 0) return NULL;
    uint32_t idx = buckets[hash % nbuckets];
    if (idx < symoffset) return NULL;
    for (;; idx++) {
        uint32_t h2 = chain[idx - symoffset];
        void *addr = (hash | 1) == (h2 | 1) ? defined(t, idx, name) : NULL;
        if (addr) return addr;
        if (h2 & 1) return NULL;
    }
}

static void *sysv_lookup(const struct dyn_tables *t, const char *name)
{
    const uint32_t *h = t->sysv_hash;
    uint32_t nbucket = h[0], hash = elf_sysv_hash(name);
    const uint32_t *bucket = &h[2], *chain = &bucket[nbucket];
    if (nbucket == 0) return NULL;
    for (uint32_t i = bucket[hash % nbucket]; i; i = chain[i]) {
        void *addr = defined(t, i, name);
        if (addr) return addr;
    }
    return NULL;
}

void *prov_linkmap_sym(void *map, const char *name)
{
    struct dyn_tables t;
    if (map == NULL || read_tables(map, &t) < 0) return NULL;
    return t.gnu_hash ? gnu_lookup(&t, name) : sysv_lookup(&t, name);
}
