/* Unit tests of elf_read.c: the host's own libc and this test program (real files), a
 * hand-built ELF whose every table sits at an odd offset of a buffer at an odd address
 * (the reader must copy fields out, never dereference them in place: UBSan's alignment
 * check aborts the sanitizer build otherwise), and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "elf_read.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_libc(void **state)
{
    (void)state;
    struct elf_info e;
    struct bbd_err err;
    assert_int_equal(elf_read("/lib/x86_64-linux-gnu/libc.so.6", &e, &err), 0);
    assert_int_equal(e.machine, EM_X86_64);
    assert_string_equal(e.soname, "libc.so.6");
    assert_true(elf_defines_version(&e, "GLIBC_2.2.5"));
    assert_true(elf_defines_version(&e, "GLIBC_2.34"));
    assert_false(elf_defines_version(&e, "GLIBC_9.99"));
    const char *top = elf_highest_version(&e, "GLIBC_");
    assert_non_null(top);
    assert_true(elf_version_cmp(top, "GLIBC_2.34") >= 0);
    /* libc needs the loader's versions */
    bool found = false;
    for (size_t i = 0; i < e.n_verneed; i++)
        found |= !strcmp(e.verneed[i].file, "ld-linux-x86-64.so.2");
    assert_true(found);
    elf_free(&e);
}

static void test_libc_symbols(void **state)
{
    (void)state;
    struct elf_symtab t;
    struct bbd_err err;
    assert_int_equal(elf_read_symbols("/lib/x86_64-linux-gnu/libc.so.6", &t, &err), 0);
    assert_true(t.gnu);
    assert_true(t.has_versym);
    assert_true(t.n_syms > 1000);
    const struct elf_sym *s = elf_symtab_lookup(&t, "printf", NULL);
    assert_non_null(s);
    assert_int_equal(s->type, STT_FUNC);
    assert_string_equal(elf_sym_version(&t, s, NULL), "GLIBC_2.2.5");
    /* memcpy has two versions: the default (2.14) and the hidden old one (2.2.5) */
    const struct elf_sym *now = elf_symtab_lookup(&t, "memcpy", "GLIBC_2.14");
    const struct elf_sym *old = elf_symtab_lookup(&t, "memcpy", "GLIBC_2.2.5");
    assert_non_null(now);
    assert_non_null(old);
    assert_ptr_not_equal(now, old);
    /* ld.so binds an unversioned reference to the oldest (index 2) definition, even a
     * hidden one (do_lookup_x's check_match) */
    assert_ptr_equal(elf_symtab_lookup(&t, "memcpy", NULL), old);
    assert_null(elf_symtab_lookup(&t, "printf", "GLIBC_9.99"));
    assert_null(elf_symtab_lookup(&t, "bbd_no_such_symbol", NULL));
    elf_symtab_free(&t);
}

/* This program's own references: functions of libc.so.6, each with a GLIBC_ version (the
 * sanitizer build binds some to libasan instead, unversioned: any one will do), and
 * cmocka's, unversioned. */
static void test_own_references(void **state)
{
    (void)state;
    struct elf_symtab t;
    struct bbd_err err;
    assert_int_equal(elf_read_symbols("/proc/self/exe", &t, &err), 0);
    size_t glibc = 0, cmocka = 0;
    for (size_t i = 0; i < t.n_syms; i++) {
        const struct elf_sym *s = &t.syms[i];
        if (!elf_sym_is_reference(&t, s)) continue;
        const char *file = NULL;
        const char *v = elf_sym_version(&t, s, &file);
        if (v && !strncmp(v, "GLIBC_", 6) && file && !strcmp(file, "libc.so.6")) glibc++;
        if (!strcmp(elf_sym_name(&t, s), "_cmocka_run_group_tests")) {
            assert_null(v);
            cmocka++;
        }
    }
    assert_true(glibc > 0);
    assert_int_equal(cmocka, 1);
    elf_symtab_free(&t);
}

