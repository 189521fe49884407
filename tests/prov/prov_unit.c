/* prov_unit.c — unit tests of the provenance modules: mountinfo and origins, component
 * recognition, version sanity, event parsing, link-map symbol lookup, ELF soname, and the
 * "opened" vs "carried" analysis with its JSON and summary. */
#include "prov_comp.h"
#include "prov_mount.h"
#include "prov_report_int.h"
#include "prov_snap.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- mountinfo ---- */

static const char mountinfo[] =
    "100 90 0:50 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/l\n"
    "101 100 0:51 / /proc rw - proc proc rw\n"
    "102 100 8:1 /opt/cray /opt/cray ro,relatime shared:5 - ext4 /dev/sda1 rw\n"
    "103 100 8:1 /usr/lib64/libcxi.so.1 /usr/lib64/libcxi.so.1 ro - ext4 /dev/sda1 rw\n"
    "104 100 0:60 / /tmp rw - tmpfs tmpfs rw\n"
    "105 100 0:61 /b/lib\\040dir /opt/my\\040lib ro - tmpfs tmpfs rw\n"
    "garbage line\n"
    "106 100 8:1 /srv/new /opt/cray ro - ext4 /dev/sda1 rw\n";

static void write_fixture(char *path, size_t len, const char *text)
{
    snprintf(path, len, "/tmp/prov-unit-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void test_mount_origin(void **state)
{
    (void)state;
    char file[64], host[PATH_MAX];
    struct prov_mounts ms;
    struct bbd_err err;
    write_fixture(file, sizeof(file), mountinfo);
    assert_int_equal(prov_mounts_read(file, &ms, &err), 0);
    unlink(file);
    assert_int_equal(ms.n, 7); /* the garbage line is skipped */
    assert_string_equal(
        prov_mount_origin(&ms, 1, "/usr/lib/libmpi.so.12", NULL, host, sizeof(host)), "image");
    /* the later mount at /opt/cray hides the earlier one */
    assert_string_equal(
        prov_mount_origin(&ms, 1, "/opt/cray/lib/libfabric.so.1", NULL, host, sizeof(host)),
        "host");
    assert_string_equal(host, "/srv/new/lib/libfabric.so.1");
    assert_string_equal(
        prov_mount_origin(&ms, 1, "/usr/lib64/libcxi.so.1", NULL, host, sizeof(host)), "host");
    assert_string_equal(host, "/usr/lib64/libcxi.so.1");
    assert_string_equal(prov_mount_origin(&ms, 1, "/tmp/x.so", NULL, host, sizeof(host)),
                        "virtual");
    /* escaped space; a file bound from a host tmpfs is still the host's */
    assert_string_equal(prov_mount_origin(&ms, 1, "/opt/my lib/a.so", NULL, host, sizeof(host)),
                        "host");
    assert_string_equal(host, "/b/lib dir/a.so");
    /* /opt/crayfish is not under /opt/cray */
    assert_string_equal(prov_mount_origin(&ms, 1, "/opt/crayfish/a.so", NULL, host, sizeof(host)),
                        "image");
    assert_string_equal(prov_mount_origin(&ms, 0, "/opt/cray/a.so", NULL, host, sizeof(host)),
                        "native");
    /* bbd exec --runtime bwrap binds the image's folders one by one: a mount whose source
     * lies under the image root is the image's; a file bound from elsewhere is the host's. */
    assert_string_equal(
        prov_mount_origin(&ms, 1, "/opt/cray/lib/libfabric.so.1", "/srv", host, sizeof(host)),
        "image");
    assert_string_equal(
        prov_mount_origin(&ms, 1, "/opt/cray/lib/libfabric.so.1", "/srv/ne", host, sizeof(host)),
        "host");
    assert_string_equal(
        prov_mount_origin(&ms, 1, "/usr/lib64/libcxi.so.1", "/srv/", host, sizeof(host)), "host");
    prov_mounts_free(&ms);
    assert_int_equal(prov_mounts_read("/nonexistent/mountinfo", &ms, &err), -1);
    assert_non_null(strstr(err.msg, "fopen(/nonexistent/mountinfo)"));
}

/* ---- components ---- */

static void test_comp_match(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        int id;
    } cases[] = {
        {"/usr/lib/x86_64-linux-gnu/libmpich.so.12.2.2", PROV_MPI},
        {"libmpi.so.40", PROV_MPI},
        {"/opt/cray/pe/lib64/libmpi_cray.so.12", PROV_MPI},
        {"/opt/cray/pe/mpich/8.1/gtl/lib/libmpi_gtl_hsa.so", PROV_GTL},
        {"libmpifort.so.12", -1},
        {"/usr/lib/libfabric.so.1", PROV_LIBFABRIC},
        {"/usr/lib/libfabric/libpsmx2-fi.so", -1},
        {"libucp.so.0", PROV_UCX},
        {"libucs.so.0", -1},
        {"libcudart.so.12", PROV_CUDART},
        {"libcuda.so.1", PROV_CUDA_DRIVER},
        {"libamdhip64.so.6", PROV_HIP},
        {"libnccl.so.2", PROV_NCCL},
        {"librccl.so.1", PROV_RCCL},
        {"libnccl-net.so", PROV_NET_PLUGIN},
        {"librccl-net-ofi.so", PROV_NET_PLUGIN},
        {"/usr/lib64/libcxi.so.1", PROV_LIBCXI},
        {"libc.so.6", -1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (prov_comp_match(cases[i].path) != cases[i].id) fail_msg("%s", cases[i].path);
    }
    assert_int_equal(prov_comp_by_key("libfabric"), PROV_LIBFABRIC);
    assert_int_equal(prov_comp_by_key("nope"), -1);
}

/* ---- versions: odd answers are "unknown" (-1), never a crash ---- */

static uint32_t fake_fi;
static int fake_int, fake_rc;
static const char *fake_text;
static const char *fake_plugin[] = {"AWS Libfabric", NULL};

static uint32_t stub_fi_version(void)
{
    return fake_fi;
}
static int stub_int(int *v)
{
    *v = fake_int;
    return fake_rc;
}
static int stub_mpi(char *buf, int *len)
{
    snprintf(buf, 8192, "%s", fake_text);
    *len = (int)strlen(buf);
    return 0;
}
static const char *stub_ucx(void)
{
    return fake_text;
}

static void *fake_sym(void *handle, const char *name)
{
    (void)handle;
    if (!strcmp(name, "fi_version")) return (void *)stub_fi_version;
    if (!strcmp(name, "MPI_Get_library_version")) return (void *)stub_mpi;
    if (!strcmp(name, "ucp_get_version_string")) return (void *)stub_ucx;
    if (!strcmp(name, "ncclNetPlugin_v8")) return (void *)fake_plugin;
    if (strstr(name, "Version")) return (void *)stub_int;
    return NULL;
}

static void *no_sym(void *handle, const char *name)
{
    (void)handle;
    (void)name;
    return NULL;
}

static int ask(int id, prov_sym_fn sym, char *buf)
{
    return prov_comps[id].version(sym, NULL, buf, 64);
}

static void test_versions(void **state)
{
    (void)state;
    char v[64];
    fake_fi = (1u << 16) | 17u;
    assert_int_equal(ask(PROV_LIBFABRIC, fake_sym, v), 0);
    assert_string_equal(v, "1.17");
    fake_fi = 0;
    assert_int_equal(ask(PROV_LIBFABRIC, fake_sym, v), -1);
    assert_int_equal(ask(PROV_LIBFABRIC, no_sym, v), -1);
    fake_rc = 0;
    fake_int = 22105;
    assert_int_equal(ask(PROV_NCCL, fake_sym, v), 0);
    assert_string_equal(v, "2.21.5");
    fake_int = 2708;
    assert_int_equal(ask(PROV_RCCL, fake_sym, v), 0);
    assert_string_equal(v, "2.7.8");
    fake_int = 12040;
    assert_int_equal(ask(PROV_CUDART, fake_sym, v), 0);
    assert_string_equal(v, "12.4");
    fake_int = 60241134;
    assert_int_equal(ask(PROV_HIP, fake_sym, v), 0);
    assert_string_equal(v, "6.2.41134");
    fake_int = -5;
    assert_int_equal(ask(PROV_CUDA_DRIVER, fake_sym, v), -1);
    fake_int = 12040;
    fake_rc = 3; /* the call itself failed */
    assert_int_equal(ask(PROV_CUDART, fake_sym, v), -1);
    fake_text = "MPICH Version:\t4.0.2\n";
    assert_int_equal(ask(PROV_MPI, fake_sym, v), 0);
    assert_string_equal(v, "MPICH Version:\t4.0.2");
    fake_text = "bad\001binary";
    assert_int_equal(ask(PROV_MPI, fake_sym, v), -1);
    fake_text = "";
    assert_int_equal(ask(PROV_UCX, fake_sym, v), -1);
    fake_text = NULL;
    assert_int_equal(ask(PROV_UCX, fake_sym, v), -1);
    assert_int_equal(ask(PROV_NET_PLUGIN, fake_sym, v), 0);
    assert_string_equal(v, "AWS Libfabric (ncclNet v8)");
    assert_null(prov_comps[PROV_GTL].version); /* no version call: "unknown" */
}

/* ---- events ---- */

static void test_events(void **state)
{
    (void)state;
    char esc[128];
    struct prov_snap s;
    prov_snap_init(&s);
    char text[1024];
    snprintf(
        text, sizeof(text),
        "P\t42\t/bin/prog\nO\t/usr/lib/libfabric.so.1\nO\t/usr/lib/libz.so.1\n"
        "F\ttcp;ofi_rxm\tlo\t0\nF\ttcp;ofi_rxm\tlo\t0\nF\tshm\tshm\t-61\nC\t/usr/lib/"
        "libz.so.1\n"
        "X\tunknown tag\nF\n\nS\tlibfabric\t/usr/lib/libfabric.so.1.20.0\tlibfabric.so.1\thost\t/h/"
        "lib\topen\nV\tmpi\t%s\nE\tFI_PROVIDER=tcp\nZ\n",
        prov_event_escape("MPICH Version:\t4.0.2\nback\\slash", esc, sizeof(esc)));
    assert_int_equal(prov_snap_parse(&s, text), 0);
    assert_true(s.audited);
    assert_true(s.complete);
    assert_int_equal(s.pid, 42);
    assert_int_equal(s.nobj, 2);
    assert_false(s.obj[0].closed);
    assert_true(s.obj[1].closed);
    assert_int_equal(s.nfab, 2);
    assert_string_equal(s.fab[0].provider, "tcp;ofi_rxm");
    assert_int_equal(s.fab[0].opened, 2);
    assert_int_equal(s.fab[1].opened, 0);
    assert_int_equal(s.fab[1].failed, 1);
    assert_string_equal(s.comp[PROV_LIBFABRIC].origin, "host");
    assert_string_equal(s.comp[PROV_LIBFABRIC].host_path, "/h/lib");
    assert_string_equal(s.comp[PROV_MPI].version, "MPICH Version:\t4.0.2\nback\\slash");
    assert_int_equal(s.nenv, 1);
    prov_snap_free(&s);
}

/* Who asked for each object ("L" events), the union of several processes' objects, and the
 * learned-objects file bbd probe --plan-out writes and bbd plan --learned reads. */
static void test_learned(void **state)
{
    (void)state;
    struct prov_snap p[2];
    prov_snap_init(&p[0]);
    prov_snap_init(&p[1]);
    assert_int_equal(prov_snap_parse(&p[0],
                                     "P\t1\t/bin/mpiexec\nO\tlinux-vdso.so.1\n"
                                     "O\t/lib/libhwloc.so.15\n"
                                     "L\t/lib/libhwloc.so.15\tlibhwloc.so.15\t/bin/mpiexec\n"),
                     0);
    assert_int_equal(prov_snap_parse(&p[1], "P\t2\t/bin/rank\nO\t/lib/libhwloc.so.15\n"
                                            "O\t/lib/ucx/libuct_cma.so.0\n"
                                            "L\t/lib/ucx/libuct_cma.so.0\t/lib/ucx/lib\\tuct.so\t"
                                            "/lib/libucs.so.0\nL\t/nowhere\tx\ty\n"),
                     0);
    assert_string_equal(p[0].obj[1].asked, "libhwloc.so.15");
    assert_string_equal(p[0].obj[1].by, "/bin/mpiexec");
    assert_null(p[1].obj[0].asked);
    struct prov_learned l = {0}, back;
    assert_int_equal(prov_learned_from_snaps(p, 2, &l), 0);
    assert_int_equal(l.n, 2); /* the vDSO left out, libhwloc once */
    assert_string_equal(l.objs[0].path, "/lib/libhwloc.so.15");
    assert_string_equal(l.objs[0].by, "/bin/mpiexec");
    assert_string_equal(l.objs[1].asked, "/lib/ucx/lib\tuct.so"); /* escaped tab round trip */
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "/tmp/prov-learned-%d", (int)getpid());
    struct bbd_err err;
    assert_int_equal(prov_learned_write(&l, path, &err), 0);
    assert_int_equal(prov_learned_read(path, &back, &err), 0);
    assert_int_equal(back.n, 2);
    assert_string_equal(back.objs[1].path, "/lib/ucx/libuct_cma.so.0");
    assert_string_equal(back.objs[1].asked, "/lib/ucx/lib\tuct.so");
    assert_string_equal(back.objs[1].by, "/lib/libucs.so.0");
    prov_learned_free(&back);
    assert_int_equal(prov_learned_read("/etc/hostname", &back, &err), -1);
    assert_int_equal(err.code, BBD_EXIT_USAGE);
    unlink(path);
    prov_learned_free(&l);
    prov_snap_free(&p[0]);
    prov_snap_free(&p[1]);
}

/* An object the loader unmapped: its handle (a link_map the loader freed) is dropped at
 * once, whether it counts as unloaded during the run or, after MPI_Finalize, as used; the
 * exit-time enrichment must then not touch it. The poisoned handle would crash if read. */
static void test_unmapped_handle(void **state)
{
    (void)state;
    struct prov_snap s;
    void *poison = (void *)(uintptr_t)0x10; /* not a readable address */
    prov_snap_init(&s);
    assert_int_equal(prov_snap_add_object(&s, "/nonexistent/libfabric.so.1", poison), 0);
    assert_int_equal(prov_snap_add_object(&s, "/nonexistent/libucp.so.0", poison), 0);
    prov_snap_close_object(&s, "/nonexistent/libfabric.so.1", false); /* by MPI_Finalize */
    prov_snap_close_object(&s, "/nonexistent/libucp.so.0", true);     /* during the run */
    assert_null(s.obj[0].handle);
    assert_false(s.obj[0].closed);
    assert_null(s.obj[1].handle);
    assert_true(s.obj[1].closed);
    assert_int_equal(prov_snap_enrich(&s, true), 0);
    assert_true(s.comp[PROV_LIBFABRIC].loaded);
    assert_false(s.comp[PROV_LIBFABRIC].closed);
    assert_null(s.comp[PROV_LIBFABRIC].version); /* not mapped any more: nothing to ask */
    assert_true(s.comp[PROV_UCX].closed);
    /* loaded again: open again */
    assert_int_equal(prov_snap_add_object(&s, "/nonexistent/libucp.so.0", NULL), 0);
    assert_false(s.obj[1].closed);
    prov_snap_free(&s);
}

/* ---- link map lookup and ELF soname, on libc itself ---- */

static void test_linkmap_and_soname(void **state)
{
    (void)state;
    void *h = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
    assert_non_null(h);
    /* a glibc dlopen handle is the object's struct link_map */
    assert_ptr_equal(prov_linkmap_sym(h, "getpid"), dlsym(h, "getpid"));
    assert_ptr_equal(prov_linkmap_sym(h, "fopen"), dlsym(h, "fopen"));
    assert_null(prov_linkmap_sym(h, "no_such_symbol_anywhere"));
    Dl_info info;
    assert_true(dladdr(dlsym(h, "getpid"), &info) != 0);
    char name[64];
    assert_int_equal(prov_elf_soname(info.dli_fname, name, sizeof(name)), 0);
    assert_string_equal(name, "libc.so.6");
    assert_int_equal(prov_elf_soname("/proc/self/exe", name, sizeof(name)), -1);
    assert_int_equal(prov_elf_soname("/etc/hostname", name, sizeof(name)), -1);
    assert_int_equal(prov_elf_soname("/nonexistent", name, sizeof(name)), -1);
    dlclose(h);
}

/* ---- analysis ---- */

static struct prov_report *report(const char *mpi, const char *provider, const char *env, int ranks,
                                  int nodes)
{
    struct prov_report *r = calloc(1, sizeof(*r));
    r->procs = calloc(1, sizeof(*r->procs));
    r->nprocs = 1;
    struct prov_snap *s = r->procs;
    prov_snap_init(s);
    s->audited = s->complete = true;
    if (mpi) {
        prov_snap_add_object(s, "/usr/lib/libmpi.so.12", NULL);
        s->comp[PROV_MPI].loaded = true;
        s->comp[PROV_MPI].path = strdup("/usr/lib/libmpi.so.12");
        s->comp[PROV_MPI].origin = strdup("image");
        s->comp[PROV_MPI].version = strdup(mpi);
    }
    if (provider) {
        s->comp[PROV_LIBFABRIC].loaded = true;
        s->comp[PROV_LIBFABRIC].path = strdup("/h/libfabric.so.1");
        s->comp[PROV_LIBFABRIC].origin = strdup("host");
        s->comp[PROV_LIBFABRIC].version = strdup("1.17");
        prov_snap_add_fabric(s, provider, "lo", 0);
        prov_snap_add_fabric(s, "tcp", "lo", 0); /* a layered provider's core */
    }
    if (env) {
        s->env = calloc(1, sizeof(char *));
        s->env[0] = strdup(env);
        s->nenv = 1;
    }
    r->ranks = ranks;
    r->nodes = nodes;
    prov_analyse(r);
    return r;
}

static const char ofi[] = "MPICH Version:\t4.0.2\nMPICH Device:\tch4:ofi\n";

static void test_analyse(void **state)
{
    (void)state;
    char line[1024];
    struct prov_report *r = report(ofi, "tcp;ofi_rxm", NULL, 2, 1);
    assert_string_equal(r->mpi_family, "MPICH");
    assert_string_equal(r->mpi_release, "4.0.2");
    assert_string_equal(r->mpi_device, "ch4:ofi");
    assert_int_equal(r->libfabric_carries, 0);
    assert_string_equal(r->carried, "MPI shared memory (all peers on one node)");
    prov_summary(r, line, sizeof(line));
    assert_string_equal(line, "MPI: MPICH 4.0.2 (ch4:ofi) /usr/lib/libmpi.so.12 [image]; "
                              "libfabric 1.17 provider tcp;ofi_rxm opened [host]; carried: MPI "
                              "shared memory (all peers on one node); GPU: none; GTL: not loaded");
    struct jsonw w;
    jsonw_init(&w);
    prov_write_json(r, &w);
    assert_non_null(strstr(jsonw_text(&w), "\"libfabric_carries\":false"));
    assert_non_null(strstr(jsonw_text(&w), "\"opened\":[{\"provider\":\"tcp;ofi_rxm\","
                                           "\"fabric\":\"lo\",\"count\":1,\"failed\":0,"
                                           "\"core_of_layered\":false},"));
    assert_non_null(strstr(jsonw_text(&w), "\"used\":true"));
    jsonw_free(&w);
    prov_free(r);

    r = report(ofi, "tcp;ofi_rxm", "MPIR_CVAR_NOLOCAL=1", 2, 1);
    assert_int_equal(r->libfabric_carries, 1);
    assert_string_equal(r->mpi_shm, "off");
    assert_non_null(strstr(r->carried, "libfabric tcp;ofi_rxm"));
    prov_free(r);

    r = report(ofi, "cxi", NULL, 4, 2);
    assert_int_equal(r->libfabric_carries, 1);
    assert_int_equal(r->same_node, 0);
    prov_free(r);

    r = report(ofi, "tcp", NULL, 1, 1);
    assert_string_equal(r->carried, "nothing (a single rank has no peer)");
    prov_free(r);

    r = report("MPICH Version:\t4.0.2\nMPICH Device:\tch4:ucx\n", NULL, NULL, 2, 1);
    assert_int_equal(r->libfabric_carries, 0);
    assert_string_equal(r->opened, "libfabric not loaded");
    prov_free(r);

    r = report("MPI VERSION    : CRAY MPICH version 8.1.29.6 (ANL base 3.4a2)\n", "cxi", NULL, 2,
               2);
    assert_string_equal(r->mpi_family, "Cray MPICH");
    assert_string_equal(r->mpi_release, "8.1.29.6");
    prov_free(r);

    r = report("\x01weird", NULL, NULL, -1, -1); /* odd text: unknown, no crash */
    assert_string_equal(r->mpi_family, "unknown");
    prov_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mount_origin),    cmocka_unit_test(test_comp_match),
        cmocka_unit_test(test_versions),        cmocka_unit_test(test_events),
        cmocka_unit_test(test_unmapped_handle), cmocka_unit_test(test_linkmap_and_soname),
        cmocka_unit_test(test_analyse),         cmocka_unit_test(test_learned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
