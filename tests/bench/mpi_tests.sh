#!/usr/bin/env bash
# Integration tests of bbd-bench under a real mpiexec (Debian's MPICH by default).
set -u
. "$BBD_SOURCE_DIR/tests/lib/testlib.sh"
BENCH=$BBD_BUILD_DIR/src/bench/bbd-bench
MPIEXEC=${BBD_MPIEXEC:-mpiexec.mpich}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
run() { # run NRANKS ARGS... : stdout/stderr in $W/out $W/err, rc in RC
  local n=$1; shift
  timeout 120 "$MPIEXEC" -n "$n" "$BENCH" "$@" >"$W/out" 2>"$W/err"
  RC=$?
}
# rows of the OSU table in $W/out whose size column parses with the ReFrame regex
osu_rows() { grep -Ec '^[0-9]+[[:space:]]+[0-9]+\.[0-9]{2}' "$W/out"; }

# 1. every test, validated, OSU text + JSON
for spec in "latency 2" "bw 2" "bibw 2" "mbw 4"; do
  set -- $spec
  t=$1 n=$2
  rm -f "$W/rec.jsonl"
  run "$n" "$t" -m 1:64K -i 20 -x 2 -c --json "$W/rec.jsonl"
  t_eq "$t: exit code" 0 "$RC"
  t_eq "$t: 17 OSU rows (1 B .. 64 KiB)" 17 "$(osu_rows)"
  t_eq "$t: every size validated Pass" 17 "$(grep -Ec ' Pass$' "$W/out")"
  t_grep "$t: OSU-style header" "^# bbd-bench MPI .*Test v" "$W/out"
  t_grep "$t: datatype line" "^# Datatype: MPI_CHAR\.$" "$W/out"
  t_eq "$t: 17 JSON records" 17 "$(wc -l <"$W/rec.jsonl")"
  t_eq "$t: records well-formed and consistent" 17 "$(jq -c --arg t "$t" --argjson n "$n" \
    'select(.schema=="bbd-bench/1" and .test==$t and .ranks==$n and .validated and .errors==0
            and .value>0 and .min<=.p50 and .p50<=.p90 and .p90<=.p99 and .p99<=.max
            and .iterations==20 and .warmup==2 and .transfer=="host" and .placement=="H H"
            and (.mpi_version|length)>0 and (.timestamp|test("Z$"))
            and (.clock=="tsc" or .clock=="MPI_Wtime"))' "$W/rec.jsonl" | wc -l)"
  # The OSU number in the table is the JSON value, size by size.
  t_eq "$t: table value == JSON value" "$(awk '/^[0-9]/{print $1, $2}' "$W/out")" \
    "$(jq -r '"\(.size) \(.value*100|round/100|tostring|if test("\\.") then . else .+".0" end)"' "$W/rec.jsonl" \
       | awk '{printf "%s %.2f\n", $1, $2}')"
done
t_eq "mbw: 2 pairs recorded" 2 "$(jq -s '.[0].pairs' "$W/rec.jsonl")"
t_grep "mbw: message-rate column" "^# Size +MB/s +Messages/s( |$)" "$W/out"

# 2. latency starts at 0 bytes by default; sizes double
run 2 latency -m :16 -i 10 -x 1
t_eq "latency sizes from 0" "0 1 2 4 8 16" "$(awk '/^[0-9]/{printf "%s ", $1}' "$W/out" | sed 's/ $//')"

# 3. staged path with the test-only GPU stand-in moves the right bytes
for pl in "D D" "D H" "H D"; do
  rm -f "$W/rec.jsonl"
  BBD_TEST_GPU_STANDIN=1 run 2 bw -d standin --transfer staged -m 1:16K -i 5 -x 1 -c \
    --json "$W/rec.jsonl" $pl
  t_eq "standin staged $pl: exit" 0 "$RC"
  t_eq "standin staged $pl: all Pass" 15 "$(grep -Ec ' Pass$' "$W/out")"
  t_eq "standin staged $pl: JSON says staged/standin" 15 "$(jq -c \
    --arg pl "$pl" 'select(.transfer=="staged" and .gpu_api=="standin" and .placement==$pl)' \
    "$W/rec.jsonl" | wc -l)"
done
BBD_TEST_GPU_STANDIN=1 run 2 latency -d standin -m 1:4K -i 5 -x 1 -c D D
t_eq "standin auto: exit" 0 "$RC"
t_grep "standin auto picks staged" "transfer staged" "$W/err"
BBD_TEST_GPU_STANDIN=1 run 2 bibw -d standin --transfer direct -m 1:4K -i 5 -x 1 -c D D
t_eq "standin direct bibw: all Pass" 13 "$(grep -Ec ' Pass$' "$W/out")"

