#include "xccl_output.h"

#include <ctype.h>
#include <string.h>

void xccl_out_time(char *buf, size_t len, double us)
{
    if (us >= 10000.0)
        snprintf(buf, len, "%7.0f", us);
    else if (us >= 100.0)
        snprintf(buf, len, "%7.1f", us);
    else
        snprintf(buf, len, "%7.2f", us);
}

void xccl_out_header(FILE *f, const char *title, const char *version, int nranks,
                     const char *timing)
{
    fprintf(f, "# bbd-bench xccl %s Test v%s (nccl-tests layout)\n", title, version);
    fprintf(f, "# nranks %d; %s\n#\n", nranks, timing);
    fprintf(f,
            "# %10s  %12s  %8s  %6s  %6s           out-of-place                       in-place\n",
            "", "", "", "", "");
    fprintf(f, "# %10s  %12s  %8s  %6s  %6s  %7s  %6s  %6s %6s  %7s  %6s  %6s %6s\n", "size",
            "count", "type", "redop", "root", "time", "algbw", "busbw", "#wrong", "time", "algbw",
            "busbw", "#wrong");
    fprintf(f, "# %10s  %12s  %8s  %6s  %6s  %7s  %6s  %6s  %5s  %7s  %6s  %6s  %5s\n", "(B)",
            "(elements)", "", "", "", "(us)", "(GB/s)", "(GB/s)", "", "(us)", "(GB/s)", "(GB/s)",
            "");
    fflush(f);
}

void xccl_out_row(FILE *f, const struct xccl_cols *c, const struct xccl_variant v[2])
{
    fprintf(f, "%12zu  %12zu  %8s  %6s  %6d", c->size, c->count, c->type, c->redop, c->root);
    for (int i = 0; i < 2; i++) {
        if (!v[i].measured) {
            fprintf(f, "  %7s  %6s  %6s  %5s", "N/A", "N/A", "N/A", "N/A");
            continue;
        }
        char t[32], wrong[32];
        xccl_out_time(t, sizeof(t), v[i].time_us);
        if (v[i].validated)
            snprintf(wrong, sizeof(wrong), "%llu", v[i].wrong);
        else
            snprintf(wrong, sizeof(wrong), "N/A");
        fprintf(f, "  %7s  %6.2f  %6.2f  %5s", t, v[i].algbw, v[i].busbw, wrong);
    }
    fputc('\n', f);
    fflush(f);
}

void xccl_out_footer(FILE *f, bool validated, unsigned long long wrong, double avg_busbw)
{
    if (validated) fprintf(f, "# Out of bounds values : %llu %s\n", wrong, wrong ? "FAILED" : "OK");
    fprintf(f, "# Avg bus bandwidth    : %g \n#\n", avg_busbw);
    fflush(f);
}

static void upper(char *dst, size_t len, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < len; i++)
        dst[i] = (char)toupper((unsigned char)src[i]);
    dst[i] = '\0';
}

void xccl_out_summary(char *buf, size_t len, const struct xccl_about *a)
{
    char name[32], via[256], net[128] = "";
    if (!strcmp(a->name, "standin"))
        snprintf(name, sizeof(name), "standin (TEST-ONLY, not NCCL)");
    else
        upper(name, sizeof(name), a->name);
    xccl_prov_via_string(a->tr, via, sizeof(via));
    if (a->tr->network[0]) {
        snprintf(net, sizeof(net), ", network %s%s%s%s", a->tr->network,
                 a->tr->provider[0] ? " (provider " : "", a->tr->provider,
                 a->tr->provider[0] ? ")" : "");
    }
    snprintf(buf, len, "xccl: %s %s (%s), net plugin %s%s, transport %s%s", name, a->version,
             a->library, a->plugins, net, via,
             xccl_prov_socket_fallback(a->tr, a->nhosts) ? " (SOCKET FALLBACK)" : "");
}

void xccl_out_json(struct jsonw *w, const struct xccl_about *a)
{
    char via[256];
    xccl_prov_via_string(a->tr, via, sizeof(via));
    jsonw_obj_begin(w);
    jsonw_kstr(w, "library", a->name);
    jsonw_kstr(w, "version", a->version);
    jsonw_kstr(w, "file", a->library);
    jsonw_kstr(w, "net_plugin", a->plugins);
    jsonw_kstr(w, "net_plugin_logged", a->tr->plugin);
    jsonw_kstr(w, "network", a->tr->network);
    jsonw_kstr(w, "provider", a->tr->provider);
    jsonw_key(w, "transport");
    jsonw_arr_begin(w);
    for (int i = 0; i < a->tr->nvia; i++)
        jsonw_str(w, a->tr->via[i]);
    jsonw_arr_end(w);
    jsonw_kbool(w, "socket_fallback", xccl_prov_socket_fallback(a->tr, a->nhosts));
    jsonw_obj_end(w);
}