static void test_version_cmp(void **state)
{
    (void)state;
    assert_true(elf_version_cmp("GLIBC_2.34", "GLIBC_2.4") > 0);
    assert_true(elf_version_cmp("FABRIC_1.6", "FABRIC_1.7") < 0);
    assert_int_equal(elf_version_cmp("GLIBC_2.2.5", "GLIBC_2.2.5"), 0);
}

static void test_not_elf(void **state)
{
    (void)state;
    struct elf_info e;
    struct elf_symtab t;
    struct bbd_err err;
    assert_int_equal(elf_read("/etc/passwd", &e, &err), -1);
    assert_non_null(strstr(err.msg, "/etc/passwd"));
    assert_int_equal(elf_read("/nonexistent/lib.so", &e, &err), -1);
    assert_int_equal(err.code, BBD_EXIT_ENV);
    assert_int_equal(elf_read_symbols("/etc/passwd", &t, &err), -1);
}

/* ---- a hand-built shared object, every table at an odd offset ---- */

enum {
    IMG_SIZE = 0x800,
    OFF_PHDR = 0x41,
    OFF_DYN = 0x103,
    OFF_STR = 0x301,
    OFF_SYM = 0x401,
    OFF_VERSYM = 0x4b3,
    OFF_VERNEED = 0x4c5,
    OFF_VERDEF = 0x4f9,
    OFF_HASH = 0x567,
    OFF_DATA = 0x6a1,
};

struct image {
    unsigned char b[IMG_SIZE];
    char str[256];
    size_t n_str;
};

static void put(struct image *im, size_t off, const void *p, size_t n)
{
    assert_true(off + n <= IMG_SIZE);
    memcpy(im->b + off, p, n);
}

static uint32_t add_str(struct image *im, const char *s)
{
    uint32_t at = (uint32_t)im->n_str;
    memcpy(im->str + at, s, strlen(s) + 1);
    im->n_str += strlen(s) + 1;
    return at;
}

/* libodd.so.1: needs libfabric.so.1 (fi_getinfo@FABRIC_1.0, weak fi_opt); defines
 * odd_func@@ODD_1.1, odd_func@ODD_1.0 (hidden) and odd_version -> "4.0.2". */
