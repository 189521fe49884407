#!/usr/bin/env bash
# image.sh FLAVOUR — build the FLAVOUR image (cpu, rocm, cuda) for real, offline, with
# scripts/container-root (upstream libfabric with the CXI provider, MPICH ch4:ofi linked
# against the older libfabric API, the GPU stack and its aws-ofi plugin, OSU and
# rccl-/nccl-tests), then check the exported root with real files and real runs:
#   - image.json names every component with its version, archive, sha256 and options;
#   - fi_info -l in the image lists cxi, tcp, udp, shm, ofi_rxm; libfabric is linked to
#     the image's libcxi.so.1; FI_PROVIDER=cxi fi_info without a Cassini NIC ends with
#     libfabric's "No data available", not a crash; bbd probe sees libfabric and libcxi;
#   - MPICH is ch4:ofi (GPU flavours: HIP / CUDA support compiled in) and asks libfabric
#     for FABRIC_1.6 at most, so bbd plan accepts hybrid mode over this host's libfabric
#     1.17 and over an upstream 1.15.2 built as a stand-in for LUMI's;
#   - OSU's osu_latency and osu_bw run with mpiexec in basic mode (bbd exec, bwrap) and in
#     hybrid mode over the host's libfabric 1.15.2 (bytes through its tcp provider);
#     bbd-bench's provenance names the host libfabric in hybrid mode;
#   - GPU flavours: the aws-ofi plugin loads with RTLD_NOW and exports ncclNetPlugin_vN,
#     bbd probe names it; rccl-tests / nccl-tests link the image's RCCL/NCCL and MPI and
#     print their usage; bbd-bench xccl finds the library and refuses with "no GPU".
# No GPU is used or needed. Exit 77 (skipped) without root, buildah, debootstrap, bwrap,
# or (cuda) this builder's CUDA toolkit with NCCL.
# By hand: BBD_BUILD_DIR=build tests/containers/image.sh cpu   (the root is cached)
#          BBD_CONTAINER_ROOT_ARGS=--worktree ...   (the image from the working tree)
set -euo pipefail
src=${BBD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BBD_BUILD_DIR:-$src/build}
flavour=${1:?usage: image.sh cpu|rocm|cuda}
for tool in buildah debootstrap bwrap jq objdump readelf; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: building images with buildah needs root here"; exit 77; }
if [[ " ${BBD_IMAGE_FLAVOURS-cpu} " != *" $flavour "* ]]; then
  echo "SKIP: $flavour is not in BBD_IMAGE_FLAVOURS (${BBD_IMAGE_FLAVOURS-}): built by hand, docs/containers.md"
  exit 77
fi
if [ "$flavour" = cuda ] && [ ! -e "${BBD_CUDA_HOME:-/usr/local/cuda}/lib/libnccl.so.2" ]; then
  echo "SKIP: no CUDA toolkit with NCCL in ${BBD_CUDA_HOME:-/usr/local/cuda} to base the cuda image on"
  exit 77
fi
fail() { echo "FAIL ($flavour): $*"; exit 1; }
pin() { # the offline pin set's value of KEY
  PIN_SET=offline bash -c '. "$1" "$2" && echo "${!3}"' _ "$src/containers/scripts/pins.sh" \
    "$src/containers/versions.env" "$1"
}
bbd=$build/src/bbd/bbd
[ -x "$bbd" ] || fail "no $bbd: build first"
prefix=/opt/bitbulldozer
work=$(mktemp -d /tmp/bbd-image-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

t0=$(date +%s)
echo "== building or finding the $flavour image (scripts/container-root $flavour; log $work/build.log)"
# (BBD_CONTAINER_ROOT_ARGS: more build-image options, e.g. --worktree while developing)
# shellcheck disable=SC2086
root=$("$src/scripts/container-root" "$flavour" ${BBD_CONTAINER_ROOT_ARGS:-} 2>"$work/build.log") ||
  { tail -40 "$work/build.log"; fail "scripts/container-root $flavour"; }
echo "image root: $root ($(($(date +%s) - t0)) s to build or find in the cache)"
grep -E '^(build-component|fetch-sources):' "$work/build.log" | sed 's/^/  /' || true

# --- what the image holds ---
gpu_lib="" plugin="" tests_bin=""
case $flavour in
  rocm) gpu_lib=/usr/lib/x86_64-linux-gnu/librccl.so.1 plugin=$prefix/lib/librccl-net.so tests_bin=all_reduce_perf ;;
  cuda) gpu_lib=$(pin CUDA_PREFIX)/lib64/libnccl.so.2 plugin=$prefix/lib/libnccl-net.so tests_bin=all_reduce_perf ;;
