/* prov_fabric.c — a minimal libfabric user for the container test: asks fi_getinfo for a
 * reliable-datagram endpoint (FI_PROVIDER narrows it), opens that fabric with fi_fabric and
 * closes it again. Prints the provider it opened. */
#include <rdma/fabric.h>
#include <stdio.h>

int main(void)
{
    struct fi_info *hints = fi_allocinfo(), *info = NULL;
    struct fid_fabric *fabric = NULL;
    if (hints == NULL) return 3;
    hints->ep_attr->type = FI_EP_RDM;
    hints->caps = FI_MSG;
    int rc = fi_getinfo(FI_VERSION(1, 5), NULL, NULL, 0, hints, &info);
    if (rc != 0 || info == NULL) {
        fprintf(stderr, "prov_fabric: fi_getinfo: %s\n", fi_strerror(-rc));
        fi_freeinfo(hints);
        return 3;
    }
    rc = fi_fabric(info->fabric_attr, &fabric, NULL);
    if (rc == 0) {
        printf("prov_fabric: opened provider %s fabric %s\n", info->fabric_attr->prov_name,
               info->fabric_attr->name);
        fi_close(&fabric->fid);
    } else {
        fprintf(stderr, "prov_fabric: fi_fabric: %s\n", fi_strerror(-rc));
    }
    fi_freeinfo(info);
    fi_freeinfo(hints);
    return rc == 0 ? 0 : 1;
}
