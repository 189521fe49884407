#!/usr/bin/env bash
# scripts/gpu-check rehearsed with the TEST-ONLY stand-ins (no GPU here): the one-GPU and the
# several-GPU plans run and pass, the outputs are the four promised files, a corrupted
# result makes the script fail (exit 1) and say which check, bad arguments are usage errors.
set -u
. "$BBD_SOURCE_DIR/tests/lib/testlib.sh"
GC=$BBD_SOURCE_DIR/scripts/gpu-check
STANDIN=$BBD_BUILD_DIR/tests/bench/libbbd_test_xccl_standin.so
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export TMPDIR=$W
gc() { "$GC" --quick --build "$BBD_BUILD_DIR" --standin "$STANDIN" "$@" >"$W/out" 2>&1; RC=$?; }

# one GPU: MPI H D / D H / D D staged for 3 tests, auto, 7 collectives, 2 dtypes, GPU-event
# timing, refusal
gc --out "$W/one"
t_eq "one GPU: exit 0" 0 "$RC"
t_grep "one GPU: 21 passed" "^gpu-check: 21 passed, 0 failed$" "$W/out"
t_eq "one GPU: the four files" "env.txt gpu-check.log records.jsonl summary.txt" \
  "$(ls "$W/one" | tr '\n' ' ' | sed 's/ $//')"
t_grep "summary: refusal of 2 ranks on 1 GPU" "^ok   xccl allreduce: 2 ranks on 1 GPU refused" "$W/one/summary.txt"
t_grep "summary: the xccl provenance line" "^     # xccl: standin \(TEST-ONLY, not NCCL\)" "$W/one/summary.txt"
t_grep "summary: staged chosen by auto" "^ok   mpi bw D D auto" "$W/one/summary.txt"
t_grep "summary: GPU-event timing" "^ok   xccl allreduce n=1 --timer gpu -c" "$W/one/summary.txt"
t_eq "records: GPU-event timed ones say so (18 sizes, 2 variants)" 36 "$(jq -c 'select(.clock == "gpu-events")' "$W/one/records.jsonl" | wc -l)"
t_eq "records: every placement and collective" \
  "latency:D D latency:D H latency:H D xccl:allgather xccl:allreduce xccl:alltoall xccl:broadcast xccl:reduce xccl:reducescatter xccl:sendrecv" \
  "$(jq -r 'if (.test|startswith("xccl")) then .test else "\(.test):\(.placement)" end' "$W/one/records.jsonl" |
    grep -E '^(latency|xccl)' | sort -u | tr '\n' ' ' | sed 's/ $//')"
t_eq "records: all validated, no errors" 0 \
  "$(jq -c 'select((.validated|not) or .errors != 0)' "$W/one/records.jsonl" | wc -l)"
t_grep "log: every command line" '^\$ mpiexec.mpich -n 1 .*bbd-bench xccl sendrecv --xccl nccl -d standin' "$W/one/gpu-check.log"

# two GPUs: collectives on 2 ranks and the xccl point-to-point pair
gc --gpus 2 --out "$W/two"
t_eq "two GPUs: exit 0" 0 "$RC"
t_grep "two GPUs: 29 passed" "^gpu-check: 29 passed, 0 failed$" "$W/out"
t_grep "two GPUs: xccl latency" "^ok   xccl latency n=2 -c" "$W/two/summary.txt"
t_grep "two GPUs: allreduce n=2" "^ok   xccl allreduce n=2 -c" "$W/two/summary.txt"

# a wrong result: the collective checks fail, the script says so and exits 1
BBD_XCCL_STANDIN_FAULT=corrupt gc --out "$W/bad"
t_eq "corrupted results: exit 1" 1 "$RC"
t_grep "corrupted results: named" "^FAIL xccl allreduce n=1 -c +exit 1 \(want 0\)" "$W/bad/summary.txt"
t_grep "corrupted results: the validation message kept" "validation: xccl:allreduce" "$W/bad/summary.txt"

# a node without MPI: Debian's MPICH carried as .debs (gpu-carry), unpacked under $TMPDIR,
# bbd-bench built alone against it (BBD_WITH_RUN=OFF) and run with it
if "$BBD_SOURCE_DIR/scripts/gpu-carry" "$W/debs" >"$W/carry" 2>&1; then
  gc --mpich-debs "$W/debs" --build "$W/bench-only" --out "$W/debs-out"
  t_eq "carried MPICH: exit 0" 0 "$RC"
  t_grep "carried MPICH: 21 passed" "^gpu-check: 21 passed, 0 failed$" "$W/out"
  t_grep "carried MPICH: built against it" "^-- Found MPI_C: $W/bbd-mpich/usr/lib/x86_64-linux-gnu/libmpich.so" \
    "$W/debs-out/gpu-check.log"
  t_grep "carried MPICH: the ranks loaded it" "^     # MPI: MPICH 4\.0\.2 \(ch4:ucx\) $W/bbd-mpich/usr/lib/" \
    "$W/debs-out/summary.txt"
  t_eq "bench-only build: no bbd run" "" "$(ls "$W/bench-only/src/run" 2>/dev/null)"
else
  t_fail "gpu-carry" "$(tail -n 3 "$W/carry")"
fi

# usage errors
"$GC" --xccl mpi >"$W/out" 2>&1
t_eq "--xccl mpi: exit 2" 2 "$?"
"$GC" --gpus 2 >"$W/out" 2>&1
t_eq "--gpus without --standin: exit 2" 2 "$?"
"$GC" --mpich-debs "$W" >"$W/out" 2>&1
t_eq "--mpich-debs without .debs: exit 2" 2 "$?"
t_grep "--mpich-debs: said why" "no .deb files" "$W/out"
t_done
