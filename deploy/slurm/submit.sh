#!/usr/bin/env bash
# Submits a sharded coalsim command to Slurm: a job array of N shards, then
# a merge job that starts only when every shard succeeded (afterok).
#
#   deploy/slurm/submit.sh RUNS SHARDS SEED WORKDIR [SCENARIO] [-- SBATCH_OPTIONS...]
#   deploy/slurm/submit.sh COMMAND SHARDS WORKDIR [ARGS...] [-- SBATCH_OPTIONS...]
#
# The first form shards a batch; the second any of batch, sweep, lesson or
# explore (COMMAND), with the command's own ARGS (scenario, --runs, --seed,
# --vary, ...; not --shard or --out; give the scenario as an absolute path
# or one relative to where you submit). Shards go to WORKDIR/shards/shard-K,
# the merged result to WORKDIR/merged, Slurm's logs to WORKDIR/logs. Prints
# the two job ids (array, merge). Extra sbatch options (--partition,
# --account, --time, ...) after `--` apply to both jobs. Set COALSIM to the
# binary if it is not on PATH on the nodes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in
    batch | sweep | lesson | explore)
        if [ $# -lt 3 ]; then
            sed -n '2,15p' "$0" >&2
            exit 2
        fi
        command=$1 shards=$2 work=$3
        shift 3
        args=()
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
            args+=("$1")
            shift
        done
        ;;
    *)
        if [ $# -lt 4 ]; then
            sed -n '2,15p' "$0" >&2
            exit 2
        fi
        command=batch runs=$1 shards=$2 seed=$3 work=$4
        shift 4
        args=(--runs "$runs" --seed "$seed")
        if [ $# -gt 0 ] && [ "$1" != -- ]; then
            args=("$(realpath "$1")" "${args[@]}")
            shift
        fi
        ;;
esac
[ "${1:-}" = -- ] && shift
work=$(realpath -m "$work")
mkdir -p "$work/shards" "$work/logs"
array=$(sbatch --parsable "$@" --array=0-$((shards - 1)) \
    --output="$work/logs/shard-%a.out" \
    "$here/coalsim-shards.sbatch" "$command" "$work/shards" "${args[@]}")
array=${array%%;*}
merge=$(sbatch --parsable "$@" --dependency=afterok:"$array" --kill-on-invalid-dep=yes \
    --output="$work/logs/merge.out" \
    "$here/coalsim-merge.sbatch" "$work/shards" "$work/merged")
merge=${merge%%;*}
echo "$array $merge"
