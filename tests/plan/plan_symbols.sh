#!/usr/bin/env bash
# plan_symbols — the symbol check and the MPI version policy on real files and roots:
#   (1) an MPI 4.1 caller (MPI_Status_get_source) built against Debian 13's MPICH 4.2.1 runs
#       in the Debian 13 image (basic); bound over Debian 12's MPICH 4.0.2 it is refused,
#       naming the symbol, the image object and the host file, nothing launched; done by hand
#       (the host file bound over the image's), the run really dies: symbol lookup error.
#   (2) a libfabric caller (fi_fabric2, libfabric >= 1.20) built against Debian 13's
#       libfabric runs in basic mode; hybrid with Debian 12's libfabric is refused naming it.
#   (3) the versions read from the files; --abi-check full refuses the older host MPICH,
#       major (the default) accepts it.
# The programs are compiled here with the host's compiler, linked against the image's
# library files (their prototypes are declared in the sources where the host's headers are
# older), and bound into the image at /opt/bbd-test.
. "$BBD_SOURCE_DIR/tests/plan/lib.sh"
src=$BBD_SOURCE_DIR/tests/plan
r13=$("$BBD_SOURCE_DIR/scripts/make-image-root" debian13)
lib13=$r13/usr/lib/x86_64-linux-gnu
mpich=$(realpath /usr/lib/x86_64-linux-gnu/libmpich.so.12)
fabric=$(realpath /usr/lib/x86_64-linux-gnu/libfabric.so.1)
# -z now (as hardened distribution builds link): every rank binds MPI_Status_get_source at
# load, so the unchecked run below dies at start in every rank; lazily bound, only the rank
# that calls it dies, after MPI_Init, and Hydra 4.2.1 then sometimes reports exit 0.
gcc -o "$t/mpi41" "$src/mpi41.c" -I/usr/include/x86_64-linux-gnu/mpich "$lib13/libmpich.so.12" \
  -Wl,--allow-shlib-undefined -Wl,-z,now
gcc -o "$t/fabric2" "$src/fabric2.c" "$lib13/libfabric.so.1" -Wl,--allow-shlib-undefined
nm -D "$t/mpi41" | grep -q ' U MPI_Status_get_source$' || fail "mpi41 does not call MPI_Status_get_source"
img=(--image "$r13" --bind "$t:/opt/bbd-test")

# (1) MPI_Status_get_source
out=$("$bbd" exec --mode basic "${img[@]}" -- mpiexec -n 2 /opt/bbd-test/mpi41)
grep -q '^mpi41 source 0 value 41$' <<<"$out" || fail "basic: mpi41 did not run: $out"
ok "basic: the MPI 4.1 caller runs on the image's MPICH 4.2.1"
refuse "MPI_Status_get_source" \
  "refused: 1 symbol the image binds to the replaced /usr/lib/x86_64-linux-gnu/libmpich.so.12.4.1 is missing from host $mpich: MPI_Status_get_source \(needed by image /opt/bbd-test/mpi41\)" \
  --mode bind "${img[@]}" --host-mpi "$mpich" --app /opt/bbd-test/mpi41
set +e
"$bbd" exec --mode basic "${img[@]}" --bind "$mpich:/usr/lib/x86_64-linux-gnu/libmpich.so.12.4.1" \
  -- mpiexec -n 2 /opt/bbd-test/mpi41 >"$t/out" 2>&1
rc=$?; set -e
[ "$rc" -ne 0 ] && grep -q "symbol lookup error: .*undefined symbol: MPI_Status_get_source" "$t/out" \
  || fail "the unchecked bind did not die as predicted (rc $rc): $(cat "$t/out")"
ok "unchecked, the same bind dies: $(grep -m1 'symbol lookup error' "$t/out")"

# (2) fi_fabric2
out=$("$bbd" exec --mode basic "${img[@]}" -- /opt/bbd-test/fabric2)
grep -q '^fabric2 rc 0 provider tcp$' <<<"$out" || fail "basic: fabric2 did not run: $out"
ok "basic: the libfabric caller runs on the image's libfabric"
refuse "fi_fabric2" "missing symbol fi_fabric2@FABRIC_1.8: needed by image /opt/bbd-test/fabric2, not defined by host $fabric \(replacing /usr/lib/x86_64-linux-gnu/libfabric.so.1[.0-9]*\); the host file defines versions only up to FABRIC_1.6" \
  --mode hybrid "${img[@]}" --host-fabric "$fabric" --app /opt/bbd-test/fabric2

# (3) versions and --abi-check
host_ver=$(mpichversion | sed -n 's/^MPICH Version:[[:space:]]*//p')
"$bbd" plan --mode bind --image "$r13" --host-mpi "$mpich" --app /usr/bin/mpichversion --format json --explain \
  >"$t/plan.json" 2>"$t/explain" || fail "default policy refused: $(cat "$t/explain")"
jq -e --arg v "$host_ver" '.abi_check == "major" and .mpi.host.release == $v and .mpi.host.device == "ch4:ucx"
  and (.mpi.image.release | startswith("4.2")) and .symbols.replaced == 1 and .symbols.references > 0' "$t/plan.json" >/dev/null \
  || fail "versions/symbols in the plan: $(jq -c '{abi_check,mpi,symbols}' "$t/plan.json")"
grep -qE "symbol check: 1 replaced library, [0-9]+ image objects, [0-9]+ references? bound to the replaced files: 0 missing" "$t/explain" \
  || fail "explain: no symbol check: $(cat "$t/explain")"
ok "major: $(grep 'MPI versions' "$t/explain")"
refuse "--abi-check full" "refused: --abi-check full: host MPI $mpich \(MPICH $host_ver \(ch4:ucx\), ABI 12\.[0-9.]*\) is older than the image's /usr/lib/x86_64-linux-gnu/libmpich.so.12.4.1 \(MPICH 4\.2\.[0-9]*" \
  --mode bind --image "$r13" --host-mpi "$mpich" --app /usr/bin/mpichversion --abi-check full
echo "plan_symbols: ok"
