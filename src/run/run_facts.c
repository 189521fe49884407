#include "run_facts.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

/* Key paths tried in order (src/prov writes "transport" {opened, carried} and one object
 * per component with "loaded", "path", "origin"; the others are older spellings); a path ending in
 * '?' means "yes if this key holds a non-null value" (a loaded library has a file name even when no
 * "loaded" flag is written). */
static const char *const fact_paths[FACT_COUNT][8] = {
    [FACT_MPI_LIBRARY] = {"mpi.path", "mpi.file", "mpi.library", "mpi.soname", NULL},
    [FACT_MPI_ORIGIN] = {"mpi.origin", "mpi.from", NULL},
    [FACT_FABRIC_LOADED] = {"libfabric.loaded", "libfabric.path?", "libfabric.file?", NULL},
    [FACT_FABRIC_PROVIDER] = {"transport.opened", "libfabric.provider",
                              "libfabric.providers_opened", "libfabric.providers",
                              "libfabric.fabrics", "libfabric.opened", NULL},
    [FACT_FABRIC_CARRIED] = {"transport.carried", "libfabric.carried", "libfabric.bytes_carried",
                             "libfabric.carries_bytes", NULL},
    [FACT_GTL_LOADED] = {"gtl.loaded", "gtl.path?", "gtl.file?", NULL},
    [FACT_NCCL_NET] = {"net_plugin.path", "net_plugin.name", "nccl.net", "rccl.net",
                       "nccl.net_plugin", "rccl.net_plugin", NULL},
    [FACT_SAME_NODE] = {"transport.same_node", NULL},
};

static const cJSON *lookup(const cJSON *root, const char *path)
{
    char key[64];
    const cJSON *o = root;
    while (o && *path && *path != '?') {
        size_t len = strcspn(path, ".?");
        if (len >= sizeof(key)) return NULL;
        memcpy(key, path, len);
        key[len] = '\0';
        o = cJSON_GetObjectItemCaseSensitive(o, key);
        path += len + (path[len] == '.');
    }
    return o;
}

/* Providers may be written as "tcp;ofi_rxm", ["tcp;ofi_rxm"], or [{"provider":"tcp"}, ...]. */
static void format_value(const cJSON *v, char *buf, size_t len)
{
    if (cJSON_IsString(v)) {
        snprintf(buf, len, "%s", v->valuestring);
    } else if (cJSON_IsBool(v)) {
        snprintf(buf, len, "%s", cJSON_IsTrue(v) ? "yes" : "no");
    } else if (cJSON_IsNumber(v)) {
        snprintf(buf, len, "%g", v->valuedouble);
    } else if (cJSON_IsArray(v)) {
        size_t used = 0;
        buf[0] = '\0';
        const cJSON *e;
        cJSON_ArrayForEach(e, v)
        {
            char one[128];
            const cJSON *name = cJSON_IsObject(e) ? cJSON_GetObjectItem(e, "provider") : e;
            if (cJSON_IsObject(e) && name == NULL) name = cJSON_GetObjectItem(e, "name");
            format_value(name, one, sizeof(one));
            if (used < len)
                used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", one);
        }
        if (!used) snprintf(buf, len, "none");
    } else {
        snprintf(buf, len, "unknown");
    }
}

int run_fact_get(const char *provenance_json, enum run_fact fact, char *buf, size_t len)
{
    snprintf(buf, len, "unknown");
    cJSON *root = provenance_json ? cJSON_Parse(provenance_json) : NULL;
    int rc = -1;
    for (int i = 0; root && rc < 0 && fact_paths[fact][i]; i++) {
        const char *path = fact_paths[fact][i];
        const cJSON *v = lookup(root, path);
        if (v == NULL) continue;
        if (path[strlen(path) - 1] == '?') {
            snprintf(buf, len, "%s", cJSON_IsNull(v) ? "no" : "yes");
            rc = 0;
        } else if (!cJSON_IsNull(v)) {
            format_value(v, buf, len);
            rc = 0;
        }
    }
    cJSON_Delete(root);
    return rc;
}

int run_hosts_distinct(const char *hosts_json, char *buf, size_t len)
{
    snprintf(buf, len, "unknown");
    cJSON *root = hosts_json ? cJSON_Parse(hosts_json) : NULL;
    const cJSON *list = cJSON_IsArray(root) ? root : NULL, *h, *k;
    int n = 0;
    cJSON_ArrayForEach(h, list)
    {
        if (!cJSON_IsString(h)) continue;
        int seen = 0;
        cJSON_ArrayForEach(k, list)
        {
            if (k == h) break;
            seen |= cJSON_IsString(k) && !strcmp(k->valuestring, h->valuestring);
        }
        if (!seen && n++ == 0) snprintf(buf, len, "%s", h->valuestring);
    }
    cJSON_Delete(root);
    return n;
}
