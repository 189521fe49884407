#!/usr/bin/env bash
# Test 4: a debootstrap'd Debian 12 root (scripts/make-image-root) run with bwrap. With the
# host's libfabric bind-mounted over the image's, the report marks libfabric "host" and names
# the host path; without the bind, "image".
. "$(dirname "$0")/lib.sh"
root=$("$BBD_SOURCE_DIR/scripts/make-image-root" debian12) || { echo "FAIL make-image-root"; exit 1; }
prog=$BBD_BUILD_DIR/tests/prov/prov_fabric
# the host's libfabric, under a name of our own so the report cannot confuse it with the image's
hostlib=$WORK/host-lib/libfabric.so.1
mkdir -p "$WORK/host-lib"
cp "$(readlink -f /usr/lib/x86_64-linux-gnu/libfabric.so.1)" "$hostlib"
# the image's real file (libfabric.so.1 is a relative link to it)
imagelib=/usr/lib/x86_64-linux-gnu/$(basename "$(readlink "$root/usr/lib/x86_64-linux-gnu/libfabric.so.1")")

# The build tree and the probe's event directory are visible at the same paths inside.
box=(bwrap --bind "$root" / --dev /dev --proc /proc --ro-bind "$BBD_BUILD_DIR" "$BBD_BUILD_DIR"
  --bind "${TMPDIR:-/tmp}" "${TMPDIR:-/tmp}")

FI_PROVIDER=tcp probe "$WORK/image.json" "${box[@]}" "$prog"
check "$WORK/image.json" 'p["container"] == "bwrap" and p["exe"] == "'"$prog"'"'
check "$WORK/image.json" 'p["libfabric"]["loaded"] and p["libfabric"]["origin"] == "image"'
check "$WORK/image.json" 'p["libfabric"]["host_path"] is None'
check "$WORK/image.json" 'p["libfabric"]["used"] and p["libfabric"]["opened"][0]["provider"].startswith("tcp")'

FI_PROVIDER=tcp probe "$WORK/host.json" "${box[@]}" --ro-bind "$hostlib" "$imagelib" "$prog"
check "$WORK/host.json" 'p["container"] == "bwrap"'
check "$WORK/host.json" 'p["libfabric"]["origin"] == "host"'
# the path inside the bound file system (the host's /tmp may be a file system of its own)
check "$WORK/host.json" 'p["libfabric"]["host_path"].endswith("'"$(basename "$WORK")/host-lib/libfabric.so.1"'")'
check "$WORK/host.json" 'p["libfabric"]["path"] == "'"$imagelib"'"'
check "$WORK/host.json" 'p["libfabric"]["used"] and p["libfabric"]["version"][0].isdigit()'
finish
