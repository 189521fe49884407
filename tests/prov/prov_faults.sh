#!/usr/bin/env bash
# Bad input and faults: commands that do not exist, are not executable, fail or die; a JSON
# file that cannot be written; an event directory that cannot be written; a program that
# closes the audit library's descriptor and reuses its number.
. "$(dirname "$0")/lib.sh"
audit=$BBD_BUILD_DIR/src/prov/libbbd-prov-audit.so
pp=$BBD_BUILD_DIR/tests/prov/prov_pingpong_mpich

expect() { # expect NAME WANT_STATUS GOT_STATUS FILE PATTERN
  if [ "$3" -eq "$2" ] && grep -q -- "$5" "$4"; then
    echo "ok   $1 (status $3)"
  else
    echo "FAIL $1: status $3 (want $2), $4: $(head -c 300 "$4")"
    failures=$((failures + 1))
  fi
}

"$BBD" probe -- /nonexistent/cmd >"$WORK/o" 2>"$WORK/e"
expect "missing command" 127 $? "$WORK/e" "cannot run '/nonexistent/cmd'.*No such file"

printf '#!/bin/sh\n' >"$WORK/noexec"
"$BBD" probe -- "$WORK/noexec" >"$WORK/o" 2>"$WORK/e"
expect "not executable" 126 $? "$WORK/e" "Permission denied"

"$BBD" probe -- sh -c 'exit 7' >"$WORK/o" 2>"$WORK/e"
expect "exit status passed through" 7 $? "$WORK/e" "exited with status 7"
grep -q '^MPI: not loaded; libfabric: not loaded' "$WORK/o" && echo "ok   report after failure" ||
  { echo "FAIL no report after failure"; failures=$((failures + 1)); }

"$BBD" probe -- sh -c 'kill -TERM $$' >"$WORK/o" 2>"$WORK/e"
expect "signal" 143 $? "$WORK/e" "status 143"

"$BBD" probe -o /nonexistent-dir/p.json -- true >"$WORK/o" 2>"$WORK/e"
expect "unwritable JSON file" 0 $? "$WORK/e" "warning: cannot write /nonexistent-dir/p.json"
grep -q '^MPI: ' "$WORK/o" && echo "ok   report despite unwritable file" ||
  { echo "FAIL no report"; failures=$((failures + 1)); }

"$BBD" probe >"$WORK/o" 2>"$WORK/e"
expect "no command: reports on itself" 0 $? "$WORK/o" "(not audited)"
"$BBD" probe --bogus >"$WORK/o" 2>"$WORK/e"
expect "usage error" 2 $? "$WORK/e" "usage: bbd probe"

# the audit library in a program whose event directory cannot be written: one warning, the
# program's own output and status unchanged
BBD_PROV_DIR=/nonexistent-dir LD_AUDIT=$audit "$pp" >"$WORK/o" 2>"$WORK/e"
expect "unwritable event dir" 0 $? "$WORK/o" "pingpong: 1 ranks, 0 wrong bytes"
n=$(grep -c 'bbd-prov-audit:' "$WORK/e")
[ "$n" -eq 1 ] && echo "ok   one warning" || { echo "FAIL $n warnings"; failures=$((failures + 1)); }

# a program that closes every descriptor, then gets the audit library's number (500) back
# for a file of its own and loads a library: nothing of ours may land in its file
LD_AUDIT=$audit python3 -c '
import os, ctypes
os.closerange(3, 4096)
fd = os.open("'"$WORK/mine"'", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
os.dup2(fd, 500)
ctypes.CDLL("libz.so.1")
os.write(500, b"mine\n")
print("alive")' >"$WORK/o" 2>"$WORK/e"
expect "descriptor reused by the program" 0 $? "$WORK/o" "alive"
[ "$(cat "$WORK/mine")" = "mine" ] && echo "ok   program's file untouched" ||
  { echo "FAIL program's file: $(head -c 200 "$WORK/mine")"; failures=$((failures + 1)); }
finish
