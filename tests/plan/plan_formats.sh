#!/usr/bin/env bash
# plan_formats — every output format of `bbd plan`, compared byte for byte, for a
# fixed fake host tree and image root built here from tiny libraries (no libc, so
# the result does not depend on this machine). Also the refusals on that tree.
. "$BBD_SOURCE_DIR/tests/plan/fake_tree.sh" # $bbd, $src, fail; the tree in $t/host, $t/image

run() { env -u LD_LIBRARY_PATH "$bbd" plan --profile-dir "$src/profiles" --image "$t/image" --app /usr/bin/app "$@"; }
check() { # check NAME: compare stdin with expected/NAME (@T@ = the temp dir)
  if [ -n "${BBD_UPDATE_EXPECTED:-}" ]; then sed "s#$t#@T@#g" >"$src/expected/$1"; return; fi
  sed "s#@T@#$t#g" "$src/expected/$1" >"$t/want"
  diff -u "$t/want" - || fail "format $1 differs"
}
common=(--mode bind --gtl --host-mpi "$t/host/lib/libmpi.so.12" --host-gtl "$t/host/gtl/libmpi_gtl_hsa.so.0")
for f in apptainer singularity podman docker bwrap env json; do
  run "${common[@]}" --format "$f" | check "bind-gtl.$f"
done
run --mode basic --format json | check basic.json
run --mode hybrid --host-fabric "$t/host/lib/libfabric.so.1" --format bwrap 2>"$t/err" && fail "hybrid FABRIC_1.7 accepted"
grep -qF "refused: 1 symbol the image binds to the replaced /usr/lib/x86_64-linux-gnu/libfabric.so.1.7.0 is missing from host $t/host/lib/libfabric.so.1: fi_new@FABRIC_1.7 (needed by image /usr/lib/x86_64-linux-gnu/libmpich.so.12.4.1); the host file defines versions only up to FABRIC_1.6" "$t/err" \
  || fail "FABRIC_1.7 message: $(cat "$t/err")"
set +e; run --mode bind --host-mpi "$t/host/lib/libmpi.so.40" 2>"$t/err"; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "Open MPI host: exit $rc, want 1"
grep -qF "MPI ABI mismatch: host $t/host/lib/libmpi.so.40 is Open MPI ABI (libmpi.so.40, major 40) but the image's /usr/lib/x86_64-linux-gnu/libmpich.so.12.4.1 is MPICH ABI" "$t/err" \
  || fail "ABI message: $(cat "$t/err")"
# Symbol check: the image program calls a function of its MPI that the host's MPI lacks.
refused() { # refused APP ARGS...: run bind mode for APP, expect exit 1, stderr in $t/err
  local app=$1; shift
  set +e; env -u LD_LIBRARY_PATH "$bbd" plan --profile-dir "$src/profiles" --image "$t/image" \
    --app "$app" --mode bind --host-mpi "$t/host/lib/libmpi.so.12" "$@" >"$t/out" 2>"$t/err"; rc=$?; set -e
  [ "$rc" -eq 1 ] || fail "$app: exit $rc, want 1: $(cat "$t/err")"
  [ -s "$t/out" ] && fail "$app: a refused plan was written: $(cat "$t/out")"
  return 0
}
refused /usr/bin/app41
grep -qF "refused: 1 symbol the image binds to the replaced /usr/lib/x86_64-linux-gnu/libmpich.so.12.4.1 is missing from host $t/host/lib/libmpi.so.12: MPI_Status_get_source (needed by image /usr/bin/app41)" "$t/err" \
  || fail "symbol message: $(cat "$t/err")"
refused /usr/bin/appmany
grep -qF "refused: 25 symbols the image binds" "$t/err" || fail "25 symbols: $(cat "$t/err")"
[ "$(grep -cE '^bbd plan:   missing symbol (MPIX_f[0-9]+|MPI_Status_get_source): needed by image /usr/bin/appmany, not defined by host' "$t/err")" -eq 20 ] \
  || fail "not 20 symbols listed: $(cat "$t/err")"
