/* xccl_prov.h — provenance specific to NCCL/RCCL: which net plugin was really loaded
 * and which transports the library chose, read from its own NCCL_DEBUG=INFO log.
 * This is how a silent fallback to sockets (RCCL over TCP at a quarter of the
 * bandwidth) becomes visible in every record. */
#ifndef BBD_XCCL_PROV_H
#define BBD_XCCL_PROV_H

#include "jsonw.h"

#include <stdbool.h>
#include <stddef.h>

#define XCCL_PROV_MAX_VIA 8

struct xccl_transport {
    char version[48];  /* "2.28.9+cuda13.0" from the "NCCL version" line */
    char network[48];  /* "Using network X": Socket, IB, AWS Libfabric, ... */
    char provider[32]; /* libfabric provider the OFI plugin selected: cxi, efa, tcp */
    char plugin[96];   /* net plugin the log says was loaded */
    int nvia;
    char via[XCCL_PROV_MAX_VIA][32]; /* channel transports: P2P/IPC, SHM, NET/Socket, ... */
};

/* Environment for the library's log, set before it is loaded: NCCL_DEBUG=INFO,
 * NCCL_DEBUG_SUBSYS=INIT,NET and NCCL_DEBUG_FILE=<dir>/bbd-xccl.<run>.%h.%p unless the
 * user set them. Writes the file this process's log will be in (%h and %p expanded as
 * NCCL does) into path, or "" when the log goes elsewhere (user's NCCL_DEBUG without
 * a file). *owned: the file is ours to delete. */
void xccl_prov_prepare_log(const char *dir, const char *run, char *path, size_t len, bool *owned);

/* Expand NCCL_DEBUG_FILE's %h (host name up to the first '.') and %p (pid). */
void xccl_prov_expand(const char *pattern, const char *host, int pid, char *out, size_t len);

/* Feed one log line. */
void xccl_prov_parse_line(struct xccl_transport *t, const char *line);
/* Parse a whole log file (missing file: nothing learnt, returns -1). */
int xccl_prov_parse_file(struct xccl_transport *t, const char *path);
/* Add what `from` learnt to `into` (merging the ranks' views). */
void xccl_prov_merge(struct xccl_transport *into, const struct xccl_transport *from);

/* Did inter-node traffic go over NET/Socket? True when a channel is "via NET/Socket",
 * or the only network is Socket and the job spans several hosts. */
bool xccl_prov_socket_fallback(const struct xccl_transport *t, int nhosts);

/* Net plugin objects loaded in this process (libnccl-net*.so, librccl-net*.so,
 * aws-ofi-*), comma-separated paths, or "none". */
void xccl_prov_loaded_plugins(char *buf, size_t len);

/* Channel transports as one string ("P2P/IPC, NET/Socket"), or "not logged". */
void xccl_prov_via_string(const struct xccl_transport *t, char *buf, size_t len);

#endif
