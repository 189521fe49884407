# fake_tree.sh — sourced by plan tests: a fixed fake host tree ($t/host: libfabric with
# FABRIC_1.6, an MPICH-ABI libmpi.so.12 with RUNPATH $ORIGIN, an Open MPI libmpi.so.40, a GTL)
# and image root ($t/image: libfabric with FABRIC_1.7, libmpich.so.12, /usr/bin/app needing
# it), built from tiny libc-free libraries so that results do not depend on this machine.
# Also sets $bbd, $src (tests/plan), $t (a scratch folder, removed at exit) and fail().
set -euo pipefail
bbd=$BBD_BUILD_DIR/src/bbd/bbd
src=$BBD_SOURCE_DIR/tests/plan
t=$(mktemp -d "/tmp/bbd-$(basename "$0" .sh).XXXXXX")
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
so() { # so OUT SONAME CODE [gcc args...]: a libc-free shared object
  local out=$1 soname=$2 code=$3; shift 3
  printf '%s\n' "$code" >"$t/src.c"
  gcc -shared -fPIC -nostdlib -o "$out" -Wl,-soname,"$soname" "$t/src.c" "$@"
}
mkdir -p "$t/host/lib" "$t/host/gtl" "$t/image/usr/lib/x86_64-linux-gnu" "$t/image/usr/bin" "$t/image/etc"
printf 'FABRIC_1.6 { global: fi_getinfo; local: *; };\n' >"$t/fab16.map"
printf 'FABRIC_1.6 { global: fi_getinfo; local: *; };\nFABRIC_1.7 { global: fi_new; } FABRIC_1.6;\n' >"$t/fab17.map"
so "$t/host/lib/libfabric.so.1" libfabric.so.1 'int fi_getinfo(void){return 6;}' -Wl,--version-script="$t/fab16.map"
so "$t/host/lib/libmpi.so.12" libmpi.so.12 'int fi_getinfo(void); int MPI_Init(void){return fi_getinfo();}' \
  -L"$t/host/lib" -l:libfabric.so.1 -Wl,-rpath,'$ORIGIN' -Wl,--enable-new-dtags
so "$t/host/lib/libmpi.so.40" libmpi.so.40 'int MPI_Init(void){return 40;}'
so "$t/host/gtl/libmpi_gtl_hsa.so.0" libmpi_gtl_hsa.so.0 'int gtl(void){return 0;}'
img=$t/image/usr/lib/x86_64-linux-gnu
so "$img/libfabric.so.1.7.0" libfabric.so.1 'int fi_getinfo(void){return 7;} int fi_new(void){return 1;}' -Wl,--version-script="$t/fab17.map"
ln -s libfabric.so.1.7.0 "$img/libfabric.so.1"
so "$img/libmpich.so.12.4.1" libmpich.so.12 'int fi_new(void); int MPI_Init(void){return fi_new();}' -L"$img" -l:libfabric.so.1
ln -s libmpich.so.12.4.1 "$img/libmpich.so.12"
so "$t/image/usr/bin/app" app 'int MPI_Init(void); int main(void){return MPI_Init();}' -L"$img" -l:libmpich.so.12

