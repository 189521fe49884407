#!/usr/bin/env bash
# recipe_consistency.sh [CONTAINERS_DIR [BUILD_IMAGE]] — static check of the image recipe
# (the GPU flavours cannot be built here, so this is what keeps them honest):
#   1. versions.env is plain KEY=value; every OFFLINE_<KEY> overrides a defined <KEY>
#      (a <KEY>_SHA256 may exist in the offline set only);
#   2. every variable the recipe scripts use is a pin, a build argument or set locally;
#   3. every pin is used (by a script, another pin, a component URL or a flavour's base);
#   4. the Dockerfile's stages form one chain ending in `image`, each stage declares
#      the build arguments it uses, and build-image passes exactly the global ARGs;
#   5. each flavour's stage list is complete: for every flavour x CXI x extras, every
#      component has a URL pin, a version pin, a build recipe and a Dockerfile step, and
#      the GPU stack (from each source a pin set names) and base image exist for it.
# Prints one line per problem and exits 1 when there is any.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/../../containers}
build_image=${2:-$here/../../scripts/build-image}
versions=$dir/versions.env
dockerfile=$dir/Dockerfile
scripts=$dir/scripts
flavours="cpu rocm cuda"
fail=0
problem() { echo "recipe: $*"; fail=1; }

# --- 1. versions file ---
mapfile -t pins < <(sed -n 's/^\([A-Z][A-Z0-9_]*\)=.*/\1/p' "$versions")
bad=$(grep -vnE '^[[:space:]]*(#.*)?$|^[A-Z][A-Z0-9_]*=[^[:space:]]*$' "$versions")
[ -z "$bad" ] || problem "versions.env: not KEY=value: $bad"
[ "${#pins[@]}" -gt 10 ] || problem "versions.env: only ${#pins[@]} pins read"
declare -A pin_set arg_set
for k in "${pins[@]}"; do pin_set[$k]=1; done
is_pin() { [ -n "${pin_set[$1]:-}" ]; }
for k in "${pins[@]}"; do
  case "$k" in
    OFFLINE_*_SHA256) ;;
    OFFLINE_*) is_pin "${k#OFFLINE_}" || problem "versions.env: $k overrides undefined ${k#OFFLINE_}" ;;
  esac
done
dups=$(printf '%s\n' "${pins[@]}" | sort | uniq -d)
[ -z "$dups" ] || problem "versions.env: defined twice: $dups"

# --- 4 (first part, its names are needed below): build arguments ---
mapfile -t global_args < <(awk '/^FROM /{exit} /^ARG /{sub(/=.*/, "", $2); print $2}' "$dockerfile")
for k in "${global_args[@]}"; do arg_set[$k]=1; done
is_arg() { [ -n "${arg_set[$1]:-}" ]; }
passed=$(sed -n '/^build_args=(/,/)$/p' "$build_image" | grep -oE '[A-Z][A-Z0-9_]*=' | tr -d = | sort -u)
[ "$(printf '%s\n' "${global_args[@]}" | sort -u)" = "$passed" ] ||
  problem "Dockerfile global ARGs ($(echo "${global_args[@]}")) differ from build-image's build_args ($(echo $passed))"

# --- 2. every variable used by the scripts is defined somewhere ---
# Names a script sets itself (assignments, loop variables, read targets) are local.
env_names="PATH PKG_CONFIG_PATH DEBIAN_FRONTEND VERSION_CODENAME"
for f in "$scripts"/* "$dir"/recipes/*.sh; do
  locals=$(grep -oE '(^|[[:space:];(])(local |export |for |read -r )?[a-z_A-Z][A-Za-z0-9_]*=' "$f" |
    grep -oE '[A-Za-z_][A-Za-z0-9_]*=' | tr -d =)
  locals+=" $(grep -oE 'for [A-Za-z_]+ in|read -r [A-Za-z_ ]+' "$f" | sed 's/^for //; s/ in$//; s/^read -r //')"
  for v in $(grep -v '^[[:space:]]*#' "$f" | grep -oE '\$\{?[A-Z][A-Z0-9_]*' | tr -d '${' | sort -u); do
    is_pin "$v" || is_arg "$v" || [[ " $env_names $locals " == *" $v "* ]] ||
      problem "${f##*/}: uses \$$v, which is no pin, build argument or local variable"
  done
done
for v in $(grep -v '^#' "$versions" | grep -oE '\$\{[A-Z][A-Z0-9_]*\}' | tr -d '${}' | sort -u); do
  is_pin "$v" || problem "versions.env: refers to undefined \${$v}"
done

# --- 5. each flavour's stage list is complete ---
all_comps=""
for fl in $flavours; do
  is_pin "BASE_IMAGE_$(echo "$fl" | tr a-z A-Z)" || problem "flavour $fl: no BASE_IMAGE_${fl^^} pin"
  # the GPU stack's sources the two pin sets name (ROCM_SOURCE, OFFLINE_ROCM_SOURCE, ...)
  srcs=$(sed -n "s/^\(OFFLINE_\)\{0,1\}${fl^^}_SOURCE=//p" "$versions" | sort -u)
  [ "$fl" = cpu ] && srcs="*"
  [ -n "$srcs" ] || problem "flavour $fl: no ${fl^^}_SOURCE pin"
  for part in runtime devel; do
    for gs in $srcs; do
      grep -qE "^  ($fl:$part:$gs|$fl:\*)\)" "$scripts/gpu-stack" ||
        problem "flavour $fl: gpu-stack has no $part step for source $gs"
    done
  done
  for cxi in 0 1; do
    for extras in 0 1; do
      comps=$(FLAVOUR=$fl WITH_CXI=$cxi WITH_EXTRAS=$extras "$scripts/components") ||
        { problem "components fails for $fl cxi=$cxi extras=$extras"; continue; }
      [[ " $comps " == *" libfabric libfabric-api mpich "* ]] ||
        problem "flavour $fl: libfabric, libfabric-api and mpich missing from '$comps'"
      all_comps+=" $comps"
    done
  done
