#!/usr/bin/env bash
# A libfabric that MPI_Finalize unloads: the run ends cleanly (no crash in the exit record),
# libfabric counts as used (not "unloaded during the run") and keeps the version asked while
# it was still mapped. See prov_unmap.c.
. "$(dirname "$0")/lib.sh"
dir=$BBD_BUILD_DIR/tests/prov
probe "$WORK/u.json" "$dir/prov_unmap" "$dir/fakefabric/libfabric.so.1"
check "$WORK/u.json" 'p["libfabric"]["loaded"] and p["libfabric"]["path"].endswith("fakefabric/libfabric.so.1")'
check "$WORK/u.json" 'p["libfabric"]["unloaded"] is False'
check "$WORK/u.json" 'p["libfabric"]["version"] == "1.99"'
finish
