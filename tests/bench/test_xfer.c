/* The staged path, with the test-only host-memory GPU stand-in: bytes go from the
 * "device" send buffer through pinned slots to the "device" receive buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"
#include "xfer.h"

static int open_standin(void **state)
{
    setenv("BBD_TEST_GPU_STANDIN", "1", 1);
    struct bbd_err err = {0};
    *state = gpu_open("standin", &err);
    return *state ? 0 : -1;
}

static int close_standin(void **state)
{
    gpu_close(*state);
    return 0;
}

static void staged_moves_the_right_bytes(void **state)
{
    struct gpu *g = *state;
    struct bbd_err err = {0};
    struct xfer tx, rx;
    const size_t n = 5000;
    assert_int_equal(xfer_setup(&tx, g, XFER_PATH_STAGED, n, 4, &err), 0);
    assert_int_equal(xfer_setup(&rx, g, XFER_PATH_STAGED, n, 4, &err), 0);
    bool dev;
    g->ops->is_device_ptr(g, tx.sbuf, &dev, &err);
    assert_true(dev); /* data really lives in "device" memory */
    assert_int_equal(xfer_fill_send(&tx, n, 7, n, 3, &err), 0);
    assert_int_equal(xfer_clear_recv(&rx, n, &err), 0);
    for (int slot = 0; slot < 4; slot++) {
        void *wire = xfer_send_ptr(&tx, slot, n, &err);
        assert_non_null(wire);
        g->ops->is_device_ptr(g, wire, &dev, &err);
        assert_false(dev); /* MPI only ever sees host memory */
        assert_ptr_equal(wire, tx.sslot[slot]);
        assert_int_equal(pattern_check(wire, n, 7, n, 3), 0);
        void *into = xfer_recv_ptr(&rx, slot);
        assert_ptr_equal(into, rx.rslot[slot]);
        memcpy(into, wire, n); /* what MPI would do */
        assert_int_equal(xfer_recv_done(&rx, slot, n, &err), 0);
    }
    assert_int_equal(xfer_check_recv(&rx, n, 7, n, 3, &err), 0);
    /* a corrupted slot is caught after it is copied to the device */
    ((unsigned char *)rx.rslot[1])[10] ^= 1;
    assert_int_equal(xfer_recv_done(&rx, 1, n, &err), 0);
    assert_int_equal(xfer_check_recv(&rx, n, 7, n, 3, &err), 1);
    xfer_teardown(&tx);
    xfer_teardown(&rx);
}

static void direct_hands_device_pointers(void **state)
{
    struct gpu *g = *state;
    struct bbd_err err = {0};
    struct xfer x;
    assert_int_equal(xfer_setup(&x, g, XFER_PATH_DIRECT, 64, 8, &err), 0);
    assert_null(x.sslot);
    assert_ptr_equal(xfer_send_ptr(&x, 3, 64, &err), x.sbuf);
    assert_ptr_equal(xfer_recv_ptr(&x, 5), x.rbuf);
    xfer_teardown(&x);
}

static void host_placement_ignores_gpu_path(void **state)
{
    (void)state;
    struct bbd_err err = {0};
    struct xfer x;
    assert_int_equal(xfer_setup(&x, NULL, XFER_PATH_STAGED, 128, 8, &err), 0);
    assert_int_equal(x.path, XFER_PATH_HOST);
    assert_int_equal(xfer_fill_send(&x, 128, 1, 128, 0, &err), 0);
    memcpy(x.rbuf, x.sbuf, 128);
    assert_int_equal(xfer_check_recv(&x, 128, 1, 128, 0, &err), 0);
    xfer_teardown(&x);
}

/* Buffers are written at set-up: an untouched send buffer reads the kernel's zero page
 * (one cached page), which made large-message figures optimistic. */
static void buffers_are_initialised(void **state)
{
    struct gpu *g = *state;
    struct bbd_err err = {0};
    struct xfer h, d;
    const size_t n = 3 * 4096 + 5;
    assert_int_equal(xfer_setup(&h, NULL, XFER_PATH_HOST, n, 1, &err), 0);
    assert_int_equal(xfer_setup(&d, g, XFER_PATH_STAGED, n, 2, &err), 0);
    const unsigned char *bufs[] = {h.sbuf,     h.rbuf,     d.sbuf,     d.rbuf,
                                   d.sslot[0], d.sslot[1], d.rslot[0], d.rslot[1]};
    for (size_t b = 0; b < sizeof(bufs) / sizeof(bufs[0]); b++)
        for (size_t i = 0; i < n; i += 997)
            if (bufs[b][i] != 'a') fail_msg("buffer %zu byte %zu is %d", b, i, bufs[b][i]);
    xfer_teardown(&h);
    xfer_teardown(&d);
}

static void standin_refused_without_opt_in(void **state)
{
    (void)state;
    unsetenv("BBD_TEST_GPU_STANDIN");
    struct bbd_err err = {0};
    assert_null(gpu_open("standin", &err));
    assert_int_equal(err.code, BBD_EXIT_USAGE);
    assert_non_null(strstr(err.msg, "BBD_TEST_GPU_STANDIN=1"));
    setenv("BBD_TEST_GPU_STANDIN", "1", 1);
    /* auto never picks the stand-in */
    struct gpu *g = gpu_open("auto", &err);
    if (g) {
        assert_string_not_equal(g->name, "standin");
        gpu_close(g);
    } else {
        assert_non_null(strstr(err.msg, "no GPU runtime found"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(staged_moves_the_right_bytes, open_standin, close_standin),
        cmocka_unit_test_setup_teardown(direct_hands_device_pointers, open_standin, close_standin),
        cmocka_unit_test(host_placement_ignores_gpu_path),
        cmocka_unit_test_setup_teardown(buffers_are_initialised, open_standin, close_standin),
        cmocka_unit_test(standin_refused_without_opt_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
