#!/usr/bin/env bash
# The README's main command: `bbd run` with no config (native, 2 ranks, H H, latency + bw)
# through Debian's mpiexec.mpich and the real bbd-bench; checks the store and the report.
. "$(dirname "$0")/lib.sh"
cd "$work"
"$BBD" run --sizes 1:65536 | tee run.log
grep -q '^\[1/2\] native/gtl-off/latency/H H' run.log || fail "no progress line for cell 1"
grep -q 'report: .*/report.md' run.log || fail "run did not say where the report is"
expect_eq "$(sql "select count(*) from cells where status='ok'")" 2 "ok cells"
expect_eq "$(sql "select count(distinct r.size) from records r join cells c on r.cell_id=c.id where c.test='bw'")" 17 "bw sizes 1..64K"
lat=$(sql "select r.value from records r join cells c on r.cell_id=c.id where c.test='latency' and r.size=1")
awk -v v="$lat" 'BEGIN{exit !(v > 0 && v < 1000)}' || fail "1-byte latency $lat us not plausible"
expect_eq "$(sql "select kind||' '||status from runs")" "run complete" "run row"
md=bbd-runs/run-1/report.md
grep -q '^| Size (B) | native (MB/s) |' "$md" || fail "no size/native table (with units) in $md"
grep -q '^| Size (B) | native (us) |' "$md" || fail "no latency table (with units) in $md"
grep -q '^| 64K | ' "$md" || fail "no 64 KiB row (sizes as 1, 1K, 1M)"
grep -q '^### bw, placement H H: bandwidth (MB/s)$' "$md" || fail "table heading without its unit"
grep -q '\*\*Latency?\*\* latency H H at 1 B: native, GTL off [0-9.]* us\.' "$md" || fail "latency question not answered with its cell and unit"
# one host: the bandwidth is intra-node and the report says so instead of comparing it to a NIC
grep -q "More than one NIC's worth of bandwidth?\*\* not measured: the best .* is intra-node, all ranks on host $(hostname)" "$md" \
  || fail "NIC answer does not say intra-node: $(grep 'NIC' "$md")"
grep -q 'libfabric used (which provider)?\*\* native, GTL off \[bw H H, latency H H\]: no (libfabric not loaded' "$md" || fail "libfabric answer"
# answers are sentences: no dangling separator
! grep -E '^- \*\*.*(;|; |: )$' "$md" || fail "checklist answer ends with a separator"
if command -v gnuplot >/dev/null; then
  grep -q '<svg' bbd-runs/run-1/report.html || fail "gnuplot present but no SVG in the HTML"
fi
# A failing cell is recorded with its reason and the matrix goes on.
"$BBD" run --modes native --tests latency,bw --bench /nonexistent/bbd-bench --db fail.db \
  --timeout 30 > fail.log 2>&1 && fail "a run with a missing bbd-bench succeeded"
expect_eq "$(sqlite3 fail.db "select count(*) from cells where status='failed'")" 2 "failed cells"
sqlite3 fail.db "select reason from cells" | grep -q 'nonexistent' || fail "reason does not name the program"
# A cell that fails after measuring (validation catches a corrupted byte: bbd-bench exits 1
# after printing every record) keeps its records, marked as from a failed cell.
"$BBD" run --tests latency --sizes 1:64 -c --db corrupt.db --out corrupt-runs \
  --env "LD_PRELOAD=$BBD_BUILD_DIR/tests/bench/libbbd_test_mpi_faults.so" \
  --env BBD_TEST_FAULT=corrupt_recv > corrupt.log 2>&1 && fail "a corrupted run succeeded"
expect_eq "$(sqlite3 corrupt.db "select status||' '||exit_code from cells")" "failed 1" "corrupted cell"
expect_eq "$(sqlite3 corrupt.db "select count(*) from records")" 7 "records of the failed cell kept (1..64 B)"
grep -q 'the records it printed are kept, marked as from a failed cell' corrupt.log || fail "no word on kept records"
grep -q '^| native/gtl-off/latency/H H (failed) | 64 | ' corrupt-runs/run-1/report.md || fail "failed cell's records not shown"
grep -q '\*\*Latency?\*\* not measured in this run\.' corrupt-runs/run-1/report.md || fail "a failed cell's figure answered a question"
echo "PASS run_native_mpiexec"
