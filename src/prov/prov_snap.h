/* prov_snap.h — a snapshot of one process: the objects it loaded, the libfabric fabrics it
 * opened, the components found among those objects (path, soname, version, origin), where it
 * runs (host name, container runtime) and its relevant environment.
 *
 * A snapshot is filled live (in the process itself: prov_collect, or the audit library at
 * exit) or parsed from the event file the audit library writes, one line per event:
 *   P pid exe | O path (loaded) | L path asked-name requester (who asked for it) |
 *   C path (unloaded) | F provider fabric rc (fi_fabric) |
 *   W warning | exit record: H host, K container, S key path soname origin host_path,
 *   V key version, E NAME=value, Z (end)
 * Fields are separated by tabs; tab, newline and backslash inside a field are escaped. */
#ifndef BBD_PROV_SNAP_H
#define BBD_PROV_SNAP_H

#include "prov_comp.h"

#include <stdbool.h>
#include <stddef.h>

struct prov_object {
    char *path;   /* as the loader named it */
    bool closed;  /* unloaded again (dlclose) before the end of the run */
    void *handle; /* link_map of the object (audit library only), else NULL */
    char *asked;  /* the name it was asked for (DT_NEEDED entry or dlopen argument), or NULL */
    char *by;     /* the object that asked for it (the program for its own needs), or NULL */
};

struct prov_fabric {
    char *provider; /* fi_fabric_attr.prov_name, e.g. "tcp;ofi_rxm" */
    char *fabric;   /* fi_fabric_attr.name */
    long opened;    /* successful fi_fabric calls */
    long failed;    /* fi_fabric calls that returned an error */
};

struct prov_found {
    bool loaded, closed;
    char *path;      /* real path of the file */
    char *soname;    /* DT_SONAME, NULL if none */
    char *origin;    /* native | image | host | virtual | unknown */
    char *host_path; /* for origin "host": the path in the bound source */
    char *version;   /* NULL: unknown */
};

struct prov_snap {
    long pid;
    char *exe, *hostname, *container;
    bool audited;  /* objects and fabrics come from the audit library */
    bool complete; /* exit record present (or filled live) */
    char *warning; /* first warning of the audit library, if any */
    struct prov_object *obj;
    size_t nobj, capobj;
    struct prov_fabric *fab;
    size_t nfab, capfab;
    struct prov_found comp[PROV_COMP_COUNT];
    char **env; /* "NAME=value" */
    size_t nenv, capenv;
};

void prov_snap_init(struct prov_snap *s);
void prov_snap_free(struct prov_snap *s);

/* Record events. Return -1 only when out of memory. */
int prov_snap_add_object(struct prov_snap *s, const char *path, void *handle);
/* The loader unmapped PATH: its handle is dropped (never read again). `during_run` false
 * (unloaded by MPI_Finalize or at exit) keeps it counted as in use. */
void prov_snap_close_object(struct prov_snap *s, const char *path, bool during_run);
/* The name object PATH was asked for, and the object that asked (an "L" event). */
int prov_snap_object_requester(struct prov_snap *s, const char *path, const char *asked,
                               const char *by);
int prov_snap_add_fabric(struct prov_snap *s, const char *provider, const char *fabric, int rc);

/* Objects loaded right now (dl_iterate_phdr), for a process without the audit library. */
int prov_snap_from_loader(struct prov_snap *s);

/* Fill host, container, components (with version queries; at_exit skips those that would
 * initialise a runtime) and environment from the live process. */
int prov_snap_enrich(struct prov_snap *s, bool at_exit);

/* Parse an event file's text (NUL-terminated); unknown lines are ignored. */
int prov_snap_parse(struct prov_snap *s, const char *text);

/* Escape one field into buf for an event line ("\t", "\n", "\\"); returns buf. */
char *prov_event_escape(const char *in, char *buf, size_t len);

/* Write the exit record of an enriched snapshot to fd (write(2) only). */
int prov_snap_write_exit(const struct prov_snap *s, int fd);

/* DT_SONAME of an ELF file on disk, into buf; -1 if none or unreadable. */
int prov_elf_soname(const char *path, char *buf, size_t len);

/* Is NAME (of NAME=value) one provenance records? FI_*, MPICH_*, MPIR_CVAR_*, NCCL_*, ... */
bool prov_env_relevant(const char *entry);

#endif
