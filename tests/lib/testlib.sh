# testlib.sh — tiny assertion helpers for the shell integration tests.
# Source it, call the t_* functions, end with t_done (prints "N passed, N failed"
# and exits non-zero if anything failed).
T_PASS=0
T_FAIL=0
T_NAME=${T_NAME:-$(basename "$0" .sh)}

t_pass() { T_PASS=$((T_PASS + 1)); printf 'ok   %s\n' "$1"; }
t_fail() { T_FAIL=$((T_FAIL + 1)); printf 'FAIL %s: %s\n' "$1" "$2"; }

# t_check NAME COMMAND... — pass if the command succeeds.
t_check() {
  local name=$1; shift
  if "$@"; then t_pass "$name"; else t_fail "$name" "command failed: $*"; fi
}

# t_eq NAME EXPECTED ACTUAL
t_eq() {
  if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "expected '$2', got '$3'"; fi
}

# t_grep NAME PATTERN FILE — extended regex must match a line of FILE.
t_grep() {
  if grep -Eq -- "$2" "$3"; then t_pass "$1"; else t_fail "$1" "no line matches /$2/ in $3: $(head -c 400 "$3")"; fi
}

# t_nogrep NAME PATTERN FILE
t_nogrep() {
  if grep -Eq -- "$2" "$3"; then t_fail "$1" "unexpected /$2/ in $3"; else t_pass "$1"; fi
}

t_done() {
  echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
  [ "$T_FAIL" -eq 0 ]
}
