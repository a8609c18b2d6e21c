"""Evidence that a batch runs with the GIL released (docs/performance.md).

    python crates/py/benches/gil.py [RUNS]

1. Two Python threads each run a one-thread batch; if the batch held the
   GIL they would take turns (about twice one batch's time); released,
   they run side by side on two cores (about one batch's time).
2. While one batch runs, a pure-Python thread keeps running: the longest
   time it is kept waiting is milliseconds (the operating system's
   scheduling), as when the main thread runs Python code (the interpreter
   hands the GIL over every 5 ms), not the whole call, as when the main
   thread runs one C call that keeps the GIL.
"""

from __future__ import annotations

import sys
import threading
import time

import coalsim

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
s = coalsim.Scenario.default()


def one() -> None:
    coalsim.batch(s, runs=runs, seed=1, threads=1)


one()  # warm up
t = time.perf_counter()
one()
single = time.perf_counter() - t

t = time.perf_counter()
one()
one()
sequential = time.perf_counter() - t

threads = [threading.Thread(target=one) for _ in range(2)]
t = time.perf_counter()
cpu = time.process_time()
for th in threads:
    th.start()
for th in threads:
    th.join()
concurrent = time.perf_counter() - t
cpu = time.process_time() - cpu
print(f"one batch of {runs} runs, 1 thread:     {single:.2f} s")
print(f"two batches one after the other:       {sequential:.2f} s")
print(f"two batches in two Python threads:     {concurrent:.2f} s  ({sequential / concurrent:.2f}x faster)")
print(f"  the process used {cpu:.2f} s of CPU in those {concurrent:.2f} s: {cpu / concurrent:.2f} cores at once")

stop = threading.Event()
stamps: list[float] = []


def ticker() -> None:
    # Pure Python: it runs only while it holds the GIL.
    while not stop.is_set():
        stamps.append(time.perf_counter())


def longest_gap(during) -> tuple[float, float]:
    """Runs `during()` while the ticker ticks; returns (seconds it took,
    the longest time the ticker did not run)."""
    stamps.clear()
    stop.clear()
    th = threading.Thread(target=ticker)
    th.start()
    time.sleep(0.05)
    t0 = time.perf_counter()
    during()
    t1 = time.perf_counter()
    stop.set()
    th.join()
    inside = [t for t in stamps if t0 <= t <= t1]
    edges = [t0, *inside, t1]
    return t1 - t0, max(b - a for a, b in zip(edges, edges[1:]))


def spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


took, gap_batch = longest_gap(one)
_, gap_python = longest_gap(lambda: spin(took))
# One C call that keeps the GIL throughout (a sum over a range), sized to
# last about as long as the batch.
t = time.perf_counter()
sum(range(10**6))
n = int(10**6 * took / max(time.perf_counter() - t, 1e-9))
held, gap_held = longest_gap(lambda: sum(range(n)))
print("longest time a pure-Python thread could not run, while the main thread ran")
print(f"  a batch ({took:.2f} s):                        {1000 * gap_batch:7.1f} ms")
print(f"  Python code for as long:                  {1000 * gap_python:7.1f} ms")
print(f"  one C call that keeps the GIL ({held:.2f} s):  {1000 * gap_held:7.1f} ms")
