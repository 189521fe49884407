#!/usr/bin/env bash
# bbd run --config with the container modes run for real: native, basic, bind and hybrid,
# each cell `mpiexec.mpich -n 2 bbd exec --mode M --runtime bwrap ... -- bbd-bench ...`
# (or podman / ch-run, the first argument)
# (the launcher outside, one container per rank, as `srun apptainer exec` does).
#   basic:  Debian 12 image root, its own MPICH 4.0.2 (ch4:ucx)
#   bind:   Debian 13 image root (MPICH 4.2.1), the host's MPICH 4.0.2 bound over it
#   hybrid: Debian 12 image root + MPICH ch4:ofi (scripts/build-mpich-ofi, bound in at
#           /opt/mpich-ofi as the image's MPI) with the host's libfabric bound over the image's
# bbd-bench is the build tree's, bound in at /opt/bbd-bench (for hybrid: the same sources built
# against the ch4:ofi MPICH). Every cell must be stored ok, the report must answer "is libfabric
# used" per mode from the provenance, and the records must say where the MPI file came from.
# Usage: run_containers.sh [RUNTIME [BBD-RUN-ARGS...]]: bwrap (default), podman or ch-run
# (tests/plan registers those two; podman runs with CONTAINERS_CONF=share/containers/
# containers.conf, docs/plan.md); BBD-RUN-ARGS go to `bbd run` (e.g. --set bench.iterations=N).
. "$(dirname "$0")/lib.sh"
runtime=${1:-bwrap}
shift $(($# > 0))
command -v "$runtime" >/dev/null || fail "$runtime not installed (scripts/install-deps)"
container=$([ "$runtime" = ch-run ] && echo charliecloud || echo "$runtime")
export CONTAINERS_CONF=${CONTAINERS_CONF:-$BBD_SOURCE_DIR/share/containers/containers.conf}
cd "$work"
touch "$work/start"
# bbd-bench is bound in at /opt/bbd-bench with the provenance interposer beside it (for
# hybrid: built against the image's MPI, ch4:ofi)
setup_containers
cat >matrix.ini <<INI
[matrix]
modes = native, basic, bind, hybrid
tests = latency, bw
placements = H H
[bench]
sizes = 1:65536
timeout = 120
$(containers_ini "$runtime")
[env]
; treat the ranks as remote so the network stack (UCX tcp, libfabric tcp) carries the
; bytes and the libfabric question has a non-trivial answer (shared memory would work too:
; bbd exec shares /dev/shm and /tmp between the per-rank containers, as apptainer does)
MPIR_CVAR_NOLOCAL = 1
FI_PROVIDER = tcp
INI
"$BBD" run --config matrix.ini "$@" | tee run.log || fail "bbd run failed: $(grep -A1 'failed' run.log | head -5)"
expect_eq "$(sql "select count(*) from cells where status='ok'")" 8 "ok cells (4 modes x 2 tests)"
grep -q '^\[8/8\] hybrid/gtl-off/bw/H H: ok' run.log || fail "no progress line for the last cell"
cmd=$(cat bbd-runs/run-1/cell-005-bind-gtloff-latency-HH/command)
case "$cmd" in
  *"mpiexec.mpich -n 2 $BBD exec --mode bind --image $r13 --runtime $runtime --app /opt/bbd-bench/bbd-bench --bind $work/bench-ucx:/opt/bbd-bench --host-mpi $mpich -- /opt/bbd-bench/bbd-bench latency"*) ;;
  *) fail "bind cell command: $cmd" ;;
esac

# Provenance of the stored records, per mode (sqlite's JSON functions on the whole line).
prov() { # prov MODE JSON-PATH -> distinct values over the mode's records
  sql "select distinct json_extract(r.json,'\$.provenance.$2') from records r join cells c
       on r.cell_id=c.id where c.mode='$1'"
}
for m in basic bind hybrid; do
  expect_eq "$(prov $m container)" "$container" "$m: provenance sees the container"