done
for c in $(printf '%s\n' $all_comps | sort -u); do
  key=$(echo "$c" | tr 'a-z-' 'A-Z_')
  is_pin "${key}_URL" || problem "component $c: no ${key}_URL pin"
  [ -f "$dir/recipes/$c.sh" ] || problem "component $c: no recipe (recipes/$c.sh)"
  is_pin "${key}_VERSION" || problem "component $c: no ${key}_VERSION pin (image.json's version)"
  grep -qE "build-component $c\b|in ([a-z-]+ )*$c( [a-z-]+)*; do" "$dockerfile" ||
    problem "component $c: no Dockerfile stage builds it"
  # the stage that builds it must have copied its recipe first
  stage_of=$(awk -v c="$c" '/^FROM /{st = $4} $0 ~ ("build-component " c "([^a-z-]|$)") || $0 ~ ("in ([a-z-]+ )*" c "( [a-z-]+)*; do") {print st; exit}' "$dockerfile")
  awk -v s="$stage_of" '/^FROM /{on = ($4 == s)} on' "$dockerfile" | grep -q "COPY .*containers/recipes/$c\.sh" ||
    problem "component $c: stage ${stage_of:-?} does not copy recipes/$c.sh"
done
grep -q 'build-component bitbulldozer' "$dockerfile" || problem "Dockerfile: bbd is never built"

# --- 3. every pin is used ---
script_text=$(cat "$scripts"/* "$dir"/recipes/*.sh "$build_image" "$here/../../scripts/container-sources" 2>/dev/null)
for k in "${pins[@]}"; do
  base=${k#OFFLINE_}
  [ "$base" != "$k" ] && continue # overrides are checked in 1.
  grep -qE "\\\$\{?$k\b" <<<"$script_text" && continue
  grep -qE "\\\$\{$k\}" "$versions" && continue
  case "$k" in
    *_URL) [[ " $(echo $all_comps) " == *" $(echo "${k%_URL}" | tr 'A-Z_' 'a-z-') "* ]] && continue ;;
    *_VERSION) # read by fetch-sources through the component's name
      [[ " $(echo $all_comps) " == *" $(echo "${k%_VERSION}" | tr 'A-Z_' 'a-z-') "* ]] && continue ;;
    BASE_IMAGE_*) [[ " $flavours " == *" $(echo "${k#BASE_IMAGE_}" | tr A-Z a-z) "* ]] && continue ;;
    DEBSRC_SUITES) grep -q DEBSRC_SUITES <<<"$script_text" && continue ;;
  esac
  problem "versions.env: $k is pinned but never used"
done

# --- 4. stages: one chain from the base image to `image`, ARGs declared per stage ---
stages=$(awk '/^FROM /{print $4}' "$dockerfile")
prev=""
while read -r from_ref stage; do
  if [ -n "$prev" ] && [ "$from_ref" != "$prev" ] && [ "$from_ref" != runtime ]; then
    problem "Dockerfile: stage $stage starts from $from_ref, not the stage before it ($prev)"
  fi
  prev=$stage
done < <(awk '/^FROM /{print $2, $4}' "$dockerfile")
[ "$(echo "$stages" | tail -1)" = image ] || problem "Dockerfile: last stage is not 'image'"
[ "$(awk '/^FROM /{print $2; exit}' "$dockerfile")" = '${BASE_IMAGE}' ] || problem "Dockerfile: first stage is not FROM \${BASE_IMAGE}"
grep -q 'COPY --from=bbd ' "$dockerfile" || problem "Dockerfile: image does not take /opt/bitbulldozer from stage bbd"
for s in $stages; do
  body=$(awk -v s="$s" '/^FROM /{on = ($4 == s)} on' "$dockerfile")
  declared=$(grep -oE '^ARG [A-Z_]+' <<<"$body" | cut -d' ' -f2)
  for v in $(grep -E '^(RUN|  )' <<<"$body" | grep -oE '\$\{?[A-Z][A-Z0-9_]*' | tr -d '${' | sort -u); do
    is_arg "$v" || continue
    grep -qx "$v" <<<"$declared" || problem "Dockerfile stage $s: uses \$$v without ARG $v"
  done
  # The scripts read build arguments from the environment: the stage must declare them.
  for sc in $(grep -E '^(RUN|  )' <<<"$body" | grep -oE 'scripts/[a-z-]+' | sort -u) \
    $(grep -E '^COPY ' <<<"$body" | grep -oE 'recipes/[a-z-]+\.sh' | sort -u); do
    for v in $(grep -v '^[[:space:]]*#' "$dir/$sc" 2>/dev/null | grep -oE '\$\{?[A-Z][A-Z0-9_]*' | tr -d '${' | sort -u); do
      is_arg "$v" || continue
      [ "$v" = BASE_IMAGE ] && continue
      grep -qx "$v" <<<"$declared" || problem "Dockerfile stage $s: runs ${sc#scripts/}, which reads \$$v, without ARG $v"
    done
  done
done

[ "$fail" = 0 ] && echo "recipe: consistent (${#pins[@]} pins, stages: $(echo $stages), components:$(printf ' %s' $(printf '%s\n' $all_comps | sort -u)))"
exit "$fail"