# 4. validation catches corruption (PMPI shim flips a received byte) -> exit 1
FAULTS=$BBD_BUILD_DIR/tests/bench/libbbd_test_mpi_faults.so
BBD_TEST_FAULT=corrupt_recv LD_PRELOAD=$FAULTS run 2 latency -m 2:64 -i 5 -x 1 -c
t_eq "corruption: exit code 1" 1 "$RC"
t_grep "corruption: Fail rows" " Fail$" "$W/out"
t_grep "corruption: reported per size" "validation: latency at 64 bytes: [0-9]+ wrong bytes" "$W/err"

# 4b. MPI collectives (OSU osu_allreduce & co): validated, OSU layout, JSON, on 2 and 3 ranks
for n in 2 3; do
  for c in allreduce alltoall allgather bcast reduce; do
    rm -f "$W/rec.jsonl"
    run "$n" coll "$c" -m 1:4K -i 5 -x 1 -c --root $((n - 1)) --json "$W/rec.jsonl"
    t_eq "coll:$c n=$n: exit 0" 0 "$RC"
    t_eq "coll:$c n=$n: 13 rows, all Pass" 13 "$(grep -Ec '^[0-9]+ +[0-9]+\.[0-9]{2} +Pass$' "$W/out")"
    t_grep "coll:$c n=$n: OSU header" "^# bbd-bench MPI [A-Za-z-]+ .*Latency Test v" "$W/out"
    t_grep "coll:$c n=$n: OSU column" "^# Size       Avg Latency\(us\)        Validation$" "$W/out"
    t_eq "coll:$c n=$n: JSON records" 13 "$(jq -c --arg t "coll:$c" --argjson n "$n" \
      'select(.test==$t and .unit=="us" and .ranks==$n and .validated and .errors==0
              and .value>0 and .iterations==5 and .placement=="H H" and (has("msg_rate")|not))' \
      "$W/rec.jsonl" | wc -l)"
  done
done
t_grep "coll defaults: OSU sizes 1 B .. 1 MiB" "^1048576 " <(run 2 coll:bcast -i 2 -x 0; cat "$W/out")
t_eq "coll defaults: 21 sizes" 21 "$(grep -Ec '^[0-9]+ ' "$W/out")"
t_eq "coll defaults: 1000 iterations up to 8 KiB, 100 above" "1000 100" \
  "$(run 2 coll:bcast -m 8K:16K -x 0 --json - ; jq -r .iterations "$W/out" | tr '\n' ' ' | sed 's/ $//')"
# device buffers through the test-only GPU stand-in, staged and direct
for tr in staged direct; do
  BBD_TEST_GPU_STANDIN=1 BBD_TEST_GPU_STANDIN_DEVICES=2 run 2 coll allreduce -d standin \
    --transfer "$tr" -m 1:1K -i 3 -x 1 -c --json - D D
  t_eq "coll:allreduce D D $tr: exit 0" 0 "$RC"
  t_eq "coll:allreduce D D $tr: JSON" 11 "$(jq -c --arg tr "$tr" \
    'select(.placement=="D D" and .transfer==$tr and .gpu_api=="standin" and .errors==0)' "$W/out" | wc -l)"
done
run 2 coll allreduce H D
t_eq "coll H D: exit 2" 2 "$RC"
t_grep "coll H D: says why" "takes H H or D D" "$W/err"
run 1 coll allreduce
t_eq "coll on 1 rank: exit 2" 2 "$RC"
# -c really fails on corruption: the PMPI shim flips a received byte of each collective
for c in allreduce alltoall allgather bcast reduce; do
  BBD_TEST_FAULT=corrupt_coll LD_PRELOAD=$FAULTS run 2 coll "$c" -m 1:64 -i 3 -x 0 -c
  t_eq "coll:$c corrupted: exit 1" 1 "$RC"
  t_grep "coll:$c corrupted: reported" "validation: coll:$c at 1 bytes: [0-9]+ wrong bytes" "$W/err"
done
BBD_TEST_FAULT=corrupt_coll LD_PRELOAD=$FAULTS run 2 coll allreduce -m 1:64 -i 3 -x 0
t_eq "coll:allreduce corrupted without -c: exit 0 (nothing checked)" 0 "$RC"

# 5. bad input: one line from rank 0, exit 2, before any measurement
bad() { # bad NAME NRANKS EXPECTED_MESSAGE_REGEX ARGS...
  local name=$1 n=$2 re=$3; shift 3
  run "$n" "$@"
  t_eq "bad input $name: exit 2" 2 "$RC"
  t_eq "bad input $name: printed once" 1 "$(grep -Ec -- "$re" "$W/err")"
  t_eq "bad input $name: no table" 0 "$(osu_rows)"
}
bad "unknown test" 2 "unknown test 'nosuch'" nosuch
bad "min > max" 2 "minimum 8 is larger than maximum 4" bw -m 8:4
bad "over memory cap" 2 "over --mem-limit" bw -m 1G --mem-limit 64M
bad "odd ranks" 3 "needs exactly 2 ranks, got 3" latency
bad "odd ranks mbw" 3 "even number of ranks" mbw
bad "unknown -d" 2 "unknown GPU runtime 'rocm'" bw -d rocm
bad "D without runtime" 2 "placement D needs a GPU runtime" bw -d hip -m 1:8 D D

