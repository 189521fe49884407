#!/usr/bin/env bash
# cpu_image.sh — build the CPU flavour for real and use it:
#   scripts/container-cpu-root: debootstrap base + MPICH and libfabric from Debian's
#   source packages -> buildah bud (scripts/build-image, pin set "debian") -> exported
#   root file system (cached) -> checks on its contents ->
#   bbd-bench latency -c inside it with bwrap in basic mode (nothing from the host),
#   once through MPICH's shared memory and once forced through libfabric's tcp provider
#   -> bbd plan inspects the root (when the plan part is built).
# Exit 77 (skipped) without root, buildah, debootstrap or bwrap.
set -euo pipefail
src=${BBD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BBD_BUILD_DIR:-$src/build}
for tool in buildah debootstrap bwrap; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: building images with buildah needs root here"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
pin() { # the debian pin set's value of KEY, read from the versions file
  PIN_SET=debian bash -c '. "$1" "$2" && echo "${!3}"' _ "$src/containers/scripts/pins.sh" \
    "$src/containers/versions.env" "$1"
}

t0=$(date +%s)
root=$("$src/scripts/container-cpu-root")
echo "image root: $root ($(($(date +%s) - t0)) s to build or find in the cache)"
prefix=/opt/bitbulldozer

# --- what the image holds ---
for f in bin/bbd-bench bin/bbd bin/mpiexec bin/fi_info lib/libmpi.so.12 lib/libmpich.so.12 \
  lib/libfabric.so.1 share/bbd/image.json share/bbd/versions.env; do
  [ -e "$root$prefix/$f" ] || fail "$prefix/$f missing from the image"
done
for d in /opt/cray /var/spool/slurmd /run/cxi /usr/lib64 $prefix/host-lib; do
  [ -d "$root$d" ] || fail "mount point $d missing"
done
grep -qx "$prefix/lib" "$root/etc/ld.so.conf.d/10-bbd.conf" || fail "ld.so.conf entry missing"
manifest=$(tr -d '\n' <"$root$prefix/share/bbd/image.json")
echo "manifest: $manifest"
for want in "\"flavour\":\"cpu\"" "\"libfabric\":\"$(pin LIBFABRIC_VERSION)\"" \
  "\"mpich\":\"$(pin MPICH_VERSION)\"" '"with_cxi":false' '"tcp"' '"udp"' '"shm"'; do
  grep -qF "$want" <<<"$manifest" || fail "manifest lacks $want"
done
cmp -s "$root$prefix/share/bbd/versions.env" "$src/containers/versions.env" ||
  fail "the image's versions.env is not this checkout's"

# --- run inside the image, basic mode: the image's own root; like apptainer, only the
# host's /etc/hosts comes in (hydra resolves the node name), and a folder for results ---
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
in_image() {
  bwrap --bind "$root" / --ro-bind /etc/hosts /etc/hosts --proc /proc --dev /dev --tmpfs /tmp \
    --bind "$work" /results --unshare-pid --die-with-parent \
    --clearenv --setenv PATH "$prefix/bin:/usr/sbin:/usr/bin:/sbin:/bin" --setenv HOME /tmp "$@"
}
ld=$(in_image ldconfig -p)
grep -q "libmpi.so.12 .*=> $prefix/lib/libmpi.so.12" <<<"$ld" || fail "ld.so.cache has no $prefix/lib/libmpi.so.12"
deps=$(in_image ldd "$prefix/bin/bbd-bench")
echo "$deps"
grep -q "libmpi.so.12 => $prefix/lib/libmpi.so.12" <<<"$deps" || fail "bbd-bench does not load the image's MPI"
grep -q "libfabric.so.1 => $prefix/lib/libfabric.so.1" <<<"$deps" || fail "the image's MPI does not load its libfabric"
device=$(in_image mpichversion | grep -i 'device')
echo "$device"
grep -q 'ch4:ofi' <<<"$device" || fail "MPICH in the image is not ch4:ofi: $device"
in_image fi_info -p tcp >/dev/null ||
  fail "fi_info finds no tcp provider in the image"

