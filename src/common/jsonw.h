/* jsonw.h — a small streaming JSON writer (output only; parsing uses cJSON).
 *
 * Values are appended to a growable in-memory buffer so that one record can be
 * written to its file with a single call (a reader never sees half a line). */
#ifndef BBD_JSONW_H
#define BBD_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#define JSONW_MAX_DEPTH 32

struct jsonw {
    char *buf;
    size_t len, cap;
    int depth;
    bool need_comma[JSONW_MAX_DEPTH];
    bool after_key;
    bool oom; /* set once an allocation failed; the text is then incomplete */
};

void jsonw_init(struct jsonw *w);
void jsonw_free(struct jsonw *w);
void jsonw_reset(struct jsonw *w);

void jsonw_obj_begin(struct jsonw *w);
void jsonw_obj_end(struct jsonw *w);
void jsonw_arr_begin(struct jsonw *w);
void jsonw_arr_end(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_str(struct jsonw *w, const char *s); /* NULL writes null */
void jsonw_num(struct jsonw *w, double v);      /* NaN/Inf write null */
void jsonw_int(struct jsonw *w, long long v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* Append already-serialised JSON (e.g. a cached sub-object) as one value. */
void jsonw_raw(struct jsonw *w, const char *json);

/* key + value shorthands */
void jsonw_kstr(struct jsonw *w, const char *key, const char *s);
void jsonw_knum(struct jsonw *w, const char *key, double v);
void jsonw_kint(struct jsonw *w, const char *key, long long v);
void jsonw_kbool(struct jsonw *w, const char *key, bool v);

/* NUL-terminated text written so far ("" if nothing). */
const char *jsonw_text(const struct jsonw *w);

#endif
