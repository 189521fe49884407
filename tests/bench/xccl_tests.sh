#!/usr/bin/env bash
# Integration tests of the xccl tests of bbd-bench under a real mpiexec, with the
# TEST-ONLY collective stand-in (MPI over host memory, tests/bench/xccl_standin.c) and
# the host-memory GPU stand-in: every collective validated on 1, 2 and 4 ranks, the
# nccl-tests layout, JSON records, the log-derived transport, and the error paths.
# Also: real NCCL (if installed) without a GPU must fail cleanly, before NCCL is used.
set -u
. "$BBD_SOURCE_DIR/tests/lib/testlib.sh"
BENCH=$BBD_BUILD_DIR/src/bench/bbd-bench
STANDIN=$BBD_BUILD_DIR/tests/bench/libbbd_test_xccl_standin.so
MPIEXEC=${BBD_MPIEXEC:-mpiexec.mpich}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export TMPDIR=$W # the libraries' INFO logs go here (and must be cleaned up)
run() { # run NRANKS ARGS... : stdout/stderr in $W/out $W/err, rc in RC
  local n=$1; shift
  timeout 120 "$MPIEXEC" -n "$n" "$BENCH" "$@" >"$W/out" 2>"$W/err"
  RC=$?
}
# the stand-ins: GPU (4 "devices" per node) and collective library
sa() { BBD_TEST_GPU_STANDIN=1 BBD_TEST_GPU_STANDIN_DEVICES=${DEVS:-4} BBD_XCCL_LIBRARY=$STANDIN "$@"; }
# data rows of the nccl-tests table
rows() { grep -Ec '^ +[0-9]+ +[0-9]+ +[a-z0-9]+ +[a-z]+ +-?[0-9]+ ' "$W/out"; }

# 1. every collective, validated, on 1, 2 and 4 ranks; 8 B .. 64 KiB = 14 sizes
for n in 1 2 4; do
  for coll in allreduce allgather reducescatter alltoall broadcast reduce sendrecv; do
    rm -f "$W/rec.jsonl"
    root=$(( n > 1 ? 1 : 0 ))
    sa run "$n" xccl "$coll" -m 8:64K -i 3 -x 1 -c --root "$root" --json "$W/rec.jsonl"
    t_eq "$coll n=$n: exit 0" 0 "$RC"
    t_eq "$coll n=$n: 14 rows" 14 "$(rows)"
    case $coll in alltoall|sendrecv) nv=1 ;; *) nv=2 ;; esac
    # every measured variant has #wrong 0 (N/A only where there is no in-place)
    t_eq "$coll n=$n: #wrong 0 in every measured column" $((14 * nv)) "$(awk '/^ +[0-9]/{
      if ($9 == "0") c++; if (NF >= 13 && $13 == "0") c++ } END {print c+0}' "$W/out")"
    t_grep "$coll n=$n: footer" "^# Avg bus bandwidth    : [0-9.e+-]+ $" "$W/out"
    t_grep "$coll n=$n: out of bounds OK" "^# Out of bounds values : 0 OK$" "$W/out"
    t_grep "$coll n=$n: stand-in named in summary" "^# xccl: standin \(TEST-ONLY, not NCCL\) 2\.99\.1" "$W/out"
    t_eq "$coll n=$n: JSON records" $((14 * nv)) "$(jq -c --arg t "xccl:$coll" --argjson n "$n" \
      'select(.schema=="bbd-bench/1" and .test==$t and .ranks==$n and .validated and .errors==0
              and .unit=="GB/s" and .gpu_api=="standin" and .xccl.library=="standin"
              and .dtype=="float" and .time_us>0 and .algbw>=0 and .busbw>=0
              and (.count * 4 <= .size) and .iterations==3 and .warmup==1)' "$W/rec.jsonl" | wc -l)"
  done
done
# value == busbw == algbw * factor, per record (all-reduce on 4 ranks: 2*3/4)
sa run 4 xccl allreduce -m 1K:4K -i 3 -x 1 --json "$W/ar.jsonl"
t_eq "allreduce n=4: busbw = 1.5 algbw, value = busbw" 6 "$(jq -c \
  'select((.busbw - 1.5*.algbw | fabs) < 1e-6*.busbw and .value == .busbw
          and ((.algbw - .size/1e9/(.time_us/1e6)) | fabs) < 1e-6*.algbw)' "$W/ar.jsonl" | wc -l)"
t_eq "allreduce n=4: in-place and out-of-place records" "false true" \
  "$(jq -r .in_place "$W/ar.jsonl" | sort -u | tr '\n' ' ' | sed 's/ $//')"
# the table's busbw is the JSON busbw (out-of-place column)
t_eq "table busbw == JSON busbw" "$(jq -r 'select(.in_place|not) | "\(.size) \(.busbw)"' "$W/ar.jsonl" \
  | awk '{printf "%s %.2f\n", $1, $2}')" "$(awk '/^ +[0-9]/{print $1, $8}' "$W/out")"

