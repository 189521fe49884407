/* bbd_netplugin.h — which shared objects are NCCL/RCCL network plugins: libnccl-net*.so
 * (aws-ofi-nccl, Mellanox's), librccl-net*.so (aws-ofi-rccl), libnccl-ofi* / librccl-ofi*
 * and anything named aws-ofi*. The one list for provenance (src/prov) and bbd-bench's
 * loaded-plugin scan (src/bench/xccl_prov.c). */
#ifndef BBD_NETPLUGIN_H
#define BBD_NETPLUGIN_H

#include <stdbool.h>

/* File-name prefixes of net plugins, NULL-terminated. */
extern const char *const bbd_net_plugin_prefixes[];

/* Is the file (a path or a base name) a net plugin? */
bool bbd_is_net_plugin(const char *path);

#endif
