/* hostmpi.c — see hostmpi.h. */
#include "hostmpi.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* MPI library names, most specific first: what a prefix or the cache is searched for. */
static const char *const mpi_names[] = {"libmpi_cray.so.12", "libmpi.so.12", "libmpich.so.12",
                                        "libmpi.so.40", NULL};

const char *mpi_abi_family(const char *name, int *major)
{
    const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
    static const char *const stems[] = {"libmpi.so.", "libmpich.so.", "libmpi_cray.so.", NULL};
    for (const char *const *s = stems; *s; s++) {
        size_t n = strlen(*s);
        if (strncmp(base, *s, n)) continue;
        *major = atoi(base + n);
        if (*major == 12) return "MPICH";
        if (*major == 40 || *major == 20) return "Open MPI";
        return "unknown MPI ABI";
    }
    return NULL;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The first of NAMES present in PREFIX/lib64, PREFIX/lib or PREFIX. */
static int search_prefix(const char *prefix, const char *const *names, char path[PATH_MAX])
{
    static const char *const subs[] = {"/lib64", "/lib", "", NULL};
    for (const char *const *s = subs; *s; s++)
        for (const char *const *n = names; *n; n++)
            if (snprintf(path, PATH_MAX, "%s%s/%s", prefix, *s, *n) < PATH_MAX && is_file(path))
                return 1;
    return 0;
}

/* An explicit PATH: a file, or a prefix holding one of NAMES. */
static int from_hint(const char *hint, const char *const *names, const char *what,
                     char path[PATH_MAX], struct bbd_err *err)
{
    if (hint[0] != '/')
        return bbd_err_set(err, BBD_EXIT_USAGE, "%s %s: not an absolute path", what, hint);
    if (is_file(hint)) return snprintf(path, PATH_MAX, "%s", hint), 1;
    if (search_prefix(hint, names, path)) return 1;
    return bbd_err_set(err, BBD_EXIT_ENV, "%s %s: neither a library nor a prefix holding %s", what,
                       hint, names[0]);
}

static int from_cache(const struct ld_env *host, const char *const *names, char path[PATH_MAX])
{
    for (const char *const *n = names; *n; n++) {
        const char *p = host->cache ? ldcache_lookup(host->cache, *n) : NULL;
        if (p && is_file(p)) return snprintf(path, PATH_MAX, "%s", p), 1;
    }
    return 0;
}

/* `mpicc -show`, run without a shell; its output in BUF. */
static int run_mpicc_show(char *buf, size_t size)
{
    const char *mpicc = getenv("MPICC") ? getenv("MPICC") : "mpicc";
    int fds[2];
    if (pipe(fds) < 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execlp(mpicc, mpicc, "-show", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while (len + 1 < size && (n = read(fds[0], buf + len, size - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* -L<dir> and -l<name> of `mpicc -show`: lib<name>.so in a -L dir, else in the
 * default dirs; the link-time name is followed to the real file. */
static int from_mpicc(const struct ld_env *host, char path[PATH_MAX])
{
    char out[8192];
    if (run_mpicc_show(out, sizeof(out))) return 0;
    char *dirs[64];
    size_t n_dirs = 0;
    for (const char *const *d = ld_default_dirs(host->machine); *d && n_dirs < 32; d++)
        dirs[n_dirs++] = (char *)*d;
    char *save = NULL;
    char *libs[16];
    size_t n_libs = 0;
    for (char *t = strtok_r(out, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
        if (!strncmp(t, "-L", 2) && t[2] == '/' && n_dirs < 64) {
            memmove(dirs + 1, dirs, n_dirs * sizeof(*dirs)); /* -L dirs come first */
            dirs[0] = t + 2;
            n_dirs++;
        } else if (!strncmp(t, "-lmpi", 5) && n_libs < 16) {
            libs[n_libs++] = t + 2;
        }
    }
    for (size_t l = 0; l < n_libs; l++)
        for (size_t d = 0; d < n_dirs; d++) {
            char dev[PATH_MAX];
            if (snprintf(dev, sizeof(dev), "%s/lib%s.so", dirs[d], libs[l]) < (int)sizeof(dev) &&
                is_file(dev) && realpath(dev, path))
                return 1;
        }
    return 0;
}

int host_find_mpi(const struct ld_env *host, const char *hint, char path[PATH_MAX], char *how,
                  size_t how_size, struct bbd_err *err)
{
    int r;
    if (hint) {
        if ((r = from_hint(hint, mpi_names, "--host-mpi", path, err)) > 0)
            snprintf(how, how_size, "given with --host-mpi %s", hint);
        return r;
    }
    const char *cray = getenv("CRAY_MPICH_DIR");
    if (cray && cray[0] == '/' && search_prefix(cray, mpi_names, path))
        return snprintf(how, how_size, "found in CRAY_MPICH_DIR=%s", cray), 1;
    if (from_mpicc(host, path))
        return snprintf(how, how_size, "found from `%s -show`",
                        getenv("MPICC") ? getenv("MPICC") : "mpicc"),
               1;
    if (from_cache(host, mpi_names, path))
        return snprintf(how, how_size, "found in the host's ld.so.cache"), 1;
    return bbd_err_set(err, BBD_EXIT_ENV,
                       "host_find_mpi: no host MPI found (tried CRAY_MPICH_DIR, mpicc -show, "
                       "ld.so.cache for libmpi.so.12/libmpich.so.12/libmpi.so.40); give "
                       "--host-mpi PATH");
}

int host_find_fabric(const struct ld_env *host, const char *hint, char path[PATH_MAX], char *how,
                     size_t how_size, struct bbd_err *err)
{
    static const char *const names[] = {"libfabric.so.1", NULL};
    int r;
    if (hint) {
        if ((r = from_hint(hint, names, "--host-fabric", path, err)) > 0)
            snprintf(how, how_size, "given with --host-fabric %s", hint);
        return r;
    }
    if (from_cache(host, names, path))
        return snprintf(how, how_size, "found in the host's ld.so.cache"), 1;
    return bbd_err_set(err, BBD_EXIT_ENV,
                       "host_find_fabric: no libfabric.so.1 in the host's ld.so.cache; give "
                       "--host-fabric PATH");
}

int host_find_gtl(const struct ld_env *host, const char *hint, char path[PATH_MAX], char *how,
                  size_t how_size, struct bbd_err *err)
{
    static const char *const names[] = {"libmpi_gtl_hsa.so", "libmpi_gtl_cuda.so", NULL};
    int r;
    if (hint) {
        if ((r = from_hint(hint, names, "--host-gtl", path, err)) > 0)
            snprintf(how, how_size, "given with --host-gtl %s", hint);
        return r;
    }
    const char *cray = getenv("CRAY_MPICH_DIR");
    char gtl[PATH_MAX];
    if (cray && cray[0] == '/' &&
        snprintf(gtl, sizeof(gtl), "%s/../../gtl", cray) < (int)sizeof(gtl) &&
        search_prefix(gtl, names, path))
        return snprintf(how, how_size, "found under CRAY_MPICH_DIR=%s", cray), 1;
    for (size_t i = 0; host->cache && i < host->cache->n_entries; i++) {
        const struct ldcache_entry *e = &host->cache->entries[i];
        if ((!fnmatch("libmpi_gtl_hsa.so*", e->name, 0) ||
             !fnmatch("libmpi_gtl_cuda.so*", e->name, 0)) &&
            is_file(e->path))
            return snprintf(path, PATH_MAX, "%s", e->path),
                   snprintf(how, how_size, "found in the host's ld.so.cache"), 1;
    }
    return bbd_err_set(err, BBD_EXIT_ENV,
                       "host_find_gtl: no libmpi_gtl_hsa/libmpi_gtl_cuda found (CRAY_MPICH_DIR, "
                       "ld.so.cache); give --host-gtl PATH");
}
