#!/usr/bin/env bash
# A local Slurm (munged, slurmctld, slurmd on localhost, generated config) runs the default
# matrix through `srun --mpi=pmi2` from inside an allocation (SLURM_JOB_ID set -> srun).
# Needs root (slurmd) and Debian's slurm-wlm + munge.
. "$(dirname "$0")/lib.sh"
. "$BBD_SOURCE_DIR/tests/lib/slurm.sh"
slurm_start "$work/slurm" 16817
cd "$work"
salloc -N1 -n2 --overcommit "$BBD" run --sizes 1:1024 --timeout 120 > run.log 2>&1 || { cat run.log; fail "bbd run under salloc failed"; }
cat run.log
grep -q 'launcher srun' run.log || fail "SLURM_JOB_ID set but srun not chosen"
grep -q '^srun --mpi=pmi2 ' bbd-runs/run-1/cell-001-*/command || fail "cell not started with srun --mpi=pmi2"
expect_eq "$(sql "select count(*) from cells where status='ok'")" 2 "ok cells under Slurm"
expect_eq "$(sql "select max(ranks) from records")" 2 "ranks"
echo "PASS run_slurm_srun"
