/* prov_learn.h — every object a traced native run loaded, with the name it was asked for
 * and the object that asked (dlopen'ed plugins included), for `bbd plan --learn` and
 * `bbd probe --plan-out FILE` (which `bbd plan --learned FILE` reads).
 *
 * The file is an event file of the audit library (prov_snap.h): a "# bbd-learned/1" line,
 * then "O path" and "L path asked requester" lines, tab-separated and escaped. */
#ifndef BBD_PROV_LEARN_H
#define BBD_PROV_LEARN_H

#include "bbd_err.h"

#include <stddef.h>

struct prov_learned_obj {
    char *path;  /* as the loader named it */
    char *asked; /* the DT_NEEDED name or dlopen argument; NULL when unknown */
    char *by;    /* the object that asked; NULL when unknown */
};

struct prov_learned {
    struct prov_learned_obj *objs; /* every process's objects, each path once */
    size_t n;
};

/* Run CMD natively with the audit library and collect what all its processes loaded.
 * *STATUS gets the command's exit status (127 not found, 126 not executable, 128+N killed
 * by signal N). Returns 0 when it ran and exited 0; -1 with ERR otherwise (ERR->code
 * BBD_EXIT_FAIL when the command itself failed: *STATUS says how; OUT is then empty). */
int prov_learn_run(char **cmd, struct prov_learned *out, int *status, struct bbd_err *err);

int prov_learned_write(const struct prov_learned *l, const char *path, struct bbd_err *err);
int prov_learned_read(const char *path, struct prov_learned *out, struct bbd_err *err);
void prov_learned_free(struct prov_learned *l);

#endif
