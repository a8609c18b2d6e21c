#!/usr/bin/env bash
# Brings up a single-node Slurm cluster on 127.0.0.1 (munged, slurmctld and
# slurmd in the background, no systemd, no cgroups), submits a sharded batch
# and then a sharded sweep with submit.sh (job array + afterok merge), waits
# for each, and compares the merged files byte for byte with the same
# command run on one machine.
#
#   deploy/slurm/test-local.sh [COALSIM_BINARY]
#
# Needs root and the Debian packages slurmctld slurmd slurm-client munge
# (.ci/run installs them). Exits 0 when identical, 1 otherwise. Every daemon
# it starts is stopped by its PID on exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
coalsim=$(realpath "${1:-$here/../../target/release/coalsim}")
runs=${RUNS:-600} shards=${SHARDS:-3} seed=${SEED:-11}
deadline=$((SECONDS + ${TIMEOUT:-300}))
for tool in munged slurmctld slurmd sbatch squeue sinfo; do
    command -v "$tool" >/dev/null || { echo "test-local: $tool not installed" >&2; exit 1; }
done
[ -x "$coalsim" ] || { echo "test-local: no coalsim binary at $coalsim" >&2; exit 1; }

t=$(mktemp -d /tmp/coalsim-slurm.XXXXXX)
chmod 755 "$t"
pids=()
cleanup() {
    local rc=$?
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null || true
    done
    if [ $rc -ne 0 ]; then
        echo "--- logs ($t)" >&2
        tail -n 20 "$t"/*.log "$t"/work/logs/* 2>/dev/null >&2 || true
    fi
    rm -rf "$t"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# munge: its own key and socket (socket directory mode 755).
mkdir -p "$t/munge" "$t/state" "$t/spool"
chmod 755 "$t/munge"
dd if=/dev/urandom of="$t/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$t/munge/munge.key"
sock=$t/munge/munge.socket
munged -F --force --key-file="$t/munge/munge.key" --socket="$sock" \
    --pid-file="$t/munge/munged.pid" --seed-file="$t/munge/munged.seed" \
    --log-file="$t/munged.log" 2>>"$t/daemons.log" &
pids+=($!)

port=${SLURM_TEST_PORT:-$((20000 + $$ % 20000))}
node=coalsimnode
cat >"$t/slurm.conf" <<CONF
ClusterName=coalsimtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$t/state
SlurmdSpoolDir=$t/spool
SlurmctldPidFile=$t/slurmctld.pid
SlurmdPidFile=$t/slurmd.pid
SlurmctldLogFile=$t/slurmctld.log
SlurmdLogFile=$t/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$t/jobcomp.txt
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$(hostname -s) CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$t/slurm.conf
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
slurmctld -D -f "$SLURM_CONF" 2>>"$t/daemons.log" &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$node" 2>>"$t/daemons.log" &
pids+=($!)
until sinfo -h -N -o '%t' 2>/dev/null | grep -qx idle; do
    [ $SECONDS -lt $deadline ] || { echo "test-local: the node never became idle" >&2; sinfo >&2 || true; exit 1; }
    sleep 0.2
done
echo "test-local: single-node Slurm up (ports $port, $((port + 1)))"

# Waits until the queue is empty, then checks that the jobcomp log holds
# exactly $1 jobs, all completed with exit code 0.
wait_jobs() {
    while [ -n "$(squeue -h -o %i)" ]; do
        [ $SECONDS -lt $deadline ] || { echo "test-local: jobs still queued at the deadline" >&2; squeue >&2; exit 1; }
        sleep 0.5
    done
    awk '{ line = "  "; for (i = 1; i <= NF; i++) if ($i ~ /^(JobId|Name|JobState|ArrayTaskId|ExitCode)=/) line = line " " $i; print line }' "$t/jobcomp.txt"
    local total good
    total=$(grep -c 'JobState=' "$t/jobcomp.txt" || true)
    good=$(grep 'JobState=COMPLETED' "$t/jobcomp.txt" | grep -c 'ExitCode=0:0' || true)
    if [ "$total" != "$1" ] || [ "$good" != "$total" ]; then
        echo "test-local: $good of $total jobs completed with exit 0 (expected $1)" >&2
        cat "$t/jobcomp.txt" >&2
        exit 1
    fi
    : >"$t/jobcomp.txt"
}

# Compares a merged folder with one machine's, byte for byte.
same() {
    if diff -r "$1" "$2" >/dev/null; then
        echo "test-local: OK: $3: $shards Slurm array tasks + merge == one machine, byte for byte ($(find "$1" -type f | wc -l) files)"
    else
        echo "test-local: FAILED: the merged $3 differs from one machine's:" >&2
        diff -rq "$1" "$2" >&2 || true
        exit 1
    fi
}

# A batch (the first form of submit.sh).
work=$t/work
ids=$(COALSIM=$coalsim "$here/submit.sh" "$runs" "$shards" "$seed" "$work")
echo "test-local: submitted the batch's array and merge: $ids"
wait_jobs $((shards + 1))
"$coalsim" batch --runs "$runs" --seed "$seed" --out "$t/one" >/dev/null
same "$t/one" "$work/merged" batch

# A sweep (the second form), plots included.
sweep=(--vary governance.decision_rule=consensus,majority --runs "${SWEEP_RUNS:-96}" --seed "$seed")
ids=$(COALSIM=$coalsim "$here/submit.sh" sweep "$shards" "$t/work-sweep" "${sweep[@]}")
echo "test-local: submitted the sweep's array and merge: $ids"
wait_jobs $((shards + 1))
"$coalsim" sweep "${sweep[@]}" --out "$t/one-sweep" >/dev/null
same "$t/one-sweep" "$t/work-sweep/merged" sweep
