/* prov_snap.c — building, enriching, parsing and writing a process snapshot. */
#include "prov_snap.h"
#include "elf_read.h"
#include "prov_container.h"
#include "prov_mount.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* Grow an array of elements of size sz so that index n fits. */
static int grow(void **arr, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap) return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, c * sz);
    if (p == NULL) return -1;
    *arr = p;
    *cap = c;
    return 0;
}

static void set_str(char **dst, const char *src)
{
    free(*dst);
    *dst = src ? strdup(src) : NULL;
}

void prov_snap_init(struct prov_snap *s)
{
    memset(s, 0, sizeof(*s));
}

static void found_free(struct prov_found *f)
{
    free(f->path);
    free(f->soname);
    free(f->origin);
    free(f->host_path);
    free(f->version);
    memset(f, 0, sizeof(*f));
}

void prov_snap_free(struct prov_snap *s)
{
    for (size_t i = 0; i < s->nobj; i++) {
        free(s->obj[i].path);
        free(s->obj[i].asked);
        free(s->obj[i].by);
    }
    for (size_t i = 0; i < s->nfab; i++) {
        free(s->fab[i].provider);
        free(s->fab[i].fabric);
    }
    for (size_t i = 0; i < s->nenv; i++)
        free(s->env[i]);
    for (int c = 0; c < PROV_COMP_COUNT; c++)
        found_free(&s->comp[c]);
    free(s->obj);
    free(s->fab);
    free(s->env);
    free(s->exe);
    free(s->hostname);
    free(s->container);
    free(s->warning);
    prov_snap_init(s);
}

int prov_snap_add_object(struct prov_snap *s, const char *path, void *handle)
{
    /* loaded again after a dlclose: the same entry, open again */
    for (size_t i = 0; i < s->nobj; i++) {
        if (!strcmp(s->obj[i].path, path)) {
            s->obj[i].closed = false;
            if (handle) s->obj[i].handle = handle;
            return 0;
        }
    }
    if (grow((void **)&s->obj, &s->capobj, s->nobj, sizeof(*s->obj)) < 0) return -1;
    char *copy = strdup(path);
    if (copy == NULL) return -1;
    s->obj[s->nobj++] = (struct prov_object){copy, false, handle, NULL, NULL};
    return 0;
}

int prov_snap_object_requester(struct prov_snap *s, const char *path, const char *asked,
                               const char *by)
{
    for (size_t i = 0; i < s->nobj; i++) {
        struct prov_object *o = &s->obj[i];
        if (strcmp(o->path, path) || o->asked) continue;
        o->asked = strdup(asked);
        o->by = strdup(by);
        return o->asked && o->by ? 0 : -1;
    }
    return 0;
}

void prov_snap_close_object(struct prov_snap *s, const char *path, bool during_run)
{
    for (size_t i = 0; i < s->nobj; i++) {
        if (strcmp(s->obj[i].path, path) != 0) continue;
        s->obj[i].handle = NULL;
        if (during_run) s->obj[i].closed = true;
    }
}

int prov_snap_add_fabric(struct prov_snap *s, const char *provider, const char *fabric, int rc)
{
    provider = provider ? provider : "(null)";
    fabric = fabric ? fabric : "(null)";
    struct prov_fabric *f = NULL;
    for (size_t i = 0; i < s->nfab && f == NULL; i++)
        if (!strcmp(s->fab[i].provider, provider) && !strcmp(s->fab[i].fabric, fabric))
            f = &s->fab[i];
    if (f == NULL) {
        if (grow((void **)&s->fab, &s->capfab, s->nfab, sizeof(*s->fab)) < 0) return -1;
        f = &s->fab[s->nfab];
        *f = (struct prov_fabric){strdup(provider), strdup(fabric), 0, 0};
        if (f->provider == NULL || f->fabric == NULL) {
            free(f->provider);
            free(f->fabric);
            return -1;
        }
        s->nfab++;
    }
    if (rc == 0)
        f->opened++;
    else
        f->failed++;
    return 0;
}

static int add_loaded(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct prov_snap *s = data;
    /* the main program and the vDSO have no file name here */
    if (info->dlpi_name == NULL || info->dlpi_name[0] == '\0') return 0;
    return prov_snap_add_object(s, info->dlpi_name, NULL);
}

int prov_snap_from_loader(struct prov_snap *s)
{
    return dl_iterate_phdr(add_loaded, s);
}

/* ---- ELF: DT_SONAME of a file on disk, through the project's one ELF reader ---- */

int prov_elf_soname(const char *path, char *buf, size_t len)
{
    struct elf_info info;
    struct bbd_err err;
    if (len == 0 || elf_read(path, &info, &err)) return -1;
    int rc = info.soname && info.soname[0] && strlen(info.soname) < len ? 0 : -1;
    if (rc == 0) memcpy(buf, info.soname, strlen(info.soname) + 1);
    elf_free(&info);
    return rc;
}

