#!/usr/bin/env bash
# recipe_consistency_detects.sh — the static recipe check must fail, naming the fault,
# for each kind of inconsistency it claims to catch (so it cannot pass vacuously).
set -euo pipefail
src=${BBD_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
check=$src/tests/containers/recipe_consistency.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# expect_caught NAME EXPECTED-MESSAGE FILE SED-SCRIPT (or "delete": FILE is removed)
expect_caught() {
  local name=$1 expected=$2 file=$3 script=$4 out rc orig
  rm -rf "$work/c" && cp -a "$src/containers" "$work/c"
  cp "$src/scripts/build-image" "$work/build-image"
  orig=$src/scripts/$file
  [ "${file#c/}" != "$file" ] && orig=$src/containers/${file#c/}
  if [ "$script" = delete ]; then
    rm "$work/$file"
  else
    sed -i "$script" "$work/$file"
    cmp -s "$work/$file" "$orig" &&
      { echo "FAIL $name: the mutation changed nothing"; failures=$((failures + 1)); return; }
  fi
  rc=0
  out=$(bash "$check" "$work/c" "$work/build-image") || rc=$?
  if [ "$rc" -ne 1 ] || ! grep -qF -- "$expected" <<<"$out"; then
    echo "FAIL $name: rc=$rc, wanted a line with '$expected', got:"
    echo "$out" | sed 's/^/    /'
    failures=$((failures + 1))
  else
    echo "ok   $name: $(grep -F -- "$expected" <<<"$out" | head -1)"
  fi
}

bash "$check" "$src/containers" "$src/scripts/build-image" >/dev/null ||
  { echo "FAIL: the real recipe is not consistent"; exit 1; }

expect_caught unused-pin "FOO_VERSION is pinned but never used" c/versions.env '$a FOO_VERSION=1.0'
expect_caught missing-pin "uses \$MPICH_DATATYPE_ENGINE" c/versions.env '/^MPICH_DATATYPE_ENGINE=/d'
expect_caught missing-url "component osu: no OSU_URL pin" c/versions.env '/^OSU_URL=/d'
expect_caught bad-override "OFFLINE_NOPE overrides undefined NOPE" c/versions.env '$a OFFLINE_NOPE=1'
expect_caught undefined-ref "refers to undefined \${ROCM_RELEASE}" c/versions.env 's/\${ROCM_VERSION}/${ROCM_RELEASE}/'
expect_caught gpu-step "flavour rocm: gpu-stack has no devel step for source debian" c/scripts/gpu-stack \
  's/^  rocm:devel:debian)/  rocm:dev:debian)/'
expect_caught no-version "component osu: no OSU_VERSION pin" c/versions.env '/^OSU_VERSION=/d'
expect_caught api-stage "component libfabric-api: no Dockerfile stage" c/Dockerfile 's/in libfabric libfabric-api;/in libfabric;/'
expect_caught no-recipe "component nccl-tests: no recipe (recipes/nccl-tests.sh)" c/recipes/nccl-tests.sh delete
expect_caught recipe-not-copied "stage mpich does not copy recipes/mpich.sh" c/Dockerfile '/^COPY containers\/recipes\/mpich.sh/d'
expect_caught recipe-arg "stage extras: runs recipes/osu.sh, which reads \$FLAVOUR" c/Dockerfile \
  '/^FROM plugin AS extras/,/^RUN/{/^ARG FLAVOUR/d}'
expect_caught no-stage "component aws-ofi-rccl: no Dockerfile stage" c/Dockerfile 's/build-component aws-ofi-rccl/true/'
expect_caught stage-arg "stage mpich: runs build-component, which reads \$GPU_TARGETS" c/Dockerfile \
  '/^FROM libfabric AS mpich/,/^RUN/{/^ARG GPU_TARGETS/d}'
expect_caught broken-chain "stage mpich starts from cxi" c/Dockerfile 's/^FROM libfabric AS mpich/FROM cxi AS mpich/'
expect_caught arg-not-passed "differ from build-image's build_args" build-image 's/ BUILD_JOBS="\$jobs")/)/'
expect_caught no-base "flavour cuda: no BASE_IMAGE_CUDA pin" c/versions.env '/^BASE_IMAGE_CUDA=/d'

[ "$failures" -eq 0 ] && echo "all mutations caught"
exit $((failures > 0))
