#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for running and testing infoplane's Slurm backend.
#
#   scripts/slurm-local.sh start    install slurm-wlm and munge if missing, start munged, slurmctld and slurmd
#                                   (a no-op when they are already running), wait until the node is up, and
#                                   print on stdout the line to eval:  export SLURM_CONF=<dir>/slurm.conf
#   scripts/slurm-local.sh stop     cancel the cluster's jobs, stop the three daemons by their pid files
#                                   (state is kept: job ids go on, finished jobs stay within MinJobAge)
#   scripts/slurm-local.sh status   each daemon's state and `sinfo`; exit 0 when all three run, 3 otherwise
#
# start and stop need root (the slurm daemons run as root, munged as the munge user); Debian with apt; no
# systemd needed (the daemons are started by hand). Jobs may be submitted by any user.
# Everything lives in ${INFOPLANE_SLURM_DIR:-/tmp/infoplane-slurm}: slurm.conf, the munge key and socket,
# slurmctld's state, slurmd's spool, the logs, the pid files and jobcomp.txt (a line per finished job, as
# there is no slurmdbd). The system's /etc/slurm and /etc/munge are not used.
#
# Clients (sbatch, squeue, scontrol, scancel, sinfo) must have SLURM_CONF set to <dir>/slurm.conf:
#   eval "$(scripts/slurm-local.sh start)"
# slurm.conf names the munge socket (AuthInfo=socket=<dir>/munge/munge.socket.2), so clients and daemons
# use this cluster's munged, not the system's one. There is no accounting: `sacct` does not work; finished
# jobs stay visible to `scontrol show job` for MinJobAge (10 minutes) and are written to jobcomp.txt.
#
# Environment: INFOPLANE_SLURM_DIR (the directory above), INFOPLANE_SLURM_PORT (slurmctld's port, default
# 6817; slurmd listens on the next one).
set -euo pipefail

DIR=${INFOPLANE_SLURM_DIR:-/tmp/infoplane-slurm}
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
CONF="$DIR/slurm.conf"
MUNGE_DIR="$DIR/munge"
MUNGE_KEY="$MUNGE_DIR/munge.key"
MUNGE_SOCKET="$MUNGE_DIR/munge.socket.2"
RUN_DIR="$DIR/run"
LOG_DIR="$DIR/log"
STATE_DIR="$DIR/state"
SPOOL_DIR="$DIR/spool"
CTLD_PORT=${INFOPLANE_SLURM_PORT:-6817}
SLURMD_PORT=$((CTLD_PORT + 1))
NODE=$(hostname -s)
APT_PACKAGES=(slurm-wlm munge)
START_TIMEOUT=30 # seconds for the node to come up
STOP_TIMEOUT=15  # seconds for a daemon to exit after SIGTERM before SIGKILL

export SLURM_CONF="$CONF" # for this script's own sinfo/squeue/scancel calls

say() { printf '[slurm-local] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
usage() { printf 'usage: %s start|stop|status\n' "$0" >&2; exit 2; }

need_root() { [ "$(id -u)" = 0 ] || die "must run as root ($1 needs it)"; }

# daemon name -> pid file (the daemons write them: munged via --pid-file, slurm's from slurm.conf)
pid_file() {
  case "$1" in
    munged) printf '%s\n' "$MUNGE_DIR/munged.pid" ;;
    slurmctld | slurmd) printf '%s\n' "$RUN_DIR/$1.pid" ;;
  esac
}

