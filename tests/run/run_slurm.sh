#!/usr/bin/env bash
# A local Slurm (munged, slurmctld, slurmd on localhost, generated config) runs the default
# matrix through `srun --mpi=pmi2` from inside an allocation (SLURM_JOB_ID set -> srun).
# Needs root (slurmd) and Debian's slurm-wlm + munge.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || fail "needs root to start slurmd"
for p in slurmctld slurmd munged srun salloc; do command -v $p >/dev/null || fail "$p missing (scripts/install-deps)"; done
s="$work/slurm"; mkdir -p "$s"/{spool,state,run,munge} && chmod 700 "$s/munge"
host=$(hostname -s); cpus=$(nproc)
dd if=/dev/urandom of="$s/munge/key" bs=1024 count=1 status=none; chmod 400 "$s/munge/key"
munged --key-file="$s/munge/key" --socket="$s/munge/sock" --pid-file="$s/munge/pid" \
  --log-file="$s/munge/log" --seed-file="$s/munge/seed" -f
cleanup_hooks+=("stop_pidfile $s/munge/pid")
cat > "$s/slurm.conf" <<CONF
ClusterName=bbdtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$s/munge/sock
CredType=cred/munge
StateSaveLocation=$s/state
SlurmdSpoolDir=$s/spool
SlurmctldPidFile=$s/run/ctld.pid
SlurmdPidFile=$s/run/d.pid
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmctldLogFile=$s/ctld.log
SlurmdLogFile=$s/d.log
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
export SLURM_CONF="$s/slurm.conf"
slurmctld -f "$SLURM_CONF" -i
cleanup_hooks+=("stop_pidfile $s/run/ctld.pid")
slurmd -f "$SLURM_CONF"
cleanup_hooks+=("stop_pidfile $s/run/d.pid")
for _ in $(seq 1 60); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo -h -o %T | grep -q idle || { tail -20 "$s"/ctld.log "$s"/d.log; fail "slurm node not idle"; }
cd "$work"
salloc -N1 -n2 --overcommit "$BBD" run --sizes 1:1024 --timeout 120 > run.log 2>&1 || { cat run.log; fail "bbd run under salloc failed"; }
cat run.log
grep -q 'launcher srun' run.log || fail "SLURM_JOB_ID set but srun not chosen"
grep -q '^srun --mpi=pmi2 ' bbd-runs/run-1/cell-001-*/command || fail "cell not started with srun --mpi=pmi2"
expect_eq "$(sql "select count(*) from cells where status='ok'")" 2 "ok cells under Slurm"
expect_eq "$(sql "select max(ranks) from records")" 2 "ranks"
echo "PASS run_slurm_srun"
