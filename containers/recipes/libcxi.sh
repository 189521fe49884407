# shellcheck shell=bash
# containers/recipes/libcxi.sh — HPE's CXI user-space library.
# Sourced by containers/scripts/build-component, which sets prefix, api, src, jobs,
# rocm, cuda and the helpers autotools_install, record and no_api_path.
# Its Makefile runs a generator by a source-relative path: built in the source tree.
autotools_install --in-tree -- CFLAGS="-O2 -Wno-error -D_FILE_OFFSET_BITS=64 -I$prefix/include" \
  --with-udevrulesdir="$prefix/lib/udev/rules.d" \
  --with-systemdsystemunitdir="$prefix/lib/systemd/system"
