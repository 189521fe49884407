/* prov_unmap_libs.c — the two stand-in objects of prov_unmap.c, built from this one file:
 * with -DFAKE_FABRIC a libfabric.so.1 that says it is 1.99, else an MPI_Finalize. */
#include <stdint.h>

#ifdef FAKE_FABRIC
uint32_t fi_version(void);
uint32_t fi_version(void)
{
    return (1u << 16) | 99u;
}
#else /* FAKE_MPI */
int MPI_Finalize(void);
int MPI_Finalize(void)
{
    return 0;
}
#endif
