#!/usr/bin/env bash
# Prints a scenario of N organisations, all members from the start, with the
# default scenario's dynamics scaled to N (docs/performance.md, "Scale"):
# the goal is 8 units per organisation (the default's 80 for 10), and the
# coordination hours and process loss per contact are the default's times
# 9 / (N − 1), so a member's coordination load under everyone-meets is the
# default's; so are the trust damages of an exit (which fall on every pair
# of remaining members, so unscaled they compound over N exits). Extra TOML lines (e.g. governance keys) may follow N as
# arguments, one per argument, in the [governance] table.
#
#   scripts/large-scenario.sh 10000 > /tmp/large.toml
set -euo pipefail
n=${1:?usage: large-scenario.sh N [governance lines...]}
shift
python3 - "$n" "$@" <<'PY'
import sys
n = int(sys.argv[1])
extra = sys.argv[2:]
scale = 9 / max(n - 1, 1)
print(f'name = "Large coalition: {n} organisations"')
print('seed = 2026\nmax_rounds = 104\n')
print(f'[goal]\nsize = {8.0 * n:.1f}\nmilestones = [0.1]\n')
print('[governance]\ndecision_rule = "majority"\nsetup = "early"\ncheckin_every = 2\nexit_protocol = "graceful"')
for line in extra:
    print(line)
print(f'\n[population]\ncount = {n}\nfounders = 1\ninitial_members = {n}\n')
print(f'[dynamics]\ncoordination_hours = {0.1 * scale!r}\ncoordination_loss = {0.02 * scale!r}')
print(f'graceful_exit_damage = {0.01 * scale!r}\nabrupt_exit_damage = {0.06 * scale!r}')
PY