# 2. half and bfloat16 (sums stay exact), max and min
for dt in half bfloat16; do
  for op in sum max min; do
    sa run 4 xccl allreduce -m 8:4K -i 2 -x 1 -c --dtype "$dt" --op "$op"
    t_eq "allreduce $dt $op: exit 0" 0 "$RC"
    t_eq "allreduce $dt $op: type and redop columns" 10 "$(grep -Ec "^ +[0-9]+ +[0-9]+ +$dt +$op " "$W/out")"
  done
done
sa run 2 xccl reducescatter -m 64:4K -i 2 -x 1 -c --dtype bfloat16
t_eq "reducescatter bfloat16: exit 0" 0 "$RC"

# 3. point-to-point through ncclSend/ncclRecv, OSU layout
sa run 2 xccl latency -m 0:4K -i 20 -x 2 -c --json "$W/p2p.jsonl"
t_eq "xccl latency: exit 0" 0 "$RC"
t_eq "xccl latency: sizes from 0, all Pass" 14 "$(grep -Ec '^[0-9]+ +[0-9]+\.[0-9]{2} +Pass$' "$W/out")"
t_grep "xccl latency: header" "^# bbd-bench XCCL-STANDIN Latency Test \(ncclSend/ncclRecv\)" "$W/out"
t_eq "xccl latency: JSON" 14 "$(jq -c 'select(.test=="xccl:latency" and .unit=="us" and .dtype=="uint8"
  and .errors==0 and .xccl.library=="standin")' "$W/p2p.jsonl" | wc -l)"
sa run 2 xccl bw -m 1:64K -i 5 -x 1 -c
t_eq "xccl bw: exit 0" 0 "$RC"
t_eq "xccl bw: all Pass" 17 "$(grep -Ec ' Pass$' "$W/out")"
sa run 3 xccl bw -m 8:8
t_eq "xccl bw needs 2 ranks: exit 2" 2 "$RC"

# 3b. --timer gpu: each iteration's time is the events' distance (the stand-in's events report
# a fixed 250 us here, so only the events can have produced these numbers; n=2: busbw = algbw),
# stated as such
BBD_TEST_GPU_STANDIN_EVENT_US=250 sa run 2 xccl allreduce -m 1K:4K -i 3 -x 1 -c --timer gpu \
  --json "$W/ev.jsonl"
t_eq "--timer gpu: exit 0" 0 "$RC"
t_grep "--timer gpu: header says events" "time per iteration: standin events recorded on the stream" "$W/out"
t_eq "--timer gpu: every time is the events' 250 us, busbw from it" 6 "$(jq -c 'select(.clock=="gpu-events"
  and .time_us==250 and ((.busbw - .count*4/1e9/250e-6) | fabs) < 1e-9)' \
  "$W/ev.jsonl" | wc -l)"
t_eq "--timer gpu: the statistics are the events' too" 6 "$(jq -c 'select(.min == .max and .value == .busbw)' \
  "$W/ev.jsonl" | wc -l)"
BBD_TEST_GPU_STANDIN_EVENT_US=100 sa run 2 xccl latency -m 8:8 -i 3 -x 1 -c --timer gpu
t_grep "--timer gpu latency: one-way = half the round trip's 100 us" "^8 +50\.00 +Pass$" "$W/out"
t_grep "--timer gpu latency: header" "^# Timing: standin events around each iteration$" "$W/out"
sa run 2 xccl allreduce -m 8:8 -i 2 -x 1
t_nogrep "host timer: no event wording" "events" "$W/out"
sa run 2 latency --timer gpu
t_eq "--timer gpu with an MPI test: exit 2" 2 "$RC"
t_grep "--timer gpu with an MPI test: said why" "only the xccl tests" "$W/err"

# 4. validation catches corruption (the stand-in's last rank flips a result byte) -> 1
for coll in allreduce allgather sendrecv; do
  BBD_XCCL_STANDIN_FAULT=corrupt sa run 2 xccl "$coll" -m 64:256 -i 2 -x 0 -c
  t_eq "corrupt $coll: exit 1" 1 "$RC"
  t_grep "corrupt $coll: reported" "validation: xccl:$coll( \(in place\))? at 64 bytes: [0-9]+ wrong elements" "$W/err"
  t_grep "corrupt $coll: FAILED footer" "^# Out of bounds values : [1-9][0-9]* FAILED$" "$W/out"
done
BBD_XCCL_STANDIN_FAULT=corrupt sa run 2 xccl latency -m 8:8 -i 2 -x 0 -c
t_eq "corrupt xccl latency: exit 1" 1 "$RC"

