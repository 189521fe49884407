#!/usr/bin/env bash
# bbd import of JSON lines and OSU text, line-by-line rejection, report and --compare exit codes.
. "$(dirname "$0")/lib.sh"
data="$BBD_SOURCE_DIR/tests/run/data"
cd "$work"
if "$BBD" import --db bbd.db "$data/bad.jsonl" 2> bad.err; then fail "bad input accepted"; fi
grep -q 'bad.jsonl:2: "value"' bad.err || fail "line 2 not reported"
grep -q 'bad.jsonl:5: not JSON' bad.err || fail "line 5 not reported"
[ ! -e bbd.db ] || expect_eq "$(sql 'select count(*) from records')" 0 "records stored from a bad file"
"$BBD" import --db bbd.db --mode basic --label cluster "$data/good.jsonl"
expect_eq "$(sql 'select count(*) from cells')" 3 "cells (latency HH, bw HH, bw DH)"
"$BBD" report --db bbd.db --last -o rep.md
# one answer per finding, naming the cells it holds for
grep -q 'basic, GTL off \[bw H H, latency H H\]: yes, provider tcp;ofi_rxm, bytes carried by libfabric: yes' rep.md || fail "libfabric answer (H H)"
grep -q 'basic, GTL off \[bw D H\]: no (libfabric not loaded' rep.md || fail "libfabric answer (D H)"
"$BBD" import --db bbd.db --format osu --mode x "$data/lumi/lumi-osu_bw-basic-container-mpich-host-host.txt"
"$BBD" import --db bbd.db --format osu --mode x "$data/lumi/lumi-osu_bw-bind-host-craympich-host-host.txt"
"$BBD" report --db bbd.db --compare 2 3 > better.md || fail "improvement flagged as regression"
if "$BBD" report --db bbd.db --compare 3 2 > worse.md; then fail "regression not flagged"; fi
grep -q '23 sizes compared: 23 regressions' worse.md || fail "regression count"
# every plot names its unit on the y axis, kept apart per unit (bw in MB/s, the xccl bus
# bandwidth in GB/s, latency in us): in gnuplot's script and as the rotated text of the SVG
command -v gnuplot >/dev/null || fail "gnuplot not installed (scripts/install-deps)"
"$BBD" import --db units.db --mode x "$data/units.jsonl" >/dev/null
"$BBD" report --db units.db --last -o units.md 2>/dev/null
ylabel() { # ylabel PLOT LABEL
  local gp=units-plots/$1.gp y
  grep -qxF "set ylabel '$2'" "$gp" || fail "$gp: y label is not '$2': $(grep ylabel "$gp")"
  y=$(grep -A1 'rotate(270)' "units-plots/$1.svg" || true)
  grep -qF ">$2</tspan>" <<<"$y" || fail "$1.svg: y axis label is not '$2': $y"
}
ylabel bw-HH 'bandwidth (MB/s)'
ylabel xccl_allreduce-inplace-DD 'bus bandwidth (GB/s)'
ylabel latency-HH 'latency (us)'
# strict numbers in every option: a usage error (2) naming the argument, never a silent 0
usage() { # usage EXPECTED_MESSAGE ARGS...
  local re=$1; shift
  local rc=0
  "$BBD" "$@" >/dev/null 2>err.txt || rc=$?
  expect_eq "$rc" 2 "bbd $* exit code"
  grep -q -- "$re" err.txt || fail "bbd $*: message '$(cat err.txt)' lacks '$re'"
}
usage "noise: invalid value 'x'" report --db bbd.db --noise x
usage "nic_gbps: invalid value '25GB'" report --db bbd.db --nic-gbps 25GB
usage "\-\-run 2x: not a run id" report --db bbd.db --run 2x
usage "\-\-compare 1: needs two run ids" report --db bbd.db --compare 1
usage "\-\-compare x: not a run id" report --db bbd.db --compare 2 x
usage "\-\-run 0: not a run id" import --db bbd.db --run 0 "$data/good.jsonl"
usage "bad option" report --db bbd.db --frobnicate
# nccl-tests' text (an xccl collective's layout) is refused, not read as "<size> <value>"
# (its second column is the element count: 67108864 would have been stored as GB/s)
printf '%s\n' '#       size         count      type   redop    root     time   algbw   busbw #wrong' \
  '   134217728      67108864     half     sum      -1   4500.1   29.83   55.92      0' >nccl.txt
usage "xccl:allreduce: printed in nccl-tests' layout" import --db bbd.db --format osu \
  --test xccl:allreduce nccl.txt
# an xccl point-to-point test (OSU layout, no placement letters) is stored as D D, and a
# host placement for it is refused
printf '%s\n' '# OSU XCCL Latency Test v7.4' '# Size       Latency (us)' '8                    12.50' >xlat.txt
"$BBD" import --db xccl.db --format osu --test xccl:latency xlat.txt >/dev/null || fail "import xccl:latency"
expect_eq "$(sqlite3 xccl.db "select placement from cells")" "D D" "xccl:latency imported placement"
usage "xccl:latency always uses device buffers (D D), not H H" import --db xccl.db --format osu \
  --test xccl:latency --placement 'H H' xlat.txt
# the shipped LUMI reference file, held against the LUMI tables themselves: every table figure
# passes; the ReFrame references need a known rank count (OSU text has none): not measured
lumi=$data/lumi
"$BBD" import --db lumi.db --format osu --mode basic "$lumi/lumi-osu_bw-basic-container-mpich-host-host.txt" >/dev/null
"$BBD" import --db lumi.db --format osu --mode bind --run 1 "$lumi/lumi-osu_bw-bind-host-craympich-host-host.txt" >/dev/null
"$BBD" import --db lumi.db --format osu --mode bind --run 1 --placement 'D H' \
  "$lumi/lumi-osu_bw-bind-container-mpich-device-host.txt" >/dev/null
"$BBD" report --db lumi.db --last --reference "$BBD_SOURCE_DIR/share/references/lumi.ref" -o lumi.md \
  || fail "LUMI tables against their own references: $(grep -c FAIL lumi.md) FAIL"
grep -q '^| bind | bw H H | 4M | any | 22222.70 MB/s | -10 % .. +inf | 22222.70 MB/s | pass |' lumi.md \
  || fail "LUMI reference of the bind table"
grep -q '71 references: 69 pass, 0 fail, 2 not measured in this run.' lumi.md \
  || fail "LUMI reference summary: $(grep references: lumi.md)"
# ... and against a TCP-only run (the basic table as bind): the bind references fail, exit 1
"$BBD" import --db tcp.db --format osu --mode bind "$lumi/lumi-osu_bw-basic-container-mpich-host-host.txt" >/dev/null
rc=0
"$BBD" report --db tcp.db --last --reference "$BBD_SOURCE_DIR/share/references/lumi.ref" -o tcp.md \
  2> tcp.err || rc=$?
expect_eq "$rc" 1 "missed references: exit code"
grep -q '^| bind | bw H H | 4M | any | 22222.70 MB/s | -10 % .. +inf | 2198.81 MB/s | FAIL |' tcp.md \
  || fail "TCP figure not marked FAIL against the bind reference"
grep -q 'reference figures missed' tcp.err || fail "no message about missed references"
echo "PASS run_import_report"
