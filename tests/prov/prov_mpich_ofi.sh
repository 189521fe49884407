#!/usr/bin/env bash
# Test 2: MPICH ch4:ofi built from Debian's source package (scripts/build-mpich-ofi, cached).
# The provider follows FI_PROVIDER; with both ranks on one node MPICH's shared memory carries
# the bytes, with MPIR_CVAR_NOLOCAL=1 libfabric really does.
. "$(dirname "$0")/lib.sh"
prefix=$("$BBD_SOURCE_DIR/scripts/build-mpich-ofi") || { echo "FAIL build-mpich-ofi"; exit 1; }
pp=$WORK/pp-ofi
"$prefix/bin/mpicc" -O2 -o "$pp" "$BBD_SOURCE_DIR/tests/prov/prov_pingpong.c" || exit 1
run() { probe "$1" "$prefix/bin/mpiexec" -n 2 "$pp"; }

FI_PROVIDER=tcp run "$WORK/tcp.json"
check "$WORK/tcp.json" 'p["mpi"]["family"] == "MPICH" and p["mpi"]["device"] == "ch4:ofi"'
check "$WORK/tcp.json" 'p["mpi"]["path"].startswith("'"$prefix"'/lib/libmpi.so.12")'
check "$WORK/tcp.json" 'p["libfabric"]["used"] and p["libfabric"]["version"][0].isdigit()'
check "$WORK/tcp.json" 'all(o["provider"].split(";")[0] == "tcp" for o in p["libfabric"]["opened"])'
check "$WORK/tcp.json" 'sum(o["count"] for o in p["libfabric"]["opened"]) >= 1'
check "$WORK/tcp.json" 'p["env"]["FI_PROVIDER"] == "tcp"'
# one node, shared memory on: opened is not carried
check "$WORK/tcp.json" 'p["transport"]["libfabric_carries"] is False'
check "$WORK/tcp.json" 'p["transport"]["carried"].startswith("MPI shared memory")'

FI_PROVIDER=tcp MPIR_CVAR_NOLOCAL=1 run "$WORK/nolocal.json"
check "$WORK/nolocal.json" 'p["transport"]["libfabric_carries"] is True'
check "$WORK/nolocal.json" 'p["transport"]["mpi_shared_memory"] == "off"'
check "$WORK/nolocal.json" '"libfabric tcp" in p["transport"]["carried"]'

# another provider: the report follows it (udp is layered under ofi_rxd for RDM endpoints)
FI_PROVIDER=udp MPIR_CVAR_NOLOCAL=1 run "$WORK/udp.json"
check "$WORK/udp.json" 'all(o["provider"].split(";")[0] == "udp" for o in p["libfabric"]["opened"])'
check "$WORK/udp.json" 'p["libfabric"]["used"] and "udp" in p["transport"]["carried"]'
finish
