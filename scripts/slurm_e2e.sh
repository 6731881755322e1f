#!/usr/bin/env bash
# End-to-end test of `prep` as a Slurm job array, on a real one-node Slurm cluster on this
# machine (issue 15).
#
# Installs Debian's slurm-wlm and munge when missing (apt-get, as root), configures a cluster
# on localhost in a scratch folder (proctrack/linuxproc, task/none, select/cons_tres: no
# cgroups), starts munged, slurmctld and slurmd, submits deploy/slurm/prep.sbatch as a 3-task
# array over the real scans in ../shared/data (through a manifest), waits (bounded), merges
# with `lungprep report merge`, and checks that every case appears exactly once and that every
# output file is byte-identical to a single-process `prep` of the same manifest. It stops the
# daemons it started (and only those) on exit.
#
# Usage: scripts/slurm_e2e.sh   (root; LUNGPREP_SHARED overrides ../shared; SLURM_E2E_WAIT the
# wait bound in seconds, default 600)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
shared="${LUNGPREP_SHARED:-$root/../shared}"
data="$shared/data"
wait_bound="${SLURM_E2E_WAIT:-600}"
t0=$SECONDS
say() { echo "slurm_e2e: $* (at $((SECONDS - t0)) s)"; }

if [ ! -d "$data" ]; then
  echo "slurm_e2e: $data absent: skipped"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "slurm_e2e: needs root (installs packages, starts munged/slurmctld/slurmd)" >&2
  exit 1
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
say "$(slurmctld -V)"

cargo build --release --quiet
bin="$root/target/release/lungprep"

w="$(mktemp -d /tmp/slurm_e2e.XXXXXX)"
chmod 755 "$w"
pids=()
cleanup() {
  local status=$?
  # Stop what this script started, by pid, newest first; then wait for them to go.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  if [ "$status" -ne 0 ]; then
    for l in slurmctld.log slurmd.log; do
      [ -f "$w/$l" ] && { echo "--- $l (tail)"; tail -n 30 "$w/$l"; }
    done
    for l in "$w"/out/lungprep-*.log; do
      [ -f "$l" ] && { echo "--- $l (tail)"; tail -n 20 "$l"; }
    done
  fi
  rm -rf "$w"
  exit "$status"
}
trap cleanup EXIT

# --- munge: use a running munged, else start one on the default socket.
if ! munge -n </dev/null >/dev/null 2>&1; then
  [ -s /etc/munge/munge.key ] || { mungekey --create 2>/dev/null || create-munge-key -f; }
  # munged runs as the munge user, which must own its folders and files.
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
  chown -R munge:munge /var/lib/munge /var/log/munge
  munge_pid=/run/munge/slurm_e2e.pid
  rm -f "$munge_pid"
  runuser -u munge -- munged --pid-file="$munge_pid"
  for _ in $(seq 50); do [ -s "$munge_pid" ] && break; sleep 0.1; done
  pids+=("$(cat "$munge_pid")")
  munge -n </dev/null | unmunge >/dev/null
fi
say "munge works"

# --- one-node cluster on localhost.
node="$(hostname -s)"
node_line="$(slurmd -C | head -n 1)"
mkdir -p "$w/state" "$w/spool" "$w/out"
export SLURM_CONF="$w/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=lungprep-e2e
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
StateSaveLocation=$w/state
SlurmdSpoolDir=$w/spool
SlurmctldPidFile=$w/slurmctld.pid
SlurmdPidFile=$w/slurmd.pid
SlurmctldLogFile=$w/slurmctld.log
SlurmdLogFile=$w/slurmd.log
SlurmctldPort=${SLURM_E2E_PORT:-6817}
SlurmdPort=$((${SLURM_E2E_PORT:-6817} + 1))
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=e2e Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
sed -i 's/ UpTime=[^ ]*//' "$SLURM_CONF"
slurmctld -f "$SLURM_CONF"
for _ in $(seq 100); do [ -s "$w/slurmctld.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$w/slurmctld.pid")")
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do [ -s "$w/slurmd.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$w/slurmd.pid")")
for _ in $(seq 300); do
  sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
  sleep 0.2
