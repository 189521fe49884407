#!/usr/bin/env bash
# Test 3: Open MPI from Debian. With --mca pml cm --mca mtl ofi libfabric carries every byte
# and the provider is named; with the default pml (ob1) libfabric is not used.
. "$(dirname "$0")/lib.sh"
command -v mpicc.openmpi >/dev/null || { echo "FAIL mpicc.openmpi missing (openmpi-bin)"; exit 1; }
pp=$WORK/pp-ompi
mpicc.openmpi -O2 -o "$pp" "$BBD_SOURCE_DIR/tests/prov/prov_pingpong.c" || exit 1

probe "$WORK/cm.json" mpiexec.openmpi -n 2 --mca pml cm --mca mtl ofi "$pp"
check "$WORK/cm.json" 'p["mpi"]["family"] == "Open MPI" and p["mpi"]["soname"] == "libmpi.so.40"'
check "$WORK/cm.json" 'p["mpi"]["device"] == "pml cm, mtl ofi"'
check "$WORK/cm.json" 'p["libfabric"]["used"] and len(p["libfabric"]["opened"][0]["provider"]) > 0'
check "$WORK/cm.json" 'p["transport"]["libfabric_carries"] is True'
check "$WORK/cm.json" 'p["libfabric"]["opened"][0]["provider"] in p["transport"]["carried"]'

probe "$WORK/ob1.json" mpiexec.openmpi -n 2 "$pp"
check "$WORK/ob1.json" 'p["mpi"]["family"] == "Open MPI" and p["mpi"]["device"] == "pml ob1"'
check "$WORK/ob1.json" 'p["libfabric"]["used"] is False'
check "$WORK/ob1.json" 'p["transport"]["libfabric_carries"] is False'
finish
