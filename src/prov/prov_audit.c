/* prov_audit.c — libbbd-prov-audit.so, the LD_AUDIT library behind provenance.
 *
 * The dynamic loader calls it for every object loaded or unloaded (including dlopen'ed
 * libfabric provider plugins and Open MPI components) and for every symbol bound to
 * libfabric, so it sees which provider the process really opens: fi_fabric() is redirected
 * through a wrapper that records attr->prov_name and calls the real function unchanged.
 *
 * It also notes, for each object, the name it was asked for and the object that asked
 * (la_objsearch): what `bbd plan --learn` needs to tell a dlopen'ed plugin from a
 * dependency.
 *
 * Events go, one line each with a single write(2), to $BBD_PROV_DIR/<pid>.events when that
 * is set (bbd probe), else to a memfd named "bbd-prov-events" that prov_collect() in the same
 * process reads back. At exit it appends the exit record (versions, origins, environment).
 *
 * It must never change what the program does: every failure disables recording and leaves
 * one warning on stderr; the loader itself skips an audit library that fails to load. */
#include "prov_snap.h"

#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
/* Keep our descriptor away from the numbers a program uses for itself. */
#define SINK_MIN_FD 500

static struct {
    int fd;
    pid_t pid; /* process the sink belongs to (a fork gets its own) */
    dev_t dev;
    ino_t ino;
    int broken;
    int exited;
    int finalizing; /* MPI_Finalize entered: Open MPI unloads its components from here on */
    uintptr_t main_cookie;
    struct prov_snap snap;
} st = {.fd = -1};

