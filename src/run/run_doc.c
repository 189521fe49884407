#include "run_doc.h"

#include <string.h>

static void md_begin(FILE *f, const char *title)
{
    fprintf(f, "# %s\n\n", title);
}

static void md_heading(FILE *f, int level, const char *text)
{
    fprintf(f, "%.*s %s\n\n", level, "######", text);
}

static void md_para(FILE *f, const char *text)
{
    fprintf(f, "%s\n\n", text);
}

static void md_item(FILE *f, const char *label, const char *text)
{
    fprintf(f, "- **%s** %s\n", label, text);
}

static void md_row(FILE *f, int n, const char *const *cells)
{
    fputc('|', f);
    for (int i = 0; i < n; i++) {
        fputc(' ', f);
        for (const char *c = cells[i]; *c; c++) { /* a '|' inside a cell would end it */
            if (*c == '|') fputc('\\', f);
            fputc(*c, f);
        }
        fputs(" |", f);
    }
    fputc('\n', f);
}

static void md_table_head(FILE *f, int n, const char *const *cells)
{
    md_row(f, n, cells);
    fputc('|', f);
    for (int i = 0; i < n; i++)
        fputs(i ? "---:|" : "---|", f);
    fputc('\n', f);
}

static void md_table_end(FILE *f)
{
    fputc('\n', f);
}

static void md_plot(FILE *f, const char *svg_path, const char *rel_path, const char *alt)
{
    (void)svg_path;
    fprintf(f, "![%s](%s)\n\n", alt, rel_path);
}

static void md_end(FILE *f)
{
    (void)f;
}

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static void html_begin(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", f);
    html_text(f, title);
    fputs("</title>\n<style>body{font-family:sans-serif;margin:2em}"
          "table{border-collapse:collapse;margin:1em 0}"
          "td,th{border:1px solid #bbb;padding:2px 8px;text-align:right}"
          "td:first-child,th:first-child{text-align:left}"
          "svg{max-width:100%;height:auto}</style></head><body>\n<h1>",
          f);
    html_text(f, title);
    fputs("</h1>\n", f);
}

static void html_heading(FILE *f, int level, const char *text)
{
    fprintf(f, "<h%d>", level);
    html_text(f, text);
    fprintf(f, "</h%d>\n", level);
}

static void html_para(FILE *f, const char *text)
{
    fputs("<p>", f);
    html_text(f, text);
    fputs("</p>\n", f);
}

static void html_item(FILE *f, const char *label, const char *text)
{
    fputs("<p>&#x2022; <b>", f);
    html_text(f, label);
    fputs("</b> ", f);
    html_text(f, text);
    fputs("</p>\n", f);
}

static void html_row(FILE *f, int n, const char *const *cells, const char *tag)
{
    fputs("<tr>", f);
    for (int i = 0; i < n; i++) {
        fprintf(f, "<%s>", tag);
        html_text(f, cells[i]);
        fprintf(f, "</%s>", tag);
    }
    fputs("</tr>\n", f);
}

static void html_table_head(FILE *f, int n, const char *const *cells)
{
    fputs("<table>\n", f);
    html_row(f, n, cells, "th");
}

static void html_table_row(FILE *f, int n, const char *const *cells)
{
    html_row(f, n, cells, "td");
}

static void html_table_end(FILE *f)
{
    fputs("</table>\n", f);
}

/* Inline, so the HTML file is complete on its own (mailed, attached to a ticket). */
static void html_plot(FILE *f, const char *svg_path, const char *rel_path, const char *alt)
{
    (void)rel_path;
    FILE *svg = fopen(svg_path, "r");
    if (svg == NULL) return;
    fprintf(f, "<figure aria-label=\"");
    html_text(f, alt);
    fputs("\">\n", f);
    char buf[8192];
    size_t n;
    int skipped_prolog = 0;
    while ((n = fread(buf, 1, sizeof(buf) - 1, svg)) > 0) {
        buf[n] = '\0';
        char *start = buf;
        if (!skipped_prolog) { /* the <?xml ...?> prolog is not allowed inside HTML */
            char *svg_tag = strstr(buf, "<svg");
            if (svg_tag) start = svg_tag;
            skipped_prolog = 1;
        }
        fputs(start, f);
    }
    fclose(svg);
    fputs("</figure>\n", f);
}

static void html_end(FILE *f)
{
    fputs("</body></html>\n", f);
}

static const struct run_doc docs[] = {
    {"md", md_begin, md_heading, md_para, md_item, md_table_head, md_row, md_table_end, md_plot,
     md_end},
    {"html", html_begin, html_heading, html_para, html_item, html_table_head, html_table_row,
     html_table_end, html_plot, html_end},
};

const struct run_doc *run_doc_find(const char *name)
{
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
        if (!strcmp(docs[i].name, name)) return &docs[i];
    return NULL;
}
