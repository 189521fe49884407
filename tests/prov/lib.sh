# lib.sh — shared by the provenance shell tests: run `bbd probe --json` and assert on the
# values it reports (never only on exit codes).
set -uo pipefail
: "${BBD_BUILD_DIR:?set by ctest}" "${BBD_SOURCE_DIR:?set by ctest}"
BBD=$BBD_BUILD_DIR/src/bbd/bbd
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bbd-prov-test-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failures=0
# Open MPI refuses root without these (CI runs as root).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

# probe OUT CMD...: JSON report of CMD into OUT; fails the test if CMD itself failed.
probe() {
  local out=$1
  shift
  if ! "$BBD" probe --json -- "$@" >"$out" 2>"$out.err"; then
    echo "FAIL bbd probe -- $*: exit status $? ($(tail -n 5 "$out.err"))"
    failures=$((failures + 1))
    return 1
  fi
  # The command's own output comes first on stdout; the JSON report is the last line.
  tail -n 1 "$out" >"$out.json"
  mv "$out.json" "$out"
}

# check FILE EXPR: EXPR is a Python expression over p, the provenance object.
check() {
  if python3 - "$1" "$2" <<'PY'; then :; else failures=$((failures + 1)); fi
import json, sys
try:
    p = json.load(open(sys.argv[1]))
except Exception as e:
    print("FAIL %s (no JSON report: %s)" % (sys.argv[2], e))
    sys.exit(1)
try:
    ok = bool(eval(sys.argv[2]))
except Exception as e:
    ok = False
    print("  (%s: %s)" % (type(e).__name__, e))
print(("ok   " if ok else "FAIL ") + sys.argv[2])
if not ok:
    print("  transport: %s" % json.dumps(p.get("transport")))
    print("  libfabric: %s" % json.dumps(p.get("libfabric")))
    print("  mpi: %s" % json.dumps({k: v for k, v in p.get("mpi", {}).items() if k != "version"}))
sys.exit(0 if ok else 1)
PY
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
  fi
  echo "all checks passed"
}
