# shellcheck shell=bash
# containers/recipes/libfabric-api.sh — the older libfabric that MPICH and the plugins
# link against (LIBFABRIC_API_VERSION), never shipped.
# Sourced by containers/scripts/build-component, which sets prefix, api, src, jobs,
# rocm, cuda and the helpers autotools_install, record and no_api_path.
# Only the API matters: the core library and the smallest provider (libfabric's configure
# fails without any); no GPU memory support (1.15's ROCr code does not compile with GCC 14,
# Debian 13, when configure finds the HSA headers by itself).
autotools_install --prefix "$api" --make noinst_PROGRAMS= -- --disable-static --enable-only \
  --enable-udp=yes --with-rocr=no --with-cuda=no --with-ze=no --with-neuron=no
# Without its .la file libtool does not write the API folder into libmpi's run path.
rm -f "$api"/lib/*.la