grep -qF "bbd plan:   ... and 5 more missing symbols" "$t/err" || fail "count line: $(cat "$t/err")"
# A weak reference is reported, not refused.
run --mode bind --host-mpi "$t/host/lib/libmpi.so.12" --app /usr/bin/appweak --format json --explain \
  >"$t/out" 2>"$t/err" || fail "weak reference refused: $(cat "$t/err")"
grep -qF "weak reference MPIX_optional of image /usr/bin/appweak is not defined by host $t/host/lib/libmpi.so.12: reported, not refused" "$t/err" \
  || fail "weak reference not reported: $(cat "$t/err")"
jq -e '.symbols.weak_missing == 1 and .symbols.replaced == 2' "$t/out" >/dev/null || fail "symbols in JSON: $(cat "$t/out")"
# --abi-check full needs versions: these stand-ins have none, and the host's file name no minor.
refused /usr/bin/app --abi-check full
grep -qF "refused: --abi-check full: cannot compare host MPI $t/host/lib/libmpi.so.12" "$t/err" \
  || fail "abi-check full message: $(cat "$t/err")"
set +e; run --mode bind --abi-check newest >/dev/null 2>"$t/err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -qF -- "--abi-check newest: one of major, full, strict" "$t/err" || fail "bad --abi-check: $rc $(cat "$t/err")"
# Versions read from the files: a cray-mpich stand-in (its version in a literal) is older
# than the image's MPICH 4.2.1: accepted by the default policy, refused by full.
so "$t/host/lib/libmpi_cray.so.12.0.0" libmpi_cray.so.12 '__attribute__((used)) static const char v[] =
"MPI VERSION    : CRAY MPICH version 8.1.27.13 (ANL base 3.4a2)"; int MPI_Init(void){return 1;}'
run --mode bind --host-mpi "$t/host/lib/libmpi_cray.so.12.0.0" --format json --explain >"$t/out" 2>"$t/err" \
  || fail "cray stand-in refused: $(cat "$t/err")"
grep -qF "MPI versions: image /usr/lib/x86_64-linux-gnu/libmpich.so.12.4.1: MPICH 4.2.1 (ch4:ofi), ABI 12.4.1; host $t/host/lib/libmpi_cray.so.12.0.0: Cray MPICH 8.1.27.13 (based on MPICH 3.4a2), ABI 12.0.0" "$t/err" \
  || fail "versions explained: $(cat "$t/err")"
jq -e '.abi_check == "major" and .mpi.host.family == "Cray MPICH" and .mpi.host.release == "8.1.27.13" and .mpi.host.mpich_base == "3.4a2" and .mpi.image.release == "4.2.1"' "$t/out" >/dev/null \
  || fail "versions in JSON: $(cat "$t/out")"
refused /usr/bin/app --host-mpi "$t/host/lib/libmpi_cray.so.12.0.0" --abi-check full
grep -qF "refused: --abi-check full: host MPI $t/host/lib/libmpi_cray.so.12.0.0 (Cray MPICH 8.1.27.13 (based on MPICH 3.4a2), ABI 12.0.0) is older than the image's" "$t/err" \
  || fail "abi-check full (cray): $(cat "$t/err")"
# --learned: what a traced run loaded (the file bbd probe --plan-out writes). The host MPI
# dlopen'ed a plugin from its own directory (lands beside the MPI, as UCX finds its modules)
# and a library by name (searched as a dependency: the image has none -> the inject dir);
# the image side's own dlopen is not the mode's business.
mkdir -p "$t/host/lib/plug" "$t/other"
so "$t/host/lib/plug/libplug.so" libplug.so 'int fi_getinfo(void); int plug(void){return fi_getinfo();}' \
  -L"$t/host/lib" -l:libfabric.so.1
