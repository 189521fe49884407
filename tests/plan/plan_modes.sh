#!/usr/bin/env bash
# plan_modes — bbd plan / bbd exec on real image roots (debootstrap Debian 12 and 13,
# scripts/make-image-root) with real host stacks, run for real under bwrap + mpiexec.
#   (1) bind: host MPICH (Debian 12) into the Debian 13 image; the program inside
#       reports the host's MPICH version and the host file's device+inode.
#   (2) hybrid: image MPICH ch4:ofi (scripts/build-mpich-ofi, bound in as part of the
#       image) + host libfabric: the program reports the image MPI and host libfabric.
#   (3) refusals, nothing launched: Open MPI host vs MPICH image; image fi_info needs
#       FABRIC_1.8, host libfabric stops at FABRIC_1.6; host (Debian 13) MPICH needs
#       GLIBC_2.38, the Debian 12 image has 2.36.
#   (4) basic injects nothing: the image's own MPICH file is loaded.
. "$BBD_SOURCE_DIR/tests/plan/lib.sh"
where_dir=$BBD_BUILD_DIR/tests/plan
r12=$("$BBD_SOURCE_DIR/scripts/make-image-root" debian12)
r13=$("$BBD_SOURCE_DIR/scripts/make-image-root" debian13)
mpich=$(realpath /usr/lib/x86_64-linux-gnu/libmpich.so.12)
host_id() { stat -Lc 'dev=%d ino=%i' "$1"; }
app=(--bind "$where_dir:/opt/bbd-test" --app /opt/bbd-test/mpi_where)

# (1) bind
out=$("$bbd" exec --mode bind --image "$r13" --host-mpi "$mpich" "${app[@]}" --explain \
  -- mpiexec -n 2 /opt/bbd-test/mpi_where 2>"$t/explain")
echo "$out"
grep -q '^pingpong 43 ranks=2$' <<<"$out" || fail "bind: ping-pong did not run"
host_ver=$(mpichversion | sed -n 's/^MPICH Version:[[:space:]]*//p')
grep -q "^version MPICH Version:[[:space:]]*$host_ver\$" <<<"$out" || fail "bind: not the host MPICH $host_ver"
grep -q "libmpich.so.12 $(host_id "$mpich")\$" <<<"$out" || fail "bind: host file $mpich not loaded"
grep -q "inject $mpich -> /usr/lib/x86_64-linux-gnu/libmpich.so.12" "$t/explain" || fail "bind: explain"
ok "bind: host $mpich ($host_ver) loaded in the Debian 13 image"

# (1b) the same with bbd-bench (host build, bound in: Debian 12 glibc 2.36 <= image's)
bench=$BBD_BUILD_DIR/src/bench/bbd-bench
if [ -x "$bench" ]; then
  json=$("$bbd" exec --mode bind --image "$r13" --host-mpi "$mpich" --bind "$(dirname "$bench"):/opt/bbd-bench" \
    --app /opt/bbd-bench/bbd-bench -- mpiexec -n 2 /opt/bbd-bench/bbd-bench latency -m 8:8 -c --json - | grep '^{')
  grep -q '"validated":true,"errors":0' <<<"$json" || fail "bind bbd-bench: validation: $json"
  jq -e --arg m "$mpich" '.provenance.mpi.origin == "host" and .provenance.mpi.host_path == $m' <<<"$json" >/dev/null \
    || fail "bind bbd-bench: provenance does not show host $mpich: $json"
  # bbd exec assembles the image from binds of its folders: the image's own UCX is image's
  jq -e '.provenance.ucx.loaded and .provenance.ucx.origin == "image"' <<<"$json" >/dev/null \
    || fail "bind bbd-bench: the image's UCX is not marked image: $json"
  ok "bind: bbd-bench latency -c provenance shows host $mpich"
else
  echo "skip: bbd-bench not built in $BBD_BUILD_DIR"
fi

