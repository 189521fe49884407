# fake_tree.sh — sourced by plan tests: a fixed fake host tree ($t/host: libfabric with
# FABRIC_1.6, an MPICH-ABI libmpi.so.12 with RUNPATH $ORIGIN, an Open MPI libmpi.so.40, a GTL)
# and image root ($t/image: libfabric with FABRIC_1.7, libmpich.so.12 with MPI 4.1 functions and
# its release in read-only data, /usr/bin/app, app41, appweak, appmany needing it), built
# from tiny libc-free libraries so that results do not depend on this machine.
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
# The image's MPI also has functions the host's lacks (MPI 4.1's MPI_Status_get_source, 24
# MPIX_fNN, an optional MPIX_optional): the symbol check's cases.
extra=$(for i in $(seq -w 1 24); do printf 'int MPIX_f%s(void){return %d;} ' "$i" "$((10#$i))"; done)
# Its release sits in its read-only data as MPICH >= 4.1 keeps it (no symbol): the configure
# line, the libtool version c:r:a of libmpich.so.12.4.1, the release date, the release.
mpich_ver='__attribute__((used)) static const char v[] = "--with-device=ch4:ofi" "\000" "16:1:4" "\000" "Wed Apr 17 15:30:02 CDT 2024" "\000" "4.2.1";'
so "$img/libmpich.so.12.4.1" libmpich.so.12 "int fi_new(void); int MPI_Init(void){return fi_new();}
int MPI_Status_get_source(void){return 41;} int MPIX_optional(void){return 1;} $extra $mpich_ver" -L"$img" -l:libfabric.so.1
ln -s libmpich.so.12.4.1 "$img/libmpich.so.12"
so "$t/image/usr/bin/app" app 'int MPI_Init(void); int main(void){return MPI_Init();}' -L"$img" -l:libmpich.so.12
so "$t/image/usr/bin/app41" app41 'int MPI_Init(void); int MPI_Status_get_source(void);
int main(void){return MPI_Init() + MPI_Status_get_source();}' -L"$img" -l:libmpich.so.12
so "$t/image/usr/bin/appweak" appweak 'int MPI_Init(void); int MPIX_optional(void) __attribute__((weak));
int main(void){return MPI_Init() + (MPIX_optional ? MPIX_optional() : 0);}' -L"$img" -l:libmpich.so.12
calls=$(for i in $(seq -w 1 24); do printf 'MPIX_f%s() + ' "$i"; done)
decls=$(for i in $(seq -w 1 24); do printf 'int MPIX_f%s(void); ' "$i"; done)
so "$t/image/usr/bin/appmany" appmany "int MPI_Status_get_source(void); $decls
int main(void){return $calls MPI_Status_get_source();}" -L"$img" -l:libmpich.so.12
