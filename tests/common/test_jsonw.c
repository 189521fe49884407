#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "jsonw.h"

static void nested_commas_and_escapes(void **state)
{
    (void)state;
    struct jsonw w;
    jsonw_init(&w);
    jsonw_obj_begin(&w);
    jsonw_kstr(&w, "a", "q\"b\\s\n\x01");
    jsonw_key(&w, "arr");
    jsonw_arr_begin(&w);
    jsonw_int(&w, 1);
    jsonw_num(&w, 2.5);
    jsonw_null(&w);
    jsonw_obj_begin(&w);
    jsonw_kbool(&w, "t", true);
    jsonw_obj_end(&w);
    jsonw_arr_end(&w);
    jsonw_knum(&w, "nan", NAN);
    jsonw_key(&w, "raw");
    jsonw_raw(&w, "{\"x\":1}");
    jsonw_obj_end(&w);
    assert_string_equal(jsonw_text(&w), "{\"a\":\"q\\\"b\\\\s\\n\\u0001\",\"arr\":[1,2.5,null,"
                                        "{\"t\":true}],\"nan\":null,\"raw\":{\"x\":1}}");
    jsonw_reset(&w);
    jsonw_arr_begin(&w);
    jsonw_str(&w, NULL);
    jsonw_str(&w, "x");
    jsonw_arr_end(&w);
    assert_string_equal(jsonw_text(&w), "[null,\"x\"]");
    jsonw_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(nested_commas_and_escapes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
