/* run_facts.h — the answers the report needs, read from a record's provenance object.
 *
 * The provenance object is bbd-bench's (src/prov); each fact is looked up along a short
 * list of key paths, so a renamed key is one more table entry, not a change in the report. */
#ifndef BBD_RUN_FACTS_H
#define BBD_RUN_FACTS_H

#include <stddef.h>

enum run_fact {
    FACT_MPI_LIBRARY,     /* file of the MPI library loaded */
    FACT_MPI_ORIGIN,      /* host or image */
    FACT_FABRIC_LOADED,   /* libfabric loaded: yes/no */
    FACT_FABRIC_PROVIDER, /* provider(s) opened */
    FACT_FABRIC_CARRIED,  /* whether libfabric carried the bytes */
    FACT_GTL_LOADED,      /* Cray GTL loaded: yes/no */
    FACT_NCCL_NET,        /* NCCL/RCCL net plugin or transport */
    FACT_SAME_NODE,       /* all ranks on one node: yes/no */
    FACT_COUNT
};

/* Write the fact as text ("yes", "tcp;ofi_rxm", "/usr/lib/...") into buf; returns 0, or -1
 * when the provenance does not say (buf then holds "unknown"). */
int run_fact_get(const char *provenance_json, enum run_fact fact, char *buf, size_t len);

/* Distinct host names in a record's "hosts" JSON array (e.g. ["n1","n1"] -> 1); the first
 * name goes to buf. Returns 0 when the list is missing or unreadable. */
int run_hosts_distinct(const char *hosts_json, char *buf, size_t len);

#endif
