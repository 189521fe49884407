#!/usr/bin/env bash
# SIGKILL `bbd run` in the middle of an 8-cell matrix: the database must open, the finished
# cells must be in it, and the same command with --resume must run only the rest.
. "$(dirname "$0")/lib.sh"
cd "$work"
# cells long enough (~0.5 s) that a loaded machine still kills it mid-matrix
args=(run --tests latency,bw,bibw,mbw --placements HH --gtl off,on --sizes 1:65536)
# wait (up to 60 s) until at least one cell is committed with the given status filter
wait_for_cell() {
  local n
  for _ in $(seq 1 600); do
    n=$(sqlite3 bbd.db "select count(*) from cells $1" 2>/dev/null || echo 0)
    [ "$n" -ge 1 ] && return 0
    sleep 0.1
  done
}
"$BBD" "${args[@]}" > run1.log 2>&1 &
pid=$!
wait_for_cell "" # then kill without warning
launcher=$(pgrep -P "$pid" || true)
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
# the cell's launcher runs in its own process group (bbd made it so): end that group too
for l in $launcher; do kill -KILL -- "-$l" 2>/dev/null || true; done
expect_eq "$(sqlite3 bbd.db 'pragma integrity_check')" ok "integrity after SIGKILL"
done1=$(sqlite3 bbd.db "select count(*) from cells where status='ok'")
[ "$done1" -ge 1 ] && [ "$done1" -lt 8 ] || { cat run1.log; fail "expected 1..7 finished cells after the kill, got $done1"; }
# every stored cell is complete: it has all its sizes
sqlite3 bbd.db "select c.key, count(r.id) from cells c left join records r on r.cell_id=c.id group by c.id" |
  while IFS='|' read -r key n; do [ "$n" -ge 13 ] || fail "cell $key stored with only $n records"; done
"$BBD" "${args[@]}" --resume > run2.log 2>&1 || { cat run2.log; fail "resume failed"; }
expect_eq "$(grep -c 'already stored, skipped' run2.log)" "$done1" "cells skipped on resume"
expect_eq "$(sqlite3 bbd.db "select count(*) from cells where status='ok'")" 8 "cells after resume"
expect_eq "$(sqlite3 bbd.db "select count(*) from runs")" 1 "resume reuses the run"
expect_eq "$(sqlite3 bbd.db "select status from runs")" complete "run status"
echo "PASS run_kill_resume ($done1 cells survived the kill)"

# Ctrl-C (SIGINT) mid-matrix: finished cells kept, run marked interrupted, exit 1 with a
# hint, and the report of what finished is still written with its plots.
rm -rf bbd.db bbd-runs
"$BBD" "${args[@]}" > run3.log 2>&1 &
pid=$!
wait_for_cell "where status='ok'"
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
expect_eq "$rc" 1 "exit code after SIGINT"
grep -q 'interrupted: finished cells are stored; run the same command with --resume' run3.log \
  || { cat run3.log; fail "no resume hint after SIGINT"; }
expect_eq "$(sqlite3 bbd.db "select status from runs")" interrupted "run status after SIGINT"
[ -n "$(ls bbd-runs/run-1/plots/*.svg 2>/dev/null)" ] || { cat run3.log; fail "no plots in the report of the interrupted run"; }
grep -q 'gnuplot.*failed' run3.log && { cat run3.log; fail "gnuplot killed after SIGINT"; }
echo "PASS run_kill_resume: SIGINT keeps $(sqlite3 bbd.db "select count(*) from cells where status='ok'") cells and writes the report"
