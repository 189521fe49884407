/* mpiver.c — see mpiver.h. */
#include "mpiver.h"

#include "elf_read.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *abi_check_name(enum abi_check c)
{
    return c == ABI_FULL ? "full" : c == ABI_STRICT ? "strict" : "major";
}

int abi_check_parse(const char *name, enum abi_check *c)
{
    static const enum abi_check all[] = {ABI_MAJOR, ABI_FULL, ABI_STRICT};
    for (size_t i = 0; i < 3; i++)
        if (!strcmp(name, abi_check_name(all[i]))) return *c = all[i], 0;
    return -1;
}

/* libmpich.so.12.2.2 -> 12 2 2 (Sarus reads the same numbers). */
static void file_numbers(const char *name, int abi[3])
{
    abi[0] = abi[1] = abi[2] = -1;
    const char *so = strstr(strrchr(name, '/') ? strrchr(name, '/') + 1 : name, ".so.");
    for (int i = 0; so && i < 3; i++) {
        const char *p = so + (i == 0 ? 4 : 1);
        if (!isdigit((unsigned char)*p)) break;
        char *end;
        abi[i] = (int)strtol(p, &end, 10);
        so = *end == '.' ? end : NULL;
    }
}

/* Copy the run of version characters (and ':' for a device) at the start of S to OUT. */
static void version_chars(const char *s, const char *extra, char *out, size_t len)
{
    size_t k = 0;
    while (s[k] && k + 1 < len && (isalnum((unsigned char)s[k]) || strchr(extra, s[k])))
        k++;
    snprintf(out, len, "%.*s", (int)k, s);
}

/* The version characters after PREFIX in [S, S+LEN), "" when absent. */
static void after_in(const char *s, size_t len, const char *prefix, const char *extra, char *out,
                     size_t out_len)
{
    const char *p = memmem(s, len, prefix, strlen(prefix));
    out[0] = '\0';
    if (p) version_chars(p + strlen(prefix), extra, out, out_len);
}

/* MPICH >= 4.1 hides MPII_Version_*; its read-only data still holds, one after the other,
 * the configure line (with --with-device=), the libtool version "c:r:a" (known from the
 * file name: .so.(c-a).a.r), the release date and the release. One search finds them. */
static int mpich_hidden(const char *file, struct mpi_version *v, struct bbd_err *err)
{
    if (v->abi[0] < 0 || v->abi[1] < 0 || v->abi[2] < 0) return 0;
    char needle[48], *w;
    size_t at, len;
    int n = snprintf(needle, sizeof(needle), "%c%d:%d:%d%c", 0, v->abi[0] + v->abi[1], v->abi[2],
                     v->abi[1], 0);
    int found = elf_rodata_find(file, needle, (size_t)n, 16384, 160, &w, &len, &at, err);
    if (found <= 0) return found;
    const char *end = w + len, *date = w + at + (size_t)n;
    while (date < end && *date == '\0') /* alignment padding */
        date++;
    const char *p = date + strnlen(date, (size_t)(end - date));
    while (p < end && *p == '\0')
        p++;
    if (strlen(date) >= 8 && p < end && isdigit((unsigned char)*p)) {
        version_chars(p, ".", v->release, sizeof(v->release));
        snprintf(v->family, sizeof(v->family), "MPICH");
        snprintf(v->base, sizeof(v->base), "%s", v->release);
        after_in(w, at, "--with-device=", ":", v->device, sizeof(v->device));
    }
    free(w);
    return 0;
}

/* cray-mpich names its version in a literal, not in a symbol. */
static int scan_cray(const char *file, struct mpi_version *v, struct bbd_err *err)
{
    static const char prefix[] = "CRAY MPICH version ";
    char *w;
    size_t at, len;
    int found = elf_rodata_find(file, prefix, strlen(prefix), 0, 160, &w, &len, &at, err);
    if (found <= 0) return found;
    char release[64];
    after_in(w, len, prefix, ".", release, sizeof(release));
    if (release[0] && isdigit((unsigned char)release[0])) {
        snprintf(v->family, sizeof(v->family), "Cray MPICH");
        snprintf(v->release, sizeof(v->release), "%s", release);
        if (!v->base[0]) after_in(w, len, "ANL base ", ".", v->base, sizeof(v->base));
    }
    free(w);
    return 0;
}