esac
for f in bin/bbd-bench bin/bbd bin/mpiexec bin/mpichversion bin/fi_info bin/osu_latency bin/osu_bw \
  lib/libmpi.so.12 lib/libmpich.so.12 lib/libfabric.so.1 lib/libcxi.so.1 share/bbd/image.json \
  share/bbd/versions.env ${tests_bin:+bin/$tests_bin}; do
  [ -e "$root$prefix/$f" ] || fail "$prefix/$f missing from the image"
done
[ -z "$plugin" ] || [ -e "$root$plugin" ] || fail "$plugin missing from the image"
for d in $(jq -r '.mount_points[]' "$root$prefix/share/bbd/image.json"); do
  [ -d "$root$d" ] || fail "mount point $d missing"
done
[ ! -e "$root/bbd" ] || fail "the build folder /bbd was shipped in the image"
cmp -s "$root$prefix/share/bbd/versions.env" "$src/containers/versions.env" ||
  fail "the image's versions.env is not this checkout's"
echo "image size: $(du -sh --apparent-size "$root" | cut -f1) (root file system)"

# --- image.json: every component, version, archive and its sha256, options ---
manifest=$root$prefix/share/bbd/image.json
jq -e --arg f "$flavour" '.flavour == $f and .pin_set == "offline" and .sources == "local" and
  .with_cxi == true' "$manifest" >/dev/null || fail "image.json: $(jq -c 'del(.components)' "$manifest")"
comps=$(FLAVOUR=$flavour WITH_CXI=1 WITH_EXTRAS=1 "$src/containers/scripts/components")
for c in $comps; do
  key=$(echo "$c" | tr 'a-z-' 'A-Z_')
  want_sum=$(pin "${key}_SHA256") want_ver=$(pin "${key}_VERSION")
  jq -e --arg c "$c" --arg s "$want_sum" --arg v "$want_ver" '.components[] | select(.name == $c) |
    .sha256 == $s and .sha256_pinned and .version == $v and .archive != "" and (.configure | length) > 0' \
    "$manifest" >/dev/null || fail "image.json: $c lacks version $want_ver, sha256 $want_sum or options: $(
      jq -c --arg c "$c" '.components[] | select(.name == $c)' "$manifest")"
done
jq -e '.components[] | select(.name == "bitbulldozer") | .version != "" and (.location | test("commit [0-9a-f]{40}"))' \
  "$manifest" >/dev/null || fail "image.json: bitbulldozer without its version and commit"
echo "image.json: $(jq -r '[.components[] | "\(.name) \(.version[0:12])"] | join(", ")' "$manifest")"

# --- in the image, basic mode: nothing from the host (bbd exec with bwrap) ---
in_image() { # CMD...: run in the image in basic mode; the image's PATH
  "$bbd" exec --mode basic --runtime bwrap --image "$root" --app "$prefix/bin/bbd-bench" -- \
    env PATH="$prefix/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$@"
}
# The cuda image's MPICH and plugin need the NVIDIA driver library, which a GPU node's
# runtime injects (apptainer --nv, NVIDIA's container toolkit). Here, without a driver,
# NVIDIA's link-time stub stands in for it (test only: every CUDA call then fails, as on
# a node without a GPU), bound over the image's loader path like a runtime would.
if [ "$flavour" = cuda ]; then
  cuda=$(pin CUDA_PREFIX)
  mkdir -p "$work/driver"
  ln -s "$cuda/lib64/stubs/libcuda.so" "$work/driver/libcuda.so.1"
  export LD_LIBRARY_PATH=$work/driver
  echo "note: NVIDIA's driver stub $cuda/lib64/stubs/libcuda.so stands in for libcuda.so.1 (no driver here)"