static void build_image(struct image *im)
{
    memset(im, 0, sizeof(*im));
    add_str(im, "");
    uint32_t s_soname = add_str(im, "libodd.so.1"), s_fab = add_str(im, "libfabric.so.1");
    uint32_t s_fi = add_str(im, "fi_getinfo"), s_opt = add_str(im, "fi_opt");
    uint32_t s_func = add_str(im, "odd_func"), s_ver = add_str(im, "odd_version");
    uint32_t s_f10 = add_str(im, "FABRIC_1.0"), s_o10 = add_str(im, "ODD_1.0");
    uint32_t s_o11 = add_str(im, "ODD_1.1"), s_rp = add_str(im, "$ORIGIN/../lib");
    put(im, OFF_STR, im->str, im->n_str);
    put(im, OFF_DATA, "4.0.2", 6);

    Elf64_Ehdr eh = {.e_type = ET_DYN,
                     .e_machine = EM_X86_64,
                     .e_version = EV_CURRENT,
                     .e_phoff = OFF_PHDR,
                     .e_ehsize = sizeof(Elf64_Ehdr),
                     .e_phentsize = sizeof(Elf64_Phdr),
                     .e_phnum = 2};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    put(im, 0, &eh, sizeof(eh));
    Elf64_Phdr ph[2] = {
        {.p_type = PT_LOAD, .p_offset = 0, .p_vaddr = 0, .p_filesz = IMG_SIZE},
        {.p_type = PT_DYNAMIC, .p_offset = OFF_DYN, .p_vaddr = OFF_DYN, .p_filesz = 16 * 16},
    };
    put(im, OFF_PHDR, ph, sizeof(ph));

    Elf64_Sym syms[5] = {
        {0},
        {.st_name = s_fi, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC)},
        {.st_name = s_opt, .st_info = ELF64_ST_INFO(STB_WEAK, STT_NOTYPE)},
        /* hashed (defined) symbols from index 3: symoffset 3 */
        {.st_name = s_func,
         .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
         .st_shndx = 7,
         .st_value = 0x700},
        {.st_name = s_ver,
         .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT),
         .st_shndx = 8,
         .st_value = OFF_DATA,
         .st_size = 6},
    };
    put(im, OFF_SYM, syms, sizeof(syms));
    /* a second, hidden odd_func@ODD_1.0 would need another symbol; the default one is
     * ODD_1.1 and the reference to ODD_1.0 must not bind to it */
    uint16_t versym[5] = {0, 2, 1, 4, 4};
    put(im, OFF_VERSYM, versym, sizeof(versym));

    Elf64_Verneed vn = {.vn_version = 1,
                        .vn_cnt = 1,
                        .vn_file = s_fab,
                        .vn_aux = sizeof(Elf64_Verneed),
                        .vn_next = 0};
    Elf64_Vernaux va = {.vna_name = s_f10, .vna_other = 2};
    put(im, OFF_VERNEED, &vn, sizeof(vn));
    put(im, OFF_VERNEED + sizeof(vn), &va, sizeof(va));

    /* VERDEF: 1 base (file name), 3 ODD_1.0, 4 ODD_1.1 */
    const uint32_t names[3] = {s_soname, s_o10, s_o11};
    const uint16_t ndx[3] = {1, 3, 4};
    size_t off = OFF_VERDEF, step = sizeof(Elf64_Verdef) + sizeof(Elf64_Verdaux);
    for (int i = 0; i < 3; i++, off += step) {
        Elf64_Verdef vd = {.vd_version = 1,
                           .vd_flags = i == 0 ? VER_FLG_BASE : 0,
                           .vd_ndx = ndx[i],
                           .vd_cnt = 1,
                           .vd_aux = sizeof(Elf64_Verdef),
                           .vd_next = i < 2 ? (Elf64_Word)step : 0};
        Elf64_Verdaux da = {.vda_name = names[i]};
        put(im, off, &vd, sizeof(vd));
        put(im, off + sizeof(vd), &da, sizeof(da));
    }

    /* GNU hash: 1 bucket, symoffset 3, one bloom word, chain of symbols 3 and 4 */
    uint32_t hash[4 + 2 + 1 + 2] = {1, 3, 1, 6};
    memset(&hash[4], 0xff, 8);
    hash[6] = 3;
    hash[7] = elf_gnu_hash("odd_func") & ~1u;
    hash[8] = elf_gnu_hash("odd_version") | 1u;
    put(im, OFF_HASH, hash, sizeof(hash));

    const Elf64_Dyn dyn[] = {
        {DT_NEEDED, {s_fab}},
        {DT_SONAME, {s_soname}},
        {DT_RUNPATH, {s_rp}},
        {DT_STRTAB, {OFF_STR}},
        {DT_STRSZ, {im->n_str}},
        {DT_SYMTAB, {OFF_SYM}},
        {DT_SYMENT, {sizeof(Elf64_Sym)}},
        {DT_VERSYM, {OFF_VERSYM}},
        {DT_VERNEED, {OFF_VERNEED}},
        {DT_VERNEEDNUM, {1}},
        {DT_VERDEF, {OFF_VERDEF}},
        {DT_VERDEFNUM, {3}},
        {DT_GNU_HASH, {OFF_HASH}},
        {DT_NULL, {0}},
    };
    put(im, OFF_DYN, dyn, sizeof(dyn));
}

