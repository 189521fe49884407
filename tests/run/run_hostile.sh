#!/usr/bin/env bash
# Hostile inputs to bbd run / import / report (docs/reliability.md): each must end with a
# one-line error naming the object and the reason, the documented exit code, and nothing
# partly written. Cases: a config with 10,000 modes, a 2 GB line in an imported file (read
# through a pipe, never held in memory), a database file that is not SQLite, a read-only
# database, a full disk under the run folder (a small tmpfs), and paths with spaces, ':'
# and ',' in every path option. The tmpfs and read-only cases need root (as CI runs) for
# their mounts in a private mount namespace.
. "$(dirname "$0")/lib.sh"
cd "$work"
quick=(--sizes 1:4 -i 5 -x 1) # short cells
# expect_fail RC PATTERN CMD...: CMD exits RC and its stderr holds PATTERN (fixed text)
expect_fail() {
  local want=$1 pattern=$2 rc=0
  shift 2
  "$@" >out.log 2>err.log || rc=$?
  [ "$rc" = "$want" ] || { cat out.log err.log; fail "$*: exit $rc, expected $want"; }
  grep -qF -- "$pattern" err.log || { cat err.log; fail "$*: no '$pattern' on stderr"; }
}
# nothing_written: no database, no run folder
nothing_written() {
  [ ! -e bbd.db ] && [ ! -e bbd-runs ] || fail "$1: something was written: $(ls)"
}

# 1. 10,000 modes, in a config (one 80 KB line: longer than the INI reader's buffer) and
#    on the command line
python3 -c "print('[matrix]\nmodes = ' + ', '.join(['native'] * 10000))" >many.ini
expect_fail 2 "many.ini:2: line longer than 198 characters, the INI reader's limit" "$BBD" run --config many.ini
expect_eq "$(wc -l <err.log)" 1 "one error line for 10,000 modes"
expect_fail 2 "bbd run: modes: more than 16 values" "$BBD" run --modes "$(sed -n 's/^modes = //p' many.ini)"
expect_eq "$(wc -l <err.log)" 1 "one error line for --modes with 10,000 values"
nothing_written "10,000 modes"
echo "ok   10,000 modes: exit 2, one line"
# a long exec_args line is refused too, not cut in two
python3 -c "print('[container]\nexec_args = --bind /' + 'x' * 300 + ':/opt/x')" >long.ini
expect_fail 2 "long.ini:2: line longer than 198 characters, the INI reader's limit" "$BBD" run --config long.ini
nothing_written "long line in a config"
echo "ok   config line longer than the INI reader's buffer: exit 2"

# 2. a 2 GB line, through a pipe (nothing on disk), for both import formats; peak RSS of bbd
#    stays far below the line (getrusage of the child, in KiB)
for fmt in jsonl osu; do
  rss=$(head -c 2147483648 /dev/zero | tr '\0' x | python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdin=sys.stdin, stdout=open("out.log", "w"), stderr=open("err.log", "w"))
print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
    "$BBD" import --format "$fmt" /dev/stdin)
  expect_eq "${rss% *}" 2 "$fmt: exit code for a 2 GB line"
  grep -qF "/dev/stdin:1: line longer than 16777215 bytes, not read" err.log || { cat err.log; fail "$fmt: 2 GB line message"; }
  [ "${rss#* }" -lt 200000 ] || fail "$fmt: peak RSS ${rss#* } KiB for a 2 GB line"
  nothing_written "2 GB line"
  echo "ok   2 GB line ($fmt): exit 2, peak RSS ${rss#* } KiB"
done

# 3. a database file that is not SQLite: run, import and report refuse it, and leave it as it was
echo "these are my notes, not a database" >bbd.db
cp bbd.db notes.orig
expect_fail 3 "(bbd.db): file is not a database" \
  "$BBD" run "${quick[@]}"
