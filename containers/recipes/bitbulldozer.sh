# shellcheck shell=bash
# containers/recipes/bitbulldozer.sh — this repository's bbd-bench and bbd, against the
# MPICH built above.
# Sourced by containers/scripts/build-component, which sets prefix, api, src, jobs,
# rocm, cuda and the helpers autotools_install, record and no_api_path.
opts=(-DCMAKE_BUILD_TYPE=Release -DBBD_BUILD_TESTS=OFF -DBBD_WERROR=OFF
  -DMPI_C_COMPILER="$prefix/bin/mpicc" -DMPIEXEC_EXECUTABLE="$prefix/bin/mpiexec"
  -DCMAKE_INSTALL_PREFIX="$prefix")
record "${opts[@]}"
cmake -S "$src" -B /bbd/build/bitbulldozer "${opts[@]}"
cmake --build /bbd/build/bitbulldozer -j"$jobs"
cmake --install /bbd/build/bitbulldozer
# Parts without an install rule still land in the image.
find /bbd/build/bitbulldozer -type f -executable -name 'bbd*' -path '*/src/*' \
  -exec sh -c '[ -e "$1/bin/${2##*/}" ] || install -m 755 "$2" "$1/bin/"' _ "$prefix" {} \;
# image.json: bbd's version and the commit it was built from (scripts/build-image notes it).
printf 'version=%s\nlocation=%s\n' \
  "$(sed -n 's/^project(bitbulldozer VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")" \
  "this repository, commit $(sed -n 's/^commit=//p' "$src/.bbd-source" 2>/dev/null || true)" \
  >/bbd/manifest/bitbulldozer.source
