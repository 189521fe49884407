# shellcheck shell=bash
# containers/recipes/rccl-tests.sh — RCCL's performance tests, with MPI (rocm).
# Sourced by containers/scripts/build-component, which sets prefix, api, src, jobs,
# rocm, cuda and the helpers autotools_install, record and no_api_path.
# Its Makefile has no target option: hipcc is given them.
opts=(MPI=1 MPI_HOME="$prefix" ROCM_PATH="$rocm" NCCL_HOME="$rocm"
  HIPCC="hipcc$(for t in ${GPU_TARGETS//,/ }; do printf ' --offload-arch=%s' "$t"; done)")
record "${opts[@]}"
make -C "$src" -j"$jobs" "${opts[@]}"
install -m 755 "$src"/build/*_perf "$prefix/bin/"
