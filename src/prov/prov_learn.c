/* prov_learn.c — see prov_learn.h (the run itself is in prov_probe.c, beside bbd probe). */
#include "prov_learn.h"

#include "prov_report_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEARNED_HEADER "# bbd-learned/1"

void prov_learned_free(struct prov_learned *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->objs[i].path);
        free(l->objs[i].asked);
        free(l->objs[i].by);
    }
    free(l->objs);
    l->objs = NULL;
    l->n = 0;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* The union of the processes' objects, each path once (the first that knows who asked). */
int prov_learned_from_snaps(const struct prov_snap *procs, size_t n, struct prov_learned *out)
{
    for (size_t p = 0; p < n; p++)
        for (size_t i = 0; i < procs[p].nobj; i++) {
            const struct prov_object *o = &procs[p].obj[i];
            if (o->path[0] != '/') continue; /* the vDSO */
            struct prov_learned_obj *seen = NULL;
            for (size_t k = 0; k < out->n && seen == NULL; k++)
                if (!strcmp(out->objs[k].path, o->path)) seen = &out->objs[k];
            if (seen && seen->asked) continue;
            if (seen == NULL) {
                struct prov_learned_obj *v = realloc(out->objs, (out->n + 1) * sizeof(*v));
                if (v == NULL) return -1;
                out->objs = v;
                seen = &v[out->n++];
                *seen = (struct prov_learned_obj){strdup(o->path), NULL, NULL};
                if (seen->path == NULL) return -1;
            }
            seen->asked = dup_or_null(o->asked);
            seen->by = dup_or_null(o->by);
        }
    return 0;
}

int prov_learned_write(const struct prov_learned *l, const char *path, struct bbd_err *err)
{
    FILE *f = fopen(path, "we");
    if (f == NULL) return bbd_err_sys(err, "fopen", path);
    char a[4096], b[4096], c[4096];
    fprintf(f, "%s objects a traced run loaded (bbd probe --plan-out)\n", LEARNED_HEADER);
    for (size_t i = 0; i < l->n; i++) {
        const struct prov_learned_obj *o = &l->objs[i];
        fprintf(f, "O\t%s\n", prov_event_escape(o->path, a, sizeof(a)));
        if (o->asked)
            fprintf(f, "L\t%s\t%s\t%s\n", a, prov_event_escape(o->asked, b, sizeof(b)),
                    prov_event_escape(o->by ? o->by : "", c, sizeof(c)));
    }
    if (ferror(f) | (fclose(f) != 0)) return bbd_err_sys(err, "write", path);
    return 0;
}

int prov_learned_read(const char *path, struct prov_learned *out, struct bbd_err *err)
{
    memset(out, 0, sizeof(*out));
    char *text = prov_read_file(path);
    if (text == NULL) return bbd_err_sys(err, "read", path);
    if (strncmp(text, LEARNED_HEADER, strlen(LEARNED_HEADER))) {
        free(text);
        return bbd_err_set(err, BBD_EXIT_USAGE,
                           "%s: not a learned-objects file (no '%s' line; write one with bbd "
                           "probe --plan-out)",
                           path, LEARNED_HEADER);
    }
    struct prov_snap s;
    prov_snap_init(&s);
    int rc = prov_snap_parse(&s, text) || prov_learned_from_snaps(&s, 1, out)
                 ? bbd_err_sys(err, "parse", path)
                 : 0;
    prov_snap_free(&s);
    free(text);
    return rc;
}
