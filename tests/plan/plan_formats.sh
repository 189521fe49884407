#!/usr/bin/env bash
# plan_formats — every output format of `bbd plan`, compared byte for byte, for a
# fixed fake host tree and image root built here from tiny libraries (no libc, so
# the result does not depend on this machine). Also the refusals on that tree.
set -euo pipefail
bbd=$BBD_BUILD_DIR/src/bbd/bbd
src=$BBD_SOURCE_DIR/tests/plan
t=$(mktemp -d /tmp/bbd-plan-formats.XXXXXX)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

so() { # so OUT SONAME CODE [gcc args...]: a libc-free shared object
  local out=$1 soname=$2 code=$3; shift 3
  printf '%s\n' "$code" >"$t/src.c"
  gcc -shared -fPIC -nostdlib -o "$out" -Wl,-soname,"$soname" "$t/src.c" "$@"
}
mkdir -p "$t/host/lib" "$t/host/gtl" "$t/image/usr/lib/x86_64-linux-gnu" "$t/image/usr/bin" "$t/image/etc"
printf 'FABRIC_1.6 { global: fi_getinfo; local: *; };\n' >"$t/fab16.map"
printf 'FABRIC_1.6 { global: fi_getinfo; local: *; };\nFABRIC_1.7 { global: fi_new; } FABRIC_1.6;\n' >"$t/fab17.map"
so "$t/host/lib/libfabric.so.1" libfabric.so.1 'int fi_getinfo(void){return 6;}' -Wl,--version-script="$t/fab16.map"
so "$t/host/lib/libmpi.so.12" libmpi.so.12 'int fi_getinfo(void); int MPI_Init(void){return fi_getinfo();}' \
  -L"$t/host/lib" -l:libfabric.so.1 -Wl,-rpath,'$ORIGIN' -Wl,--enable-new-dtags
so "$t/host/lib/libmpi.so.40" libmpi.so.40 'int MPI_Init(void){return 40;}'
so "$t/host/gtl/libmpi_gtl_hsa.so.0" libmpi_gtl_hsa.so.0 'int gtl(void){return 0;}'
img=$t/image/usr/lib/x86_64-linux-gnu
so "$img/libfabric.so.1.7.0" libfabric.so.1 'int fi_getinfo(void){return 7;} int fi_new(void){return 1;}' -Wl,--version-script="$t/fab17.map"
ln -s libfabric.so.1.7.0 "$img/libfabric.so.1"
so "$img/libmpich.so.12.4.1" libmpich.so.12 'int fi_new(void); int MPI_Init(void){return fi_new();}' -L"$img" -l:libfabric.so.1
ln -s libmpich.so.12.4.1 "$img/libmpich.so.12"
so "$t/image/usr/bin/app" app 'int MPI_Init(void); int main(void){return MPI_Init();}' -L"$img" -l:libmpich.so.12

run() { env -u LD_LIBRARY_PATH "$bbd" plan --profile-dir "$src/profiles" --image "$t/image" --app /usr/bin/app "$@"; }
check() { # check NAME: compare stdin with expected/NAME (@T@ = the temp dir)
  if [ -n "${BBD_UPDATE_EXPECTED:-}" ]; then sed "s#$t#@T@#g" >"$src/expected/$1"; return; fi
  sed "s#@T@#$t#g" "$src/expected/$1" >"$t/want"
  diff -u "$t/want" - || fail "format $1 differs"
}
common=(--mode bind --gtl --host-mpi "$t/host/lib/libmpi.so.12" --host-gtl "$t/host/gtl/libmpi_gtl_hsa.so.0")
for f in apptainer singularity podman docker bwrap env json; do
  run "${common[@]}" --format "$f" | check "bind-gtl.$f"
done
run --mode basic --format json | check basic.json
run --mode hybrid --host-fabric "$t/host/lib/libfabric.so.1" --format bwrap 2>"$t/err" && fail "hybrid FABRIC_1.7 accepted"
grep -qF "refused: image /usr/lib/x86_64-linux-gnu/libmpich.so.12.4.1 needs FABRIC_1.7 from libfabric.so.1, but host $t/host/lib/libfabric.so.1 (replacing /usr/lib/x86_64-linux-gnu/libfabric.so.1.7.0) defines only up to FABRIC_1.6" "$t/err" \
  || fail "FABRIC_1.7 message: $(cat "$t/err")"
set +e; run --mode bind --host-mpi "$t/host/lib/libmpi.so.40" 2>"$t/err"; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "Open MPI host: exit $rc, want 1"
grep -qF "MPI ABI mismatch: host $t/host/lib/libmpi.so.40 is Open MPI ABI (libmpi.so.40, major 40) but the image's /usr/lib/x86_64-linux-gnu/libmpich.so.12.4.1 is MPICH ABI" "$t/err" \
  || fail "ABI message: $(cat "$t/err")"
# Separators: a ':' in a bound path cannot be written in APPTAINER_BIND.
mkdir -p "$t/odd:dir" && cp "$t/host/lib/libmpi.so.12" "$t/host/lib/libfabric.so.1" "$t/odd:dir/"
run --mode bind --host-mpi "$t/odd:dir/libmpi.so.12" --format apptainer 2>"$t/err" && fail "':' accepted"
grep -qF "apptainer: cannot express bind $t/odd:dir/libmpi.so.12" "$t/err" || fail "separator message: $(cat "$t/err")"
echo "plan_formats: ok"
