#!/usr/bin/env bash
# plan_podman_slurm — `srun --mpi=pmi2 -n 2 bbd exec --runtime podman ...` under a local Slurm
# (tests/lib/slurm.sh, ports picked per process): the ranks find each other through the
# forwarded SLURM_*/PMI_* variables and the PMI descriptor podman keeps open
# (--preserve-fds). The composed podman command line is checked, then basic and bind runs of
# `bbd-bench latency -c` must validate with provenance showing podman and the right MPI file.
# Takes /tmp/bbd-slurm.lock itself (do not wrap it in flock).
. "$BBD_SOURCE_DIR/tests/run/lib.sh"
command -v podman >/dev/null || fail "podman not installed (scripts/install-deps)"
export CONTAINERS_CONF=${CONTAINERS_CONF:-$BBD_SOURCE_DIR/share/containers/containers.conf}
r12=$("$BBD_SOURCE_DIR/scripts/make-image-root" debian12)
r13=$("$BBD_SOURCE_DIR/scripts/make-image-root" debian13)
mpich=$(realpath /usr/lib/x86_64-linux-gnu/libmpich.so.12)
mkdir -p "$work/bench"
cp "$BBD_BUILD_DIR/src/bench/bbd-bench" "$BBD_BUILD_DIR/src/prov/libbbd-prov-audit.so" "$work/bench/"
exec 8>/tmp/bbd-slurm.lock
flock -w 1800 8 || fail "another local Slurm test held /tmp/bbd-slurm.lock for 30 minutes"
. "$BBD_SOURCE_DIR/tests/lib/slurm.sh"
slurm_start "$work/slurm"
cd "$work"
basic=(--mode basic --image "$r12" --runtime podman --bind "$work/bench:/opt/bbd-bench")
bind=(--mode bind --image "$r13" --runtime podman --host-mpi "$mpich" --bind "$work/bench:/opt/bbd-bench"
      --app /opt/bbd-bench/bbd-bench)

# The command line each task composes: Slurm's and PMI's variables by name, the PMI socket
# kept open. (srun -n 1: one task prints its own argv.)
salloc -N1 -n2 --overcommit srun --mpi=pmi2 -n 1 "$BBD" exec "${basic[@]}" --dry-run -- /opt/bbd-bench/bbd-bench \
  >argv.txt 2>argv.err || fail "srun bbd exec --dry-run: $(cat argv.err)"
for want in SLURM_JOB_ID SLURM_PROCID SLURM_STEP_ID PMI_FD PMI_RANK PMI_SIZE; do
  grep -qx -- "$want" argv.txt || fail "podman argv does not pass $want: $(tr '\n' ' ' <argv.txt)"
done
grep -qx -- '--preserve-fds=[0-9]*' argv.txt || fail "no --preserve-fds for PMI_FD: $(tr '\n' ' ' <argv.txt)"
grep -qx -- "$r12:O" argv.txt || fail "podman --rootfs not an overlay: $(tr '\n' ' ' <argv.txt)"
echo "composed: $(grep -A1 -e '^-e$' -e '^--preserve' argv.txt | grep -v '^--$' | tr '\n' ' ' | cut -c1-300)"

for m in basic bind; do
  declare -n args=$m
  salloc -N1 -n2 --overcommit srun --mpi=pmi2 -n 2 "$BBD" exec "${args[@]}" -- \
    /opt/bbd-bench/bbd-bench latency -m 8:1024 -c --json - >"$m.out" 2>"$m.err" \
    || fail "$m: srun through podman failed: $(tail -5 "$m.err")"
  rec=$(grep -m1 '^{' "$m.out") || fail "$m: no record: $(tail -5 "$m.err")"
  jq -e '.validated and .ranks == 2 and .provenance.container == "podman"' <<<"$rec" >/dev/null \
    || fail "$m: record: $(jq -c '{validated,ranks,c:.provenance.container}' <<<"$rec")"
  jq -e '.provenance.env.SLURM_JOB_ID != null' <<<"$rec" >/dev/null || fail "$m: SLURM_JOB_ID did not reach the rank"
  echo "$m: $(grep '^# MPI' "$m.err" | head -1 | cut -c1-160)"
done
grep -m1 '^{' basic.out | jq -e '.provenance.mpi.origin == "image"' >/dev/null || fail "basic: MPI origin"
grep -m1 '^{' bind.out | jq -e --arg m "$mpich" '.provenance.mpi.origin == "host" and .provenance.mpi.host_path == $m' >/dev/null \
  || fail "bind: not the host's MPICH: $(grep -m1 '^{' bind.out | jq -c .provenance.mpi)"
echo "PASS plan_podman_slurm"
