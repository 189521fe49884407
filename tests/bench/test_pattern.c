#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "pattern.h"

static void never_zero_and_checks_clean(void **state)
{
    (void)state;
    uint8_t buf[4096];
    pattern_fill(buf, sizeof(buf), 3, 4096, 17);
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_true(buf[i] != 0);
    assert_int_equal(pattern_check(buf, sizeof(buf), 3, 4096, 17), 0);
}

static void detects_every_kind_of_mistake(void **state)
{
    (void)state;
    uint8_t buf[1024];
    pattern_fill(buf, sizeof(buf), 0, 1024, 5);
    assert_true(pattern_check(buf, sizeof(buf), 1, 1024, 5) > 900); /* wrong sender */
    assert_true(pattern_check(buf, sizeof(buf), 0, 1024, 6) > 900); /* stale iteration */
    assert_true(pattern_check(buf, sizeof(buf), 0, 2048, 5) > 900); /* other size */
    memset(buf, 0, sizeof(buf));
    assert_int_equal(pattern_check(buf, sizeof(buf), 0, 1024, 5), 1024); /* cleared */
    pattern_fill(buf, sizeof(buf), 0, 1024, 5);
    buf[777] ^= 0x40;
    assert_int_equal(pattern_check(buf, sizeof(buf), 0, 1024, 5), 1); /* one flipped byte */
}

static void pattern_varies_along_buffer(void **state)
{
    (void)state;
    /* A shifted copy must not validate: consecutive bytes differ. */
    for (size_t i = 0; i + 1 < 600; i++)
        assert_true(pattern_byte(2, 600, 1, i) != pattern_byte(2, 600, 1, i + 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(never_zero_and_checks_clean),
        cmocka_unit_test(detects_every_kind_of_mistake),
        cmocka_unit_test(pattern_varies_along_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
