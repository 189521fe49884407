#!/usr/bin/env bash
# prov_activate() as bbd-bench uses it: the program re-executes itself with the audit library,
# objects dlopen'ed later are listed; when the library cannot be found, the program warns
# and carries on (report marked not audited).
. "$(dirname "$0")/lib.sh"
self=$BBD_BUILD_DIR/tests/prov/prov_selftest

"$self" >"$WORK/out" 2>"$WORK/err" || { echo "FAIL prov_selftest exit $?"; cat "$WORK/err"; exit 1; }
tail -n 1 "$WORK/out" >"$WORK/on.json"
check "$WORK/on.json" 'p["audited"] is True and p["exe"] == "'"$self"'"'
check "$WORK/on.json" 'p["env"]["LD_AUDIT"].endswith("libbbd-prov-audit.so")'
check "$WORK/on.json" 'any(o["path"].endswith("libz.so.1") for o in p["objects"])'
check "$WORK/on.json" 'p["mpi"]["loaded"] is False and p["ranks"] == 2 and p["nodes"] == 1'
grep -q 'GPU: none; GTL: not loaded' "$WORK/out" && echo "ok   summary line" ||
  { echo "FAIL summary line: $(head -n 1 "$WORK/out")"; failures=$((failures + 1)); }

BBD_PROV_AUDIT=/nonexistent/libbbd-prov-audit.so "$self" >"$WORK/out" 2>"$WORK/err" ||
  { echo "FAIL prov_selftest without audit library: exit $?"; failures=$((failures + 1)); }
tail -n 1 "$WORK/out" >"$WORK/off.json"
check "$WORK/off.json" 'p["audited"] is False'
check "$WORK/off.json" 'any(o["path"].endswith("libz.so.1") for o in p["objects"])'
grep -q 'warning: provenance without audit library: access(/nonexistent' "$WORK/err" &&
  echo "ok   warning names the missing library" ||
  { echo "FAIL warning: $(cat "$WORK/err")"; failures=$((failures + 1)); }
finish
