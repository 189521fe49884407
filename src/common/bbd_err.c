#include "bbd_err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int bbd_err_set(struct bbd_err *err, int code, const char *fmt, ...)
{
    if (err == NULL) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    err->code = code;
    return -1;
}

int bbd_err_sys(struct bbd_err *err, const char *call, const char *object)
{
    int saved = errno;
    return bbd_err_set(err, BBD_EXIT_ENV, "%s(%s): %s", call, object ? object : "",
                       strerror(saved));
}

void bbd_err_clear(struct bbd_err *err)
{
    if (err == NULL) return;
    err->code = BBD_EXIT_OK;
    err->msg[0] = '\0';
}