/* ---- enrich: what the live process can tell about itself ---- */

bool prov_env_relevant(const char *entry)
{
    static const char *const prefixes[] = {"FI_",
                                           "MPICH_",
                                           "MPIR_CVAR_",
                                           "NCCL_",
                                           "RCCL_",
                                           "UCX_",
                                           "OMPI_MCA_",
                                           "HSA_",
                                           "HIP_VISIBLE_DEVICES=",
                                           "ROCR_VISIBLE_DEVICES=",
                                           "CUDA_VISIBLE_DEVICES=",
                                           "LD_LIBRARY_PATH=",
                                           "LD_PRELOAD=",
                                           "LD_AUDIT=",
                                           "SLURM_JOB_ID=",
                                           "PMI_RANK=",
                                           "PMI_SIZE=",
                                           "BBD_",
                                           NULL};
    for (const char *const *p = prefixes; *p; p++)
        if (!strncmp(entry, *p, strlen(*p))) return true;
    return false;
}

static int add_env(struct prov_snap *s, const char *entry)
{
    if (grow((void **)&s->env, &s->capenv, s->nenv, sizeof(*s->env)) < 0) return -1;
    if ((s->env[s->nenv] = strdup(entry)) == NULL) return -1;
    s->nenv++;
    return 0;
}

/* First open object of component c (or the last closed one when none is open). */
static const struct prov_object *component_object(const struct prov_snap *s, int c)
{
    const struct prov_object *closed = NULL;
    for (size_t i = 0; i < s->nobj; i++) {
        if (prov_comp_match(s->obj[i].path) != c) continue;
        if (!s->obj[i].closed) return &s->obj[i];
        closed = &s->obj[i];
    }
    return closed;
}

static void *dl_sym(void *handle, const char *name)
{
    return dlsym(handle, name);
}

static void query_version(struct prov_found *f, int c, const struct prov_object *o, bool at_exit)
{
    char text[8192];
    const struct prov_comp *pc = &prov_comps[c];
    if (pc->version == NULL || o->closed || (at_exit && !pc->safe_at_exit)) return;
    if (o->handle) {
        if (pc->version(prov_linkmap_sym, o->handle, text, sizeof(text)) == 0)
            set_str(&f->version, text);
        return;
    }
    void *h = dlopen(o->path, RTLD_LAZY | RTLD_NOLOAD);
    if (h == NULL) return;
    if (pc->version(dl_sym, h, text, sizeof(text)) == 0) set_str(&f->version, text);
    dlclose(h);
}

static void enrich_component(struct prov_snap *s, int c, const struct prov_mounts *ms,
                             int in_container, bool at_exit)
{
    const struct prov_object *o = component_object(s, c);
    struct prov_found *f = &s->comp[c];
    char real[PATH_MAX], name[256], host[PATH_MAX];
    if (o == NULL) return;
    f->loaded = true;
    f->closed = o->closed;
    const char *path = realpath(o->path, real) ? real : o->path;
    set_str(&f->path, path);
    set_str(&f->soname, prov_elf_soname(path, name, sizeof(name)) == 0 ? name : NULL);
    set_str(&f->origin, prov_mount_origin(ms, in_container, path, getenv("BBD_IMAGE_ROOT"), host,
                                          sizeof(host)));
    set_str(&f->host_path, host[0] ? host : NULL);
    query_version(f, c, o, at_exit);
}

int prov_snap_enrich(struct prov_snap *s, bool at_exit)
{
    char buf[PATH_MAX];
    struct prov_mounts ms = {0};
    struct bbd_err err;
    ssize_t n;
    s->pid = (long)getpid();
    if (s->exe == NULL && (n = readlink("/proc/self/exe", buf, sizeof(buf) - 1)) > 0) {
        buf[n] = '\0';
        set_str(&s->exe, buf);
    }
    if (gethostname(buf, sizeof(buf) - 1) == 0) {
        buf[sizeof(buf) - 1] = '\0';
        set_str(&s->hostname, buf);
    }
    /* Without mountinfo the container and origins are unknown, the rest still holds. */
    int have_mounts = prov_mounts_read("/proc/self/mountinfo", &ms, &err) == 0;
    const char *rt = prov_container_detect(&ms);
    set_str(&s->container, rt);
    int in_container = strcmp(rt, "none") != 0;
    for (int c = 0; c < PROV_COMP_COUNT; c++) {
        enrich_component(s, c, &ms, in_container, at_exit);
        if (!have_mounts && s->comp[c].loaded) set_str(&s->comp[c].origin, "unknown");
    }
    for (char **e = environ; e && *e; e++)
        if (prov_env_relevant(*e) && add_env(s, *e) < 0) break;
    prov_mounts_free(&ms);
    s->complete = true;
    return 0;
}

/* ---- event lines ---- */

