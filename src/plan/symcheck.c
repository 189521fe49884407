/* symcheck.c — see symcheck.h. */
#include "symcheck.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scope {
    const struct ld_closure *img, *inj;
    struct elf_symtab *tabs; /* img objects first, then inj objects */
    bool *read;
    int *repl;      /* img index -> index of the inj object replacing it, -1 */
    bool *consumer; /* img index: still loaded after the replacement */
    struct bbd_err *err;
};

/* The symbol table of object I (img when I < img->n_objs, else inj), read once. */
static const struct elf_symtab *tab(struct scope *s, size_t i)
{
    if (!s->read[i]) {
        const struct ld_obj *o =
            i < s->img->n_objs ? &s->img->objs[i] : &s->inj->objs[i - s->img->n_objs];
        if (elf_read_symbols(o->host, &s->tabs[i], s->err)) return NULL;
        s->read[i] = true;
    }
    return &s->tabs[i];
}

static int img_index(const struct ld_closure *img, const char *name)
{
    const struct ld_obj *o = ld_closure_by_name(img, name);
    return o ? (int)(o - img->objs) : -1;
}

/* Which image objects are loaded after the replacement: those the start objects reach
 * without going through a replaced one, and those the injected files ask for. */
static int mark_consumers(struct scope *s)
{
    size_t n = s->img->n_objs, head = 0, tail = 0;
    int *queue = malloc((n + 1) * sizeof(*queue));
    bool *seen = calloc(n + 1, sizeof(*seen));
    if (queue == NULL || seen == NULL) {
        free(queue);
        free(seen);
        return bbd_err_sys(s->err, "malloc", "symbol check");
    }
    for (size_t i = 0; i < n; i++)
        if (s->img->objs[i].loader < 0) queue[tail++] = (int)i, seen[i] = true;
    for (size_t k = 0; k <= s->inj->n_objs; k++) {
        while (head < tail) {
            int i = queue[head++];
            if (s->repl[i] >= 0) continue; /* replaced: its own needs are not the image's now */
            s->consumer[i] = true;
            const struct elf_info *e = &s->img->objs[i].elf;
            for (size_t d = 0; d < e->n_needed; d++) {
                int j = img_index(s->img, e->needed[d]);
                if (j >= 0 && !seen[j]) queue[tail++] = j, seen[j] = true;
            }
        }
        if (k == s->inj->n_objs) break;
        const struct elf_info *e = &s->inj->objs[k].elf;
        for (size_t d = 0; d < e->n_needed; d++) {
            int j = ld_closure_by_name(s->inj, e->needed[d]) ? -1 : img_index(s->img, e->needed[d]);
            if (j >= 0 && !seen[j]) queue[tail++] = j, seen[j] = true;
        }
    }
    free(queue);
    free(seen);
    return 0;
}

/* Does object I define NAME (VERSION)? -1 on a read error. */
static int defines(struct scope *s, size_t i, const char *name, const char *version)
{
    const struct elf_symtab *t = tab(s, i);
    if (t == NULL) return -1;
    return elf_symtab_lookup(t, name, version) != NULL;
}

/* After the replacement: anything but a replaced image object. 1 found, 0 not, -1 error. */
static int new_scope_defines(struct scope *s, const char *name, const char *version)
{
    size_t n_img = s->img->n_objs;
    for (size_t i = 0; i < n_img + s->inj->n_objs; i++) {
        if (i < n_img && !s->consumer[i]) continue;
        int d = defines(s, i, name, version);
        if (d) return d;
    }
    return 0;
}

static int add_missing(struct sym_report *rep, const char *symbol, const char *consumer,
                       const char *provider, const char *replaced, bool weak)
{
    struct sym_missing *v = realloc(rep->missing, (rep->n_missing + 1) * sizeof(*v));
    if (v == NULL) return -1;
    rep->missing = v;
    struct sym_missing m = {strdup(symbol), strdup(consumer), strdup(provider), strdup(replaced),
                            weak};
    v[rep->n_missing++] = m;
    if (!weak) rep->n_strong++;
    return m.symbol && m.consumer && m.provider && m.replaced ? 0 : -1;
}

