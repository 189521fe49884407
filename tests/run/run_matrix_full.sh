#!/usr/bin/env bash
# The seed's whole matrix in one `bbd run --config`, for real: real MPI (Debian's MPICH
# ch4:ucx; the source-built ch4:ofi MPICH for hybrid), real bwrap containers (the debootstrap
# roots of scripts/make-image-root), launched by mpiexec, one container per rank:
#   modes       native, basic, bind, hybrid
#   GTL         off, on          (TEST-ONLY GTL stand-in, tests/run/gtl_standin.c; basic
#                                 mode has no GTL cells: it runs nothing from the host)
#   placements  H H, H D, D H, D D  (D: the TEST-ONLY host-memory GPU stand-in, -d standin)
#   tests       latency, bw, bibw, coll:allreduce (H H, D D), and xccl:allreduce,
#               xccl:latency, xccl:bw (D D; the TEST-ONLY collective stand-in, MPI over host
#               memory, --xccl standin)
# Every cell must be ok and validated (-c); the report must answer every question with
# figures naming their cells, and say "not measured" only for the NIC question (all ranks
# share this one host). Prints the wall time and cell count (docs/performance.md).
. "$(dirname "$0")/lib.sh"
cd "$work"
# bbd-bench, the provenance interposer and the collective stand-in it loads with
# --xccl standin, beside each other at /opt/bbd-bench in every image; native runs the same
# staged copy, so one [bench] bench_args reaches every mode
setup_containers
gtl=$BBD_BUILD_DIR/tests/run/libmpi_gtl_testonly.so
[ -f "$gtl" ] || fail "no $gtl (build the bbd_test_gtl_standin target)"

cat >matrix.ini <<INI
[matrix]
modes = native, basic, bind, hybrid
gtl = off, on
tests = latency, bw, bibw, coll:allreduce, xccl:allreduce, xccl:latency, xccl:bw
placements = H H, H D, D H, D D
gtl_library = $gtl
[bench]
bench = $work/bench-ucx/bbd-bench
sizes = 1:4096
iterations = 20
warmup = 2
validate = yes
bench_args = -d standin --xccl standin
timeout = 120
$(containers_ini)
[report]
nic_gbps = 25
[env]
; ranks treated as remote: the network stack carries the bytes (see docs/run.md)
MPIR_CVAR_NOLOCAL = 1
FI_PROVIDER = tcp
; the TEST-ONLY GPU stand-in, two pretend GPUs per node (one per rank)
BBD_TEST_GPU_STANDIN = 1
BBD_TEST_GPU_STANDIN_DEVICES = 2
INI
t0=$(date +%s)
"$BBD" run --config matrix.ini > run.log 2>&1 || { grep -B1 -A1 'failed\|timeout' run.log | head -40; fail "bbd run failed"; }
wall=$(($(date +%s) - t0))
cells=$(sql "select count(*) from cells")
expect_eq "$cells" 119 "cells (7 mode x GTL combinations x 17 test x placement cells)"
expect_eq "$(sql "select count(*) from cells where status='ok'")" 119 "ok cells"
grep -q '^bbd run: 105 combinations left out: they do not apply' run.log || fail "no word on the combinations left out"
expect_eq "$(sql "select count(*) from records where validated=0 or errors!=0")" 0 "every record validated, no wrong byte"

# the cells are what the matrix says, per mode and GTL
expect_eq "$(sql "select group_concat(mode||gtl||':'||n, ' ') from (select mode, gtl, count(*) n from cells group by mode, gtl order by mode, gtl)")" \
  "basic0:17 bind0:17 bind1:17 hybrid0:17 hybrid1:17 native0:17 native1:17" "cells per mode and GTL"
expect_eq "$(sql "select group_concat(distinct placement) from cells where test like 'xccl:%'")" "D D" "xccl on D D only"
expect_eq "$(sql "select group_concat(placement, ',') from (select distinct placement from cells where test='coll:allreduce' order by placement)")" "D D,H H" "coll on H H and D D"
cmd=$(cat bbd-runs/run-1/cell-*-bind-gtlon-xccl_allreduce-DD/command)
case "$cmd" in
  *"exec --mode bind --gtl --host-gtl $gtl --image $r13 "*"-- /opt/bbd-bench/bbd-bench xccl:allreduce -m 1:4096 -i 20 -x 2 -c --timeout 115 -d standin --xccl standin --json -") ;;
  *) fail "bind GTL xccl cell command: $cmd" ;;
esac
grep -q "LD_PRELOAD=$gtl" bbd-runs/run-1/cell-*-native-gtlon-latency-HH/command || fail "native GTL cell does not preload the GTL"