so "$t/host/lib/libextra.so.1" libextra.so.1 'int extra(void){return 1;}'
so "$t/other/libside.so" libside.so 'int side(void){return 2;}'
{
  printf '# bbd-learned/1 written by hand for the test\n'
  for f in "$t/host/lib/libmpi.so.12" "$t/host/lib/plug/libplug.so" "$t/host/lib/libextra.so.1" "$t/other/libside.so"; do
    printf 'O\t%s\n' "$f"
  done
  printf 'L\t%s\t%s\t%s\n' "$t/host/lib/libmpi.so.12" libmpi.so.12 /usr/bin/app-on-host \
    "$t/host/lib/plug/libplug.so" "$t/host/lib/plug/libplug.so" "$t/host/lib/libmpi.so.12" \
    "$t/host/lib/libextra.so.1" libextra.so.1 "$t/host/lib/libmpi.so.12" \
    "$t/other/libside.so" "$t/other/libside.so" /usr/bin/app-on-host
} >"$t/learned"
run --mode bind --host-mpi "$t/host/lib/libmpi.so.12" --learned "$t/learned" --format json --explain \
  >"$t/out" 2>"$t/err" || fail "--learned refused: $(cat "$t/err")"
jq -e --arg t "$t" '[.binds[] | select(.learned) | .src + " " + .dst] | sort ==
  [$t + "/host/lib/libextra.so.1 /opt/bitbulldozer/host-lib/libextra.so.1",
   $t + "/host/lib/plug/libplug.so /usr/lib/x86_64-linux-gnu/plug/libplug.so"]' "$t/out" >/dev/null \
  || fail "learned binds: $(jq -c '.binds' "$t/out")"
jq -e '.learned == {"objects": 4, "added": 2}' "$t/out" >/dev/null || fail "learned counts: $(jq -c .learned "$t/out")"
grep -qF "learned: inject $t/host/lib/plug/libplug.so -> /usr/lib/x86_64-linux-gnu/plug/libplug.so: dlopen'ed by host $t/host/lib/libmpi.so.12" "$t/err" \
  || fail "learned explain: $(cat "$t/err")"
run --mode bind --host-mpi "$t/host/lib/libmpi.so.12" --format json | jq -e '[.binds[] | select(.learned)] == []' >/dev/null \
  || fail "a plan without --learned has learned binds"
# --learn with a command that cannot run or fails: a message, its exit status, no plan.
learn_fails() { # learn_fails WANT-STATUS PATTERN CMD...
  local want=$1 pattern=$2; shift 2
  set +e; run --mode bind --host-mpi "$t/host/lib/libmpi.so.12" --learn -- "$@" >"$t/out" 2>"$t/err"; rc=$?; set -e
  [ "$rc" -eq "$want" ] || fail "--learn $*: exit $rc, want $want: $(cat "$t/err")"
  grep -qF -- "$pattern" "$t/err" || fail "--learn $*: message: $(cat "$t/err")"
  [ -s "$t/out" ] && fail "--learn $*: a plan was written"
  return 0
}
learn_fails 127 "--learn: cannot run '/nonexistent/bbd-cmd': execvp(/nonexistent/bbd-cmd): No such file or directory; no plan written" /nonexistent/bbd-cmd
learn_fails 7 "--learn: the traced command 'sh' exited with status 7; no plan written" sh -c 'exit 7'
set +e; run --mode bind --learned "$t/learned" --learn -- true >/dev/null 2>"$t/err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -qF -- "--learn and --learned: give one" "$t/err" || fail "--learn + --learned: $rc $(cat "$t/err")"
set +e; run --mode bind --learned /etc/hostname >/dev/null 2>"$t/err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -qF "not a learned-objects file" "$t/err" || fail "--learned bad file: $rc $(cat "$t/err")"
# The launcher's variables reach podman/docker by name, the PMI descriptor is kept open
# (launcher.profile); --site lumi adds its environment and skips what this host lacks.
launcher=(--profile "$BBD_SOURCE_DIR/share/profiles/plan/launcher.profile")
env -i PATH="$PATH" SLURM_JOB_ID=7 SLURM_PROCID=1 PMI_FD=6 PMI_RANK=1 FI_PROVIDER=tcp HOME=/nonexistent \
  "$bbd" exec --profile-dir "$src/profiles" --image "$t/image" --mode basic "${launcher[@]}" \
  --runtime podman --dry-run -- /bin/true >"$t/argv" || fail "podman dry run"
