#!/usr/bin/env bash
# plan_hostile — `bbd plan` on broken images and files (docs/reliability.md): a one-line
# error with the documented exit code and nothing on stdout where the program could not
# run either, and the loader's own behaviour where it copes (ld.so ignores section headers
# and an empty or unopenable ld.so.cache). Also spaces, ':' and ',' in every path option.
. "$BBD_SOURCE_DIR/tests/plan/fake_tree.sh" # $bbd, $src, fail; the tree in $t/host, $t/image
mpi=$t/host/lib/libmpi.so.12
run() { env -u LD_LIBRARY_PATH "$bbd" plan --profile-dir "$src/profiles" --image "$t/image" "$@"; }
bind=(--mode bind --host-mpi "$mpi" --format json)
# refused RC MESSAGE ARGS...: run exits RC, prints exactly MESSAGE (one line) on stderr and
# nothing on stdout
refused() {
  local want=$1 msg=$2 rc=0
  shift 2
  run "$@" >"$t/out" 2>"$t/err" || rc=$?
  [ "$rc" = "$want" ] || fail "$*: exit $rc, expected $want: $(cat "$t/err")"
  [ "$(cat "$t/err")" = "$msg" ] || fail "$*: stderr '$(cat "$t/err")', expected '$msg'"
  [ ! -s "$t/out" ] || fail "$*: something on stdout: $(head -c 200 "$t/out")"
}
run "${bind[@]}" --app /usr/bin/app >"$t/good.json" || fail "the fake tree does not plan"

# 1. symlink loops in the image root: the program itself (exec would fail: refused) ...
ln -s loop-b "$t/image/usr/bin/loop-a" && ln -s loop-a "$t/image/usr/bin/loop-b"
refused 3 "bbd plan: view_resolve(/usr/bin/loop-a): Too many levels of symbolic links" \
  "${bind[@]}" --app /usr/bin/loop-a
ln -s /usr/bin/loop-a "$t/image/usr/bin/via-loop"
refused 3 "bbd plan: view_resolve(/usr/bin/via-loop): Too many levels of symbolic links" \
  "${bind[@]}" --app /usr/bin/via-loop
# ... and the image's ld.so.cache (ld.so cannot open it and searches its default dirs: so
# does the plan)
ln -s ld.so.cache "$t/image/etc/ld.so.cache"
run "${bind[@]}" --app /usr/bin/app | cmp -s - "$t/good.json" || fail "plan with a looping ld.so.cache"
rm "$t/image/etc/ld.so.cache"
echo "ok   symlink loops"

# 2. an absolute symlink for the image's ld.so.cache resolves inside the image, never on the
#    host: the image's target (not a cache) is what is read and refused
echo "not a cache either" >"$t/image/etc/ld.so.cache.real"
ln -s /etc/ld.so.cache.real "$t/image/etc/ld.so.cache"
refused 2 "bbd plan: $t/image/etc/ld.so.cache.real: ldcache_parse: unknown ld.so.cache format" \
  "${bind[@]}" --app /usr/bin/app
rm "$t/image/etc/ld.so.cache" "$t/image/etc/ld.so.cache.real"

# 3. a 0-byte ld.so.cache is no cache, as for ld.so; one of an unknown format is refused
: >"$t/image/etc/ld.so.cache"
run "${bind[@]}" --app /usr/bin/app | cmp -s - "$t/good.json" || fail "plan with a 0-byte ld.so.cache"
echo "not a cache" >"$t/image/etc/ld.so.cache"
refused 2 "bbd plan: $t/image/etc/ld.so.cache: ldcache_parse: unknown ld.so.cache format" \
  "${bind[@]}" --app /usr/bin/app
rm "$t/image/etc/ld.so.cache"
echo "ok   ld.so.cache: absolute symlink stays in the image, 0 bytes = none, garbage refused"

# 4. ELF files that lie: patch(FILE OFFSET FORMAT VALUE) writes one header field
patch() { python3 -c 'import struct, sys
f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2])); f.write(struct.pack(sys.argv[3], int(sys.argv[4], 0)))' "$@"; }
mkdir -p "$t/bad" "$t/shoff"
cp "$t/host/lib/"* "$t/shoff/" && patch "$t/shoff/libmpi.so.12" 40 '<Q' 0x7fffffff0000 # e_shoff
# ld.so never reads section headers: the plan is the same as with the intact file
run "${bind[@]}" --app /usr/bin/app --host-mpi "$t/shoff/libmpi.so.12" | sed "s#$t/shoff/#$t/host/lib/#g" |
  cmp -s - "$t/good.json" || fail "section table past the end changed the plan"
cp "$mpi" "$t/bad/phoff.so" && patch "$t/bad/phoff.so" 32 '<Q' 0x7fffffff0000 # e_phoff
refused 2 "bbd plan: elf_read($t/bad/phoff.so): program headers out of bounds" \
  "${bind[@]}" --app /usr/bin/app --host-mpi "$t/bad/phoff.so"
head -c 100 "$mpi" >"$t/bad/short.so"
refused 2 "bbd plan: elf_read($t/bad/short.so): program headers out of bounds" \
  "${bind[@]}" --app /usr/bin/app --host-mpi "$t/bad/short.so"
: >"$t/bad/empty.so"
refused 2 "bbd plan: elf_read($t/bad/empty.so): not a regular file large enough to be ELF" \
  "${bind[@]}" --app /usr/bin/app --host-mpi "$t/bad/empty.so"
echo "ok   ELF: section table past the end read as ld.so does; broken headers refused"

