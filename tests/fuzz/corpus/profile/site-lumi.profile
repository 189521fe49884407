# lumi: LUMI (HPE Cray EX, AMD MI250X, HPE Slingshot-11), selected with `--site lumi`.
# Applied after the mode's profiles. Every path is bound only when it exists on the host,
# so the file is harmless elsewhere (bbd plan --explain lists what was skipped and why).
#
# (1) The bind list of LUMI's singularity-bindings module (LUMI-EasyBuild-contrib,
#     easybuild/easyconfigs/s/singularity-bindings/singularity-bindings-24.03.eb,
#     SINGULARITY_BIND). The module also sets SINGULARITYENV_LD_LIBRARY_PATH to the
#     cray-mpich lib-abi-mpich, Cray libfabric, PMI and PALS directories; bbd plan places
#     those libraries itself (over the image's files, or in the inject dir on
#     LD_LIBRARY_PATH), after checking them, so that variable is not copied here.
bind /opt/cray                                              # singularity-bindings-24.03.eb
bind /var/spool                                             # singularity-bindings-24.03.eb (Slurm's PMI sockets)
bind /etc/host.conf                                         # singularity-bindings-24.03.eb
bind /etc/hosts                                             # singularity-bindings-24.03.eb
bind /etc/nsswitch.conf                                     # singularity-bindings-24.03.eb
bind /etc/resolv.conf                                       # singularity-bindings-24.03.eb
bind /etc/ssl/openssl.cnf                                   # singularity-bindings-24.03.eb
bind /opt/rocm-6.0.3/lib/libhsa-runtime64.so                # singularity-bindings-24.03.eb
bind /usr/lib64/libatomic.so.1                              # singularity-bindings-24.03.eb
bind /usr/lib64/libbrotlicommon.so.1                        # singularity-bindings-24.03.eb
bind /usr/lib64/libbrotlidec.so.1                           # singularity-bindings-24.03.eb
bind /usr/lib64/libcrypto.so.1.1                            # singularity-bindings-24.03.eb
bind /usr/lib64/libcurl.so.4                                # singularity-bindings-24.03.eb
bind /usr/lib64/libcxi.so.1                                 # singularity-bindings-24.03.eb
bind /usr/lib64/libdrm_amdgpu.so.1                          # singularity-bindings-24.03.eb
bind /usr/lib64/libdrm.so.2                                 # singularity-bindings-24.03.eb
bind /usr/lib64/libelf.so.1                                 # singularity-bindings-24.03.eb
bind /opt/cray/pe/gcc-libs/libgcc_s.so.1 /usr/lib64/libgcc_s.so.1       # singularity-bindings-24.03.eb
bind /opt/cray/pe/gcc-libs/libgfortran.so.5 /usr/lib64/libgfortran.so.5 # singularity-bindings-24.03.eb
bind /usr/lib64/libgssapi_krb5.so.2                         # singularity-bindings-24.03.eb
bind /usr/lib64/libidn2.so.0                                # singularity-bindings-24.03.eb
bind /usr/lib64/libjansson.so.4                             # singularity-bindings-24.03.eb
bind /usr/lib64/libjitterentropy.so.3                       # singularity-bindings-24.03.eb
bind /usr/lib64/libjson-c.so.3                              # singularity-bindings-24.03.eb
bind /usr/lib64/libk5crypto.so.3                            # singularity-bindings-24.03.eb
bind /usr/lib64/libkeyutils.so.1                            # singularity-bindings-24.03.eb
bind /usr/lib64/libkrb5.so.3                                # singularity-bindings-24.03.eb
bind /usr/lib64/libkrb5support.so.0                         # singularity-bindings-24.03.eb
bind /usr/lib64/liblber-2.4.so.2                            # singularity-bindings-24.03.eb
bind /usr/lib64/libldap_r-2.4.so.2                          # singularity-bindings-24.03.eb
bind /usr/lib64/liblnetconfig.so.4                          # singularity-bindings-24.03.eb
bind /usr/lib64/liblustreapi.so                             # singularity-bindings-24.03.eb
bind /usr/lib64/libnghttp2.so.14                            # singularity-bindings-24.03.eb
bind /usr/lib64/libnl-3.so.200                              # singularity-bindings-24.03.eb
bind /usr/lib64/libnl-route-3.so.200                        # singularity-bindings-24.03.eb
bind /usr/lib64/libnuma.so.1                                # singularity-bindings-24.03.eb
bind /usr/lib64/libpcre.so.1                                # singularity-bindings-24.03.eb
bind /usr/lib64/libpsl.so.5                                 # singularity-bindings-24.03.eb
bind /usr/lib64/libsasl2.so.3                               # singularity-bindings-24.03.eb
bind /usr/lib64/libssh.so.4                                 # singularity-bindings-24.03.eb
bind /usr/lib64/libssl.so.1.1                               # singularity-bindings-24.03.eb
bind /opt/cray/pe/gcc-libs/libstdc++.so.6 /usr/lib64/libstdc++.so.6     # singularity-bindings-24.03.eb
bind /usr/lib64/libunistring.so.2                           # singularity-bindings-24.03.eb
bind /usr/lib64/libyaml-0.so.2                              # singularity-bindings-24.03.eb
bind /usr/lib64/libz.so.1                                   # singularity-bindings-24.03.eb
bind /usr/lib64/libzstd.so.1                                # singularity-bindings-24.03.eb
bind /run/cxi                                               # singularity-bindings-24.03.eb
#
# (2) Device nodes. The MI250X GCDs: /dev/kfd (ROCm's compute interface) and /dev/dri
#     (render nodes), the two devices ROCm's container documentation passes
#     (`docker run --device=/dev/kfd --device=/dev/dri`). The Slingshot NICs: libcxi opens
#     /dev/cxi<N> (shs-libcxi-12.0.1 src/libcxi.c, asprintf "/dev/cxi%u"; pinned in
#     ../shared/sources).
device /dev/kfd
device /dev/dri
device /dev/cxi*
#
# (3) RCCL over CXI. RCCL reaches Slingshot through the aws-ofi-rccl plugin
#     (librccl-net.so, LUMI-EasyBuild-contrib aws-ofi-rccl-17d41cb-cpeGNU-24.03.eb), which
#     it finds on LD_LIBRARY_PATH; LUMI's aws-ofi-rccl module sets $EBROOTAWSMINOFIMINRCCL
#     and LUMI's PyTorch page adds $EBROOTAWSMINOFIMINRCCL/lib to the container's
#     LD_LIBRARY_PATH (lumi-userguide docs/software/packages/pytorch.md).
bind-env EBROOTAWSMINOFIMINRCCL                             # the plugin's install prefix, at the same path
ld-path ${EBROOTAWSMINOFIMINRCCL}/lib                       # librccl-net.so
env NCCL_SOCKET_IFNAME=hsn0,hsn1,hsn2,hsn3                  # Lumi-supercomputer/LUMI-AI-Guide multi-gpu-and-node/README.md: RCCL on the Slingshot interfaces
env NCCL_NET_GDR_LEVEL=PHB                                  # Lumi-supercomputer/LUMI-AI-Guide multi-gpu-and-node/README.md: GPU RDMA to the GCD's own NIC
env CXI_FORK_SAFE=1                                         # Lumi-supercomputer/ml-examples tensorflow/hvd/README.md ("used by RCCL for the communication over Slingshot"); fi_cxi(7) fork guidance
env CXI_FORK_SAFE_HP=1                                      # same; fi_cxi(7): also when huge pages are registered
env FI_CXI_DISABLE_CQ_HUGETLB=1                             # same; fi_cxi(7) FI_CXI_DISABLE_CQ_HUGETLB
env FI_CXI_DEFAULT_CQ_SIZE=131072                           # HPE's NCCL/RCCL-over-CXI recommendations (support.hpe.com docId dp00004855en_us, as quoted in argonne-lcf/alcf-nccl-tests pytests/aws_2025.01.15pp.sh); avoids "Cassini Event Queue overflow"
env FI_CXI_DISABLE_HOST_REGISTER=1                          # HPE dp00004855en_us (same quote)
env FI_MR_CACHE_MONITOR=userfaultfd                         # HPE dp00004855en_us (same quote); fi_mr(3) FI_MR_CACHE_MONITOR
# Not set here: the same HPE list also tunes FI_CXI_DEFAULT_TX_SIZE, FI_CXI_RDZV_PROTO=alt_read,
# FI_CXI_RX_MATCH_MODE=software and FI_CXI_REQ_BUF_SIZE for collective-heavy jobs, with values
# that differ between sites (OLCF's Frontier scripts use kdreg2, TX 2048, hybrid matching);
# HPE's intro_mpi(3) warns that changing cray-mpich's FI_ defaults can give undefined
# behaviour, so an MPI-only run keeps them. Add them with --profile FILE for RCCL jobs.