fi

providers=$(in_image fi_info -l) || fail "fi_info -l in the image: $providers"
for p in cxi tcp udp shm ofi_rxm; do
  grep -qx "$p:" <<<"$providers" || fail "fi_info -l in the image lacks $p: $(echo $providers)"
done
echo "fi_info -l: $(grep ':$' <<<"$providers" | tr -d : | paste -sd' ')"
readelf -d "$root$prefix/lib/libfabric.so.1" | grep -q 'NEEDED.*\[libcxi.so.1\]' ||
  fail "libfabric.so.1 does not need libcxi.so.1"
ldd_fabric=$(in_image ldd "$prefix/lib/libfabric.so.1")
grep -q "libcxi.so.1 => $prefix/lib/libcxi.so.1" <<<"$ldd_fabric" ||
  fail "libfabric's libcxi.so.1 is not the image's: $ldd_fabric"
rc=0
cxi=$(FI_PROVIDER=cxi in_image fi_info 2>&1) || rc=$?
echo "FI_PROVIDER=cxi fi_info: exit $rc: $cxi"
[ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] || fail "FI_PROVIDER=cxi fi_info: exit $rc (a crash, or a NIC here?)"
grep -q 'No data available' <<<"$cxi" || fail "FI_PROVIDER=cxi fi_info did not say 'No data available'"
probe=$(in_image bbd probe --json -- fi_info -l 2>/dev/null | grep '^{"schema"') || fail "bbd probe in the image"
jq -e --arg p "$prefix" '.libfabric.loaded and (.libfabric.path | startswith($p + "/lib/libfabric.so")) and
  .libfabric.origin == "image" and .libcxi.loaded' <<<"$probe" >/dev/null ||
  fail "bbd probe does not see the image's libfabric and libcxi: $(jq -c '{libfabric, libcxi}' <<<"$probe")"
echo "bbd probe: $(jq -r '"libfabric \(.libfabric.version) \(.libfabric.path) [\(.libfabric.origin)], libcxi \(.libcxi.path // "?")"' <<<"$probe")"

# --- MPICH: ch4:ofi, GPU support, the libfabric symbol versions it asks for ---
mv=$(in_image mpichversion) || fail "mpichversion in the image: $mv"
grep -q 'ch4:ofi' <<<"$mv" || fail "MPICH in the image is not ch4:ofi: $mv"
grep -q "MPICH Version:.*$(pin MPICH_VERSION)" <<<"$mv" || fail "mpichversion does not say $(pin MPICH_VERSION)"
libmpi=$root$prefix/lib/libmpi.so.12
case $flavour in
  rocm) gpu_flag=--with-hip ;;
  cuda) gpu_flag=--with-cuda ;;
  *) gpu_flag="" ;;
esac
if [ -n "$gpu_flag" ]; then
  grep -q -- "$gpu_flag=" <<<"$mv" || fail "mpichversion: MPICH was not configured $gpu_flag"
  objdump -T "$libmpi" | grep -qw MPIX_GPU_query_support || fail "libmpi exports no MPIX_GPU_query_support"
  grep -qa MPIR_CVAR_ENABLE_GPU "$libmpi" || fail "libmpi has no MPIR_CVAR_ENABLE_GPU"
  echo "MPICH GPU support: $gpu_flag, MPIX_GPU_query_support, MPIR_CVAR_ENABLE_GPU"
