# lib.sh — shared by the tests/plan shell tests that run bbd exec on real image roots.
# Sets bbd, a temporary directory $t (removed at exit), fail, ok and refuse.
set -euo pipefail
bbd=$BBD_BUILD_DIR/src/bbd/bbd
t=$(mktemp -d "/tmp/bbd-$(basename "$0" .sh).XXXXXX")
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
# refuse WHAT PATTERN bbd-exec-args...: the plan must be refused (exit 1) with PATTERN (an
# extended regex) on stderr, and the command never launched.
refuse() {
  local what=$1 pattern=$2; shift 2
  set +e; "$bbd" exec "$@" -- /bin/sh -c 'echo LAUNCHED' >"$t/out" 2>"$t/err"; local rc=$?; set -e
  [ "$rc" -eq 1 ] || fail "$what: exit $rc, want 1 ($(cat "$t/err"))"
  grep -q LAUNCHED "$t/out" && fail "$what: command was launched"
  grep -qE "$pattern" "$t/err" || fail "$what: message: $(cat "$t/err")"
  ok "$what refused: $(head -1 "$t/err")"
}