done
expect_eq "$(prov basic mpi.origin)" image "basic: MPI file origin"
expect_eq "$(prov basic mpi.release)" 4.0.2 "basic: Debian 12 image's MPICH"
expect_eq "$(prov basic libfabric.loaded)" 0 "basic: libfabric loaded"
expect_eq "$(prov bind mpi.origin)" host "bind: MPI file origin"
expect_eq "$(prov bind mpi.host_path)" "$mpich" "bind: host MPI file"
expect_eq "$(prov bind mpi.path)" /usr/lib/x86_64-linux-gnu/libmpich.so.12.4.1 "bind: lands on the image's MPICH file"
expect_eq "$(prov bind ucx.origin)" image "bind: UCX from the Debian 13 image"
expect_eq "$(prov hybrid mpi.device)" ch4:ofi "hybrid: image MPI device"
expect_eq "$(prov hybrid mpi.path)" /opt/mpich-ofi/lib/libmpi.so.12.2.2 "hybrid: image MPI file"
expect_eq "$(prov hybrid libfabric.origin)" host "hybrid: libfabric origin"
expect_eq "$(prov hybrid libfabric.host_path)" "$fabric" "hybrid: host libfabric file"
expect_eq "$(prov hybrid transport.libfabric_carries)" 1 "hybrid: libfabric carried the bytes"
expect_eq "$(prov hybrid "libfabric.opened[1].provider")" "tcp;ofi_rxm" "hybrid: provider opened"

md=bbd-runs/run-1/report.md
grep -E "Bandwidth\?|Latency\?" "$md"
answer=$(grep "Is libfabric used" "$md")
echo "$answer"
grep -q 'basic, GTL off \[bw H H, latency H H\]: no (libfabric not loaded; carried by: UCX (MPICH ch4:ucx); MPI [^ ]*libmpich.so.12.2.2 \[image\])' <<<"$answer" || fail "basic libfabric answer"
grep -q 'bind, GTL off \[bw H H, latency H H\]: no (libfabric not loaded; carried by: UCX (MPICH ch4:ucx); MPI [^ ]*libmpich.so.12.4.1 \[host\])' <<<"$answer" || fail "bind libfabric answer"
grep -q 'hybrid, GTL off \[bw H H, latency H H\]: yes, provider tcp;ofi_rxm, bytes carried by: libfabric tcp;ofi_rxm (MPI shared memory off: MPIR_CVAR_NOLOCAL) (MPI /opt/mpich-ofi/lib/libmpi.so.12.2.2 \[host\])' <<<"$answer" \
  || fail "hybrid libfabric answer"
grep -q '^| Size (B) | native (MB/s) | basic (MB/s) | bind (MB/s) | hybrid (MB/s) | basic / native | bind / native | hybrid / native |' "$md" \
  || fail "no side-by-side table of the four modes"

# A plan that would fail at run time is refused before launch: the cell is recorded as failed
# with bbd exec's reason, and the matrix goes on.
if [ -e /usr/lib/x86_64-linux-gnu/libmpi.so.40 ]; then
  "$BBD" run --config matrix.ini "$@" --db refuse.db --modes bind,basic --tests latency \
    --set "mode.bind.exec_args=--bind $work/bench-ucx:/opt/bbd-bench --host-mpi /usr/lib/x86_64-linux-gnu/libmpi.so.40" \
    >refuse.log 2>&1 && fail "a refused plan did not fail the run"
  expect_eq "$(sqlite3 refuse.db "select c.mode||':'||c.status from cells c order by id" | tr '\n' ' ')" \
    "bind:failed basic:ok " "refused cell recorded, matrix went on"
  sqlite3 refuse.db "select reason from cells where mode='bind'" | grep -q 'MPI ABI mismatch' \
    || fail "refusal reason: $(sqlite3 refuse.db "select reason from cells where mode='bind'")"
fi
# The runtime left the image directories as they were (podman's runc creates mount points
# in the root it is given: bbd exec gives it an overlay, ROOT:O).
changed=$(find "$r12" "$r13" -xdev -newer "$work/start" ! -type d 2>/dev/null | head -5)
[ -z "$changed" ] || fail "$runtime changed the image directories: $changed"
echo "PASS run_containers_$runtime"