# (4) basic
"$bbd" plan --mode basic --image "$r13" --format json | grep -q '"binds":\[\],"env":{}' || fail "basic injects"
out=$("$bbd" exec --mode basic --image "$r13" --bind "$where_dir:/opt/bbd-test" -- mpiexec -n 2 /opt/bbd-test/mpi_where)
img_id=$(host_id "$r13/usr/lib/x86_64-linux-gnu/libmpich.so.12")
grep -q "libmpich.so.12 $img_id\$" <<<"$out" || fail "basic: image MPICH not loaded: $out"
grep -q "libmpich.so.12 $(host_id "$mpich")\$" <<<"$out" && fail "basic: host MPICH loaded"
ok "basic: image's own MPICH loaded, nothing injected"

# (3) refusals: exit 1, message names the missing item, the command never runs.
refuse "Open MPI host" "MPI ABI mismatch: host .*libmpi.so.40.* is Open MPI ABI .* is MPICH ABI" \
  --mode bind --image "$r13" --host-mpi /usr/lib/x86_64-linux-gnu/libmpi.so.40 "${app[@]}"
refuse "FABRIC_1.8" "refused: [0-9]+ symbols the image binds to the replaced /usr/lib/x86_64-linux-gnu/libfabric.so.1[.0-9]* are missing from host .*libfabric.so.1.*: fi_[a-z_]*@FABRIC_1.8 \(needed by image /usr/bin/fi_info\); the host file defines versions only up to FABRIC_1.6" \
  --mode hybrid --image "$r13" --app /usr/bin/fi_info --host-fabric /usr/lib/x86_64-linux-gnu/libfabric.so.1
refuse "GLIBC_2.38" "host .*/libmpich.so.12.4.1 needs GLIBC_2.3[89] from libc.so.6, but the image's /usr/lib/x86_64-linux-gnu/libc.so.6 defines only up to GLIBC_2.36" \
  --mode bind --image "$r12" --host-mpi "$r13/usr/lib/x86_64-linux-gnu/libmpich.so.12" "${app[@]}"

# (2) hybrid: needs an MPI that uses libfabric in the image.
builder=$BBD_SOURCE_DIR/scripts/build-mpich-ofi
if [ ! -x "$builder" ]; then fail "hybrid: $builder missing (provenance part)"; fi
ofi=$("$builder")
gcc -D_GNU_SOURCE -o "$t/mpi_where_ofi" "$BBD_SOURCE_DIR/tests/plan/mpi_where.c" -I"$ofi/include" \
  -L"$ofi/lib" -lmpi -Wl,-rpath,/opt/mpich-ofi/lib
fabric=$(realpath /usr/lib/x86_64-linux-gnu/libfabric.so.1)
out=$(FI_PROVIDER=tcp "$bbd" exec --mode hybrid --image "$r12" --host-fabric "$fabric" \
  --bind "$ofi:/opt/mpich-ofi" --bind "$t:/opt/bbd-test" --app /opt/bbd-test/mpi_where_ofi \
  -- /opt/mpich-ofi/bin/mpiexec -n 2 /opt/bbd-test/mpi_where_ofi)
echo "$out"
grep -q '^pingpong 43 ranks=2$' <<<"$out" || fail "hybrid: ping-pong did not run"
grep -q "^where /opt/mpich-ofi/lib/libmpi.so.12 $(host_id "$ofi/lib/libmpi.so.12")\$" <<<"$out" \
  || fail "hybrid: image MPI (ch4:ofi) not loaded"
grep -q "libfabric.so.1 $(host_id "$fabric")\$" <<<"$out" || fail "hybrid: host libfabric not loaded"
grep -q "libfabric.so.1 $(host_id "$r12/usr/lib/x86_64-linux-gnu/libfabric.so.1")\$" <<<"$out" \
  && fail "hybrid: image libfabric loaded"
ok "hybrid: image MPICH ch4:ofi + host libfabric $fabric"
echo "plan_modes: ok"
