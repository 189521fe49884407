/* bbd_fs.h — file-system helpers shared by the parts. */
#ifndef BBD_FS_H
#define BBD_FS_H

#include "bbd_err.h"

/* mkdir -p PATH (mode 0755); 0, or -1 with err naming the folder that failed. */
int bbd_mkdir_p(const char *path, struct bbd_err *err);

#endif
