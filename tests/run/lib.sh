# lib.sh — shared by the tests/run shell tests.
set -euo pipefail
BBD="$BBD_BUILD_DIR/src/bbd/bbd"
work=$(mktemp -d /tmp/bbd-run-test.XXXXXX)
cleanup_hooks=()
# hooks run newest first (daemons stop before what they depend on); a daemon may still be
# writing its state while it exits, hence the second try
cleanup() {
  for ((i = ${#cleanup_hooks[@]} - 1; i >= 0; i--)); do eval "${cleanup_hooks[i]}" || true; done
  rm -rf "$work" 2>/dev/null || { sleep 2; rm -rf "$work"; }
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
sql() { sqlite3 "$work/bbd.db" "$1"; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; }
# Stop the daemon whose pid is in FILE and wait (up to 10 s) until it is gone.
stop_pidfile() {
  local pid; pid=$(cat "$1" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
}