for want in '--preserve-fds=4' '-e' 'SLURM_JOB_ID' 'SLURM_PROCID' 'PMI_FD' 'PMI_RANK' 'FI_PROVIDER' "$t/image:O"; do
  grep -qxF -- "$want" "$t/argv" || fail "podman argv lacks $want: $(tr '\n' ' ' <"$t/argv")"
done
grep -qx 'HOME' "$t/argv" && fail "podman argv forwards HOME"
env -i PATH="$PATH" SLURM_JOB_ID=7 "$bbd" plan --profile-dir "$src/profiles" --image "$t/image" --mode basic \
  "${launcher[@]}" --format docker | grep -qF -- '-e SLURM_JOB_ID' || fail "docker format: no -e SLURM_JOB_ID"
env -i PATH="$PATH" SLURM_JOB_ID=7 "$bbd" plan --profile-dir "$src/profiles" --image "$t/image" --mode basic \
  "${launcher[@]}" --format apptainer | grep -q SLURM && fail "apptainer format forwards (it passes the environment itself)"
run --mode basic --site lumi --format json --explain >"$t/out" 2>"$t/err" || fail "--site lumi: $(cat "$t/err")"
jq -e '.env.NCCL_SOCKET_IFNAME == "hsn0,hsn1,hsn2,hsn3" and .env.NCCL_NET_GDR_LEVEL == "PHB" and .env.FI_MR_CACHE_MONITOR == "userfaultfd" and .env.CXI_FORK_SAFE == "1"' "$t/out" >/dev/null \
  || fail "--site lumi env: $(jq -c .env "$t/out")"
grep -q "skip /dev/cxi\*: no such device here (.*lumi.profile:[0-9]*)" "$t/err" || fail "--site lumi devices: $(grep -i dev "$t/err")"
set +e; run --mode basic --site nosuchsite >/dev/null 2>"$t/err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -qF -- "--site nosuchsite: no nosuchsite.profile" "$t/err" || fail "--site unknown: $rc $(cat "$t/err")"
# ch-run: destinations the image lacks get a staged tree of placeholders over the deepest
# existing ancestor, then the image's entries of it again, then the binds.
mkdir -p "$t/image/opt/kept" "$t/tmp"
TMPDIR=$t/tmp "$bbd" exec --profile-dir "$src/profiles" --image "$t/image" \
  "${common[@]}" --app /usr/bin/app --runtime ch-run --dry-run -- /bin/true >"$t/argv" || fail "ch-run dry run"
stage=$(sed -n "s#^\($t/tmp/bbd-ch-run-[0-9]*-[0-9a-f]*\)/opt:/opt\$#\1#p" "$t/argv")
[ -n "$stage" ] && [ -d "$stage/opt/kept" ] && [ -f "$stage/opt/bitbulldozer/host-lib/libmpi_gtl_hsa.so.0" ] \
  || fail "ch-run: no staged /opt with placeholders: $(tr '\n' ' ' <"$t/argv")"
grep -qx -- "$t/image/opt/kept:/opt/kept" "$t/argv" || fail "ch-run: the image's /opt/kept not bound again"
grep -qx -- "$t/host/gtl/libmpi_gtl_hsa.so.0:/opt/bitbulldozer/host-lib/libmpi_gtl_hsa.so.0" "$t/argv" \
  || fail "ch-run: GTL bind"
grep -qx -- "--set-env=LD_LIBRARY_PATH=/opt/bitbulldozer/host-lib" "$t/argv" || fail "ch-run: environment"
grep -qx -- "--set-env=BBD_IMAGE_ROOT=$t/image" "$t/argv" || fail "ch-run: BBD_IMAGE_ROOT for provenance"
# Separators: a ':' in a bound path cannot be written in APPTAINER_BIND.
mkdir -p "$t/odd:dir" && cp "$t/host/lib/libmpi.so.12" "$t/host/lib/libfabric.so.1" "$t/odd:dir/"
run --mode bind --host-mpi "$t/odd:dir/libmpi.so.12" --format apptainer 2>"$t/err" && fail "':' accepted"
grep -qF "apptainer: cannot express bind $t/odd:dir/libmpi.so.12" "$t/err" || fail "separator message: $(cat "$t/err")"
echo "plan_formats: ok"
