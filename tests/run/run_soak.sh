#!/usr/bin/env bash
# run_soak — kill `bbd run` with SIGKILL at random moments, resume it each time, then check
# that nothing is lost or doubled (docs/reliability.md):
#   every cell stored exactly once, in one run; PRAGMA integrity_check after every kill;
#   no launcher or rank outlives a killed bbd; every stored record equals the JSON line the
#   cell's log (its stdout) holds; the report builds.
# One of the kills hits the cell's launcher (mpiexec) instead of bbd: that cell fails, the
# matrix goes on, and the final --resume reruns it. A killed bbd's launcher must be gone
# 0.5 s later (it dies with bbd; its cell would have lasted ~1 s more: this catches an
# orphan unless the cell was about to end), its ranks 10 s later.
#   short (ctest run_soak): 24 native cells (2 GTL x 3 tests x 4 placements), 3 kills
#   --full: 128 cells (native, basic, bind, hybrid x 2 GTL x 4 tests x 4 placements), 10
#           kills; the container modes run through bwrap with the host root as the image
#           (hybrid is refused: Debian's MPICH does not use libfabric; basic --gtl is a
#           usage error: both are failed cells that must be stored once too)
# Options: --full, --kills N, --seed N (default: random, printed). Device buffers use
# bbd-bench's test-only GPU stand-in (host memory), so no GPU is needed.
# By hand: BBD_BUILD_DIR=build BBD_SOURCE_DIR=. tests/run/run_soak.sh --full
. "$(dirname "$0")/lib.sh"
full=0 kills=3 seed=$((RANDOM * 32768 + RANDOM))
while [ $# -gt 0 ]; do
  case $1 in
    --full) full=1 kills=10 ;;
    --kills) kills=$2; shift ;;
    --seed) seed=$2; shift ;;
    *) fail "unknown option $1" ;;
  esac
  shift
done
RANDOM=$seed
cd "$work"
# our own copy of bbd-bench: `pgrep -f $bench` finds this test's ranks and no one else's
mkdir -p bin lib
bench=$work/bin/bbd-bench
cp "$BBD_BUILD_DIR/src/bench/bbd-bench" "$bench"
cat >soak.ini <<INI
[matrix]
gtl = off, on
placements = H H, H D, D H, D D
[bench]
bench = $bench
sizes = 1:64
iterations = 20
warmup = 2
bench_args = -d standin
timeout = 60
[launcher]
launcher = mpiexec
[env]
BBD_TEST_GPU_STANDIN = 1
INI
if [ $full -eq 1 ]; then
  # a stand-in GTL (any shared object: bind --gtl only preloads it)
  printf 'int bbd_soak_gtl(void) { return 0; }\n' >gtl.c
  gcc -shared -fPIC -nostdlib -o lib/libmpi_gtl_hsa.so.0 -Wl,-soname,libmpi_gtl_hsa.so.0 gtl.c
  cat >>soak.ini <<INI
[matrix]
modes = native, basic, bind, hybrid
tests = latency, bw, bibw, mbw
[container]
runtime = bwrap
image = /
image_bench = $bench
exec_args = --app $bench
[mode.bind]
exec_args = --host-mpi /usr/lib/x86_64-linux-gnu/libmpich.so.12 --host-gtl $work/lib/libmpi_gtl_hsa.so.0
INI
  expect_fail_keys='^(hybrid/|basic/gtl-on/)'
else
  printf '[matrix]\nmodes = native\ntests = latency, bw, bibw\n' >>soak.ini
  expect_fail_keys='^$'
fi
args=(run --config soak.ini --db bbd.db --out runs)
n=$("$BBD" "${args[@]}" --sbatch count.sh | sed -n 's/.*(\([0-9]*\) cells).*/\1/p')
launcher_kill=$((RANDOM % kills + 1))
echo "run_soak: $n cells, $kills SIGKILLs (number $launcher_kill hits the launcher), seed $seed"