check_records() { # LABEL TEXT: the OSU table must hold 13 sizes, each validated, latency > 0
  local label=$1 text=$2 rows
  rows=$(awk '/^[0-9]+ +[0-9.]+ +Pass$/ && $2 > 0 {n++} END {print n + 0}' <<<"$text")
  [ "$rows" -eq 13 ] || fail "$label: $rows of 13 sizes validated with a positive latency"
}
latency() { # NAME ENV...: bbd-bench latency -c, 2 ranks, in the image; JSON to $work/NAME.jsonl
  local name=$1
  shift
  in_image env "$@" mpiexec -n 2 bbd-bench latency -m 1:4096 -i 200 -x 20 -c --timeout 120 \
    --json "/results/$name.jsonl" 2>&1
}
check_json() { # NAME: 13 validated latency records from the image's own MPICH and libfabric
  local name=$1 json
  json=$(cat "$work/$name.jsonl")
  [ "$(grep -c '"test":"latency"' <<<"$json")" -eq 13 ] || fail "$name: expected 13 latency records"
  [ "$(grep -c '"validated":true' <<<"$json")" -eq 13 ] || fail "$name: records are not validated"
  ! grep -q '"errors":[1-9]' <<<"$json" || fail "$name: validation found wrong bytes"
  grep -q '"mpi_version":"MPICH Version:[^"]*'"$(pin MPICH_VERSION)" <<<"$json" ||
    fail "$name: records do not name the image's MPICH $(pin MPICH_VERSION)"
  # Provenance (when bbd-bench records it): both libraries came from the image.
  if grep -q '"provenance":{"schema"' <<<"$json"; then
    grep -q '"mpi":{[^}]*"path":"'"$prefix"'/lib/libmpi.so[^}]*"origin":"image"' <<<"$json" ||
      fail "$name: provenance does not show the image's libmpi"
    grep -q '"libfabric":{[^}]*"path":"'"$prefix"'/lib/libfabric.so[^}]*"origin":"image"' <<<"$json" ||
      fail "$name: provenance does not show the image's libfabric"
  fi
}
out=$(latency shm) || fail "bbd-bench latency -c failed in the image: $out"
echo "--- MPICH shared memory"
echo "$out"
check_records "shared memory" "$out"
check_json shm

# The same pair forced through libfabric: no MPICH shared memory, tcp provider only.
tcp=$(latency tcp MPIR_CVAR_NOLOCAL=1 FI_PROVIDER=tcp) || fail "bbd-bench over libfabric tcp failed: $tcp"
echo "--- libfabric tcp (MPIR_CVAR_NOLOCAL=1 FI_PROVIDER=tcp)"
echo "$tcp"
check_records "libfabric tcp" "$tcp"
check_json tcp
if grep -q '"transport":{' "$work/tcp.jsonl"; then
  grep -q '"libfabric_carries":true' "$work/tcp.jsonl" ||
    fail "provenance says libfabric did not carry the bytes with MPIR_CVAR_NOLOCAL=1"
  grep -q '"provider":"tcp"' "$work/tcp.jsonl" || fail "provenance does not name the tcp provider"
fi
shm1=$(awk '$1 == 1 {print $2}' <<<"$out")
tcp1=$(awk '$1 == 1 {print $2}' <<<"$tcp")
echo "1-byte latency: MPICH shared memory $shm1 us, libfabric tcp $tcp1 us (load-dependent, not asserted)"
# Negative control: the image's MPICH cannot start without a libfabric provider, so the
# runs above went through the image's libfabric.
if none=$(in_image env FI_PROVIDER=no-such-provider mpiexec -n 2 bbd-bench latency -m 1:1 -i 10 \
  -x 1 --timeout 60 2>&1); then
  fail "bbd-bench ran with FI_PROVIDER=no-such-provider: libfabric is not in the path: $none"
