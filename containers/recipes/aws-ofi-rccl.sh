# shellcheck shell=bash
# containers/recipes/aws-ofi-rccl.sh — RCCL's libfabric network plugin (rocm).
# Sourced by containers/scripts/build-component, which sets prefix, api, src, jobs,
# rocm, cuda and the helpers autotools_install, record and no_api_path.
# (its tests need a GPU to run: not built)
autotools_install -- --with-libfabric="$api" --with-mpi="$prefix" --with-hip="$rocm" --with-rccl="$rocm" \
  --disable-tests
no_api_path "$prefix/lib/librccl-net.so"
