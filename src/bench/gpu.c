#include "gpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct gpu_backend gpu_backends[] = {
    {"cuda", gpu_vendor_open_cuda},
    {"hip", gpu_vendor_open_hip},
    {"standin", gpu_standin_open},
    {NULL, NULL},
};

struct gpu *gpu_open(const char *want, struct bbd_err *err)
{
    bool any = !strcmp(want, "auto");
    char tried[768] = "";
    for (const struct gpu_backend *b = gpu_backends; b->name; b++) {
        /* auto never picks the test stand-in */
        if (any ? !strcmp(b->name, "standin") : strcmp(b->name, want)) continue;
        struct gpu *g = b->open(err);
        if (g) return g;
        if (!any) return NULL;
        size_t len = strlen(tried);
        snprintf(tried + len, sizeof(tried) - len, "%s%.200s", len ? "; " : "", err->msg);
    }
    if (any)
        return bbd_err_set(err, BBD_EXIT_USAGE, "-d auto: no GPU runtime found (%s)", tried), NULL;
    return bbd_err_set(err, BBD_EXIT_USAGE, "-d: unknown GPU runtime '%s'", want), NULL;
}

void gpu_close(struct gpu *g)
{
    if (g == NULL) return;
    g->ops->unload(g);
    free(g);
}
