/* xccl.h — the collective library, NCCL (libnccl.so.2) or RCCL (librccl.so.1), loaded
 * at run time with dlopen. Both export the same C API (ncclAllReduce, ...), so one
 * table of function pointers serves both and a backend is only a list of file names
 * and the GPU runtime it goes with. The prototypes are ours: nothing from nccl.h is
 * needed to build (xccl_nccl_check.c checks them against nccl.h when it is there). */
#ifndef BBD_XCCL_H
#define BBD_XCCL_H

#include "bbd_err.h"

#include <stddef.h>

#define XCCL_UNIQUE_ID_BYTES 128                 /* NCCL_UNIQUE_ID_BYTES */
enum { XCCL_SUCCESS = 0, XCCL_IN_PROGRESS = 7 }; /* ncclSuccess, ncclInProgress */

typedef struct {
    char internal[XCCL_UNIQUE_ID_BYTES];
} xccl_unique_id;
typedef struct xccl_comm_s *xccl_comm; /* ncclComm_t */

/* ncclResult_t, ncclDataType_t and ncclRedOp_t are C enums: passed as int. */
struct xccl_api {
    int (*get_version)(int *version);
    int (*get_unique_id)(xccl_unique_id *id);
    int (*comm_init_rank)(xccl_comm *comm, int nranks, xccl_unique_id id, int rank);
    int (*comm_destroy)(xccl_comm comm);
    int (*comm_abort)(xccl_comm comm);
    int (*comm_get_async_error)(xccl_comm comm, int *async_error);
    const char *(*get_error_string)(int result);
    const char *(*get_last_error)(xccl_comm comm); /* optional (NCCL >= 2.13) */
    int (*all_reduce)(const void *s, void *r, size_t count, int dtype, int op, xccl_comm comm,
                      void *stream);
    int (*all_gather)(const void *s, void *r, size_t sendcount, int dtype, xccl_comm comm,
                      void *stream);
    int (*reduce_scatter)(const void *s, void *r, size_t recvcount, int dtype, int op,
                          xccl_comm comm, void *stream);
    int (*broadcast)(const void *s, void *r, size_t count, int dtype, int root, xccl_comm comm,
                     void *stream);
    int (*reduce)(const void *s, void *r, size_t count, int dtype, int op, int root, xccl_comm comm,
                  void *stream);
    int (*send)(const void *s, size_t count, int dtype, int peer, xccl_comm comm, void *stream);
    int (*recv)(void *r, size_t count, int dtype, int peer, xccl_comm comm, void *stream);
    int (*group_start)(void);
    int (*group_end)(void);
};

struct xccl {
    struct xccl_api api;
    const char *name;  /* "nccl", "rccl", or "standin" (test-only library) */
    const char *gpu;   /* GPU runtime it works with: "cuda", "hip", "standin" */
    char library[512]; /* file it was loaded from */
    int version_code;  /* ncclGetVersion */
    char version[32];  /* "2.28.9" */
    void *dl;
};

/* Load want ("nccl", "rccl", "auto": nccl then rccl), or the file `path` when not NULL
 * (a library exporting bbd_xccl_standin is the test-only stand-in, refused unless
 * BBD_TEST_GPU_STANDIN=1). Nothing in the library is called yet. NULL with err
 * (BBD_EXIT_USAGE when no library is found, with dlopen's reason). */
struct xccl *xccl_open(const char *want, const char *path, struct bbd_err *err);
/* Ask the library its version (ncclGetVersion), filling version_code and version. */
int xccl_query_version(struct xccl *x, struct bbd_err *err);
void xccl_close(struct xccl *x);

/* "2.28.9" from ncclGetVersion's code (X*10000+Y*100+Z since 2.9, X*1000+Y*100+Z before). */
void xccl_version_string(int code, char *buf, size_t len);

/* Fill err with "CALL(OBJECT): library reason (error N)[: last error]"; returns -1. */
int xccl_fail(const struct xccl *x, xccl_comm comm, int rc, const char *call, const char *obj,
              struct bbd_err *err);

#endif