# the records say what produced them: GTL loaded exactly in the GTL cells, the stand-ins named
rec() { sql "select group_concat(v, ' ') from (select distinct $1 v from records r join cells c on r.cell_id=c.id $2 order by v)"; }
expect_eq "$(rec "c.gtl||':'||json_extract(r.json,'\$.provenance.gtl.loaded')" "")" "0:0 1:1" "GTL loaded iff GTL on"
expect_eq "$(rec "json_extract(r.json,'\$.provenance.gtl.path')" "where c.gtl=1 and c.mode='bind'" | sed 's|.*/||')" \
  libmpi_gtl_testonly.so "bind: the injected GTL stand-in"
expect_eq "$(rec "json_extract(r.json,'\$.xccl.library')" "where c.test like 'xccl:%'")" standin "xccl cells: the stand-in"
expect_eq "$(rec "json_extract(r.json,'\$.gpu_api')||'/'||json_extract(r.json,'\$.transfer')" "where c.placement!='H H' and c.test not like 'xccl:%'")" \
  "standin/staged" "device placements: GPU stand-in, staged"
expect_eq "$(rec "json_extract(r.json,'\$.provenance.mpi.device')" "where c.mode='hybrid'")" ch4:ofi "hybrid: ch4:ofi MPICH"
expect_eq "$(rec "r.unit" "where c.test like 'xccl:allreduce'")" "GB/s" "xccl collective unit"
expect_eq "$(rec "r.unit" "where c.test='coll:allreduce'")" "us" "MPI collective unit"

# the report answers every question with figures naming their cells
md=bbd-runs/run-1/report.md
answer() { grep -F "**$1**" "$md" | sed "s/^- \*\*[^*]*\*\* //"; }
for q in "Bandwidth?" "Latency?" "Is libfabric used (which provider)?" "Does GTL change latency/bandwidth?" \
         "Does GTL affect NCCL/RCCL?"; do
  a=$(answer "$q")
  echo "$q $a" | cut -c1-400
  [ -n "$a" ] || fail "no answer to $q"
  case "$a" in *"not measured"*) fail "$q says not measured: $a" ;; esac
done
grep -q 'bw D H at 4K B: native, GTL off [0-9.]* MB/s; native, GTL on [0-9.]* MB/s; basic, GTL off [0-9.]* MB/s; bind, GTL off' <<<"$(answer "Bandwidth?")" \
  || fail "bandwidth answer does not name every mode and GTL state"
grep -q 'xccl:allreduce D D at 4K B (bus bandwidth): native, GTL off [0-9.]* GB/s' <<<"$(answer "Bandwidth?")" \
  || fail "bandwidth answer lacks the xccl bus bandwidth in GB/s"
for t in "latency H H" "latency D D" "coll:allreduce H H" "coll:allreduce D D" "xccl:latency D D"; do
  grep -q "$t at 1 B: native, GTL off [0-9.]* us" <<<"$(answer "Latency?")" || fail "latency answer lacks $t"
done
grep -q "hybrid, GTL on \[[^]]*xccl:bw D D[^]]*\]: yes, provider tcp;ofi_rxm" <<<"$(answer "Is libfabric used (which provider)?")" \
  || fail "libfabric answer for hybrid+GTL does not name its cells"
gtl_mpi=$(answer "Does GTL change latency/bandwidth?")
grep -Eq '^(yes|no): [0-9]+ of 42 comparisons' <<<"$gtl_mpi" || fail "GTL (MPI) answer: $gtl_mpi"
grep -q 'bind coll:allreduce D D at 1 B: ' <<<"$gtl_mpi" || fail "GTL (MPI) answer lacks bind coll:allreduce D D"
gtl_xccl=$(answer "Does GTL affect NCCL/RCCL?")
grep -Eq '^(yes|no): [0-9]+ of 12 comparisons' <<<"$gtl_xccl" || fail "GTL (xccl) answer: $gtl_xccl"
grep -q 'hybrid xccl:allreduce D D at 4K B: ' <<<"$gtl_xccl" || fail "GTL (xccl) answer lacks hybrid xccl:allreduce"
answer "More than one NIC's worth of bandwidth?" | grep -q '^not measured: the best .* is intra-node, all ranks on host' \
  || fail "NIC answer: $(answer "More than one NIC's worth of bandwidth?")"
grep -q '^### xccl:allreduce (in place), placement D D: bus bandwidth (GB/s)$' "$md" || fail "no in-place xccl table"
grep -q '^| Size (B) | native (us) | native+gtl (us) | basic (us) | bind (us) | bind+gtl (us) | hybrid (us) | hybrid+gtl (us) |' "$md" \
  || fail "no side-by-side table of the 7 columns"
grep -q '^| 4K | ' "$md" || fail "sizes not written as 1, 1K, 1M"
echo "PASS run_matrix_full: $cells cells, all ok, in $wall s (bbd run --config, $(nproc) cores)"
