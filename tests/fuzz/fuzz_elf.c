/* fuzz_elf.c — the ELF reader (src/common/elf_read.c) on arbitrary files: program headers,
 * the dynamic section and its string table, version needs (Elf64_Verneed/Vernaux) and
 * version definitions (Elf64_Verdef/Verdaux), then the dynamic symbol table (.dynsym sized
 * through DT_GNU_HASH / DT_HASH, .gnu.version) and the look-ups bbd plan's symbol check
 * makes. A file it cannot read must give an error with exit code 2 or 3 and a one-line
 * message, never a crash, a leak or UB. */
#include "elf_read.h"
#include "fuzz_util.h"

#include <string.h>

static void check_error(const struct bbd_err *err)
{
    if ((err->code != BBD_EXIT_USAGE && err->code != BBD_EXIT_ENV) || !err->msg[0] ||
        strchr(err->msg, '\n'))
        fuzz_fail("fuzz_elf", "error without exit code 2/3 or one-line message");
}

/* What the symbol check asks of an image object (its references) and of a replacement
 * (a definition for each, by the reference's version). */
static void symbols(const uint8_t *data, size_t size)
{
    struct elf_symtab t;
    struct bbd_err err = {0};
    if (elf_parse_symbols(data, size, "fuzz", &t, &err) < 0) {
        check_error(&err);
        return;
    }
    for (size_t i = 0; i < t.n_syms; i++) {
        const struct elf_sym *sym = &t.syms[i];
        const char *file = NULL, *name = elf_sym_name(&t, sym);
        const char *ver = elf_sym_version(&t, sym, &file);
        if (name && elf_sym_is_reference(&t, sym)) elf_symtab_lookup(&t, name, ver);
    }
    elf_symtab_lookup(&t, "MPI_Init", NULL);
    elf_symtab_lookup(&t, "fi_getinfo", "FABRIC_1.0");
    elf_symtab_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    if (fuzz_file(data, size, path, sizeof(path)) < 0) return 0;
    struct elf_info info;
    struct bbd_err err = {0};
    symbols(data, size);
    if (elf_read(path, &info, &err) < 0) {
        check_error(&err);
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
