#!/usr/bin/env bash
# Test 1: Debian's MPICH (ch4:ucx). libfabric1 may well be installed, yet the report must
# say libfabric is not used and UCX is.
. "$(dirname "$0")/lib.sh"
pp=$BBD_BUILD_DIR/tests/prov/prov_pingpong_mpich
mpiexec=${BBD_MPIEXEC:-mpiexec.mpich}

probe "$WORK/ucx.json" "$mpiexec" -n 2 "$pp" || finish
check "$WORK/ucx.json" 'p["mpi"]["loaded"] and p["mpi"]["family"] == "MPICH"'
check "$WORK/ucx.json" 'p["mpi"]["device"] == "ch4:ucx"'
check "$WORK/ucx.json" 'p["mpi"]["soname"] == "libmpich.so.12"'
check "$WORK/ucx.json" 'p["mpi"]["release"] == "4.0.2" or p["mpi"]["release"][0].isdigit()'
check "$WORK/ucx.json" 'p["ucx"]["loaded"] and p["ucx"]["version"][0].isdigit()'
check "$WORK/ucx.json" 'p["libfabric"]["used"] is False and p["libfabric"]["opened"] == []'
check "$WORK/ucx.json" 'p["transport"]["libfabric_carries"] is False'
check "$WORK/ucx.json" 'p["transport"]["carried"].startswith("UCX")'
check "$WORK/ucx.json" 'p["audited"] and p["complete"] and p["ranks"] == 2 and p["nodes"] == 1'
check "$WORK/ucx.json" 'len(p["processes"]) >= 3'  # mpiexec + 2 ranks (+ proxy)
check "$WORK/ucx.json" 'any(o["path"].endswith("libucp.so.0") for o in p["objects"])'
finish
