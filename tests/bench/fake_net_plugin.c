/* A do-nothing shared object named libnccl-net-bbdtest.so: test_xccl dlopens it and
 * checks that the loaded-plugin scan names it. */
int bbd_fake_net_plugin(void);
int bbd_fake_net_plugin(void)
{
    return 42;
}