started=$SECONDS
pid=
log=
# queries wait for a writer: after a launcher kill, bbd goes on and may hold the write lock
sq() { sqlite3 -cmd '.timeout 10000' bbd.db "$1"; }
no_orphans() { # wait up to 10 s for every rank of a killed bbd to be gone
  for _ in $(seq 1 50); do pgrep -f "$bench" >/dev/null || return 0; sleep 0.2; done
  pgrep -af "$bench" >&2
  fail "ranks still running 10 s after bbd was killed"
}
# The kill moments follow the matrix's progress, not the clock (cells last 0.1 s on a fast
# machine and several seconds on a loaded one): kill k waits until cell target[k] has
# reached (started, or skipped as stored by a resumed bbd), then a random 0-99 ms more. The
# targets are distinct, increasing and spread over the cells but the last three, so every
# kill finds bbd running and every resume has work left.
targets=$(shuf -i 2-$((n - 3)) -n "$kills" --random-source=<(yes "$seed") | sort -n)
[ "$(echo "$targets" | wc -l)" -eq "$kills" ] || fail "$kills kills need at least $((kills + 4)) cells"
wait_for_cell() { # CELL: until the running bbd prints a line of that cell (60 s at most)
  for _ in $(seq 1 1200); do
    grep -qE "^\[$1/$n\] " "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "bbd ended before cell $1 started (kill $k)"; }
    sleep 0.05
  done
  cat "$log"
  fail "cell $1 did not start within 60 s (kill $k)"
}
k=0
for target in $targets; do
  k=$((k + 1))
  if [ -z "$pid" ]; then
    log=run-$k.log
    "$BBD" "${args[@]}" --resume >"$log" 2>&1 &
    pid=$!
  fi
  wait_for_cell "$target"
  ms=$((RANDOM % 100))
  sleep "0.$(printf '%03d' "$ms")"
  kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "bbd ended before kill $k"; }
  if [ "$k" -eq "$launcher_kill" ]; then
    l=
    for _ in $(seq 1 100); do l=$(pgrep -P "$pid" mpiexec || true); [ -n "$l" ] && break; sleep 0.05; done
    [ -n "$l" ] || fail "kill $k: no launcher under bbd $pid"
    kill -KILL "$l"
    what="launcher (mpiexec $l), cell $target"
  else
    l=$(pgrep -P "$pid" mpiexec || true) # the running cell's launcher, if any
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    pid=
    # it must die with bbd, not when its cell ends: caught unless the cell was ending
    sleep 0.5
    if [ -n "$l" ] && [ -n "$(ps -o stat= -p "$l" | grep -v Z)" ]; then # a zombie is dead
      fail "launcher $l still running 0.5 s after bbd was killed: $(ps -o stat=,args= -p "$l")"
    fi
    no_orphans
    what="bbd, cell $target"
  fi
  integrity=$(sq 'pragma integrity_check' 2>&1 || true)
  [ -e bbd.db ] || integrity="ok (no database yet)"
  stored=$(sq "select count(*) from cells where status='ok'" 2>/dev/null || echo 0)
  printf 'kill %2d at %3d s: %-38s cells stored ok %3s, integrity %s\n' "$k" $((SECONDS - started)) \
    "$what" "$stored" "$integrity"
  case $integrity in ok*) ;; *) fail "integrity after kill $k: $integrity" ;; esac
done
# the last bbd (a launcher kill may have been the last kill) runs to its end, then one more
# --resume finishes what the kills left
[ -n "$pid" ] && { wait "$pid" || true; }
rc=0
"$BBD" "${args[@]}" --resume >run-final.log 2>&1 || rc=$?
want_rc=0
[ "$expect_fail_keys" != '^$' ] && want_rc=1
[ "$rc" -eq "$want_rc" ] || { tail -20 run-final.log; fail "final --resume: exit $rc, expected $want_rc"; }

# every cell exactly once, in one run, with the status it must have
expect_eq "$(sql "select count(*) from runs")" 1 "runs in the database (every start resumed the first)"
expect_eq "$(sql "select count(*) || ' ' || count(distinct key) from cells")" "$n $n" "cells stored, distinct"
expect_eq "$(sqlite3 bbd.db 'pragma integrity_check')" ok "final integrity"
bad=$(sql "select key, status, coalesce(reason, '') from cells" |
  awk -F'|' -v re="$expect_fail_keys" '{ fails = ($1 ~ re && re != "^$"); if (fails != ($2 != "ok")) print }')
[ -z "$bad" ] || fail "cells with the wrong outcome: $bad"
# every record of an ok cell is the JSON line its log holds, in order, and nothing else
ok_cells=0
while IFS='|' read -r id dir; do
  grep '^{' "$dir/stdout" >want.jsonl || fail "cell $id: no JSON in $dir/stdout"
  sql "select json from records where cell_id=$id order by id" >got.jsonl
  cmp -s want.jsonl got.jsonl || { diff want.jsonl got.jsonl | head -5; fail "cell $id: records differ from $dir/stdout"; }
  ok_cells=$((ok_cells + 1))
done < <(sql "select id, log_dir from cells where status='ok'")
expect_eq "$(sql "select count(*) from records r left join cells c on r.cell_id=c.id where c.id is null")" 0 "records without a cell"
"$BBD" report --db bbd.db --last --format html -o report.html >report.log 2>&1 || { cat report.log; fail "report"; }
grep -q '<html' report.html || fail "report.html is not HTML"
[ -s runs/run-1/report.md ] || fail "bbd run wrote no report.md"
runs_started=$(ls run-*.log | wc -l)
cells_run=$(cat run-*.log | grep -cE '^\[[0-9]+/[0-9]+\] .*: (ok|failed|timeout) in ')
echo "run_soak: $n cells stored exactly once ($ok_cells ok, records equal to their logs), $kills kills," \
  "$runs_started bbd starts, $cells_run cells run in all ($((cells_run - n)) reruns), $((SECONDS - started)) s"
echo "run_soak: 1 passed, 0 failed"
