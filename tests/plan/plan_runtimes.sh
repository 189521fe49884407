#!/usr/bin/env bash
# plan_runtimes RUNTIME — `bbd run` with the container modes run for real through RUNTIME
# (podman or ch-run) instead of bwrap: basic, bind and hybrid cells of
# `mpiexec.mpich -n 2 bbd exec --runtime RUNTIME ... -- bbd-bench latency -c`, one container
# per rank, as in tests/run/run_containers.sh; the records' provenance must show the right
# files, and the image directories must be left as they were.
#   basic:  Debian 12 image root, its own MPICH 4.0.2 (ch4:ucx)
#   bind:   Debian 13 image root (MPICH 4.2.1), the host's MPICH 4.0.2 bound over it
#   hybrid: Debian 12 image root + MPICH ch4:ofi bound in at /opt/mpich-ofi as the image's
#           MPI, the host's libfabric bound over the image's (FI_PROVIDER=tcp, NOLOCAL: the
#           environment must reach the ranks through the runtime)
# podman runs with CONTAINERS_CONF=share/containers/containers.conf (docs/plan.md says why).
. "$BBD_SOURCE_DIR/tests/run/lib.sh"
runtime=${1:?usage: plan_runtimes.sh podman|ch-run}
command -v "$runtime" >/dev/null || fail "$runtime not installed (scripts/install-deps)"
want_container=$([ "$runtime" = ch-run ] && echo charliecloud || echo "$runtime")
export CONTAINERS_CONF=${CONTAINERS_CONF:-$BBD_SOURCE_DIR/share/containers/containers.conf}
cd "$work"
touch "$work/start"
r12=$("$BBD_SOURCE_DIR/scripts/make-image-root" debian12)
r13=$("$BBD_SOURCE_DIR/scripts/make-image-root" debian13)
ofi=$("$BBD_SOURCE_DIR/scripts/build-mpich-ofi")
mpich=$(realpath /usr/lib/x86_64-linux-gnu/libmpich.so.12)
fabric=$(realpath /usr/lib/x86_64-linux-gnu/libfabric.so.1)
mkdir -p bench-ucx bench-ofi
cp "$BBD_BUILD_DIR/src/bench/bbd-bench" "$BBD_BUILD_DIR/src/prov/libbbd-prov-audit.so" bench-ucx/
b=$(build_bench_ofi "$ofi")
cp "$b/src/bench/bbd-bench" "$b/src/prov/libbbd-prov-audit.so" bench-ofi/

cat >matrix.ini <<INI
[matrix]
modes = basic, bind, hybrid
tests = latency
placements = H H
[bench]
sizes = 1:1024
validate = yes
timeout = 180
[launcher]
launcher = mpiexec
mpiexec = mpiexec.mpich
[container]
runtime = $runtime
image = $r12
image_bench = /opt/bbd-bench/bbd-bench
exec_args = --app /opt/bbd-bench/bbd-bench
[mode.basic]
exec_args = --bind $work/bench-ucx:/opt/bbd-bench
[mode.bind]
image = $r13
exec_args = --bind $work/bench-ucx:/opt/bbd-bench --host-mpi $mpich
[mode.hybrid]
exec_args = --bind $work/bench-ofi:/opt/bbd-bench --bind $ofi:/opt/mpich-ofi --host-fabric $fabric
[env]
MPIR_CVAR_NOLOCAL = 1
FI_PROVIDER = tcp
INI
"$BBD" run --config matrix.ini | tee run.log || fail "bbd run through $runtime failed: $(grep -A2 failed run.log | head -8)"
expect_eq "$(sql "select count(*) from cells where status='ok'")" 3 "ok cells (3 modes)"
grep -q -- "--runtime $runtime .* -- /opt/bbd-bench/bbd-bench latency -m 1:1024 -c " bbd-runs/run-1/cell-002-bind-*/command \
  || fail "bind cell not run through $runtime with -c: $(cat bbd-runs/run-1/cell-002-bind-*/command)"
prov() { # prov MODE JSON-PATH -> distinct values over the mode's records
  sql "select distinct json_extract(r.json,'\$.provenance.$2') from records r join cells c
       on r.cell_id=c.id where c.mode='$1'"
}
for m in basic bind hybrid; do
  expect_eq "$(prov $m container)" "$want_container" "$m: provenance sees $runtime"
  expect_eq "$(sql "select count(*) from records r join cells c on r.cell_id=c.id where c.mode='$m' and json_extract(r.json,'\$.validated')")" 11 "$m: validated records (1..1024 B)"
done
expect_eq "$(prov basic mpi.origin)" image "basic: MPI file origin"
expect_eq "$(prov basic mpi.release)" 4.0.2 "basic: Debian 12 image's MPICH"
expect_eq "$(prov bind mpi.origin)" host "bind: MPI file origin"
expect_eq "$(prov bind mpi.host_path)" "$mpich" "bind: host MPI file"
expect_eq "$(prov bind mpi.path)" /usr/lib/x86_64-linux-gnu/libmpich.so.12.4.1 "bind: lands on the image's MPICH file"
expect_eq "$(prov hybrid mpi.device)" ch4:ofi "hybrid: image MPI device"
expect_eq "$(prov hybrid mpi.path)" /opt/mpich-ofi/lib/libmpi.so.12.2.2 "hybrid: image MPI file"
expect_eq "$(prov hybrid libfabric.origin)" host "hybrid: libfabric origin"
expect_eq "$(prov hybrid libfabric.host_path)" "$fabric" "hybrid: host libfabric file"
expect_eq "$(prov hybrid transport.libfabric_carries)" 1 "hybrid: libfabric carried the bytes (the [env] reached the ranks)"
changed=$(find "$r12" "$r13" -xdev -newer "$work/start" ! -type d 2>/dev/null | head -5)
[ -z "$changed" ] || fail "$runtime changed the image directories: $changed"
echo "PASS plan_runtime $runtime"
