# slurm.sh — a local Slurm for integration tests: munged, slurmctld and slurmd on this host
# (generated configuration, state under DIR). Source it after tests/run/lib.sh (it uses
# $work, cleanup_hooks, fail and stop_pidfile); needs root (slurmd) and Debian's slurm-wlm
# and munge.
#   slurm_start DIR [CTLD_PORT]   starts the daemons, exports SLURM_CONF, waits for the node
# CTLD_PORT and CTLD_PORT+1 are slurmctld's and slurmd's ports; without it they are picked
# from this shell's pid, so two tests can run side by side.
slurm_start() {
  local s=$1 port=${2:-$((20000 + ($$ % 10000) * 2))}
  [ "$(id -u)" -eq 0 ] || fail "needs root to start slurmd"
  for p in slurmctld slurmd munged srun salloc; do
    command -v $p >/dev/null || fail "$p missing (scripts/install-deps)"
  done
  local host cpus
  host=$(hostname -s)
  cpus=$(nproc)
  mkdir -p "$s"/{spool,state,run,munge} && chmod 700 "$s/munge"
  dd if=/dev/urandom of="$s/munge/key" bs=1024 count=1 status=none
  chmod 400 "$s/munge/key"
  munged --key-file="$s/munge/key" --socket="$s/munge/sock" --pid-file="$s/munge/pid" \
    --log-file="$s/munge/log" --seed-file="$s/munge/seed" -f
  cleanup_hooks+=("stop_pidfile $s/munge/pid")
  cat >"$s/slurm.conf" <<CONF
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
SlurmctldPort=$port
SlurmdPort=$((port + 1))
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
}
