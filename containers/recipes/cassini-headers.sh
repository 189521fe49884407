# shellcheck shell=bash
# containers/recipes/cassini-headers.sh — HPE's Cassini hardware headers.
# Sourced by containers/scripts/build-component, which sets prefix, api, src, jobs,
# rocm, cuda and the helpers autotools_install, record and no_api_path.
mkdir -p "$prefix/include" "$prefix/share"
cp -r "$src"/include/. "$prefix/include/"
cp -r "$src"/share/. "$prefix/share/"
# libcxi's build reads the headers' install tree beside its own source.
mkdir -p "$src/install" && cp -r "$src/include" "$src/share" "$src/install/"
record "(headers copied to $prefix/include and $prefix/share)"
