/* fuzz_import.c — `bbd import`'s readers (src/run/run_import.c) on arbitrary text: JSON
 * lines (strict, as `bbd import` reads files, and lenient, as `bbd run` reads a cell's
 * stdout) and OSU text tables. Every record accepted must be storable as it is. */
#include "fuzz_util.h"
#include "run_import.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void check(const struct run_records *rs, int bad)
{
    if (bad < -1) fuzz_fail("fuzz_import", "negative count of bad lines");
    for (int i = 0; i < rs->n; i++) {
        const struct run_record *r = &rs->r[i];
        if (r->size < 0) fuzz_fail("fuzz_import", "accepted a negative size");
        if (!isfinite(r->value)) fuzz_fail("fuzz_import", "accepted a value that is not finite");
        if (strlen(r->placement) != 3) fuzz_fail("fuzz_import", "accepted a bad placement");
        if (!r->test[0]) fuzz_fail("fuzz_import", "accepted a record without test");
        if (strcmp(r->unit, "us") && strcmp(r->unit, "MB/s") && strcmp(r->unit, "GB/s"))
            fuzz_fail("fuzz_import", "accepted an unknown unit");
    }
}

typedef int (*reader)(FILE *in, struct run_records *out, FILE *diag);

static int jsonl_strict(FILE *in, struct run_records *out, FILE *diag)
{
    return run_import_jsonl(in, "fuzz", false, out, diag);
}

static int jsonl_lenient(FILE *in, struct run_records *out, FILE *diag)
{
    return run_import_jsonl(in, "fuzz", true, out, diag);
}

static int osu_header(FILE *in, struct run_records *out, FILE *diag)
{
    return run_import_osu(in, "fuzz", NULL, NULL, out, diag);
}

static int osu_given(FILE *in, struct run_records *out, FILE *diag)
{
    return run_import_osu(in, "fuzz", "bw", "D H", out, diag);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const reader readers[] = {jsonl_strict, jsonl_lenient, osu_header, osu_given};
    for (size_t k = 0; k < sizeof(readers) / sizeof(readers[0]); k++) {
        FILE *in = fmemopen((void *)data, size, "r");
        if (in == NULL) return 0; /* size 0 */
        struct run_records rs = {0};
        int bad = readers[k](in, &rs, fuzz_devnull());
        fclose(in);
        if (k < 2 || bad == 0) check(&rs, bad); /* OSU rows get test and unit when clean */
        run_records_free(&rs);
    }
    return 0;
}
