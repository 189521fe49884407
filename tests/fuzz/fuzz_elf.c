/* fuzz_elf.c — the ELF reader (src/plan/elf_read.c) on arbitrary files: program headers,
 * the dynamic section and its string table, version needs (Elf64_Verneed/Vernaux) and
 * version definitions (Elf64_Verdef/Verdaux). A file it cannot read must give an error
 * with exit code 2 or 3 and a one-line message, never a crash, a leak or UB. */
#include "elf_read.h"
#include "fuzz_util.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    if (fuzz_file(data, size, path, sizeof(path)) < 0) return 0;
    struct elf_info info;
    struct bbd_err err = {0};
    if (elf_read(path, &info, &err) < 0) {
        if ((err.code != BBD_EXIT_USAGE && err.code != BBD_EXIT_ENV) || !err.msg[0] ||
            strchr(err.msg, '\n'))
            fuzz_fail("fuzz_elf", "error without exit code 2/3 or one-line message");
        return 0;
    }
    /* what bbd plan asks of a file it read */
    elf_highest_version(&info, "GLIBC_");
    elf_defines_version(&info, "FABRIC_1.7");
    for (size_t i = 0; i + 1 < info.n_verdef; i++)
        elf_version_cmp(info.verdef[i], info.verdef[i + 1]);
    for (size_t i = 0; i < info.n_verneed; i++)
        for (size_t j = 0; j < info.verneed[i].n_versions; j++)
            if (!info.verneed[i].file[0] && !info.verneed[i].versions[j][0])
                continue; /* read every string: ASan checks them */
    elf_free(&info);
    return 0;
}