static void warn_once(const char *what)
{
    static int warned;
    if (warned++) return;
    char msg[512];
    int n = snprintf(msg, sizeof(msg), "bbd-prov-audit: %s; provenance incomplete, run goes on\n",
                     what);
    if (n > 0) (void)!write(2, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
}

static int open_sink(void)
{
    char path[4096];
    const char *dir = getenv("BBD_PROV_DIR");
    int fd;
    if (dir && dir[0]) {
        snprintf(path, sizeof(path), "%s/%ld.events", dir, (long)getpid());
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    } else {
        fd = (int)syscall(SYS_memfd_create, "bbd-prov-events", 1u /* MFD_CLOEXEC */);
    }
    if (fd < 0) return -1;
    int high = fcntl(fd, F_DUPFD_CLOEXEC, SINK_MIN_FD);
    if (high >= 0) {
        close(fd);
        fd = high;
    }
    struct stat sb;
    if (fstat(fd, &sb) < 0) {
        close(fd);
        return -1;
    }
    st.fd = fd;
    st.pid = getpid();
    st.dev = sb.st_dev;
    st.ino = sb.st_ino;
    return 0;
}

static void replay(void);

/* The sink, checked before each write: a forked child opens its own; a program that closed
 * or reused our descriptor must never get our lines in its file. */
static int sink(void)
{
    struct stat sb;
    if (st.broken) return -1;
    int forked = st.fd >= 0 && st.pid != getpid();
    if (forked) {
        close(st.fd); /* the parent's; ours is opened below */
        st.fd = -1;
        st.exited = 0;
    }
    if (st.fd < 0 && open_sink() < 0) {
        st.broken = 1;
        warn_once("cannot open the event file (BBD_PROV_DIR) or memfd");
        return -1;
    }
    if (forked) replay(); /* a forked child starts with everything its parent had loaded */
    if (fstat(st.fd, &sb) < 0) {
        st.broken = 1; /* the program closed all its descriptors (bwrap does): its choice */
        return -1;
    }
    if (sb.st_dev != st.dev || sb.st_ino != st.ino) {
        st.broken = 1;
        warn_once("the program reused the event descriptor's number; recording stopped");
        return -1;
    }
    return st.fd;
}

static void event(const char *tag, const char *a, const char *b, const char *c)
{
    char line[16384], ea[4096], eb[4096], ec[4096];
    int fd = sink();
    if (fd < 0) return;
    int n = snprintf(line, sizeof(line), "%s%s%s%s%s%s%s\n", tag, a ? "\t" : "",
                     a ? prov_event_escape(a, ea, sizeof(ea)) : "", b ? "\t" : "",
                     b ? prov_event_escape(b, eb, sizeof(eb)) : "", c ? "\t" : "",
                     c ? prov_event_escape(c, ec, sizeof(ec)) : "");
    if (n <= 0 || (size_t)n >= sizeof(line)) return;
    if (write(fd, line, (size_t)n) != n) warn_once("cannot write an event");
}

static void replay(void)
{
    char pid[24];
    snprintf(pid, sizeof(pid), "%ld", (long)getpid());
    event("P", pid, st.snap.exe, NULL);
    for (size_t i = 0; i < st.snap.nobj; i++)
        if (!st.snap.obj[i].closed) event("O", st.snap.obj[i].path, NULL, NULL);
}

/* ---- libfabric: which provider is really opened ---- */

/* The head of struct fi_fabric_attr, unchanged since libfabric 1.0. */
struct fabric_attr_head {
    void *fabric;
    char *name;
    char *prov_name;
};
/* The head of struct fi_info up to fabric_attr (fi_fabric2, libfabric >= 1.20). */
struct info_head {
    void *next;
    uint64_t caps, mode;
    uint32_t addr_format;
    size_t src_addrlen, dest_addrlen;
    void *src_addr, *dest_addr, *handle, *tx_attr, *rx_attr, *ep_attr, *domain_attr;
    struct fabric_attr_head *fabric_attr;
};

static void record_fabric(const struct fabric_attr_head *attr, int rc)
{
    char rcs[16];
    snprintf(rcs, sizeof(rcs), "%d", rc);
    const char *prov = attr && attr->prov_name ? attr->prov_name : "(null)";
    const char *name = attr && attr->name ? attr->name : "(null)";
    event("F", prov, name, rcs);
    prov_snap_add_fabric(&st.snap, prov, name, rc);
}

/* Callers may bind different symbol versions of fi_fabric (FABRIC_1.0, 1.1, ...), each with
 * its own address: one wrapper per slot, generated, each calling its own real function. */
#define SLOTS 4
typedef int (*fabric_fn)(struct fabric_attr_head *, void **, void *);
typedef int (*fabric2_fn)(struct info_head *, void **, uint64_t, void *);
static fabric_fn real_fabric[SLOTS];
static fabric2_fn real_fabric2[SLOTS];

#define FABRIC_WRAPPER(i)                                                                          \
    static int wrap_fabric_##i(struct fabric_attr_head *a, void **f, void *c)                      \
    {                                                                                              \
        int rc = real_fabric[i](a, f, c);                                                          \
        record_fabric(a, rc);                                                                      \
        return rc;                                                                                 \
    }                                                                                              \
    static int wrap_fabric2_##i(struct info_head *info, void **f, uint64_t fl, void *c)            \
    {                                                                                              \
        int rc = real_fabric2[i](info, f, fl, c);                                                  \
        record_fabric(info ? info->fabric_attr : NULL, rc);                                        \
        return rc;                                                                                 \
    }
FABRIC_WRAPPER(0)
FABRIC_WRAPPER(1)
FABRIC_WRAPPER(2)
FABRIC_WRAPPER(3)
static const fabric_fn fabric_wrappers[SLOTS] = {wrap_fabric_0, wrap_fabric_1, wrap_fabric_2,
                                                 wrap_fabric_3};
static const fabric2_fn fabric2_wrappers[SLOTS] = {wrap_fabric2_0, wrap_fabric2_1, wrap_fabric2_2,
                                                   wrap_fabric2_3};

/* Slot for a real address (same address, same slot); -1 when all are taken. */
static int slot_for(void **reals, void *addr)
{
    for (int i = 0; i < SLOTS; i++) {
        if (reals[i] == addr) return i;
        if (reals[i] == NULL) {
            reals[i] = addr;
            return i;
        }
    }
    return -1;
}

/* ---- MPI_Finalize: after it, unloading a component says nothing about its use ---- */

static int (*real_finalize)(void);

static int wrap_finalize(void)
{
    st.finalizing = 1;
    event("M", "finalize", NULL, NULL);
    return real_finalize();
}

/* A component's version, asked while its object is still mapped (it may be unloaded before
 * the exit record is written). */
static void keep_version(struct link_map *map)
{
    char text[8192];
    int c = prov_comp_match(map->l_name);
    const struct prov_comp *pc = c >= 0 ? &prov_comps[c] : NULL;
    if (pc == NULL || pc->version == NULL || !pc->safe_at_exit || st.snap.comp[c].version) return;
    if (pc->version(prov_linkmap_sym, map, text, sizeof(text)) == 0)
        st.snap.comp[c].version = strdup(text);
}

/* ---- the exit record ---- */

static void write_exit_record(void)
{
    if (st.exited || st.broken) return;
    st.exited = 1;
    int fd = sink();
    if (fd < 0) return;
    prov_snap_enrich(&st.snap, true);
    if (prov_snap_write_exit(&st.snap, fd) < 0) warn_once("cannot write the exit record");
}

/* Runs at exit (audit libraries are never unloaded before). */
__attribute__((destructor)) static void at_exit(void)
{
    write_exit_record();
}

/* ---- who asked for each object (bbd plan --learn) ---- */

/* The name of the last search the loader began (LA_SER_ORIG) and the object that began it:
 * the next object opened is what that search found (the loader's lock orders both). */
static struct {
    char name[4096];
    uintptr_t requester; /* its cookie: its link_map (la_objopen), 0 when unknown */
    int pending;
} search;

static void record_requester(const struct link_map *map)
{
    if (!search.pending) return;
    search.pending = 0;
    const struct link_map *req = (const struct link_map *)search.requester;
    const char *by = req == NULL || (uintptr_t)req == st.main_cookie || req->l_name == NULL ||
                             req->l_name[0] == '\0'
                         ? st.snap.exe
                         : req->l_name;
    event("L", map->l_name, search.name, by ? by : "");
}

/* ---- the rtld-audit interface ---- */

EXPORT unsigned int la_version(unsigned int version)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = '\0';
    prov_snap_init(&st.snap);
    st.snap.exe = strdup(exe);
    char pid[24];
    snprintf(pid, sizeof(pid), "%ld", (long)getpid());
    event("P", pid, exe, NULL);
    /* Version 1 is all we use; never claim more than the loader offers. */
    return version < LAV_CURRENT ? version : LAV_CURRENT;
}

