#!/usr/bin/env bash
# One run per size N of scripts/large-scenario.sh's coalition (N organisations,
# all members from the start, the default's dynamics scaled to N), timed with
# /usr/bin/time: CPU seconds (user + system), peak memory (max RSS) and the
# member-rounds simulated, then the exponent b of CPU ≈ a·N^b fitted by least
# squares on the logarithms (docs/performance.md, "Movement scale").
#
#   scripts/scale-runs.sh BINARY [N ...]      (default N: 30 100 300 1000 2000 5000 10000)
set -euo pipefail
bin=${1:?usage: scale-runs.sh BINARY [N ...]}
shift
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(30 100 300 1000 2000 5000 10000)
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/coalsim-scale.XXXXXX")
printf '%8s %10s %10s %14s %12s\n' N cpu_s max_rss_MB member_rounds us_per_mr
for n in "${sizes[@]}"; do
    "$root/scripts/large-scenario.sh" "$n" >"$work/s$n.toml"
    /usr/bin/time -f '%U %S %M' -o "$work/t$n" "$bin" run "$work/s$n.toml" --quiet \
        --out "$work/r$n" >/dev/null
    read -r user sys rss <"$work/t$n"
    mr=$(awk -F, 'NR > 1 { s += $2 } END { print s }' "$work/r$n/rounds.csv")
    cpu=$(echo "$user + $sys" | bc -l)
    printf '%8d %10.2f %10.1f %14d %12.3f\n' "$n" "$cpu" "$(echo "$rss / 1024" | bc -l)" "$mr" \
        "$(echo "$cpu * 1000000 / $mr" | bc -l)"
    echo "$n $cpu" >>"$work/fit"
done
python3 - "$work/fit" <<'PY'
import math, sys
pts = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
pts = [(n, t) for n, t in pts if t > 0]
if len(pts) >= 2:
    xs = [math.log(n) for n, _ in pts]; ys = [math.log(t) for _, t in pts]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    print(f"fitted exponent of CPU time in N: {b:.2f} (over N = {int(pts[0][0])} … {int(pts[-1][0])})")
PY
rm -rf "$work"
