# shellcheck shell=bash
# containers/recipes/libfabric.sh — the shipped libfabric (tcp, udp, rxm, shm; cxi with
# WITH_CXI=1).
# Sourced by containers/scripts/build-component, which sets prefix, api, src, jobs,
# rocm, cuda and the helpers autotools_install, record and no_api_path.
# --enable-only: exactly the providers named here are built, whatever the builder has.
cxi=(--enable-cxi=no)
[ "${WITH_CXI:-0}" = 1 ] && cxi=(--enable-cxi="$prefix" --with-cassini-headers="$prefix"
  --with-cxi-uapi-headers="$prefix" --with-json-c=/usr --with-curl=/usr)
# GPU memory support (FI_HMEM) loads the GPU runtime with dlopen, so the library still
# loads on a node without a GPU driver.
gpu=()
case "$FLAVOUR" in
  rocm) gpu=(--with-rocr="$rocm" --enable-rocr-dlopen) ;;
  cuda) gpu=(--with-cuda="$cuda" --enable-cuda-dlopen) ;;
esac
# The cxi provider's multinode test programs link statically and fail in a shared-only
# build; they are not installed, so they are not built (noinst_PROGRAMS=).
autotools_install --make noinst_PROGRAMS= -- --disable-static --enable-only --enable-tcp=yes \
  --enable-udp=yes --enable-rxm=yes --enable-shm=yes "${cxi[@]}" "${gpu[@]}"