/* Strong ones first, then by symbol and by the object needing it: a stable message. */
static int missing_cmp(const void *a, const void *b)
{
    const struct sym_missing *x = a, *y = b;
    int c = (int)x->weak - (int)y->weak;
    if (c == 0) c = strcmp(x->symbol, y->symbol);
    return c ? c : strcmp(x->consumer, y->consumer);
}

/* One reference R of consumer C: who answered it before, who answers it now. */
static int check_ref(struct scope *s, struct sym_report *rep, size_t c, const struct elf_symtab *t,
                     const struct elf_sym *r)
{
    const char *name = elf_sym_name(t, r), *version = elf_sym_version(t, r, NULL);
    size_t n_img = s->img->n_objs;
    bool maybe = false; /* cheap test first: does any replaced file define it at all? */
    for (size_t i = 0; i < n_img && !maybe; i++) {
        int d = s->repl[i] >= 0 ? defines(s, i, name, version) : 0;
        if (d < 0) return -1;
        maybe = d;
    }
    if (!maybe) return 0;
    size_t answer;
    for (answer = 0; answer < n_img; answer++) {
        int d = defines(s, answer, name, version);
        if (d < 0) return -1;
        if (d) break;
    }
    if (answer == n_img || s->repl[answer] < 0) return 0; /* another object answered it */
    rep->n_refs++;
    size_t k = n_img + (size_t)s->repl[answer];
    int d = defines(s, k, name, version);
    if (d == 0 && (d = new_scope_defines(s, name, version)) > 0) rep->n_elsewhere++;
    if (d < 0) return -1;
    if (d > 0) return 0;
    char sym[1024];
    snprintf(sym, sizeof(sym), "%s%s%s", name, version ? "@" : "", version ? version : "");
    if (add_missing(rep, sym, s->img->objs[c].path, s->inj->objs[k - n_img].host,
                    s->img->objs[answer].path, r->bind == STB_WEAK))
        return bbd_err_sys(s->err, "malloc", "symbol check");
    return 0;
}

int symcheck_run(const struct ld_closure *img, const struct ld_closure *inj, struct sym_report *rep,
                 struct bbd_err *err)
{
    memset(rep, 0, sizeof(*rep));
    size_t n = img->n_objs + inj->n_objs;
    struct scope s = {img,
                      inj,
                      calloc(n + 1, sizeof(*s.tabs)),
                      calloc(n + 1, sizeof(*s.read)),
                      malloc((img->n_objs + 1) * sizeof(*s.repl)),
                      calloc(img->n_objs + 1, sizeof(*s.consumer)),
                      err};
    int rc = s.tabs && s.read && s.repl && s.consumer ? 0 : bbd_err_sys(err, "malloc", "symbols");
    for (size_t i = 0; rc == 0 && i < img->n_objs; i++) {
        s.repl[i] = -1;
        for (size_t k = 0; k < inj->n_objs && s.repl[i] < 0; k++)
            if (!strcmp(inj->objs[k].path, img->objs[i].path)) s.repl[i] = (int)k;
        if (s.repl[i] >= 0) rep->n_pairs++;
    }
    if (rc == 0 && rep->n_pairs) rc = mark_consumers(&s);
    for (size_t c = 0; rc == 0 && rep->n_pairs && c < img->n_objs; c++) {
        if (!s.consumer[c]) continue;
        const struct elf_symtab *t = tab(&s, c);
        if (t == NULL) {
            rc = -1;
            break;
        }
        rep->n_consumers++;
        for (size_t i = 1; rc == 0 && i < t->n_syms; i++)
            if (elf_sym_is_reference(t, &t->syms[i])) rc = check_ref(&s, rep, c, t, &t->syms[i]);
    }
    for (size_t i = 0; s.read && i < n; i++)
        if (s.read[i]) elf_symtab_free(&s.tabs[i]);
    free(s.tabs);
    free(s.read);
    free(s.repl);
    free(s.consumer);
    if (rc)
        symcheck_free(rep);
    else if (rep->n_missing)
        qsort(rep->missing, rep->n_missing, sizeof(*rep->missing), missing_cmp);
    return rc;
}

void symcheck_free(struct sym_report *rep)
{
    for (size_t i = 0; i < rep->n_missing; i++) {
        free(rep->missing[i].symbol);
        free(rep->missing[i].consumer);
        free(rep->missing[i].provider);
        free(rep->missing[i].replaced);
    }
    free(rep->missing);
    memset(rep, 0, sizeof(*rep));
}