done
say "cluster up: $(sinfo -h -N -o '%N %T %c CPUs %m MB')"

# --- the case list: every real scan in ../shared/data, by a manifest (two files are named
# lung1: the manifest names them apart).
cases="$w/cases.csv"
{
  echo "name,path"
  for d in "$data"/dicom/*/; do
    n="$(basename "$d")"
    if [ "$n" = lung_dx_a0002 ]; then
      echo "a0002_b70f,$d/b70f"
      echo "a0002_b40f,$d/b40f"
    else
      echo "$n,$d"
    fi
  done
  echo "lung1_nrrd,$data/nrrd/lung1.nrrd"
  for f in "$data"/mhd/*.mhd; do echo "$(basename "$f" .mhd)_mhd,$f"; done
} >"$cases"
n_cases=$(($(wc -l <"$cases") - 1))
say "$n_cases cases"

# --- reference: one process, the same manifest.
ref_status=0
"$bin" prep --manifest "$cases" -o "$w/single" 2>"$w/single.log" || ref_status=$?
[ "$ref_status" -le 1 ] || { cat "$w/single.log"; exit 1; }
say "single-process prep done (exit $ref_status)"

# --- the array job.
chmod 777 "$w/out"
job=$(cd "$w/out" && LUNGPREP="$bin" sbatch --parsable --array=0-2 --cpus-per-task=1 --mem=3G \
  --time=30:00 "$root/deploy/slurm/prep.sbatch" "$w/out" --manifest "$cases")
say "submitted array job $job"
deadline=$((SECONDS + wait_bound))
while [ -n "$(squeue -h -j "$job" -o '%i' 2>/dev/null)" ]; do
  if [ "$SECONDS" -gt "$deadline" ]; then
    squeue -j "$job" || true
    scancel "$job" || true
    echo "slurm_e2e: the array job did not finish within $wait_bound s" >&2
    exit 1
  fi
  sleep 1
done
say "array job finished; logs: $(ls "$w/out" | grep -c '^lungprep-') task log(s)"
for k in 1 2 3; do
  test -s "$w/out/run.$k-of-3.json" || { echo "slurm_e2e: task $k never ran" >&2; exit 1; }
  grep -q '"finished_unix_s": [0-9]' "$w/out/run.$k-of-3.json" || {
    echo "slurm_e2e: task $k did not finish" >&2
    exit 1
  }
  grep -q '"SLURM_ARRAY_JOB_ID"' "$w/out/run.$k-of-3.json" || {
    echo "slurm_e2e: task $k did not run under Slurm" >&2
    exit 1
  }
done

# --- merge and compare.
"$bin" report merge "$w/out"
names() { tail -n +2 "$1" | cut -d, -f1 | sort; }
tail -n +2 "$cases" | cut -d, -f1 | sort >"$w/expected"
names "$w/out/report.csv" >"$w/got"
if ! diff "$w/expected" "$w/got"; then
  echo "slurm_e2e: merged report.csv does not hold every case exactly once" >&2
  exit 1
fi
names "$w/single/report.csv" | diff "$w/expected" - >/dev/null
status_of() { tail -n +2 "$1" | cut -d, -f1,2 | sort; }
diff <(status_of "$w/single/report.csv") <(status_of "$w/out/report.csv") || {
  echo "slurm_e2e: statuses differ from the single-process run" >&2
  exit 1
}
outputs() { (cd "$1" && ls | grep -vE '^(report|run)\.|^lungprep-.*\.log$|\.lock$' | sort); }
diff <(outputs "$w/single") <(outputs "$w/out") || {
  echo "slurm_e2e: the array job wrote other files than the single-process run" >&2
  exit 1
}
n_files=0
for f in $(outputs "$w/single"); do
  cmp "$w/single/$f" "$w/out/$f"
  n_files=$((n_files + 1))
done
say "PASS: $n_cases cases, each once in the merged report; $n_files output files byte-identical to single-process prep; statuses: $(status_of "$w/out/report.csv" | cut -d, -f2 | sort | uniq -c | tr -s ' ' | tr '\n' ',')"
