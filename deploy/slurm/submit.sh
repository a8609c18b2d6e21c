#!/usr/bin/env bash
# Submits a sharded coalsim batch to Slurm: a job array of N shards, then a
# merge job that starts only when every shard succeeded (afterok).
#
#   deploy/slurm/submit.sh RUNS SHARDS SEED WORKDIR [SCENARIO] [-- SBATCH_OPTIONS...]
#
# Shards go to WORKDIR/shards/shard-K, the merged batch to WORKDIR/merged,
# Slurm's logs to WORKDIR/logs. Prints the two job ids (array, merge).
# Extra sbatch options (--partition, --account, --time, ...) after `--` apply
# to both jobs. Set COALSIM to the binary if it is not on PATH on the nodes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 4 ]; then
    sed -n '2,12p' "$0" >&2
    exit 2
fi
runs=$1 shards=$2 seed=$3 work=$4
shift 4
scenario=
if [ $# -gt 0 ] && [ "$1" != -- ]; then
    scenario=$(realpath "$1")
    shift
fi
[ "${1:-}" = -- ] && shift
work=$(realpath -m "$work")
mkdir -p "$work/shards" "$work/logs"
array=$(sbatch --parsable "$@" --array=0-$((shards - 1)) \
    --output="$work/logs/shard-%a.out" \
    "$here/coalsim-shards.sbatch" "$runs" "$seed" "$work/shards" ${scenario:+"$scenario"})
array=${array%%;*}
merge=$(sbatch --parsable "$@" --dependency=afterok:"$array" --kill-on-invalid-dep=yes \
    --output="$work/logs/merge.out" \
    "$here/coalsim-merge.sbatch" "$work/shards" "$work/merged")
merge=${merge%%;*}
echo "$array $merge"
