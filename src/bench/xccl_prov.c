/* xccl_prov.c — NCCL/RCCL log parsing and net plugin discovery (see xccl_prov.h).
 * The log formats followed are NCCL's and RCCL's own INFO lines, e.g.
 *   node:123:456 [0] NCCL INFO NCCL version 2.18.3+cuda12.2
 *   node:123:456 [0] NCCL INFO NET/OFI Selected provider is cxi, fabric is cxi (found 4 nics)
 *   node:123:456 [0] NCCL INFO Using network AWS Libfabric
 *   node:123:456 [0] NCCL INFO Channel 00/0 : 0[0] -> 1[1] via NET/Socket/0
 *   node:123:456 [0] NCCL INFO Channel 00 : 0[0] -> 1[1] via P2P/IPC/read */
#include "xccl_prov.h"

#include "bbd_netplugin.h"

#include <ctype.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

void xccl_prov_expand(const char *pattern, const char *host, int pid, char *out, size_t len)
{
    size_t j = 0;
    for (const char *p = pattern; *p && j + 1 < len; p++) {
        if (p[0] == '%' && (p[1] == 'h' || p[1] == 'p')) {
            char part[256];
            if (p[1] == 'h')
                snprintf(part, sizeof(part), "%.*s", (int)strcspn(host, "."), host);
            else
                snprintf(part, sizeof(part), "%d", pid);
            j += (size_t)snprintf(out + j, len - j, "%s", part);
            if (j >= len) j = len - 1;
            p++;
        } else {
            out[j++] = *p;
        }
    }
    out[j] = '\0';
}

void xccl_prov_prepare_log(const char *dir, const char *run, char *path, size_t len, bool *owned)
{
    *owned = false;
    path[0] = '\0';
    const char *debug = getenv("NCCL_DEBUG");
    const char *file = getenv("NCCL_DEBUG_FILE");
    char pattern[512];
    if (debug == NULL) {
        setenv("NCCL_DEBUG", "INFO", 1);
        if (getenv("NCCL_DEBUG_SUBSYS") == NULL) setenv("NCCL_DEBUG_SUBSYS", "INIT,NET", 1);
    } else if (file == NULL) {
        return; /* the user's log goes to stdout: nothing to read back */
    }
    if (file == NULL) {
        snprintf(pattern, sizeof(pattern), "%s/bbd-xccl.%s.%%h.%%p", dir, run);
        setenv("NCCL_DEBUG_FILE", pattern, 1);
        file = pattern;
        *owned = true;
    }
    char host[256] = "";
    gethostname(host, sizeof(host) - 1);
    xccl_prov_expand(file, host, (int)getpid(), path, len);
}

/* Copy the text after `key` up to a stop character, trimmed. */
static void take(char *dst, size_t len, const char *from, const char *stops)
{
    size_t n = strcspn(from, stops);
    while (n && isspace((unsigned char)from[n - 1]))
        n--;
    snprintf(dst, len, "%.*s", (int)n, from);
}

static void add_via(struct xccl_transport *t, const char *name)
{
    for (int i = 0; i < t->nvia; i++)
        if (!strcmp(t->via[i], name)) return;
    if (t->nvia < XCCL_PROV_MAX_VIA) snprintf(t->via[t->nvia++], sizeof(t->via[0]), "%s", name);
}

/* "via NET/Socket/0", "via P2P/IPC/read", "via SHM/direct/direct", "via P2P/direct pointer",
 * RCCL's "via P2P/IPC comm 0x... nRanks 02": keep the transport and its first component.
 * Network names may hold spaces ("NET/AWS Libfabric/0"); the others end at one. */
static void parse_via(struct xccl_transport *t, const char *v)
{
    char name[32];
    size_t first = strcspn(v, "/ \n");
    if (v[first] != '/') {
        take(name, sizeof(name), v, " \n");
    } else {
        const char *rest = v + first + 1;
        size_t second = strcspn(rest, !strncmp(v, "NET/", 4) ? "/\n[" : "/ \n[");
        while (second && isspace((unsigned char)rest[second - 1]))
            second--;
        snprintf(name, sizeof(name), "%.*s/%.*s", (int)first, v, (int)second, rest);
    }
    if (!strncmp(name, "SHM", 3)) name[3] = '\0';
    if (name[0]) add_via(t, name);
}

void xccl_prov_parse_line(struct xccl_transport *t, const char *line)
{
    const char *p;
    if ((p = strstr(line, "NCCL version ")) || (p = strstr(line, "RCCL version ")))
        take(t->version, sizeof(t->version), p + 13, " \n");
    if ((p = strcasestr(line, "Selected provider is ")))
        take(t->provider, sizeof(t->provider), p + 21, ", (\n");
    if ((p = strstr(line, "Using network "))) take(t->network, sizeof(t->network), p + 14, "\n");
    if ((p = strstr(line, "Loaded net plugin ")))
        take(t->plugin, sizeof(t->plugin), p + 18, "\n");
    else if ((p = strstr(line, "Loaded plugin ")) && strstr(line, "NET"))
        take(t->plugin, sizeof(t->plugin), p + 14, "\n");
    if ((p = strstr(line, " via ")) && strstr(line, "Channel")) parse_via(t, p + 5);
}

int xccl_prov_parse_file(struct xccl_transport *t, const char *path)
{
    FILE *f = path && *path ? fopen(path, "r") : NULL;
    if (f == NULL) return -1;
    char line[1024];
    while (fgets(line, sizeof(line), f))
        xccl_prov_parse_line(t, line);
    fclose(f);
    return 0;
}

static void keep_first(char *into, size_t len, const char *from)
{
    if (!into[0] && from[0]) snprintf(into, len, "%s", from);
}

void xccl_prov_merge(struct xccl_transport *into, const struct xccl_transport *from)
{
    keep_first(into->version, sizeof(into->version), from->version);
    keep_first(into->network, sizeof(into->network), from->network);
    keep_first(into->provider, sizeof(into->provider), from->provider);
    keep_first(into->plugin, sizeof(into->plugin), from->plugin);
    for (int i = 0; i < from->nvia && i < XCCL_PROV_MAX_VIA; i++)
        add_via(into, from->via[i]);
}

bool xccl_prov_socket_fallback(const struct xccl_transport *t, int nhosts)
{
    bool other_net = false;
    for (int i = 0; i < t->nvia; i++) {
        if (!strcmp(t->via[i], "NET/Socket")) return true;
        if (!strncmp(t->via[i], "NET/", 4)) other_net = true;
    }
    return nhosts > 1 && !other_net && !strcmp(t->network, "Socket");
}

struct plugin_list {
    char *buf;
    size_t len;
};

static int collect_plugin(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct plugin_list *l = data;
    if (info->dlpi_name == NULL || !info->dlpi_name[0] || !bbd_is_net_plugin(info->dlpi_name))
        return 0;
    size_t used = strlen(l->buf);
    snprintf(l->buf + used, l->len - used, "%s%s", used ? ", " : "", info->dlpi_name);
    return 0;
}

void xccl_prov_loaded_plugins(char *buf, size_t len)
{
    buf[0] = '\0';
    struct plugin_list l = {buf, len};
    dl_iterate_phdr(collect_plugin, &l);
    if (!buf[0]) snprintf(buf, len, "none");
}

void xccl_prov_via_string(const struct xccl_transport *t, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int i = 0; i < t->nvia; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i ? ", " : "", t->via[i]);
    }
    if (!buf[0]) snprintf(buf, len, "not logged");
}
