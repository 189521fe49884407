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
# build_bench_ofi PREFIX: bbd-bench (and the provenance interposer, and the test-only collective
# stand-in, which calls MPI too) built from this source tree
# against MPICH ch4:ofi installed in PREFIX; prints the build dir. Its RUNPATH names
# /opt/mpich-ofi/lib (where container tests bind PREFIX) before PREFIX/lib, so the same
# program runs on the host and in a container. Kept in the build tree: later runs only relink.
build_bench_ofi() {
  local b=$BBD_BUILD_DIR/tests/run/bench-ofi
  if [ ! -f "$b/CMakeCache.txt" ]; then
    cmake -S "$BBD_SOURCE_DIR" -B "$b" -DMPI_C_COMPILER="$1/bin/mpicc" \
      -DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath,/opt/mpich-ofi/lib" >"$work/ofi-cmake.log" 2>&1 \
      || { cat "$work/ofi-cmake.log" >&2; fail "configuring bbd-bench against $1"; }
  fi
  cmake --build "$b" -j2 --target bbd-bench bbd-prov-audit bbd_test_xccl_standin >"$work/ofi-build.log" 2>&1 \
    || { tail -30 "$work/ofi-build.log" >&2; fail "building bbd-bench against $1"; }
  readelf -d "$b/src/bench/bbd-bench" | grep -q 'NEEDED.*\[libmpi.so.12\]' \
    || fail "$b/src/bench/bbd-bench does not need libmpi.so.12"
  echo "$b"
}

# The four modes through bwrap, as run_containers.sh and run_matrix_full.sh run them: sets
# r12, r13 (image roots), ofi (MPICH ch4:ofi prefix), mpich, fabric (host files), stages
# bbd-bench with the provenance interposer and the test-only collective stand-in beside it
# into $work/bench-ucx (this build) and $work/bench-ofi (built against ch4:ofi), and
# containers_ini prints the [launcher], [container] and [mode.*] sections of the config.
setup_containers() {
  r12=$("$BBD_SOURCE_DIR/scripts/make-image-root" debian12)
  r13=$("$BBD_SOURCE_DIR/scripts/make-image-root" debian13)
  ofi=$("$BBD_SOURCE_DIR/scripts/build-mpich-ofi")
  mpich=$(realpath /usr/lib/x86_64-linux-gnu/libmpich.so.12)
  fabric=$(realpath /usr/lib/x86_64-linux-gnu/libfabric.so.1)
  local b ofi_build
  ofi_build=$(build_bench_ofi "$ofi") # (an assignment, so set -e sees a failure)
  for b in "ucx $BBD_BUILD_DIR" "ofi $ofi_build"; do
    set -- $b
    mkdir -p "$work/bench-$1"
    cp "$2/src/bench/bbd-bench" "$2/src/prov/libbbd-prov-audit.so" \
      "$2/tests/bench/libbbd_test_xccl_standin.so" "$work/bench-$1/"
  done
}
containers_ini() { # [RUNTIME]: bwrap unless given
  cat <<INI
[launcher]
launcher = mpiexec
mpiexec = mpiexec.mpich
[container]
runtime = ${1:-bwrap}
image = $r12
image_bench = /opt/bbd-bench/bbd-bench
exec_args = --app /opt/bbd-bench/bbd-bench
[mode.basic]
exec_args = --bind $work/bench-ucx:/opt/bbd-bench
[mode.bind]
image = $r13
exec_args = --bind $work/bench-ucx:/opt/bbd-bench --host-mpi $mpich
[mode.hybrid]
exec_args = --bind $work/bench-ofi:/opt/bbd-bench --bind $ofi:/opt/mpich-ofi --host-fabric $fabric
INI
}
