"""CPU time of a 1,000-run batch from Python against the command line
(docs/performance.md); CPU time, unlike wall time, hardly moves when other
work shares the machine.

    python crates/py/benches/overhead.py [RUNS] [REPEATS]

Each line is the median over REPEATS of user + system CPU seconds, with one
worker thread: the command line (`coalsim batch scenarios/bench.toml`, a new
process that also writes its files and draws its plots), `coalsim.batch`
(the simulation and its files in memory), and `coalsim.batch` plus reading
every table into pandas.
"""

from __future__ import annotations

import os
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import coalsim

REPO = pathlib.Path(__file__).resolve().parents[3]
BIN = os.environ.get("COALSIM_BIN", str(REPO / "target" / "release" / "coalsim"))
SCENARIO = str(REPO / "scenarios" / "bench.toml")
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cli() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as d:
        c, w = children_cpu(), time.perf_counter()
        subprocess.run([BIN, "batch", SCENARIO, "--runs", str(runs), "--threads", "1", "--out", d], check=True,
                       capture_output=True)
        return children_cpu() - c, time.perf_counter() - w


s = coalsim.Scenario.load(SCENARIO)


def py(frames: bool) -> tuple[float, float]:
    c, w = own_cpu(), time.perf_counter()
    b = coalsim.batch(s, runs=runs, threads=1)
    if frames:
        b.runs, b.rounds, b.incidence, b.survival, b.summary
    return own_cpu() - c, time.perf_counter() - w


py(True)  # warm up (imports, page cache)
for name, f in [("command line", cli), ("coalsim.batch", lambda: py(False)),
                ("coalsim.batch + DataFrames", lambda: py(True))]:
    cpu, wall = zip(*(f() for _ in range(repeats)))
    print(f"{name:28s} CPU {statistics.median(cpu):.3f} s (min {min(cpu):.3f})   wall {statistics.median(wall):.3f} s")
