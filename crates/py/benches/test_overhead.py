"""Overhead of a batch called from Python against the command line
(docs/performance.md):

    pip install pytest-benchmark
    pytest crates/py/benches/test_overhead.py --benchmark-columns=min,median,max

`cli` runs `coalsim batch` (a new process that also writes the files and
draws the plots); `py_bytes` is `coalsim.batch` (the simulation and the
files in memory); `py_frames` adds reading every table into pandas.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import tempfile

import pytest

import coalsim

RUNS = int(os.environ.get("COALSIM_BENCH_RUNS", "1000"))
REPO = pathlib.Path(__file__).resolve().parents[3]
BIN = os.environ.get("COALSIM_BIN", str(REPO / "target" / "release" / "coalsim"))
# The scenario of the criterion benches (benches/engine.rs, batch_1000).
SCENARIO = str(REPO / "scenarios" / "bench.toml")


@pytest.mark.parametrize("threads", [1, 2])
def test_cli(benchmark, threads):
    with tempfile.TemporaryDirectory() as d:
        benchmark(
            subprocess.run,
            [BIN, "batch", SCENARIO, "--runs", str(RUNS), "--threads", str(threads), "--out", d],
            check=True,
            capture_output=True,
        )


@pytest.mark.parametrize("threads", [1, 2])
def test_py_bytes(benchmark, threads):
    s = coalsim.Scenario.load(SCENARIO)
    benchmark(coalsim.batch, s, runs=RUNS, threads=threads)


@pytest.mark.parametrize("threads", [1, 2])
def test_py_frames(benchmark, threads):
    s = coalsim.Scenario.load(SCENARIO)

    def go():
        b = coalsim.batch(s, runs=RUNS, threads=threads)
        return b.runs, b.rounds, b.incidence, b.survival, b.summary

    benchmark(go)
