/* fuzz_util.h — what the fuzz harnesses of tests/fuzz share.
 *
 * Each harness defines LLVMFuzzerTestOneInput(); it is linked either with libFuzzer
 * (-DBBD_FUZZ=ON, clang: tests/fuzz/run-fuzzers) or with replay.c, which feeds it the
 * committed corpus and regression inputs under ctest. */
#ifndef BBD_FUZZ_UTIL_H
#define BBD_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Put DATA in an in-memory file and write a path that opens it ("/proc/self/fd/N") into
 * PATH, for readers that take a file name. -1 if the file cannot be made. */
int fuzz_file(const uint8_t *data, size_t size, char *path, size_t len);

/* DATA as a NUL-terminated string (malloc'ed; embedded NULs end it early). */
char *fuzz_string(const uint8_t *data, size_t size);

/* A stream that discards what is written (diagnostics of the parsers). */
void *fuzz_devnull(void);

/* Stop with a message naming the broken promise (a finding, like a crash). */
void fuzz_fail(const char *harness, const char *what) __attribute__((noreturn));

#endif