expect_fail 3 "file is not a database" "$BBD" import "$BBD_SOURCE_DIR/tests/run/data/good.jsonl"
expect_fail 3 "file is not a database" "$BBD" report --last
cmp -s bbd.db notes.orig || fail "the non-SQLite file was changed"
[ ! -e bbd-runs ] || fail "run folder made for a non-SQLite database"
rm -f bbd.db
echo "ok   not SQLite: exit 3, file unchanged"

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP read-only database and full disk cases: need root (mounts)"
else
  # 4. a read-only database (its folder bind-mounted read-only in a private mount
  #    namespace): writers fail at once with exit 3 and change nothing; the report (a
  #    reader) still works
  mkdir ro && "$BBD" import --db ro/bbd.db "$BBD_SOURCE_DIR/tests/run/data/good.jsonl" >/dev/null
  cp ro/bbd.db ro.orig
  unshare -m bash -c '
    mount --bind ro ro && mount -o remount,ro,bind ro
    for c in "run --sizes 1:4 -i 5 -x 1 --out ro-runs" "import $1"; do
      rc=0; $0 $c --db ro/bbd.db >/dev/null 2>ro-err.log || rc=$?
      echo "$rc $(cat ro-err.log)"
    done >ro.log
    $0 report --db ro/bbd.db --last >ro-report.md' "$BBD" "$BBD_SOURCE_DIR/tests/run/data/good.jsonl" ||
    fail "report of a read-only database: $(cat ro.log)"
  grep -qxF "3 bbd run: sqlite3 INSERT runs(ro/bbd.db): attempt to write a readonly database" ro.log ||
    fail "bbd run on a read-only database: $(cat ro.log)"
  grep -qxF "3 bbd import: sqlite3 INSERT runs(ro/bbd.db): attempt to write a readonly database: nothing stored" ro.log ||
    fail "bbd import on a read-only database: $(cat ro.log)"
  [ ! -e ro-runs ] || fail "run folder made for a read-only database"
  grep -q '^# bitbulldozer report: run 1' ro-report.md || fail "report of a read-only database: $(head -3 ro-report.md)"
  cmp -s ro/bbd.db ro.orig || fail "the read-only database was changed"
  echo "ok   read-only database: run/import exit 3, unchanged; report works"

  # 5. the run folder on a full file system (a 1 MiB tmpfs in a private mount namespace):
  #    full before the first cell, then full in the middle of one; after freeing space,
  #    --resume runs what is missing
  mkdir -p full
  unshare -m bash -c '
    set -e
    mount -t tmpfs -o size=1m tmpfs full
    dd if=/dev/zero of=full/spare bs=4k count=2 2>/dev/null
    dd if=/dev/zero of=full/fill bs=4k 2>/dev/null || true
    rc=0; "$0" run "${@}" --out full/runs >full1.log 2>&1 || rc=$?; echo $rc >full1.rc
    rm full/spare # 8 KiB free: room for a command file, not for a cell'"'"'s output
    rc=0; "$0" run "${@}" --out full/runs >full2.log 2>&1 || rc=$?; echo $rc >full2.rc
    rm full/fill
    rc=0; "$0" run "${@}" --out full/runs --resume >full3.log 2>&1 || rc=$?; echo $rc >full3.rc
  ' "$BBD" "${quick[@]}"
  expect_eq "$(cat full1.rc)" 3 "exit code, run folder full before the first cell"
  grep -qF "/command): No space left on device" full1.log || { cat full1.log; fail "full disk message"; }
  expect_eq "$(sql "select count(*) from cells where run_id=1")" 0 "cells stored with a full disk"
  [ "$(cat full2.rc)" = 3 ] || { cat full2.log; fail "exit code, run folder full during a cell: $(cat full2.rc)"; }
  grep -q "bbd run: run folder .*/full/runs/run-2 is full: free space, then run the same command with --resume" full2.log \
    || { cat full2.log; fail "full-during-a-cell message"; }
  grep -qF "failed: no space left on device for its logs" full2.log || { cat full2.log; fail "reason of the cell cut by the full disk"; }
  [ "$(cat full3.rc)" = 0 ] || { cat full3.log; fail "exit code of --resume after freeing space: $(cat full3.rc)"; }
  expect_eq "$(sql "select count(*) from cells where run_id=2 and status='ok'")" 2 "cells after --resume"
  rm -f bbd.db
  echo "ok   full disk: exit 3 with the reason, nothing half-stored, --resume completes"
fi

# 6. spaces, ':' and ',' in every path option: --config, --db, --out, --bench, --sbatch,
#    import FILE and --db, report --db and -o (plots beside it), bbd-bench --json; the batch script written
#    with --sbatch runs as it is (launcher auto = mpiexec outside Slurm)
d="$work/a b:c,d"
mkdir -p "$d/bench dir:x,y"
cp "$BBD_BUILD_DIR/src/bench/bbd-bench" "$d/bench dir:x,y/"
printf '[matrix]\ntests = latency, bw\n[bench]\nsizes = 1:4\niterations = 5\nwarmup = 1\n' >"$d/my conf:1,2.ini"
p=(--config "$d/my conf:1,2.ini" --db "$d/my db:1,2.db" --out "$d/my runs:1,2" --bench "$d/bench dir:x,y/bbd-bench")
"$BBD" run "${p[@]}" >odd1.log 2>&1 || { cat odd1.log; fail "run with odd paths"; }
expect_eq "$(sqlite3 "$d/my db:1,2.db" "select count(*) from cells where status='ok'")" 2 "cells with odd paths"
[ -s "$d/my runs:1,2/run-1/report.html" ] || fail "no report in the odd run folder"
grep -qF "$d/bench dir:x,y/bbd-bench" "$d/my runs:1,2/run-1/cell-001-native-gtloff-latency-HH/command" || fail "bench path in the command"
"$BBD" run "${p[@]}" --sbatch "$d/my job:1,2.sh" >odd2.log 2>&1 || { cat odd2.log; fail "--sbatch with odd paths"; }
bash "$d/my job:1,2.sh" >odd3.log 2>&1 || { cat odd3.log; fail "the batch script with odd paths"; }
expect_eq "$(sqlite3 "$d/my db:1,2.db" "select count(*) from runs")" 2 "runs after the batch script"
cp "$BBD_SOURCE_DIR/tests/run/data/good.jsonl" "$d/my records:1,2.jsonl"
"$BBD" import --db "$d/my db:1,2.db" "$d/my records:1,2.jsonl" >odd4.log 2>&1 || { cat odd4.log; fail "import with odd paths"; }
"$BBD" report --db "$d/my db:1,2.db" --run 1 --format html -o "$d/my report:1,2.html" >odd5.log 2>&1 \
  || { cat odd5.log; fail "report with odd paths"; }
[ -n "$(ls "$d/my report:1,2-plots/"*.svg 2>/dev/null)" ] || fail "no plots beside the odd report: $(ls "$d")"
"$BBD_MPIEXEC" -n 2 "$d/bench dir:x,y/bbd-bench" latency -m 1:2 -i 5 -x 1 --json "$d/bench out:1,2.jsonl" \
  >odd6.log 2>&1 || { cat odd6.log; fail "bbd-bench --json with odd paths"; }
expect_eq "$(grep -c '^{' "$d/bench out:1,2.jsonl")" 2 "records in bbd-bench --json with an odd path"
echo "ok   spaces, ':' and ',' in --config, --db, --out, --bench, --sbatch, import, report -o, bbd-bench --json"
echo "run_hostile: all passed"
