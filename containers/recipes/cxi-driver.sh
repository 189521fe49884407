# shellcheck shell=bash
# containers/recipes/cxi-driver.sh — only the CXI driver's user-space API headers (the
# kernel module is the host's).
# Sourced by containers/scripts/build-component, which sets prefix, api, src, jobs,
# rocm, cuda and the helpers autotools_install, record and no_api_path.
mkdir -p "$prefix/include"
cp -r "$src/include/linux" "$src/include/uapi" "$prefix/include/"
record "(include/linux and include/uapi copied to $prefix/include)"