fi
echo "FI_PROVIDER=no-such-provider fails as it must: $(grep -m1 -i 'fi_\|ofi\|provider\|error' <<<"$none")"

# --- bbd plan inspects the exported root ---
# Hybrid mode swaps the image's libfabric for the host's. Whether that can work follows
# from the ELF files alone: the newest FABRIC_x.y the image's libmpi asks for against the
# newest the host's libfabric defines. bbd plan must reach the same verdict before launch.
bbd=$build/src/bbd/bbd
# (no early exit from a reader of ldconfig's long output: under pipefail, the SIGPIPE
# ldconfig would get makes the whole script stop without a word)
host_fabric=$(ldconfig -p | awk '/libfabric.so.1 .*x86-64/ && !found {print $NF; found = 1}')
plan_help=$("$bbd" plan --help 2>&1 || true)
if [ -x "$bbd" ] && grep -q -- '--image' <<<"$plan_help" && [ -n "$host_fabric" ]; then
  plan=$("$bbd" plan --mode basic --image "$root" --format json 2>&1) || fail "bbd plan --mode basic failed: $plan"
  grep -qF "\"image\":\"$root\"" <<<"$plan" || fail "bbd plan --mode basic: $plan"
  newest() { grep -oE 'FABRIC_[0-9]+\.[0-9]+' | sort -t_ -k2 -V | tail -1; }
  need=$(objdump -T "$root$prefix/lib/libmpi.so.12" | newest)
  have=$(objdump -T "$host_fabric" | newest)
  rc=0
  plan=$("$bbd" plan --mode hybrid --image "$root" --host-fabric "$host_fabric" --format json 2>&1) || rc=$?
  echo "bbd plan --mode hybrid: image libmpi needs $need, host $host_fabric has $have: exit $rc"
  echo "$plan" | tail -3
  if [ "$(printf '%s\n' "$need" "$have" | sort -t_ -k2 -V | tail -1)" = "$have" ]; then
    [ "$rc" -eq 0 ] || fail "bbd plan refused hybrid mode although the host has $have >= $need"
    grep -qF "$prefix/lib/libfabric.so" <<<"$plan" || fail "bbd plan does not replace the image's libfabric"
  else
    [ "$rc" -eq 1 ] || fail "bbd plan accepted hybrid mode although the host's libfabric lacks $need"
    grep -qF "$need" <<<"$plan" || fail "bbd plan's refusal does not name $need"
  fi
  # bind: the built image serves as the image for bind mode too. The host's MPICH (Debian,
  # ch4:ucx) replaces the image's libmpi.so.12 (ch4:ofi), with the host UCX it needs; the
  # launcher runs outside, one container per rank, as srun + apptainer would.
  mpich=$(realpath /usr/lib/x86_64-linux-gnu/libmpich.so.12)
  json=$(timeout 120 mpiexec.mpich -n 2 "$bbd" exec --mode bind --image "$root" --host-mpi "$mpich" \
    --app "$prefix/bin/bbd-bench" -- "$prefix/bin/bbd-bench" latency -m 1:64 -c --json - \
    2>"$work/bind.err" | grep '^{') || fail "bind mode in the built image: $(tail -5 "$work/bind.err")"
  [ "$(jq -s 'map(select(.errors == 0 and .validated)) | length' <<<"$json")" -eq 7 ] \
    || fail "bind: expected 7 validated sizes: $json"
  # (-s: jq 1.6's -e judges the last input, which a select() may leave without output)
  jq -s -e --arg m "$mpich" 'map(select(.size == 1))[0].provenance.mpi | .origin == "host" and
      .host_path == $m and .device == "ch4:ucx"' <<<"$json" >/dev/null \
    || fail "bind: provenance does not show the host's MPICH ch4:ucx: $json"
  echo "bind: host $mpich (ch4:ucx) over the image's libmpi.so.12: 7 sizes validated"
else
  echo "note: no bbd plan in $build or no host libfabric; image inspection not checked"
fi
echo "PASS"
