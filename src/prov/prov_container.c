#include "prov_container.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct runtime {
    const char *name;
    int (*detect)(const struct prov_mounts *ms);
};

static int env_is(const char *name, const char *value)
{
    const char *v = getenv(name);
    return v && (value == NULL || !strcmp(v, value));
}

static int detect_apptainer(const struct prov_mounts *ms)
{
    (void)ms;
    return env_is("APPTAINER_CONTAINER", NULL) || env_is("APPTAINER_NAME", NULL);
}

static int detect_singularity(const struct prov_mounts *ms)
{
    (void)ms;
    return env_is("SINGULARITY_CONTAINER", NULL) || access("/.singularity.d", F_OK) == 0;
}

static int detect_docker(const struct prov_mounts *ms)
{
    (void)ms;
    return access("/.dockerenv", F_OK) == 0;
}

static int detect_podman(const struct prov_mounts *ms)
{
    (void)ms;
    return access("/run/.containerenv", F_OK) == 0 || env_is("container", "podman");
}

/* Charliecloud's ch-run sets CH_RUNNING in the container's environment. */
static int detect_charliecloud(const struct prov_mounts *ms)
{
    (void)ms;
    return env_is("CH_RUNNING", NULL);
}

/* bwrap leaves no file behind; it stays the parent (or PID 1) of what it runs. */
static int ancestor_named(const char *want)
{
    pid_t pid = getppid();
    for (int depth = 0; depth < 8 && pid > 0; depth++) {
        char file[64], line[256];
        snprintf(file, sizeof(file), "/proc/%d/stat", (int)pid);
        FILE *f = fopen(file, "re");
        if (f == NULL) return 0;
        char *ok = fgets(line, sizeof(line), f);
        fclose(f);
        /* "PID (COMM) STATE PPID ..."; COMM may contain spaces and parentheses */
        char *open = ok ? strchr(line, '(') : NULL, *close = ok ? strrchr(line, ')') : NULL;
        if (open == NULL || close == NULL || close < open) return 0;
        *close = '\0';
        if (!strcmp(open + 1, want)) return 1;
        int ppid = 0;
        if (sscanf(close + 1, " %*c %d", &ppid) != 1) return 0;
        pid = ppid;
    }
    return 0;
}

static int detect_bwrap(const struct prov_mounts *ms)
{
    (void)ms;
    return ancestor_named("bwrap");
}

/* Some other mount namespace whose "/" is a directory of another file system (chroot-like). */
static int detect_other(const struct prov_mounts *ms)
{
    const struct prov_mount *root = prov_mount_of(ms, "/");
    return root && strcmp(root->point, "/") == 0 && strcmp(root->root, "/") != 0;
}

static const struct runtime runtimes[] = {
    {"apptainer", detect_apptainer}, {"singularity", detect_singularity},
    {"podman", detect_podman},       {"charliecloud", detect_charliecloud},
    {"bwrap", detect_bwrap},         {"docker", detect_docker},
    {"other", detect_other},
};

const char *prov_container_detect(const struct prov_mounts *ms)
{
    for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++)
        if (runtimes[i].detect(ms)) return runtimes[i].name;
    return "none";
}