char *prov_event_escape(const char *in, char *buf, size_t len)
{
    size_t o = 0;
    for (; in && *in && o + 3 < len; in++) {
        char e = *in == '\t' ? 't' : *in == '\n' ? 'n' : *in == '\\' ? '\\' : 0;
        if (e) {
            buf[o++] = '\\';
            buf[o++] = e;
        } else {
            buf[o++] = *in;
        }
    }
    if (len) buf[o < len ? o : len - 1] = '\0';
    return buf;
}

static void unescape(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            *o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

/* Split a line in place into at most max tab-separated, unescaped fields. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    while (n < max) {
        f[n++] = line;
        char *tab = strchr(line, '\t');
        if (tab == NULL) break;
        *tab = '\0';
        line = tab + 1;
    }
    for (int i = 0; i < n; i++)
        unescape(f[i]);
    return n;
}

static char *null_if_empty(char *s)
{
    return s && s[0] ? s : NULL;
}

static void parse_component(struct prov_snap *s, char **f, int n)
{
    int c = n >= 6 ? prov_comp_by_key(f[1]) : -1;
    if (c < 0) return;
    struct prov_found *pf = &s->comp[c];
    pf->loaded = true;
    pf->closed = n >= 7 && !strcmp(f[6], "closed");
    set_str(&pf->path, f[2]);
    set_str(&pf->soname, null_if_empty(f[3]));
    set_str(&pf->origin, f[4]);
    set_str(&pf->host_path, null_if_empty(f[5]));
}

static void parse_line(struct prov_snap *s, char *line)
{
    char *f[8];
    int n = split(line, f, 8);
    int c;
    switch (f[0][0] && !f[0][1] ? f[0][0] : 0) {
    case 'P':
        if (n >= 3) {
            s->pid = strtol(f[1], NULL, 10);
            set_str(&s->exe, f[2]);
        }
        s->audited = true;
        break;
    case 'O':
        if (n >= 2) prov_snap_add_object(s, f[1], NULL);
        break;
    case 'L':
        if (n >= 4) prov_snap_object_requester(s, f[1], f[2], f[3]);
        break;
    case 'C':
        if (n >= 2) prov_snap_close_object(s, f[1], true);
        break;
    case 'F':
        if (n >= 4) prov_snap_add_fabric(s, f[1], f[2], atoi(f[3]));
        break;
    case 'W':
        if (n >= 2 && s->warning == NULL) set_str(&s->warning, f[1]);
        break;
    case 'H':
        if (n >= 2) set_str(&s->hostname, f[1]);
        break;
    case 'K':
        if (n >= 2) set_str(&s->container, f[1]);
        break;
    case 'S':
        parse_component(s, f, n);
        break;
    case 'V':
        if (n >= 3 && (c = prov_comp_by_key(f[1])) >= 0) set_str(&s->comp[c].version, f[2]);
        break;
    case 'E':
        if (n >= 2) add_env(s, f[1]);
        break;
    case 'Z':
        s->complete = true;
        break;
    default:
        break;
    }
}

int prov_snap_parse(struct prov_snap *s, const char *text)
{
    char *copy = strdup(text);
    if (copy == NULL) return -1;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        parse_line(s, line);
    free(copy);
    return 0;
}

/* One event line from up to 6 fields, written with a single write(2). */
static int write_line(int fd, const char *tag, const char *const *fields, int n)
{
    char line[16384], esc[8192];
    size_t o = (size_t)snprintf(line, sizeof(line), "%s", tag);
    for (int i = 0; i < n && o < sizeof(line); i++)
        o += (size_t)snprintf(line + o, sizeof(line) - o, "\t%s",
                              prov_event_escape(fields[i] ? fields[i] : "", esc, sizeof(esc)));
    if (o >= sizeof(line) - 1) o = sizeof(line) - 2;
    line[o++] = '\n';
    return write(fd, line, o) == (ssize_t)o ? 0 : -1;
}

int prov_snap_write_exit(const struct prov_snap *s, int fd)
{
    int rc = 0;
    rc |= write_line(fd, "H", (const char *[]){s->hostname}, 1);
    rc |= write_line(fd, "K", (const char *[]){s->container}, 1);
    for (int c = 0; c < PROV_COMP_COUNT; c++) {
        const struct prov_found *f = &s->comp[c];
        if (!f->loaded) continue;
        const char *fields[] = {prov_comps[c].key, f->path,      f->soname,
                                f->origin,         f->host_path, f->closed ? "closed" : "open"};
        rc |= write_line(fd, "S", fields, 6);
        if (f->version)
            rc |= write_line(fd, "V", (const char *[]){prov_comps[c].key, f->version}, 2);
    }
    for (size_t i = 0; i < s->nenv; i++)
        rc |= write_line(fd, "E", (const char *[]){s->env[i]}, 1);
    rc |= write_line(fd, "Z", NULL, 0);
    return rc ? -1 : 0;
}