static void test_misaligned(void **state)
{
    (void)state;
    struct image im;
    build_image(&im);
    unsigned char *raw = malloc(IMG_SIZE + 1);
    assert_non_null(raw);
    unsigned char *odd = raw + 1; /* the buffer itself at an odd address too */
    memcpy(odd, im.b, IMG_SIZE);
    struct bbd_err err;

    struct elf_info e;
    assert_int_equal(elf_parse(odd, IMG_SIZE, "libodd", &e, &err), 0);
    assert_true(e.is_dynamic);
    assert_string_equal(e.soname, "libodd.so.1");
    assert_string_equal(e.runpath, "$ORIGIN/../lib");
    assert_int_equal(e.n_needed, 1);
    assert_string_equal(e.needed[0], "libfabric.so.1");
    assert_int_equal(e.n_verneed, 1);
    assert_string_equal(e.verneed[0].file, "libfabric.so.1");
    assert_string_equal(e.verneed[0].versions[0], "FABRIC_1.0");
    assert_int_equal(e.n_verdef, 2); /* the base entry is not a version */
    assert_true(elf_defines_version(&e, "ODD_1.1"));
    elf_free(&e);

    struct elf_symtab t;
    assert_int_equal(elf_parse_symbols(odd, IMG_SIZE, "libodd", &t, &err), 0);
    assert_int_equal(t.n_syms, 5);
    const char *file = NULL;
    assert_true(elf_sym_is_reference(&t, &t.syms[1]));
    assert_string_equal(elf_sym_name(&t, &t.syms[1]), "fi_getinfo");
    assert_string_equal(elf_sym_version(&t, &t.syms[1], &file), "FABRIC_1.0");
    assert_string_equal(file, "libfabric.so.1");
    assert_true(elf_sym_is_reference(&t, &t.syms[2]));
    assert_int_equal(t.syms[2].bind, STB_WEAK);
    assert_null(elf_sym_version(&t, &t.syms[2], &file));
    assert_false(elf_sym_is_reference(&t, &t.syms[3]));
    assert_ptr_equal(elf_symtab_lookup(&t, "odd_func", NULL), &t.syms[3]);
    assert_ptr_equal(elf_symtab_lookup(&t, "odd_func", "ODD_1.1"), &t.syms[3]);
    assert_null(elf_symtab_lookup(&t, "odd_func", "ODD_1.0"));
    assert_null(elf_symtab_lookup(&t, "fi_getinfo", NULL)); /* a reference, not a definition */
    assert_ptr_equal(elf_symtab_lookup(&t, "odd_version", NULL), &t.syms[4]);
    elf_symtab_free(&t);
    free(raw);
}

/* Cut or corrupted tables: an error naming the file, never a read out of bounds. */
static void test_malformed(void **state)
{
    (void)state;
    struct image im;
    struct bbd_err err;
    struct elf_info e;
    struct elf_symtab t;
    build_image(&im);
    /* truncated before the symbol table */
    assert_int_equal(elf_parse_symbols(im.b, OFF_SYM + 10, "cut", &t, &err), -1);
    assert_non_null(strstr(err.msg, "cut"));
    /* a GNU hash chain that never ends runs into the end of the file */
    uint32_t open_chain = elf_gnu_hash("odd_version") & ~1u;
    put(&im, OFF_HASH + 8 * 4, &open_chain, 4);
    memset(im.b + OFF_HASH + 9 * 4, 0, IMG_SIZE - OFF_HASH - 9 * 4);
    assert_int_equal(elf_parse_symbols(im.b, IMG_SIZE, "chain", &t, &err), -1);
    /* a string index past the string table */
    build_image(&im);
    Elf64_Dyn needed = {DT_NEEDED, {5000}};
    put(&im, OFF_DYN, &needed, sizeof(needed));
    assert_int_equal(elf_parse(im.b, IMG_SIZE, "str", &e, &err), -1);
    /* program headers past the end */
    build_image(&im);
    uint16_t many = 500;
    put(&im, offsetof(Elf64_Ehdr, e_phnum), &many, sizeof(many));
    assert_int_equal(elf_parse(im.b, IMG_SIZE, "phdr", &e, &err), -1);
    assert_non_null(strstr(err.msg, "program headers"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_libc),           cmocka_unit_test(test_libc_symbols),
        cmocka_unit_test(test_own_references), cmocka_unit_test(test_version_cmp),
        cmocka_unit_test(test_not_elf),        cmocka_unit_test(test_misaligned),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
