/* fabric2 — a libfabric caller for the symbol-check test: opens the tcp provider's fabric
 * with fi_fabric2 (new in libfabric 1.20, FABRIC_1.8). Built against a libfabric that has
 * it; the prototype is declared here when the rdma/fabric.h at hand is older. */
#include <rdma/fabric.h>
#include <stdio.h>
#include <string.h>

#if FI_MAJOR_VERSION == 1 && FI_MINOR_VERSION < 20
int fi_fabric2(struct fi_info *info, struct fid_fabric **fabric, uint64_t flags, void *context);
#endif

int main(void)
{
    struct fi_info *hints = fi_allocinfo(), *info = NULL;
    struct fid_fabric *fabric = NULL;
    if (hints == NULL) return 2;
    hints->fabric_attr->prov_name = strdup("tcp");
    hints->ep_attr->type = FI_EP_MSG;
    int rc = fi_getinfo(FI_VERSION(1, 18), NULL, NULL, 0, hints, &info);
    if (rc == 0) rc = fi_fabric2(info, &fabric, 0, NULL);
    printf("fabric2 rc %d provider %s\n", rc, rc == 0 ? info->fabric_attr->prov_name : "-");
    if (fabric) fi_close(&fabric->fid);
    fi_freeinfo(info);
    fi_freeinfo(hints);
    return rc ? 1 : 0;
}
