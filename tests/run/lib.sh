# lib.sh — shared by the tests/run shell tests.
set -euo pipefail
BBD="$BBD_BUILD_DIR/src/bbd/bbd"
work=$(mktemp -d /tmp/bbd-run-test.XXXXXX)
cleanup_hooks=()
cleanup() { for h in "${cleanup_hooks[@]}"; do eval "$h" || true; done; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
sql() { sqlite3 "$work/bbd.db" "$1"; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; }