fi
newest() { grep -oE 'FABRIC_[0-9]+\.[0-9]+' | sort -t_ -k2 -V | tail -1; }
need=$(objdump -T "$libmpi" | newest)
shipped=$(objdump -T "$root$prefix/lib/libfabric.so.1" | newest)
echo "libmpi asks for $need at most; the shipped libfabric $(pin LIBFABRIC_VERSION) defines up to $shipped"
[ "$need" = FABRIC_1.6 ] || [ "$(printf '%s\n' "$need" FABRIC_1.6 | sort -t_ -k2 -V | tail -1)" = FABRIC_1.6 ] ||
  fail "libmpi asks for $need: linked against a libfabric newer than the $(pin LIBFABRIC_API_VERSION) API"
if [ -n "$plugin" ]; then
  pneed=$(objdump -T "$root$plugin" | newest)
  echo "${plugin##*/} asks for ${pneed:-no FABRIC version}"
fi

# --- hybrid mode over a host libfabric: this host's (Debian 12: 1.17) and upstream
# 1.15.2 (the base of LUMI's Cray libfabric), planned from the ELF files ---
host_1152=$("$src/scripts/build-libfabric" 1.15.2)/lib/libfabric.so.1
debian_fabric=$(realpath /usr/lib/x86_64-linux-gnu/libfabric.so.1)
for host in "$debian_fabric" "$host_1152"; do
  rc=0
  out=$("$bbd" plan --mode hybrid --image "$root" --app "$prefix/bin/bbd-bench" --host-fabric "$host" \
    --explain --format json 2>"$work/explain.txt") || rc=$?
  [ "$rc" -eq 0 ] || fail "bbd plan refused hybrid mode over $host ($(objdump -T "$host" | newest)): $(tail -5 "$work/explain.txt")"
  jq -e --arg p "$prefix/lib/libfabric.so" '[.binds[] | select(.dst | startswith($p))] | length == 1' <<<"$out" >/dev/null ||
    fail "bbd plan hybrid over $host does not replace $prefix/lib/libfabric.so.1: $out"
  echo "bbd plan --mode hybrid over $host ($(objdump -T "$host" | newest)): accepted"
done

# --- OSU in basic mode: the image's own MPICH, libfabric and launcher ---
osu() { # NAME RUNNER: mpiexec -n 2 NAME in the container RUNNER starts, output checked
  local name=$1 runner=$2 out rows
  out=$("$runner" timeout 300 mpiexec -n 2 "$name" -m 1:65536 -i 200 -x 20 2>&1) || fail "$name: $out"
  grep -q '^# OSU MPI' <<<"$out" || fail "$name printed no OSU header: $out"
  rows=$(awk '/^[0-9]+ +[0-9.]+$/ && $2 > 0 {n++} END {print n + 0}' <<<"$out")
  [ "$rows" -ge 17 ] || fail "$name: $rows sizes with a positive value: $out"
  echo "  $(grep -m1 '^# OSU' <<<"$out"): $(awk '$1 == 1 || $1 == 65536 {printf "%s B %s  ", $1, $2}' <<<"$out")"
}
echo "-- basic: osu_latency, osu_bw (MPICH shared memory between the two ranks)"
osu osu_latency in_image
osu osu_bw in_image
echo "-- basic: osu_latency with the bytes through libfabric tcp (MPIR_CVAR_NOLOCAL=1 FI_PROVIDER=tcp)"
MPIR_CVAR_NOLOCAL=1 FI_PROVIDER=tcp osu osu_latency in_image