# 6. --json - : records on stdout, table on stderr
run 2 latency -m 8:8 -i 10 -x 1 --json -
t_eq "json to stdout" "8" "$(jq -r .size "$W/out")"
t_grep "table to stderr" "^8 +[0-9]" "$W/err"

# 6b. BBD_CLOCK=wtime forces MPI_Wtime around each iteration
BBD_CLOCK=wtime run 2 latency -m 8:8 -i 10 -x 1 --json -
t_eq "BBD_CLOCK=wtime is recorded" "MPI_Wtime" "$(jq -r .clock "$W/out")"

# 7. adaptive mode stops on its own and says so
run 2 latency -m 8:8 --adaptive 5 --time-per-size 2 --json -
t_eq "adaptive: exit" 0 "$RC"
t_eq "adaptive: recorded" "true" "$(jq -r .adaptive "$W/out")"
# it stops at the CI target or at a cap (here --time-per-size 2 s, which a loaded machine
# can hit first): the record says which, and a cap is said on stderr
t_check "adaptive: 'converged' is whether the CI target was met" \
  jq -e '.converged == (.ci95 <= 0.05 * .p50)' "$W/out"
if [ "$(jq -r .converged "$W/out")" = false ]; then
  t_grep "adaptive: a cap is said" "bbd-bench: adaptive: latency at 8 bytes: .* did not reach 5 %" "$W/err"
fi
# a target no machine reaches in 0.5 s: stopped by the time cap, recorded and said
run 2 bw -m 1M:1M -i 5 --adaptive 0.001 --time-per-size 0.5 --json -
t_eq "adaptive cap: exit 0 (a result, flagged)" 0 "$RC"
t_eq "adaptive cap: converged false" false "$(jq -r .converged "$W/out")"
t_grep "adaptive cap: said on stderr" \
  "bbd-bench: adaptive: bw at 1048576 bytes: the 95% CI of the median did not reach 0.001 % of it \(--time-per-size cap after [0-9]+ iterations\)" \
  "$W/err"
run 2 latency -m 8:8 -i 5 --json -
t_eq "not adaptive: no 'converged' key" null "$(jq -r .converged "$W/out")"

# 8. watchdog: a stopped peer makes bbd-bench abort with exit 3 and name the size
"$MPIEXEC" -n 2 "$BENCH" bw -m 4M:4M -i 1000000 -x 0 --timeout 3 >"$W/out" 2>"$W/err" &
mp=$!
for _ in $(seq 50); do
  pids=$(pgrep -f "^$BENCH bw -m 4M:4M -i 1000000" | sort -n)
  [ "$(echo "$pids" | wc -w)" -ge 2 ] && break
  sleep 0.1
done
sleep 1
kill -STOP $(echo "$pids" | tail -n 1) 2>/dev/null
( sleep 60; kill -9 $mp 2>/dev/null ) & guard=$!
wait $mp
RC=$?
kill $guard 2>/dev/null
t_eq "watchdog: exit code 3" 3 "$RC"
t_grep "watchdog: names test, size and rank" "timeout: rank [01]: bw at 4194304 bytes did not finish within 3 s" "$W/err"

# 8b. ... and a peer stuck in MPI_Finalize after the last size: results kept, exit 3
BBD_TEST_FAULT=hang_finalize LD_PRELOAD=$FAULTS run 2 latency -m 8:8 -i 10 -x 1 --timeout 3 \
  --json "$W/fin.jsonl"
# Both ranks are stuck (rank 0 waits for rank 1 inside MPI_Finalize) and each leaves by
# itself with 3; when rank 1 leaves first, MPICH may end rank 0's MPI_Finalize with its own
# error (1) before rank 0's watchdog does: the job's code is then Hydra's report of that.
t_check "finalize hang: exit code 3 (or MPICH's 1)" test "$RC" -eq 3 -o "$RC" -eq 1
t_grep "finalize hang: named" "timeout: rank [01]: MPI_Finalize did not finish within 3 s \(a peer died or the MPI is stuck\); leaving with exit code 3" "$W/err"
t_eq "finalize hang: the result was kept" 8 "$(jq -r .size "$W/fin.jsonl")"

# 9. help and version
run 1 --help
t_eq "help: exit 0" 0 "$RC"
t_grep "help: usage line" "^usage: bbd-bench TEST" "$W/out"
t_grep "help: exit codes documented" "exit codes: 0 ok, 1 validation failed, 2 usage error, 3" "$W/out"

t_done
