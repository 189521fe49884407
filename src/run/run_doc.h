/* run_doc.h — report output formats behind one table: Markdown and HTML.
 * The report says "a heading, a table, a plot"; the format decides the markup. */
#ifndef BBD_RUN_DOC_H
#define BBD_RUN_DOC_H

#include <stdio.h>

struct run_doc {
    const char *name; /* "md", "html" */
    void (*begin)(FILE *f, const char *title);
    void (*heading)(FILE *f, int level, const char *text);
    void (*para)(FILE *f, const char *text);
    void (*item)(FILE *f, const char *label, const char *text); /* bullet: **label** text */
    void (*table_head)(FILE *f, int ncols, const char *const *cells);
    void (*table_row)(FILE *f, int ncols, const char *const *cells);
    void (*table_end)(FILE *f);
    /* An SVG plot: HTML inlines the file, Markdown links it by `rel_path`. */
    void (*plot)(FILE *f, const char *svg_path, const char *rel_path, const char *alt);
    void (*end)(FILE *f);
};

/* "md" or "html"; NULL if unknown. */
const struct run_doc *run_doc_find(const char *name);

#endif