EXPORT unsigned int la_objopen(struct link_map *map, Lmid_t lmid, uintptr_t *cookie)
{
    (void)lmid;
    *cookie = (uintptr_t)map;
    if (map->l_name == NULL || map->l_name[0] == '\0') {
        /* the main program: its close at exit marks the start of process teardown */
        if (st.main_cookie == 0) st.main_cookie = (uintptr_t)map;
        return LA_FLG_BINDFROM;
    }
    event("O", map->l_name, NULL, NULL);
    record_requester(map);
    if (prov_snap_add_object(&st.snap, map->l_name, map) < 0) warn_once("out of memory");
    /* Only bindings to libfabric and MPI are looked at, so other calls pay nothing. */
    int c = prov_comp_match(map->l_name);
    return LA_FLG_BINDFROM | (c == PROV_LIBFABRIC || c == PROV_MPI ? LA_FLG_BINDTO : 0);
}

/* Only noted, never changed: the loader searches exactly as it would without us. */
EXPORT char *la_objsearch(const char *name, uintptr_t *cookie, unsigned int flag)
{
    if (flag == LA_SER_ORIG && name) {
        snprintf(search.name, sizeof(search.name), "%s", name);
        search.requester = cookie ? *cookie : 0;
        search.pending = 1;
    }
    return (char *)name;
}

EXPORT unsigned int la_objclose(uintptr_t *cookie)
{
    if (*cookie == st.main_cookie) write_exit_record();
    if (st.exited) return 0; /* teardown: objects are not "unloaded during the run" */
    struct link_map *map = (struct link_map *)*cookie;
    if (map == NULL || map->l_name == NULL || map->l_name[0] == '\0') return 0;
    keep_version(map);
    /* Unloaded by MPI_Finalize: it was in use until then. Either way its link_map and
     * mapping are gone after this call, so the snapshot must not keep the handle. */
    prov_snap_close_object(&st.snap, map->l_name, !st.finalizing);
    if (!st.finalizing) event("C", map->l_name, NULL, NULL);
    return 0;
}

EXPORT uintptr_t la_symbind64(Elf64_Sym *sym, unsigned int ndx, uintptr_t *refcook,
                              uintptr_t *defcook, unsigned int *flags, const char *symname)
{
    (void)ndx;
    (void)refcook;
    (void)defcook;
    (void)flags;
    int slot;
    if (!strcmp(symname, "MPI_Finalize")) {
        if (real_finalize == NULL) real_finalize = (int (*)(void))sym->st_value;
        if (real_finalize == (int (*)(void))sym->st_value) return (uintptr_t)wrap_finalize;
    } else if (!strcmp(symname, "fi_fabric")) {
        if ((slot = slot_for((void **)real_fabric, (void *)sym->st_value)) >= 0)
            return (uintptr_t)fabric_wrappers[slot];
        warn_once("more fi_fabric versions than wrapper slots");
    } else if (!strcmp(symname, "fi_fabric2")) {
        if ((slot = slot_for((void **)real_fabric2, (void *)sym->st_value)) >= 0)
            return (uintptr_t)fabric2_wrappers[slot];
        warn_once("more fi_fabric2 versions than wrapper slots");
    }
    return sym->st_value;
}
