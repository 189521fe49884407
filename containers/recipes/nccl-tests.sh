# shellcheck shell=bash
# containers/recipes/nccl-tests.sh — NCCL's performance tests, with MPI (cuda).
# Sourced by containers/scripts/build-component, which sets prefix, api, src, jobs,
# rocm, cuda and the helpers autotools_install, record and no_api_path.
opts=(MPI=1 MPI_HOME="$prefix" CUDA_HOME="$cuda" NCCL_HOME="$cuda"
  NVCC_GENCODE="$(for sm in ${GPU_TARGETS//,/ }; do printf -- '-gencode=arch=compute_%s,code=sm_%s ' "$sm" "$sm"; done)")
record "${opts[@]}"
make -C "$src" -j"$jobs" "${opts[@]}"
install -m 755 "$src"/build/*_perf "$prefix/bin/"
