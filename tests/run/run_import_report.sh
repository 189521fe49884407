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
grep -q 'basic \[bw H H\]: yes, provider tcp;ofi_rxm, bytes carried by libfabric: yes' rep.md || fail "libfabric answer (H H)"
grep -q 'basic \[bw D H\]: no (libfabric not loaded' rep.md || fail "libfabric answer (D H)"
"$BBD" import --db bbd.db --format osu --mode x "$data/lumi/lumi-osu_bw-basic-container-mpich-host-host.txt"
"$BBD" import --db bbd.db --format osu --mode x "$data/lumi/lumi-osu_bw-bind-host-craympich-host-host.txt"
"$BBD" report --db bbd.db --compare 2 3 > better.md || fail "improvement flagged as regression"
if "$BBD" report --db bbd.db --compare 3 2 > worse.md; then fail "regression not flagged"; fi
grep -q '23 sizes compared: 23 regressions' worse.md || fail "regression count"
echo "PASS run_import_report"