int mpi_version_read(const char *file, const char *name, bool deep, struct mpi_version *v,
                     struct bbd_err *err)
{
    static const char *const syms[] = {"MPII_Version_string", "MPII_Version_device",
                                       "ompi_version_string"};
    char *val[3];
    memset(v, 0, sizeof(*v));
    file_numbers(name, v->abi);
    if (elf_symbol_strings(file, syms, val, 3, err)) return -1;
    if (val[2]) {
        snprintf(v->family, sizeof(v->family), "Open MPI");
        snprintf(v->release, sizeof(v->release), "%s", val[2]);
    } else if (val[0]) {
        snprintf(v->family, sizeof(v->family), "MPICH");
        snprintf(v->release, sizeof(v->release), "%s", val[0]);
        snprintf(v->base, sizeof(v->base), "%s", val[0]);
        snprintf(v->device, sizeof(v->device), "%s", val[1] ? val[1] : "");
    }
    for (int i = 0; i < 3; i++)
        free(val[i]);
    const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
    /* libmpi_cray, libmpi_gnu_123, ...: Cray's names; then MPICH that hides its symbols */
    if (deep && !fnmatch("libmpi_*.so*", base, 0) && scan_cray(file, v, err)) return -1;
    if (deep && !v->family[0] && mpich_hidden(file, v, err)) return -1;
    return 0;
}

void mpi_version_text(const struct mpi_version *v, char *buf, size_t len)
{
    char abi[48] = "";
    if (v->abi[0] >= 0) {
        int n = snprintf(abi, sizeof(abi), ", ABI %d", v->abi[0]);
        for (int i = 1; i < 3 && v->abi[i] >= 0 && n > 0 && (size_t)n < sizeof(abi); i++)
            n += snprintf(abi + n, sizeof(abi) - (size_t)n, ".%d", v->abi[i]);
    }
    char based[96] = "";
    if (v->base[0] && strcmp(v->base, v->release))
        snprintf(based, sizeof(based), " (based on MPICH %s)", v->base);
    snprintf(buf, len, "%s %s%s%s%s%s%s", v->family[0] ? v->family : "unknown MPI",
             v->release[0] ? v->release : "(version not readable)", based, v->device[0] ? " (" : "",
             v->device, v->device[0] ? ")" : "", abi);
}

/* The release both are compared by: the MPICH base, else the family's own release. */
static const char *key(const struct mpi_version *v)
{
    return v->base[0] ? v->base : v->release;
}

/* "4.0.2" -> "4.0" for the strict policy's release series. */
static void series(const char *v, char *out, size_t len)
{
    const char *dot = strchr(v, '.');
    size_t n = dot ? (size_t)(strcspn(dot + 1, ".") + (size_t)(dot + 1 - v)) : strlen(v);
    snprintf(out, len, "%.*s", (int)n, v);
}

int mpi_version_check(enum abi_check policy, const struct mpi_version *host, const char *host_path,
                      const struct mpi_version *image, const char *image_path, char *why,
                      size_t why_len, struct bbd_err *err)
{
    char ht[256], it[256];
    mpi_version_text(host, ht, sizeof(ht));
    mpi_version_text(image, it, sizeof(it));
    const char *name = abi_check_name(policy);
    if (policy == ABI_MAJOR) {
        snprintf(why, why_len, "--abi-check major: the soname majors agree; releases not compared");
        return 0;
    }
    const char *hk = key(host), *ik = key(image);
    if (hk[0] && ik[0]) {
        char hs[64], is[64];
        series(hk, hs, sizeof(hs));
        series(ik, is, sizeof(is));
        bool ok = policy == ABI_FULL ? elf_version_cmp(hk, ik) >= 0 : !strcmp(hs, is);
        snprintf(why, why_len, "--abi-check %s: host release %s %s the image's %s", name, hk,
                 policy == ABI_FULL ? (ok ? "is not older than" : "is older than")
                                    : (ok ? "is the same series as" : "is not the same series as"),
                 ik);
        if (ok) return 0;
        return bbd_err_set(
            err, BBD_EXIT_FAIL,
            "refused: --abi-check %s: host MPI %s (%s) is %s the image's %s "
            "(%s)%s",
            name, host_path, ht, policy == ABI_FULL ? "older than" : "another release series than",
            image_path, it,
            policy == ABI_FULL ? "; the image may call functions the host lacks" : "");
    }
    if (host->abi[1] >= 0 && image->abi[1] >= 0) { /* Sarus' rule: the file names' minor */
        bool ok =
            policy == ABI_FULL ? host->abi[1] >= image->abi[1] : host->abi[1] == image->abi[1];
        snprintf(why, why_len, "--abi-check %s: no release readable; file name minor %d vs %d",
                 name, host->abi[1], image->abi[1]);
        if (ok) return 0;
        return bbd_err_set(err, BBD_EXIT_FAIL,
                           "refused: --abi-check %s: host MPI %s (%s) has ABI minor %d, the "
                           "image's %s (%s) %d",
                           name, host_path, ht, host->abi[1], image_path, it, image->abi[1]);
    }
    return bbd_err_set(err, BBD_EXIT_FAIL,
                       "refused: --abi-check %s: cannot compare host MPI %s (%s) with the image's "
                       "%s (%s): no release string and no minor number in the file names; use "
                       "--abi-check major",
                       name, host_path, ht, image_path, it);
}
