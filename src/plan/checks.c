/* checks.c — see checks.h. */
#include "checks.h"

#include "hostmpi.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

int check_mpi_abi(const char *host_path, const char *host_name, const char *image_path,
                  const char *image_name, struct bbd_err *err)
{
    int hmaj = 0, imaj = 0;
    const char *hfam = mpi_abi_family(host_name, &hmaj);
    const char *ifam = mpi_abi_family(image_name, &imaj);
    if (hfam == NULL)
        return bbd_err_set(err, BBD_EXIT_FAIL,
                           "refused: host MPI %s (%s) is not a known MPI library name", host_path,
                           host_name);
    if (ifam == NULL || strcmp(hfam, ifam) || hmaj != imaj)
        return bbd_err_set(err, BBD_EXIT_FAIL,
                           "refused: MPI ABI mismatch: host %s is %s ABI (%s, major %d) but the "
                           "image's %s is %s ABI (%s, major %d); they are never interchangeable",
                           host_path, hfam, host_name, hmaj, image_path, ifam ? ifam : "no known",
                           image_name, imaj);
    return 0;
}

/* "GLIBC_" for "GLIBC_2.34": the part before the first digit. */
static void version_prefix(const char *v, char *out, size_t size)
{
    size_t n = 0;
    while (v[n] && !isdigit((unsigned char)v[n]))
        n++;
    snprintf(out, size, "%.*s", (int)n, v);
}

int check_versions(const char *consumer_desc, const struct elf_info *consumer, const char *file,
                   const char *provider_desc, const struct elf_info *provider, struct bbd_err *err)
{
    for (size_t i = 0; i < consumer->n_verneed; i++) {
        const struct elf_verneed *vn = &consumer->verneed[i];
        if (strcmp(vn->file, file)) continue;
        for (size_t k = 0; k < vn->n_versions; k++) {
            const char *v = vn->versions[k];
            if (elf_defines_version(provider, v)) continue;
            char prefix[64];
            version_prefix(v, prefix, sizeof(prefix));
            const char *top = elf_highest_version(provider, prefix);
            return bbd_err_set(err, BBD_EXIT_FAIL, "refused: %s needs %s from %s, but %s %s%s%s",
                               consumer_desc, v, file, provider_desc,
                               top ? "defines only up to " : "does not define it", top ? top : "",
                               check_is_glibc(file) ? " (a newer glibc would be needed; "
                                                      "--inject-glibc injects the host's)"
                                                    : "");
        }
    }
    return 0;
}

bool check_is_glibc(const char *soname)
{
    static const char *const glibc[] = {"libc.so.6",
                                        "libm.so.6",
                                        "libpthread.so.0",
                                        "libdl.so.2",
                                        "librt.so.1",
                                        "libresolv.so.2",
                                        "libutil.so.1",
                                        "libanl.so.1",
                                        "libmvec.so.1",
                                        "libBrokenLocale.so.1",
                                        "ld-linux*.so.*",
                                        "libnsl.so.1",
                                        NULL};
    for (const char *const *g = glibc; *g; g++)
        if (!fnmatch(*g, soname, 0)) return true;
    return false;
}
