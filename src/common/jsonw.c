#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jsonw_init(struct jsonw *w)
{
    memset(w, 0, sizeof(*w));
}

void jsonw_free(struct jsonw *w)
{
    free(w->buf);
    jsonw_init(w);
}

void jsonw_reset(struct jsonw *w)
{
    char *buf = w->buf;
    size_t cap = w->cap;
    jsonw_init(w);
    w->buf = buf;
    w->cap = cap;
    if (buf) buf[0] = '\0';
}

static void put(struct jsonw *w, const char *s, size_t n)
{
    if (w->oom) return;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (w->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(w->buf, cap);
        if (p == NULL) {
            w->oom = true;
            return;
        }
        w->buf = p;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void puts_(struct jsonw *w, const char *s)
{
    put(w, s, strlen(s));
}

/* Separator before a value: a comma unless first in its container or after a key. */
static void before_value(struct jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0 && w->need_comma[w->depth]) puts_(w, ",");
    if (w->depth > 0) w->need_comma[w->depth] = true;
}

static void open_(struct jsonw *w, const char *c)
{
    before_value(w);
    puts_(w, c);
    if (w->depth + 1 < JSONW_MAX_DEPTH) w->depth++;
    w->need_comma[w->depth] = false;
}

static void close_(struct jsonw *w, const char *c)
{
    puts_(w, c);
    if (w->depth > 0) w->depth--;
}

void jsonw_obj_begin(struct jsonw *w)
{
    open_(w, "{");
}
void jsonw_obj_end(struct jsonw *w)
{
    close_(w, "}");
}
void jsonw_arr_begin(struct jsonw *w)
{
    open_(w, "[");
}
void jsonw_arr_end(struct jsonw *w)
{
    close_(w, "]");
}

static void put_escaped(struct jsonw *w, const char *s)
{
    puts_(w, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char tmp[8];
        switch (*p) {
        case '"':
            puts_(w, "\\\"");
            break;
        case '\\':
            puts_(w, "\\\\");
            break;
        case '\n':
            puts_(w, "\\n");
            break;
        case '\r':
            puts_(w, "\\r");
            break;
        case '\t':
            puts_(w, "\\t");
            break;
        default:
            if (*p < 0x20) {
                snprintf(tmp, sizeof(tmp), "\\u%04x", *p);
                puts_(w, tmp);
            } else {
                put(w, (const char *)p, 1);
            }
        }
    }
    puts_(w, "\"");
}

void jsonw_key(struct jsonw *w, const char *key)
{
    before_value(w);
    put_escaped(w, key);
    puts_(w, ":");
    w->after_key = true;
}

void jsonw_str(struct jsonw *w, const char *s)
{
    if (s == NULL) {
        jsonw_null(w);
        return;
    }
    before_value(w);
    put_escaped(w, s);
}

void jsonw_num(struct jsonw *w, double v)
{
    if (!isfinite(v)) {
        jsonw_null(w);
        return;
    }
    char tmp[40];
    before_value(w);
    snprintf(tmp, sizeof(tmp), "%.9g", v);
    puts_(w, tmp);
}

void jsonw_int(struct jsonw *w, long long v)
{
    char tmp[32];
    before_value(w);
    snprintf(tmp, sizeof(tmp), "%lld", v);
    puts_(w, tmp);
}

void jsonw_bool(struct jsonw *w, bool v)
{
    before_value(w);
    puts_(w, v ? "true" : "false");
}

void jsonw_null(struct jsonw *w)
{
    before_value(w);
    puts_(w, "null");
}

void jsonw_raw(struct jsonw *w, const char *json)
{
    before_value(w);
    puts_(w, json);
}

void jsonw_kstr(struct jsonw *w, const char *key, const char *s)
{
    jsonw_key(w, key);
    jsonw_str(w, s);
}
void jsonw_knum(struct jsonw *w, const char *key, double v)
{
    jsonw_key(w, key);
    jsonw_num(w, v);
}
void jsonw_kint(struct jsonw *w, const char *key, long long v)
{
    jsonw_key(w, key);
    jsonw_int(w, v);
}
void jsonw_kbool(struct jsonw *w, const char *key, bool v)
{
    jsonw_key(w, key);
    jsonw_bool(w, v);
}

const char *jsonw_text(const struct jsonw *w)
{
    return w->buf ? w->buf : "";
}
