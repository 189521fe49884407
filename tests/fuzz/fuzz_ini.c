/* fuzz_ini.c — the INI matrix reader (`bbd run --config FILE`: libinih + src/run/run_spec.c)
 * over the embedded default, then the checks, the matrix expansion and the canonical JSON
 * stored with a run, which must be valid JSON for any accepted config. */
#include "fuzz_util.h"
#include "run_matrix.h"
#include "run_spec.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    if (fuzz_file(data, size, path, sizeof(path)) < 0) return 0;
    struct run_spec s;
    struct bbd_err err = {0};
    run_spec_init(&s);
    if (run_spec_load_string(&s, run_spec_default_ini, "default", &err) < 0)
        fuzz_fail("fuzz_ini", "the default matrix does not load");
    if (run_spec_load_file(&s, path, &err) == 0 && run_spec_check(&s, &err) == 0) {
        struct run_cell *cells = NULL;
        int n = run_matrix_expand(&s, &cells, NULL, &err);
        if (n == 0) fuzz_fail("fuzz_ini", "a checked matrix without cells and without an error");
        if (n < 0 && (err.code != BBD_EXIT_USAGE || !err.msg[0]))
            fuzz_fail("fuzz_ini", "a matrix that cannot expand without exit code 2 and message");
        free(cells);
        char *json = run_spec_json(&s);
        cJSON *o = json ? cJSON_Parse(json) : NULL;
        if (o == NULL) fuzz_fail("fuzz_ini", "run_spec_json wrote invalid JSON");
        cJSON_Delete(o);
        free(json);
    } else if ((err.code != BBD_EXIT_USAGE && err.code != BBD_EXIT_ENV) || !err.msg[0]) {
        fuzz_fail("fuzz_ini", "error without exit code 2/3 or message");
    }
    run_spec_free(&s);
    return 0;
}
