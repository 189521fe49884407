#!/usr/bin/env bash
# plan_formats — every output format of `bbd plan`, compared byte for byte, for a
# fixed fake host tree and image root built here from tiny libraries (no libc, so
# the result does not depend on this machine). Also the refusals on that tree.
. "$BBD_SOURCE_DIR/tests/plan/fake_tree.sh" # $bbd, $src, fail; the tree in $t/host, $t/image

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