# 5. profiles: a comment longer than any line buffer stays a comment (a cut line would
#    read its tail as a directive), and a directory given as a profile is an error
python3 -c 'print("# " + "x" * 4093 + "env SMUGGLED=1")' >"$t/long.profile"
run "${bind[@]}" --app /usr/bin/app --profile "$t/long.profile" | cmp -s - "$t/good.json" ||
  fail "a long comment line in a profile changed the plan"
mkdir -p "$t/dir.profile"
refused 3 "bbd plan: read($t/dir.profile): Is a directory" "${bind[@]}" --app /usr/bin/app --profile "$t/dir.profile"
echo "ok   profiles: long comment, directory"

# 6. spaces, ':' and ',' in every path option: --image, --app, --host-mpi, --host-fabric,
#    --host-gtl, --profile, --profile-dir, --inject-dir (':' and ',' are refused in paths the
#    plan makes in the container, blanks in the preloaded GTL's), --bind (its DST; SRC:DST splits at the first
#    ':'). bwrap and json can say every path; apptainer cannot say ',' or ':'.
odd="$t/o d:d,1"
mkdir -p "$odd/host" "$odd/prof dir"
cp -a "$t/image" "$odd/im age"
cp -a "$t/host/lib" "$t/host/gtl" "$odd/host/"
cp "$odd/im age/usr/bin/app" "$odd/im age/usr/bin/my app,x:y"
cp "$src/profiles/"*.profile "$odd/prof dir/"
printf 'env ODD=1\n' >"$odd/extra, profile:1"
mkdir -p "$t/data dir,1" # a bind SRC cannot hold a ':' (SRC:DST): see below
oddrun() {
  env -u LD_LIBRARY_PATH "$bbd" plan --mode bind --gtl --image "$odd/im age" --app "/usr/bin/my app,x:y" \
    --host-mpi "$odd/host/lib/libmpi.so.12" --host-gtl "$odd/host/gtl/libmpi_gtl_hsa.so.0" \
    --profile-dir "$odd/prof dir" --profile "$odd/extra, profile:1" --inject-dir "/opt/inject" \
    --bind "$t/data dir,1:/opt/da ta:1,2" "$@"
}
oddrun --format json >"$t/odd.json" || fail "plan with odd paths"
python3 -c 'import json, sys
p = json.load(open(sys.argv[1])); b = {x["src"]: x["dst"] for x in p["binds"]}
o = sys.argv[2]
assert b[o + "/host/lib/libmpi.so.12"] == "/usr/lib/x86_64-linux-gnu/libmpich.so.12.4.1", b
assert b[sys.argv[3] + "/data dir,1"] == "/opt/da ta:1,2", b
assert p["env"]["ODD"] == "1", p["env"]' "$t/odd.json" "$odd" "$t" || fail "odd paths in the json plan: $(cat "$t/odd.json")"
oddrun --format bwrap >"$t/odd.bwrap" || fail "bwrap format with odd paths"
eval "set -- $(cat "$t/odd.bwrap")" # the shell-quoted words come back as they were
printf '%s\n' "$@" | grep -xF "$odd/host/lib/libmpi.so.12" >/dev/null || fail "bwrap words: $(cat "$t/odd.bwrap")"
oddrun --format apptainer >/dev/null 2>"$t/err" && fail "apptainer accepted ',' and ':' in binds"
grep -qF "apptainer: cannot express bind $t/data dir,1 -> /opt/da ta:1,2: ',' separates binds" "$t/err" || fail "apptainer message: $(cat "$t/err")"
run "${bind[@]}" --app /usr/bin/app --inject-dir "/opt/a:b" >/dev/null 2>"$t/err" && fail "':' in --inject-dir accepted"
grep -qxF "bbd plan: --inject-dir /opt/a:b: must be a clean absolute path without ':'" "$t/err" || fail "inject-dir message: $(cat "$t/err")"
run "${bind[@]}" --app /usr/bin/app --bind "$odd/host:/opt/h" >/dev/null 2>"$t/err" && fail "--bind SRC with ':' accepted"
grep -qF "bbd plan: refusing to bind $t/o d -> d,1/host:/opt/h: d,1/host:/opt/h is not an absolute path" "$t/err" ||
  fail "--bind SRC with ':' message: $(cat "$t/err")"
run --mode bind --gtl --host-mpi "$mpi" --host-gtl "$t/host/gtl/libmpi_gtl_hsa.so.0" --app /usr/bin/app \
  --inject-dir "/opt/a,b" >/dev/null 2>"$t/err" && fail "',' in --inject-dir accepted"
grep -qxF "bbd plan: cannot inject $t/host/gtl/libmpi_gtl_hsa.so.0 at /opt/a,b/libmpi_gtl_hsa.so.0: ':' and ',' in container paths break the bind and library-path syntax" "$t/err" ||
  fail "',' in --inject-dir message: $(cat "$t/err")"
run --mode bind --gtl --host-mpi "$mpi" --host-gtl "$t/host/gtl/libmpi_gtl_hsa.so.0" --app /usr/bin/app \
  --inject-dir "/opt/in ject" >/dev/null 2>"$t/err" && fail "a blank in the preloaded GTL path accepted"
grep -qxF "bbd plan: --gtl: cannot preload /opt/in ject/libmpi_gtl_hsa.so.0: LD_PRELOAD splits at blanks (choose an --inject-dir without them)" "$t/err" ||
  fail "blank in --inject-dir message: $(cat "$t/err")"
echo "ok   spaces, ':' and ',' in --image, --app, --host-mpi, --host-gtl, --profile(-dir), --inject-dir, --bind"
echo "plan_hostile: all passed"
