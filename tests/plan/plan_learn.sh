#!/usr/bin/env bash
# plan_learn — the learned closure on real stacks: Debian's MPICH (ch4:ucx) bound into an image
# without UCX (scripts/make-image-root debian12-ofi: libfabric and hwloc only; its MPI is
# MPICH ch4:ofi from scripts/build-mpich-ofi, bound in at /opt/mpich-ofi, with bbd-bench built
# against it). UCX finds its transport modules with dlopen, relative to libucs: the static
# ELF closure cannot see them.
#   (1) native: which ucx/ modules a `mpiexec -n 2 bbd-bench latency -c` run loads
#   (2) the static plan: no ucx/ module; the run works but loads none of them
#   (3) `bbd plan --learn -- <the native run>`: the modules are in the plan, marked learned
#   (4) `bbd probe --plan-out` + `bbd exec --learned`: the run loads the same modules as
#       native, from the host (provenance)
. "$BBD_SOURCE_DIR/tests/run/lib.sh"
root=$("$BBD_SOURCE_DIR/scripts/make-image-root" debian12-ofi)
ofi=$("$BBD_SOURCE_DIR/scripts/build-mpich-ofi")
[ -z "$(find "$root" -name 'libucp.so*' -o -name 'libucs.so*' | head -1)" ] || fail "$root has UCX"
mpich=$(realpath /usr/lib/x86_64-linux-gnu/libmpich.so.12)
bench=$BBD_BUILD_DIR/src/bench/bbd-bench
stage=$work/bench-ofi
mkdir -p "$stage"
b=$(build_bench_ofi "$ofi")
cp "$b/src/bench/bbd-bench" "$b/src/prov/libbbd-prov-audit.so" "$stage/"
plan=(--mode bind --image "$root" --host-mpi "$mpich" --bind "$ofi:/opt/mpich-ofi"
      --bind "$stage:/opt/bbd-bench" --app /opt/bbd-bench/bbd-bench)
run_cmd=(mpiexec.mpich -n 2 "$bench" latency -m 8:8 -i 200 -x 20 -c --json -)
modules() { # modules RECORD-FILE -> sorted basenames of the ucx/ modules its provenance lists
  grep -m1 '^{' "$1" | jq -r '.provenance.objects[].path | select(test("/ucx/")) | sub(".*/"; "")' | sort -u
}
# (stdout holds the JSON records only: with --json - the table goes to stderr, kept apart,
# because Hydra forwards the two streams separately and a merged file may split a line)
validated() { grep -m1 '^{' "$1" | jq -e '.validated and .errors == 0' >/dev/null || fail "$2: not validated: $(cat "$1" "${1%.out}.err")"; }

# (1) native
"${run_cmd[@]}" >"$work/native.out" 2>"$work/native.err" || fail "native run: $(cat "$work/native.out" "$work/native.err")"
validated "$work/native.out" native
native=$(modules "$work/native.out")
[ -n "$native" ] || fail "the native run loaded no UCX module: $(cat "$work/native.out")"
echo "native UCX modules: $(echo $native)"

# (2) static
"$BBD" plan "${plan[@]}" --format json >"$work/static.json"
jq -e '[.binds[].dst | select(test("/ucx/"))] == [] and .learned.added == 0' "$work/static.json" >/dev/null \
  || fail "the static plan has UCX modules: $(jq -c .binds "$work/static.json")"
mpiexec.mpich -n 2 "$BBD" exec "${plan[@]}" -- /opt/bbd-bench/bbd-bench latency -m 8:8 -i 200 -x 20 -c --json - \
  >"$work/static.out" 2>"$work/static.err" || fail "static run: $(cat "$work/static.out" "$work/static.err")"
validated "$work/static.out" static
grep -m1 '^{' "$work/static.out" | jq -e --arg m "$mpich" '.provenance.mpi.origin == "host" and .provenance.mpi.host_path == $m and .provenance.ucx.origin == "host"' >/dev/null \
  || fail "static run: not the host's MPICH and UCX: $(grep -m1 '^{' "$work/static.out" | jq -c .provenance.mpi)"
[ -z "$(modules "$work/static.out")" ] || fail "static run loaded UCX modules: $(modules "$work/static.out")"
echo "static plan: runs, but loads no UCX module (the static closure misses: $(echo $native))"

# (3) bbd plan --learn -- <native run>
"$BBD" plan "${plan[@]}" --format json --explain --learn -- "${run_cmd[@]}" >"$work/learned.json" 2>"$work/learn.err" \
  || fail "plan --learn: $(tail -5 "$work/learn.err")"
learned=$(jq -r '.binds[] | select(.learned) | .dst | select(test("/ucx/")) | sub(".*/"; "")' "$work/learned.json" | sort -u)
[ "$learned" = "$native" ] || fail "learned modules '$(echo $learned)' != native '$(echo $native)'"
jq -e '.learned.objects > 10 and .learned.added >= 1' "$work/learned.json" >/dev/null || fail "learned counts: $(jq -c .learned "$work/learned.json")"
grep -q "learned: inject /usr/lib/x86_64-linux-gnu/ucx/libuct_.* -> /opt/bitbulldozer/host-lib/ucx/libuct_.*: dlopen'ed by host /usr/lib/x86_64-linux-gnu/libucs.so" "$work/learn.err" \
  || fail "explain does not show the learned modules: $(grep learned "$work/learn.err")"
grep "learned: the traced run" "$work/learn.err"

# (4) bbd probe --plan-out, then one container per rank with --learned
"$BBD" probe --plan-out "$work/learned.txt" -- "${run_cmd[@]}" >/dev/null 2>&1 || fail "probe --plan-out"
mpiexec.mpich -n 2 "$BBD" exec "${plan[@]}" --learned "$work/learned.txt" -- /opt/bbd-bench/bbd-bench latency -m 8:8 -i 200 -x 20 -c --json - \
  >"$work/learned.out" 2>"$work/learned.err" || fail "learned run: $(cat "$work/learned.out" "$work/learned.err")"
validated "$work/learned.out" learned
got=$(modules "$work/learned.out")
[ "$got" = "$native" ] || fail "learned run loaded '$(echo $got)', native '$(echo $native)'"
grep -m1 '^{' "$work/learned.out" | jq -e '[.provenance.objects[].path | select(test("/ucx/"))] | all(startswith("/opt/bitbulldozer/host-lib/ucx/"))' >/dev/null \
  || fail "learned modules not from the host files: $(modules "$work/learned.out")"
echo "learned plan: the run loads the same UCX modules as native: $(echo $got)"
echo "PASS plan_learn"
