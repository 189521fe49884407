#!/usr/bin/env bash
# Two processes at once on one results store: a second process on the same run is refused,
# naming the live one (exit 3), while a different run shares the database safely (WAL, busy
# timeout): both complete, every cell stored, the file intact.
. "$(dirname "$0")/lib.sh"
cd "$work"
slow=(run --tests latency,bw,bibw --sizes 1:65536 -i 200 -x 5 --out runs-a)
"$BBD" "${slow[@]}" > a.log 2>&1 &
pid_a=$!
# wait until its run is claimed (the lock file exists and the run row is there)
for _ in $(seq 1 300); do
  [ -e bbd.db.lock ] && [ "$(sqlite3 bbd.db 'select count(*) from runs' 2>/dev/null)" = 1 ] && break
  sleep 0.1
done
# the same command with --resume while the first is alive: refused, naming it
rc=0
"$BBD" "${slow[@]}" --resume > b.log 2>&1 || rc=$?
kill -0 "$pid_a" 2>/dev/null || { cat a.log; fail "the first run ended before the second tried (make it slower)"; }
expect_eq "$rc" 3 "second process on the same run: exit code"
grep -q "run 1 of bbd.db is being run by process $pid_a" b.log || { cat b.log; fail "refusal does not name process $pid_a"; }
# a different run on the same database, at the same time
"$BBD" run --tests latency,mbw --sizes 1:4096 --out runs-c > c.log 2>&1 &
pid_c=$!
rc_a=0 rc_c=0
wait "$pid_a" || rc_a=$?
wait "$pid_c" || rc_c=$?
[ "$rc_a" = 0 ] || { cat a.log; fail "first run: exit $rc_a"; }
[ "$rc_c" = 0 ] || { cat c.log; fail "concurrent run: exit $rc_c"; }
expect_eq "$(sqlite3 bbd.db 'pragma integrity_check')" ok "integrity after two writers"
expect_eq "$(sqlite3 bbd.db 'pragma journal_mode')" wal "journal mode"
expect_eq "$(sqlite3 bbd.db "select group_concat(id||':'||status, ' ') from runs")" "1:complete 2:complete" "runs"
expect_eq "$(sqlite3 bbd.db "select group_concat(n, ' ') from (select count(*) n from cells where status='ok' group by run_id order by run_id)")" "3 2" "ok cells per run"
# the refused process wrote nothing: no third run, no cell attempt of run 1 twice
expect_eq "$(sqlite3 bbd.db 'select count(*) from cells')" 5 "cells"
# once the first has ended, the same --resume goes through (nothing left to run)
"$BBD" "${slow[@]}" --resume > d.log 2>&1 || { cat d.log; fail "resume after the first ended"; }
expect_eq "$(grep -c 'already stored, skipped' d.log)" 3 "resume skips the finished cells"
echo "PASS run_concurrent"
