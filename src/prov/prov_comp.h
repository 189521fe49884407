/* prov_comp.h — the components provenance reports on, how a loaded file is recognised as
 * one of them, and how each one's version is asked (from the library itself, when it can
 * tell). One table entry per component: adding one is adding an entry. */
#ifndef BBD_PROV_COMP_H
#define BBD_PROV_COMP_H

#include <stdbool.h>
#include <stddef.h>

enum prov_comp_id {
    PROV_MPI,
    PROV_LIBFABRIC,
    PROV_UCX,
    PROV_CUDART,
    PROV_CUDA_DRIVER,
    PROV_HIP,
    PROV_NCCL,
    PROV_RCCL,
    PROV_NET_PLUGIN,
    PROV_GTL,
    PROV_LIBCXI,
    PROV_COMP_COUNT
};

/* Address of a symbol in a loaded object (dlsym, or prov_linkmap_sym inside the loader's
 * exit path where dlsym is not safe); NULL when absent. */
typedef void *(*prov_sym_fn)(void *handle, const char *name);

struct prov_comp {
    const char *key;          /* JSON key and event-file name */
    const char *label;        /* for the human summary */
    const char *const *stems; /* file-name stems, NULL-terminated */
    bool prefix;              /* stem is a prefix (libmpi_gtl_*) rather than the whole name */
    bool safe_at_exit;        /* version query does not initialise a runtime */
    /* Version text from the loaded library (handle: dlopen handle or link_map); 0, or -1
     * when the library cannot tell or tells something odd. */
    int (*version)(prov_sym_fn sym, void *handle, char *buf, size_t len);
};

extern const struct prov_comp prov_comps[PROV_COMP_COUNT];

/* Component a file belongs to, by its base name (libfabric.so.1.20.0 -> PROV_LIBFABRIC);
 * -1 for anything else. */
int prov_comp_match(const char *path);

/* Symbol lookup in a loaded object given its struct link_map, done by hand from the object's
 * dynamic section and hash table: no loader call, so it is safe while the loader tears the
 * process down (where dlsym crashes). Functions and data only (no IFUNC). */
void *prov_linkmap_sym(void *map, const char *name);

/* Index of the component with this key, or -1. */
int prov_comp_by_key(const char *key);

#endif