# Whether process $1 exists and is not a zombie (readable by any user, unlike `kill -0` on root's daemons).
alive() {
  local state
  state=$(sed -n 's/^.*) \(.\).*$/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# The pid recorded in the daemon's pid file when that process is alive and is that daemon (the name check
# guards against a recycled pid); nothing and status 1 otherwise.
daemon_pid() {
  local file pid comm
  file=$(pid_file "$1")
  [ -r "$file" ] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [ -n "$pid" ] && alive "$pid" || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [ "$comm" = "$1" ] || return 1
  printf '%s\n' "$pid"
}

running() { daemon_pid "$1" >/dev/null; }

install_packages() {
  local pkg missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

write_conf() {
  local cpus mem_kb real_mem tmp
  cpus=$(nproc)
  mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
  real_mem=$((mem_kb * 95 / 100 / 1024)) # MB, below the total so slurmd never finds less than configured
  tmp="$CONF.tmp.$$"
  cat >"$tmp" <<EOF
# Written by scripts/slurm-local.sh; rewritten on start when the daemons are not all running.
ClusterName=infoplane
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
MailProg=/bin/true
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET

StateSaveLocation=$STATE_DIR
SlurmdSpoolDir=$SPOOL_DIR/slurmd
SlurmctldPidFile=$RUN_DIR/slurmctld.pid
SlurmdPidFile=$RUN_DIR/slurmd.pid
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info

# No cgroups: processes tracked through /proc, no task binding, no accounting daemon.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/jobcomp.txt
MpiDefault=none
SwitchType=switch/none

# CPUs are the only consumable resource: two 1-CPU tasks at once on 2 cores.
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=sched_interval=2,bf_interval=1,batch_sched_delay=0,sched_min_interval=0
MaxArraySize=10001
MaxJobCount=100000
MinJobAge=600
ReturnToService=2
SlurmctldTimeout=60
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
Waittime=0

NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_mem State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
  chmod 0644 "$tmp"
  if [ -f "$CONF" ] && cmp -s "$tmp" "$CONF"; then
    rm -f "$tmp"
  else
    mv -f "$tmp" "$CONF"
    if running slurmctld || running slurmd; then
      say "warning: slurm.conf changed while a daemon runs; run 'stop' then 'start' to apply it"
    fi
  fi
}

prepare_dirs() {
  mkdir -p "$DIR" "$RUN_DIR" "$LOG_DIR" "$STATE_DIR" "$SPOOL_DIR/slurmd"
  chmod 0755 "$DIR" "$RUN_DIR" "$LOG_DIR"
  chmod 0700 "$STATE_DIR"
  # munged refuses directories writable by others; clients reach the socket, so 0755.
  mkdir -p "$MUNGE_DIR"
  chown munge:munge "$MUNGE_DIR"
  chmod 0755 "$MUNGE_DIR"
  if [ ! -s "$MUNGE_KEY" ]; then
    say "creating the munge key $MUNGE_KEY"
    rm -f "$MUNGE_KEY"
    mungekey --create --keyfile="$MUNGE_KEY"
  fi
  chown munge:munge "$MUNGE_KEY"
  chmod 0400 "$MUNGE_KEY"
}

# Runs a daemon with stdio away from the caller's (so `$(... start)` does not wait on the daemons).
launch() {
  "$@" </dev/null >>"$LOG_DIR/daemons.out" 2>&1
}

start_munged() {
  running munged && return 0
  rm -f "$(pid_file munged)"
  runuser -u munge -- test -w "$MUNGE_DIR" ||
    die "the munge user cannot reach $MUNGE_DIR (a parent directory is not searchable by others, e.g. one made by mktemp -d); chmod o+x it or set INFOPLANE_SLURM_DIR elsewhere"
  say "starting munged (socket $MUNGE_SOCKET)"
  launch runuser -u munge -- munged \
    --socket="$MUNGE_SOCKET" --key-file="$MUNGE_KEY" --pid-file="$(pid_file munged)" \
    --log-file="$MUNGE_DIR/munged.log" --seed-file="$MUNGE_DIR/munged.seed" ||
    { tail_logs; die "munged failed to start"; }
  munge -n -S "$MUNGE_SOCKET" | unmunge -S "$MUNGE_SOCKET" >/dev/null ||
    { tail_logs; die "munged does not answer on $MUNGE_SOCKET"; }
}

start_slurm_daemon() {
  running "$1" && return 0
  rm -f "$(pid_file "$1")"
  say "starting $1"
  launch "$1" -f "$CONF" || { tail_logs; die "$1 failed to start"; }
}

tail_logs() {
  local log
  for log in "$MUNGE_DIR/munged.log" "$LOG_DIR/slurmctld.log" "$LOG_DIR/slurmd.log" "$LOG_DIR/daemons.out"; do
    [ -s "$log" ] || continue
    say "--- tail of $log"
    tail -n 15 "$log" >&2
  done
}

# The node's state as sinfo sees it (idle, mixed, allocated, idle*, down*, drained, ...), or nothing.
node_state() {
  { sinfo -h -N -n "$NODE" -o '%T' 2>/dev/null || true; } | head -n 1
}

# Whether the slurmd running now has registered with slurmctld: the start time slurmd reports itself equals
# the node's SlurmdStartTime in slurmctld (after a restart, slurmctld's recovered state can show the node idle
# before the new slurmd listens).
slurmd_registered() {
  local own="" registered=""
  own=$(scontrol show slurmd 2>/dev/null | sed -n 's/^Boot time *= *//p') || true
  registered=$(scontrol show node -o "$NODE" 2>/dev/null | grep -o 'SlurmdStartTime=[^ ]*') || true
  [ -n "$own" ] && [ "SlurmdStartTime=$own" = "$registered" ]
}

wait_for_node() {
  local deadline state="" d
  deadline=$((SECONDS + START_TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    state=$(node_state)
    case "$state" in
      idle | mixed | allocated | completing) slurmd_registered && return 0 ;;
    esac
    for d in slurmctld slurmd; do running "$d" || { tail_logs; die "$d exited during start-up"; }; done
    sleep 0.2
  done
  tail_logs
  scontrol show node "$NODE" >&2 2>/dev/null || true
  die "node $NODE not up after ${START_TIMEOUT} s (sinfo state: '${state:-no answer}')"
}

cmd_start() {
  need_root start
  install_packages
  if running munged && running slurmctld && running slurmd && [ -f "$CONF" ]; then
    say "already running ($DIR)"
  else
    prepare_dirs
    write_conf
    start_munged
    start_slurm_daemon slurmctld
    start_slurm_daemon slurmd
  fi
  wait_for_node
  say "node $NODE is $(node_state); clients need SLURM_CONF:"
  printf 'export SLURM_CONF=%s\n' "$CONF"
}

# Cancels every job still queued or running (so no slurmstepd outlives slurmd) and waits for them to end.
cancel_jobs() {
  local ids=() deadline
  mapfile -t ids < <(squeue -h -o '%F' 2>/dev/null | sort -u)
  [ ${#ids[@]} -gt 0 ] || return 0
  say "cancelling jobs: ${ids[*]}"
  scancel "${ids[@]}" 2>/dev/null || true
  deadline=$((SECONDS + 15))
  while [ $SECONDS -lt $deadline ] && [ -n "$(squeue -h -t running,completing,configuring -o '%i' 2>/dev/null)" ]; do
    sleep 0.2
  done
}

# SIGTERM to each named daemon that runs (found by its pid file) at once, then waits for all of them; one
# still alive after STOP_TIMEOUT gets SIGKILL. Pid files are removed.
stop_daemons() {
  local d i pid deadline pids=() names=()
  for d in "$@"; do
    if pid=$(daemon_pid "$d"); then
      say "stopping $d (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$d")
    fi
  done
  deadline=$((SECONDS + STOP_TIMEOUT))
  for i in "${!pids[@]}"; do
    pid=${pids[$i]}
    while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if alive "$pid"; then
      say "${names[$i]} (pid $pid) still running after ${STOP_TIMEOUT} s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for _ in 1 2 3 4 5 6 7 8 9 10; do alive "$pid" || break; sleep 0.2; done
      ! alive "$pid" || say "warning: ${names[$i]} (pid $pid) survived SIGKILL"
    fi
  done
  for d in "$@"; do rm -f "$(pid_file "$d")"; done
}

cmd_stop() {
  need_root stop
  if running slurmctld && running slurmd; then cancel_jobs; fi
  # slurmctld saves its state on SIGTERM without needing munged; all three stop together.
  stop_daemons slurmd slurmctld munged
  say "stopped ($DIR kept; start again with: $0 start)"
}

cmd_status() {
  local d pid all=0
  for d in munged slurmctld slurmd; do
    if pid=$(daemon_pid "$d"); then
      printf '%-10s running (pid %s)\n' "$d" "$pid"
    else
      printf '%-10s stopped\n' "$d"
      all=3
    fi
  done
  if running slurmctld; then
    printf 'SLURM_CONF=%s\n' "$CONF"
    sinfo || all=3
  fi
  return $all
}

[ $# -eq 1 ] || usage
case "$1" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac
