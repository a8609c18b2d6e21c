#!/usr/bin/env bash
# Byte-for-byte comparison of two coalsim binaries: `coalsim batch` on every
# scenario in scenarios/ and tests/data/ (fixed seed, RUNS runs, plots
# included) and `coalsim run` (narrated runs, events and rounds) of each
# scenario for a few run indices. Used to check that an optimisation of the
# engine leaves every output file unchanged (docs/performance.md).
#
#   scripts/compare-outputs.sh BEFORE_BINARY AFTER_BINARY [RUNS] [THREADS]
#
# Prints one line per differing file and exits non-zero if any differ.
# Outputs go to a temporary folder (kept when something differs).
set -euo pipefail

before=${1:?usage: compare-outputs.sh BEFORE AFTER [RUNS] [THREADS]}
after=${2:?usage: compare-outputs.sh BEFORE AFTER [RUNS] [THREADS]}
runs=${3:-200}
threads=${4:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/coalsim-compare.XXXXXX")
seed=20261204

status=0
for scenario in "$root"/scenarios/*.toml "$root"/tests/data/*.toml; do
    name=$(basename "$scenario" .toml)
    # A scenario the first binary refuses (newer than it) is not compared.
    if ! "$before" check "$scenario" >/dev/null 2>&1; then
        echo "skipped: $name (refused by $before)"
        continue
    fi
    for side in before after; do
        bin=$before
        [ "$side" = after ] && bin=$after
        out="$work/$side/$name"
        "$bin" batch "$scenario" --runs "$runs" --seed "$seed" --threads "$threads" \
            --out "$out/batch" >/dev/null 2>&1 || echo "$side: batch failed on $name" >&2
        for run in 0 1 2 3; do
            "$bin" run "$scenario" --seed "$seed" --run "$run" --quiet \
                --out "$out/run-$run" 2>&1 | sed "s|$out|OUT|g" >"$out/run-$run.stdout" ||
                echo "$side: run $run failed on $name" >&2
        done
    done
    if ! diff -r -q "$work/before/$name" "$work/after/$name" >/dev/null; then
        diff -r -q "$work/before/$name" "$work/after/$name" | sed "s|$work/||g" || true
        status=1
    fi
done
if [ $status -eq 0 ]; then
    count=$(find "$work/after" -type f | wc -l)
    echo "identical: $count files over $(ls "$work/after" | wc -l) scenarios"
    rm -rf "$work"
else
    echo "DIFFERENT (outputs kept in $work)"
fi
exit $status
