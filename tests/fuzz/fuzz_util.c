/* fuzz_util.c — see fuzz_util.h. */
#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int fuzz_file(const uint8_t *data, size_t size, char *path, size_t len)
{
    static int fd = -1;
    if (fd < 0 && (fd = memfd_create("bbd-fuzz", 0)) < 0) return -1;
    if (ftruncate(fd, 0) < 0) return -1;
    for (size_t done = 0; done < size;) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        if (n <= 0) return -1;
        done += (size_t)n;
    }
    snprintf(path, len, "/proc/self/fd/%d", fd);
    return 0;
}

char *fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL) abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

void *fuzz_devnull(void)
{
    static FILE *f;
    if (f == NULL && (f = fopen("/dev/null", "w")) == NULL) abort();
    return f;
}

void fuzz_fail(const char *harness, const char *what)
{
    fprintf(stderr, "%s: %s\n", harness, what);
    abort();
}
