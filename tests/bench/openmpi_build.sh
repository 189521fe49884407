#!/usr/bin/env bash
# bbd-bench must build and run with Open MPI's mpicc too (not only MPICH-ABI MPIs):
# configure a bench-only build with mpicc.openmpi and run every pair test with -c.
set -u
. "$BBD_SOURCE_DIR/tests/lib/testlib.sh"
command -v mpicc.openmpi >/dev/null || { echo "mpicc.openmpi missing (openmpi-bin, libopenmpi-dev)"; exit 1; }
B=$(mktemp -d)
trap 'rm -rf "$B"' EXIT
cmake -S "$BBD_SOURCE_DIR" -B "$B" -DMPI_C_COMPILER=mpicc.openmpi -DBBD_BUILD_TESTS=OFF >"$B/cfg.log" 2>&1
t_eq "configure with mpicc.openmpi" 0 $?
cmake --build "$B" --target bbd-bench -j2 >"$B/build.log" 2>&1
t_eq "build with mpicc.openmpi" 0 $?
t_check "links Open MPI's libmpi.so.40" grep -q "libmpi.so.40" <(ldd "$B/src/bench/bbd-bench")
for t in latency bw bibw; do
  timeout 120 mpiexec.openmpi --allow-run-as-root --oversubscribe -n 2 "$B/src/bench/bbd-bench" \
    "$t" -m 1:16K -i 10 -x 1 -c --no-provenance >"$B/out" 2>"$B/err"
  t_eq "Open MPI $t: exit" 0 $?
  t_eq "Open MPI $t: 15 sizes Pass" 15 "$(grep -Ec '^[0-9]+ +[0-9.]+ +Pass$' "$B/out")"
done
t_done