# --- hybrid: the image's MPICH over the host's libfabric 1.15.2, bytes through its tcp ---
in_hybrid() { # CMD...: hybrid mode over the host libfabric 1.15.2
  "$bbd" exec --mode hybrid --runtime bwrap --image "$root" --app "$prefix/bin/bbd-bench" \
    --host-fabric "$host_1152" -- \
    env PATH="$prefix/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$@"
}
echo "-- hybrid over libfabric 1.15.2: osu_latency, osu_bw through its tcp provider"
MPIR_CVAR_NOLOCAL=1 FI_PROVIDER=tcp osu osu_latency in_hybrid
MPIR_CVAR_NOLOCAL=1 FI_PROVIDER=tcp osu osu_bw in_hybrid
MPIR_CVAR_NOLOCAL=1 FI_PROVIDER=tcp in_hybrid mpiexec -n 2 bbd-bench latency -m 1:1024 -c \
  --json "$work/hybrid.jsonl" >"$work/hybrid.out" 2>&1 || fail "bbd-bench in hybrid mode: $(tail "$work/hybrid.out")"
jq -s -e --arg h "$host_1152" 'length == 11 and all(.[]; .validated and .errors == 0) and
  (.[0].provenance.libfabric | .origin == "host" and .version == "1.15" and (.host_path | startswith($h | sub("libfabric.so.1$"; ""))))
  and .[0].provenance.transport.libfabric_carries' "$work/hybrid.jsonl" >/dev/null ||
  fail "hybrid provenance: $(jq -c '.provenance.libfabric' "$work/hybrid.jsonl" | head -1)"
echo "hybrid: bbd-bench's provenance: $(jq -r 'select(.size == 1) | .provenance | "libfabric \(.libfabric.version) [\(.libfabric.origin)] \(.libfabric.host_path), carried: \(.transport.carried)"' "$work/hybrid.jsonl")"

# --- GPU flavours: the collective library, its aws-ofi plugin and the test programs ---
if [ -n "$plugin" ]; then
  cp "$build/tests/containers/netplugin_check" "$work/"
  out=$(NCCL_DEBUG=INFO in_image "$work/netplugin_check" "$plugin" "$gpu_lib" 2>&1) ||
    fail "the plugin does not load in the image: $out"
  echo "$out" | sed 's/^/  /'
  grep -q '^plugin exports ncclNetPlugin_v' <<<"$out" || fail "${plugin##*/} exports no ncclNetPlugin_vN"
  probe=$(in_image bbd probe --json -- "$work/netplugin_check" "$plugin" 2>/dev/null | grep '^{"schema"') ||
    fail "bbd probe of the plugin check"
  jq -e --arg p "$plugin" '.net_plugin.loaded and (.net_plugin.path | startswith($p))' <<<"$probe" >/dev/null ||
    fail "bbd probe does not name the plugin: $(jq -c .net_plugin <<<"$probe")"
  echo "bbd probe: net plugin $(jq -r '.net_plugin.path' <<<"$probe") [$(jq -r '.net_plugin.origin' <<<"$probe")]"
  deps=$(in_image ldd "$prefix/bin/$tests_bin")
  lib_base=${gpu_lib##*/}
  grep -q "${lib_base} => " <<<"$deps" || fail "$tests_bin does not load $lib_base: $deps"
  grep -q "libmpi.so.12 => $prefix/lib/libmpi.so.12" <<<"$deps" || fail "$tests_bin does not load the image's MPI: $deps"
  ! grep -q 'not found' <<<"$deps" || fail "$tests_bin: a library is not found in the image: $deps"
  usage=$(in_image "$tests_bin" -h 2>&1 || true)
  grep -qi 'usage' <<<"$usage" || fail "$tests_bin -h printed no usage: $usage"
  echo "$tests_bin: links $(grep -o "${lib_base} => [^ ]*" <<<"$deps"), libmpi.so.12; -h prints its usage"
  rc=0
  out=$(in_image mpiexec -n 1 bbd-bench xccl allreduce -b 8 -e 8 2>&1) || rc=$?
  echo "bbd-bench xccl allreduce: exit $rc: $(tail -2 <<<"$out")"
  [ "$rc" -eq 3 ] || fail "bbd-bench xccl without a GPU: exit $rc, expected 3"
  grep -q 'no usable GPU on .* for [nr]ccl (' <<<"$out" || fail "bbd-bench xccl without a GPU does not say so: $out"
fi
echo "PASS ($flavour)"
