#!/usr/bin/env bash
# A real single-node Slurm on this machine, for aura's Slurm tests and benchmarks (root, Debian's
# slurm-wlm and munge, no systemd needed).
#
#   scripts/slurm-local.sh start    install if missing, write the config, start munged, slurmctld, slurmd
#   scripts/slurm-local.sh stop     stop the daemons this script started (by their pid files)
#   scripts/slurm-local.sh status   sinfo, or exit 1 when the controller does not answer
#
# Idempotent: `start` with everything already up only checks that the controller answers. The config
# is for tests, not production:
#   - accounting_storage/none: no sacct; finished jobs stay visible to squeue/scontrol for MinJobAge;
#   - memory: where this machine has a writable cgroup v1 memory hierarchy (no systemd needed),
#     task/cgroup with ConstrainRAMSpace: a job over its --mem is OOM-killed and ends OUT_OF_MEMORY.
#     Elsewhere jobacct_gather's OverMemoryKill (sampling every second): the job is killed too but ends
#     FAILED, and slurmstepd writes "exceeded memory limit" into its output, which aura reads.
#     SLURM_LOCAL_MEMORY=cgroup|jobacct forces one;
#   - the node claims 4× its cores (config_overrides), so several light test jobs run side by side;
#   - KillWait 5 s, so cancellations and time limits end quickly.
set -eu
cmd=${1:-start}
CONF=/etc/slurm/slurm.conf
PIDS=(/run/slurmctld.pid /run/slurmd.pid)

# munged is stopped only when this script started it (a machine's own munged is left alone).
MUNGE_MARK=/run/aura-slurm-local.munged

answering() { timeout 5 scontrol ping 2>/dev/null | grep -q 'is UP'; }

# Waits up to $2 seconds for the process in pid file $1 to end.
kill_pidfile() {
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq $(( $2 * 10 ))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$1"
}

stop_slurm() { for f in "${PIDS[@]}"; do kill_pidfile "$f" 10; done; }

stop() {
  stop_slurm
  if [ -f "$MUNGE_MARK" ]; then kill_pidfile /run/munge/munged.pid 10; rm -f "$MUNGE_MARK"; fi
}

case "$cmd" in
  stop) stop; exit 0 ;;
  status) answering && sinfo && exit 0; echo "slurm: the controller does not answer" >&2; exit 1 ;;
  start) ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

if ! command -v slurmctld >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

H=$(hostname -s)
CPUS=$(nproc)
MEM=$(( $(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge

cgroup_v1_writable() {
  [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = tmpfs ] && [ -d /sys/fs/cgroup/memory ] || return 1
  local probe=/sys/fs/cgroup/memory/aura-slurm-probe.$$
  mkdir "$probe" 2>/dev/null && rmdir "$probe"
}
MEMORY=${SLURM_LOCAL_MEMORY:-}
if [ -z "$MEMORY" ]; then if cgroup_v1_writable; then MEMORY=cgroup; else MEMORY=jobacct; fi; fi
if [ "$MEMORY" = cgroup ]; then
  TASK=task/cgroup
  GATHER=NoOverMemoryKill
  printf 'CgroupPlugin=cgroup/v1\nConstrainRAMSpace=yes\nConstrainSwapSpace=no\nConstrainCores=no\nConstrainDevices=no\n' > /etc/slurm/cgroup.conf
else
  TASK=task/none
  GATHER=OverMemoryKill
  rm -f /etc/slurm/cgroup.conf
fi
NEW=$(mktemp)
cat > "$NEW" <<CONF
# Written by aura's scripts/slurm-local.sh (a single-node test cluster).
ClusterName=aura-test
SlurmctldHost=$H
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=$TASK
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmdSpoolDir=/var/spool/slurmd
StateSaveLocation=/var/spool/slurmctld
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmUser=root
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=1,sched_min_interval=100000
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
SlurmdParameters=config_overrides
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=1
JobAcctGatherParams=$GATHER
AccountingStorageType=accounting_storage/none
MinJobAge=300
KillWait=5
MessageTimeout=10
InactiveLimit=0
NodeName=$H CPUs=$(( CPUS * 4 )) RealMemory=$MEM State=UNKNOWN
PartitionName=main Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
if ! cmp -s "$NEW" "$CONF"; then
  mv "$NEW" "$CONF"
  # A changed config needs slurmctld and slurmd restarted to take effect (munged does not care).
  stop_slurm
else
  rm -f "$NEW"
fi

[ -s /etc/munge/munge.key ] || dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
chown munge:munge /etc/munge/munge.key /run/munge
chmod 400 /etc/munge/munge.key
if ! pgrep -x munged >/dev/null; then su -s /bin/sh munge -c /usr/sbin/munged && touch "$MUNGE_MARK"; fi
for _ in $(seq 100); do [ -S /run/munge/munge.socket.2 ] && break; sleep 0.1; done

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
running /run/slurmctld.pid || /usr/sbin/slurmctld
deadline=$(( $(date +%s) + 30 ))
until answering || [ "$(date +%s)" -ge "$deadline" ]; do sleep 0.2; done
running /run/slurmd.pid || /usr/sbin/slurmd
deadline=$(( $(date +%s) + 30 ))
until [ "$(date +%s)" -ge "$deadline" ]; do
  case "$(sinfo -h -N -o %T 2>/dev/null | head -1)" in idle* | mixed* | allocated*) break ;; esac
  sleep 0.2
done
answering || { echo "slurm: slurmctld did not come up; see /var/log/slurm/slurmctld.log" >&2; exit 1; }
sinfo
