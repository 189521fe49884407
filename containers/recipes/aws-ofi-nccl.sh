# shellcheck shell=bash
# containers/recipes/aws-ofi-nccl.sh — NCCL's libfabric network plugin (cuda).
# Sourced by containers/scripts/build-component, which sets prefix, api, src, jobs,
# rocm, cuda and the helpers autotools_install, record and no_api_path.
# (its tests need a GPU to run: not built)
autotools_install -- --with-libfabric="$api" --with-mpi="$prefix" --with-cuda="$cuda" --disable-tests
no_api_path "$prefix/lib/libnccl-net.so"
