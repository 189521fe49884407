/* netplugin_check — does an NCCL/RCCL network plugin load, and what does it export?
 * A test helper run inside built images (tests/containers/image.sh), no GPU needed.
 *
 *   netplugin_check PLUGIN [LIBRARY]
 *
 * 1. dlopen(PLUGIN, RTLD_NOW): every symbol it needs must resolve now, as when NCCL or
 *    RCCL load it;
 * 2. lists the plugin entry points NCCL/RCCL look up with dlsym (ncclNetPlugin_vN,
 *    ncclCollNetPlugin_vN); none is a failure;
 * 3. with LIBRARY (libnccl.so.2 / librccl.so.1): loads it, prints ncclGetVersion and
 *    calls ncclGetUniqueId, the first call that initialises the library without a
 *    communicator (run with NCCL_DEBUG=INFO to see what it says of its network).
 * Exit: 0 the plugin loads and exports an entry point, 1 it does not, 2 usage,
 * 3 LIBRARY does not load. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef int (*get_version_fn)(int *);
typedef int (*get_unique_id_fn)(void *);
typedef const char *(*error_string_fn)(int);

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || argv[1][0] == '-') {
        fprintf(stderr, "usage: netplugin_check PLUGIN [LIBRARY]\n");
        return 2;
    }
    void *plugin = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (plugin == NULL) {
        printf("plugin %s: dlopen failed: %s\n", argv[1], dlerror());
        return 1;
    }
    printf("plugin %s: loads (RTLD_NOW)\n", argv[1]);
    int found = 0;
    static const char *const kinds[] = {"ncclNetPlugin_v", "ncclCollNetPlugin_v"};
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
        for (int v = 12; v >= 1; v--) {
            char name[64];
            snprintf(name, sizeof(name), "%s%d", kinds[k], v);
            if (dlsym(plugin, name) != NULL) {
                printf("plugin exports %s\n", name);
                found++;
            }
        }
    if (found == 0) {
        printf("plugin %s: no ncclNetPlugin_vN or ncclCollNetPlugin_vN symbol\n", argv[1]);
        return 1;
    }
    if (argc == 3) {
        void *lib = dlopen(argv[2], RTLD_NOW | RTLD_GLOBAL);
        if (lib == NULL) {
            printf("library %s: dlopen failed: %s\n", argv[2], dlerror());
            return 3;
        }
        get_version_fn get_version = (get_version_fn)(void (*)(void))dlsym(lib, "ncclGetVersion");
        get_unique_id_fn get_id = (get_unique_id_fn)(void (*)(void))dlsym(lib, "ncclGetUniqueId");
        error_string_fn err_str = (error_string_fn)(void (*)(void))dlsym(lib, "ncclGetErrorString");
        int version = 0;
        if (get_version != NULL && get_version(&version) == 0)
            printf("library %s: ncclGetVersion %d\n", argv[2], version);
        if (get_id != NULL) {
            char id[128]; /* ncclUniqueId is 128 bytes */
            memset(id, 0, sizeof(id));
            int rc = get_id(id);
            printf("library %s: ncclGetUniqueId: %d (%s)\n", argv[2], rc,
                   err_str != NULL ? err_str(rc) : "?");
        }
    }
    return 0;
}
