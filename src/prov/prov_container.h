/* prov_container.h — which container runtime, if any, this process runs in. One detector per
 * runtime in a table, tried in order; the first that recognises its traces wins. */
#ifndef BBD_PROV_CONTAINER_H
#define BBD_PROV_CONTAINER_H

#include "prov_mount.h"

/* "apptainer", "singularity", "docker", "podman", "bwrap", "other" or "none". */
const char *prov_container_detect(const struct prov_mounts *ms);

#endif
