# shellcheck shell=bash
# containers/recipes/mpich.sh — MPICH ch4:ofi against the libfabric API; GPU-aware in the
# GPU flavours.
# Sourced by containers/scripts/build-component, which sets prefix, api, src, jobs,
# rocm, cuda and the helpers autotools_install, record and no_api_path.
# minimal: no Fortran and no ROMIO; the C++ wrapper (mpicxx) stays, OSU links with it.
features=(--disable-fortran --disable-romio)
[ "${MPICH_FEATURES:-full}" = full ] && features=(--enable-fortran=all --enable-romio)
engine=$MPICH_DATATYPE_ENGINE
if [ "$FLAVOUR" != cpu ]; then
  # yaksa packs GPU buffers; its generated kernels up to MPICH_YAKSA_NESTING levels.
  engine=yaksa
  if [ "$MPICH_YAKSA_NESTING" != 3 ]; then
    # (the generator rewrites the kernel files and the lists the Makefiles build)
    (cd "$src/modules/yaksa" && ./autogen.sh --pup-max-nesting="$MPICH_YAKSA_NESTING")
  fi
fi
case "$FLAVOUR" in
  cpu) gpu=(--without-cuda --without-hip) ;;
  rocm) gpu=(--with-hip="$rocm" --with-hip-sm="$GPU_TARGETS" --without-cuda) ;;
  cuda) gpu=(--with-cuda="$cuda" --with-cuda-sm="$GPU_TARGETS" --without-hip) ;;
esac
# No wrapper rpath: programs find libmpi.so.12 through ld.so.cache, so bind and hybrid
# modes can replace it the way LUMI's bindings do (LD_LIBRARY_PATH / binds).
# GCC 14 (Debian 13) makes old-C warnings errors that MPICH 4.0's own code and configure
# tests still trip; they stay warnings.
autotools_install -- --with-device=ch4:ofi --with-libfabric="$api" \
  --with-datatype-engine="$engine" --disable-wrapper-rpath \
  --disable-static --disable-doc "${features[@]}" "${gpu[@]}" \
  CFLAGS="-O2 -Wno-error=implicit-function-declaration -Wno-error=incompatible-pointer-types -Wno-error=int-conversion"
no_api_path "$prefix/lib/libmpi.so.12"
# Debian's mpicc links libmpich.so.12; cray-mpich and this build provide libmpi.so.12.
ln -sf libmpi.so.12 "$prefix/lib/libmpich.so.12"
