#!/usr/bin/env bash
# sources_checked.sh — the offline image build stops at once, before building anything,
# when a source archive is corrupt or missing: exit 3, one line naming the archive, the
# expected and the actual sha256 (or the missing path), nothing published to the cache.
# Uses a copy of the sources folder and an empty cache folder. Exit 77 without root.
set -euo pipefail
src=${BBD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
real=${BBD_SOURCES_DIR:-$src/../shared/sources}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: the image build needs root"; exit 77; }
command -v buildah >/dev/null && command -v debootstrap >/dev/null || { echo "SKIP: no buildah/debootstrap"; exit 77; }
[ -f "$real/libfabric-2.1.0.tar.gz" ] || { echo "SKIP: no sources folder at $real"; exit 77; }
work=$(mktemp -d /tmp/bbd-sources-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
want=$(sed -n 's/^OFFLINE_LIBFABRIC_SHA256=//p' "$src/containers/versions.env")

# 1. corrupt: one byte appended to the libfabric archive
cp -a "$real" "$work/sources"
printf 'x' >>"$work/sources/libfabric-2.1.0.tar.gz"
got=$(sha256sum "$work/sources/libfabric-2.1.0.tar.gz" | cut -d' ' -f1)
rc=0
BBD_CACHE=$work/cache BBD_SOURCES_DIR=$work/sources "$src/scripts/container-root" cpu \
  >"$work/out" 2>"$work/err" || rc=$?
cat "$work/err"
[ "$rc" -eq 3 ] || fail "corrupt archive: exit $rc, expected 3"
[ ! -s "$work/out" ] || fail "corrupt archive: something on stdout: $(cat "$work/out")"
line=$(grep 'libfabric-2.1.0.tar.gz' "$work/err") || fail "the error does not name libfabric-2.1.0.tar.gz"
grep -q "$want" <<<"$line" && grep -q "$got" <<<"$line" || fail "the error does not give both sums: $line"
[ ! -e "$work/cache/sources/offline/libfabric/libfabric-2.1.0.tar.gz" ] || fail "the corrupt archive was cached"
[ ! -e "$work/cache/images" ] || fail "a base or an image was started: $(ls "$work/cache/images")"
echo "ok: corrupt archive refused before any build: $line"

# 2. missing: the OSU archive removed
cp "$real/libfabric-2.1.0.tar.gz" "$work/sources/"
rm "$work/sources/osu-micro-benchmarks-7.4.tar.gz"
rc=0
BBD_CACHE=$work/cache BBD_SOURCES_DIR=$work/sources "$src/scripts/container-root" cpu \
  >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" -eq 3 ] || { cat "$work/err"; fail "missing archive: exit $rc, expected 3"; }
line=$(grep "$work/sources/osu-micro-benchmarks-7.4.tar.gz not found" "$work/err") ||
  { cat "$work/err"; fail "the error does not name the missing archive"; }
[ ! -e "$work/cache/images" ] || fail "a base or an image was started"
echo "ok: missing archive refused before any build: $line"

# 3. a cached copy corrupted after it was checked is replaced by a good one
cp "$real/osu-micro-benchmarks-7.4.tar.gz" "$work/sources/"
BBD_CACHE=$work/cache BBD_SOURCES_DIR=$work/sources "$src/scripts/container-sources" >/dev/null 2>"$work/err" ||
  { cat "$work/err"; fail "container-sources with good archives"; }
printf 'x' >>"$work/cache/sources/offline/osu/osu-micro-benchmarks-7.4.tar.gz"
BBD_CACHE=$work/cache BBD_SOURCES_DIR=$work/sources "$src/scripts/container-sources" >/dev/null 2>"$work/err" ||
  { cat "$work/err"; fail "container-sources after a cached copy was corrupted"; }
[ "$(sha256sum "$work/cache/sources/offline/osu/osu-micro-benchmarks-7.4.tar.gz" | cut -d' ' -f1)" = \
  "$(sed -n 's/^OFFLINE_OSU_SHA256=//p' "$src/containers/versions.env")" ] || fail "the corrupted cached copy was kept"
echo "ok: a corrupted cached copy is replaced"
echo "PASS"
