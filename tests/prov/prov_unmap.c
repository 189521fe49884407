/* prov_unmap.c — a library unloaded by MPI_Finalize must not be read at exit.
 *
 * Open MPI's MPI_Finalize dlcloses its components and with them libfabric. The audit library
 * keeps such objects counted as used, and once kept their link_map, which the loader frees,
 * and read it at exit to ask the version: a crash in every rank after a clean run, seen with
 * `--mca mtl ofi` whenever the freed link_map still pointed into the unmapped range. Here the
 * range is made unreadable on purpose; whether the freed link_map still points there is up to
 * malloc, so the deterministic check of the rule is prov_unit's test_unmapped_handle. This
 * one runs the whole path: audit library, bound MPI_Finalize, dlclose, exit record.
 *
 * usage: prov_unmap FAKE_LIBFABRIC (a libfabric.so.1 exporting fi_version); the program
 * calls MPI_Finalize from prov_unmap_mpi (its own shared object, so the call is bound
 * through the loader and the audit library sees it). */
#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int MPI_Finalize(void);

struct range {
    const char *name;
    uintptr_t lo, hi;
};

static int find_range(struct dl_phdr_info *info, size_t size, void *data)
{
    struct range *r = data;
    (void)size;
    if (strcmp(info->dlpi_name, r->name) != 0) return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD) continue;
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
        if (r->lo == 0 || lo < r->lo) r->lo = lo;
        if (hi > r->hi) r->hi = hi;
    }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: prov_unmap FAKE_LIBFABRIC\n");
        return 2;
    }
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        fprintf(stderr, "prov_unmap: dlopen(%s): %s\n", argv[1], dlerror());
        return 1;
    }
    struct link_map *map = NULL;
    dlinfo(h, RTLD_DI_LINKMAP, &map);
    struct range r = {map->l_name, 0, 0};
    dl_iterate_phdr(find_range, &r);
    if (r.lo == 0) {
        fprintf(stderr, "prov_unmap: no segments found for %s\n", r.name);
        return 1;
    }
    MPI_Finalize();
    if (dlclose(h) != 0) {
        fprintf(stderr, "prov_unmap: dlclose: %s\n", dlerror());
        return 1;
    }
    long page = 4096;
    uintptr_t lo = r.lo & ~(uintptr_t)(page - 1), hi = (r.hi + page - 1) & ~(uintptr_t)(page - 1);
    void *p = mmap((void *)lo, hi - lo, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != (void *)lo) {
        fprintf(stderr, "prov_unmap: the library's range is still mapped after dlclose\n");
        return 1;
    }
    printf("prov_unmap: libfabric unloaded after MPI_Finalize, its range unreadable\n");
    return 0;
}