# 5. transport from the library's INFO log; a socket fallback is flagged
BBD_XCCL_STANDIN_NET=Socket sa run 2 xccl allreduce -m 8:64 -i 2 -x 0 --json "$W/sock.jsonl"
t_grep "socket: summary flags fallback" "^# xccl: .*network Socket, transport NET/Socket \(SOCKET FALLBACK\)$" "$W/out"
t_grep "socket: warning on stderr" "moved data over sockets" "$W/err"
t_eq "socket: JSON says so" "true NET/Socket" "$(jq -r '"\(.xccl.socket_fallback) \(.xccl.transport[0])"' "$W/sock.jsonl" | sort -u)"
sa run 2 xccl allreduce -m 8:64 -i 2 -x 0
t_nogrep "own network: no fallback" "FALLBACK" "$W/out"
t_eq "INFO logs removed afterwards" 0 "$(ls "$W" | grep -c '^bbd-xccl\.')"
NCCL_DEBUG=INFO NCCL_DEBUG_FILE=$W/user.%h.%p sa run 2 xccl allreduce -m 8:64 -i 2 -x 0
t_grep "user's NCCL_DEBUG_FILE is read" "transport NET/BBD-standin-MPI" "$W/out"
t_eq "user's log files are kept" 2 "$(ls "$W" | grep -c '^user\.')"

# 5b. --xccl standin: the stand-in beside the bbd-bench that runs (how bbd run's tests reach
# it in every container), and nowhere else
mkdir -p "$W/staged"
cp "$BENCH" "$STANDIN" "$W/staged/"
BBD_TEST_GPU_STANDIN=1 BBD_TEST_GPU_STANDIN_DEVICES=2 timeout 120 "$MPIEXEC" -n 2 \
  "$W/staged/bbd-bench" xccl:allreduce -d standin --xccl standin -m 8:64 -i 2 -x 0 -c >"$W/out" 2>"$W/err"
t_eq "--xccl standin beside bbd-bench: exit 0" 0 "$?"
t_grep "--xccl standin: the staged file" "^# xccl: standin .*\($W/staged/libbbd_test_xccl_standin.so\)" "$W/out"
BBD_TEST_GPU_STANDIN=1 run 1 xccl allreduce -d standin --xccl standin -m 8:8
t_eq "--xccl standin with none beside bbd-bench: exit 2" 2 "$RC"
t_grep "--xccl standin missing: dlopen message" "libbbd_test_xccl_standin.so" "$W/err"

# 6. errors: each one line, the right exit code, no hang
DEVS=1 sa run 2 xccl allreduce -m 8:8
t_eq "2 ranks, 1 GPU: exit 3" 3 "$RC"
t_grep "2 ranks, 1 GPU: says why" "2 ranks on .* but only 1 GPU visible: standin refuses two ranks on one GPU" "$W/err"
BBD_XCCL_STANDIN_FAULT=async sa run 2 xccl allreduce -m 8:64 -i 5 -x 1
t_eq "async error: exit 3" 3 "$RC"
t_grep "async error: named" "ncclCommGetAsyncError\(asynchronous error\): remote process exited" "$W/err"
run 1 xccl allreduce --xccl-lib "$W/nonexistent/libnccl.so.2" -m 8:8
t_eq "library not found: exit 2" 2 "$RC"
t_grep "library not found: dlopen message" "dlopen\($W/nonexistent/libnccl.so.2\): .*No such file" "$W/err"
if ! grep -q 'librccl\.so\.1 ' <<<"$(/sbin/ldconfig -p)"; then
  run 1 xccl allreduce --xccl rccl -m 8:8
  t_eq "--xccl rccl without RCCL: exit 2" 2 "$RC"
  t_grep "--xccl rccl without RCCL: dlopen message" "library not found: rccl: dlopen\(librccl\.so\.1\): " "$W/err"
fi
BBD_XCCL_LIBRARY=$STANDIN run 1 xccl allreduce -m 8:8
t_eq "stand-in refused without BBD_TEST_GPU_STANDIN: exit 2" 2 "$RC"
t_grep "stand-in refused: says so" "test-only collective stand-in; set BBD_TEST_GPU_STANDIN=1" "$W/err"
sa run 1 xccl allreduce -m 8:8 -d cuda
t_eq "stand-in library with a real runtime: exit 2" 2 "$RC"
run 1 xccl nosuch
t_eq "unknown xccl test: exit 2" 2 "$RC"
sa run 2 xccl broadcast --root 2 -m 8:8
t_eq "root out of range: exit 2" 2 "$RC"

# 7. real NCCL on this machine, if installed: without a GPU it must stop before NCCL
# is used, with a clear message (exit 3), or exit 2 when no CUDA runtime is found.
if [ -e /usr/local/cuda/lib64/libnccl.so.2 ]; then
  LD_LIBRARY_PATH=/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
    run 1 xccl allreduce --xccl nccl -m 8:8 --timeout 60
  if nvidia-smi -L >/dev/null 2>&1; then
    t_eq "real NCCL with a GPU: exit 0" 0 "$RC"
  else
    t_check "real NCCL, no GPU: exit 2 or 3 (was $RC)" test "$RC" = 3 -o "$RC" = 2
    t_grep "real NCCL, no GPU: names the GPU problem" "no usable GPU|no GPU device visible|needs a GPU runtime" "$W/err"
    t_nogrep "real NCCL, no GPU: NCCL never initialised" "ncclCommInitRank" "$W/err"
  fi
fi

t_done
