# shellcheck shell=bash
# containers/recipes/osu.sh — OSU Micro-Benchmarks against the image's MPICH (GPU
# flavours: device buffers and RCCL/NCCL tests).
# Sourced by containers/scripts/build-component, which sets prefix, api, src, jobs,
# rocm, cuda and the helpers autotools_install, record and no_api_path.
case "$FLAVOUR" in
  cpu) gpu=() ;;
  rocm) gpu=(--enable-rocm --with-rocm="$rocm" --enable-rcclomb --with-rccl="$rocm") ;;
  cuda) gpu=(--enable-cuda --with-cuda="$cuda" --enable-ncclomb --with-nccl="$cuda") ;;
esac
autotools_install -- CC="$prefix/bin/mpicc" CXX="$prefix/bin/mpicxx" "${gpu[@]}"
# osu_latency, osu_bw, ... on PATH (bin/) beside bbd-bench (relative links, so the root
# can be inspected from outside too).
find "$prefix/libexec/osu-micro-benchmarks" -type f -executable -name 'osu_*' \
  -exec ln -sfr {} "$prefix/bin/" \;
