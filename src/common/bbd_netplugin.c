#include "bbd_netplugin.h"

#include <string.h>

const char *const bbd_net_plugin_prefixes[] = {"libnccl-net", "librccl-net", "libnccl-ofi",
                                               "librccl-ofi", NULL};

bool bbd_is_net_plugin(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (const char *const *p = bbd_net_plugin_prefixes; *p; p++)
        if (!strncmp(base, *p, strlen(*p))) return true;
    return strstr(base, "aws-ofi") != NULL;
}
