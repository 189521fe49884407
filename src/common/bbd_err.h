/* bbd_err.h — error object shared by every bitbulldozer library.
 *
 * A function that can fail returns -1 and fills a struct bbd_err with the failing
 * call, the object concerned and the reason. Only main() turns errors into exit
 * codes; library code never calls exit(). */
#ifndef BBD_ERR_H
#define BBD_ERR_H

#include <stdarg.h>

/* Exit codes of every bitbulldozer program. */
enum bbd_exit {
    BBD_EXIT_OK = 0,    /* success */
    BBD_EXIT_FAIL = 1,  /* measurement or validation failed */
    BBD_EXIT_USAGE = 2, /* bad command line or input */
    BBD_EXIT_ENV = 3,   /* environment error: MPI, GPU, file system, timeout */
};

struct bbd_err {
    int code; /* one of enum bbd_exit */
    char msg[1024];
};

/* Set the error message (printf-style) and code; always returns -1. */
int bbd_err_set(struct bbd_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "CALL(OBJECT): strerror(errno)" with code BBD_EXIT_ENV; always returns -1. */
int bbd_err_sys(struct bbd_err *err, const char *call, const char *object);

/* Clear an error object. */
void bbd_err_clear(struct bbd_err *err);

#endif
