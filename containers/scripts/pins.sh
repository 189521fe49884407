# pins.sh — source this to get the pinned versions: `. /opt/bitbulldozer/recipe/scripts/pins.sh FILE`.
# Reads containers/versions.env (FILE) and, when PIN_SET=offline, lets every
# OFFLINE_<KEY> replace <KEY>, so one file carries both pin sets.
# shellcheck shell=bash
bbd_versions_file=${1:-/opt/bitbulldozer/recipe/versions.env}
set -a
# shellcheck source=/dev/null
. "$bbd_versions_file"
set +a
case "${PIN_SET:-upstream}" in
  upstream) ;;
  offline)
    for bbd_key in $(sed -n 's/^OFFLINE_\([A-Z0-9_]*\)=.*/\1/p' "$bbd_versions_file"); do
      bbd_val=OFFLINE_$bbd_key
      export "$bbd_key=${!bbd_val}"
    done
    unset bbd_key bbd_val
    ;;
  *)
    echo "pins.sh: PIN_SET=${PIN_SET} is not upstream or offline" >&2
    return 2
    ;;
esac
