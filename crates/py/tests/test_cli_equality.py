"""The package gives the command line's results: the same files byte for
byte, and DataFrames holding exactly the numbers those files print."""

from __future__ import annotations

import csv
import io
import json
import math
import pathlib

import pandas as pd
import pytest

import coalsim

BATCH_FILES = ["runs.csv", "rounds.csv", "incidence.csv", "survival.csv", "summary.json"]
SWEEP_FILES = BATCH_FILES[:4] + ["variants.csv", "comparison.csv", "summary.json"]
EXPLORE_FILES = ["samples.csv", "robustness.csv", "prim.csv", "sensitivity.csv", "summary.json"]


def same_files(result: coalsim.Result, folder: pathlib.Path, names: list[str]) -> None:
    assert result.files == names
    for name in names:
        want = (folder / name).read_bytes()
        got = result.csv(name)
        assert got == want, f"{name} differs from the command line's"


def cell(text: str) -> object:
    """A CSV cell as the numbers it prints: '' is missing, true/false are
    booleans, numbers parsed by Python's correctly rounded float/int."""
    if text == "":
        return None
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def same_values(df: pd.DataFrame, data: bytes) -> None:
    """Every cell of `df` is the value the CSV bytes print, bit for bit."""
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert list(df.columns) == rows[0]
    assert len(df) == len(rows) - 1
    for i, row in enumerate(rows[1:]):
        for j, text in enumerate(row):
            want = cell(text)
            got = df.iat[i, j]
            if want is None:
                assert pd.isna(got), (i, rows[0][j], got)
            elif isinstance(want, float):
                # Same float, bit for bit (== would also pass -0.0 for 0.0).
                assert isinstance(got, float) and got.hex() == want.hex(), (i, rows[0][j], got, want)
            elif isinstance(want, bool):
                assert bool(got) is want, (i, rows[0][j], got)
            elif isinstance(want, int):
                assert got == want and float(got) == float(want), (i, rows[0][j], got, want)
            else:
                assert got == want, (i, rows[0][j], got, want)


def test_batch_equals_cli(cli, repo, tmp_path):
    out = tmp_path / "b"
    path = repo / "scenarios" / "default.toml"
    cli.ok("batch", str(path), "--runs", "300", "--seed", "11", "--out", str(out))
    b = coalsim.batch(coalsim.Scenario.load(path), runs=300, seed=11)
    same_files(b, out, BATCH_FILES)
    assert b.summary == json.loads((out / "summary.json").read_text())
    for name in BATCH_FILES[:4]:
        same_values(b.table(name), b.csv(name))
    assert b.summary["runs"] == 300 and len(b.runs) == 300


def test_batch_of_the_embedded_default_and_any_thread_count(cli, tmp_path):
    out = tmp_path / "b"
    cli.ok("batch", "--runs", "64", "--out", str(out))
    for threads in (1, 2, None):
        same_files(coalsim.batch(runs=64, threads=threads), out, BATCH_FILES)


def test_with_equals_a_file_that_says_so(cli, tmp_path):
    text = '[governance]\ndecision_rule = "consensus"\ncheckin_every = 4\n'
    f = tmp_path / "mine.toml"
    f.write_text(text)
    out = tmp_path / "b"
    cli.ok("batch", str(f), "--runs", "100", "--seed", "3", "--out", str(out))
    s = coalsim.Scenario.from_toml("").with_(**{"governance.decision_rule": "consensus"}).with_(
        {"governance.checkin_every": 4}
    )
    same_files(coalsim.batch(s, runs=100, seed=3), out, BATCH_FILES)


def test_one_run_gives_blank_intervals_as_the_cli(cli, tmp_path):
    out = tmp_path / "b"
    cli.ok("batch", "--runs", "1", "--out", str(out))
    b = coalsim.batch(runs=1)
    same_files(b, out, BATCH_FILES)
    assert b.summary["success"]["lo"] is None
    assert b.rounds["sd"].isna().all()


def test_sweep_equals_cli(cli, tmp_path):
    out = tmp_path / "s"
    cli.ok(
        "sweep",
        "--vary",
        "governance.decision_rule=consensus,majority",
        "--vary",
        "governance.checkin_every=0..4:4",
        "--runs",
        "60",
        "--seed",
        "5",
        "--no-plots",
        "--out",
        str(out),
    )
    sw = coalsim.sweep(
        vary={"governance.decision_rule": ["consensus", "majority"], "governance.checkin_every": "0..4:4"},
        runs=60,
        seed=5,
    )
    same_files(sw, out, SWEEP_FILES)
    for name in SWEEP_FILES[:-1]:
        same_values(sw.table(name), sw.csv(name))
    assert list(sw.variants["variant"]) == [
        "decision_rule=consensus checkin_every=0",
        "decision_rule=consensus checkin_every=4",
        "decision_rule=majority checkin_every=0",
        "decision_rule=majority checkin_every=4",
    ]


def test_sweep_of_a_files_variants_equals_cli(cli, repo, tmp_path):
    # The first lesson file with [[variant]] tables.
    path = next(
        p for p in sorted((repo / "scenarios").glob("*.toml")) if "[[variant]]" in p.read_text()
    )
    out = tmp_path / "s"
    cli.ok("sweep", str(path), "--runs", "40", "--no-plots", "--out", str(out))
    same_files(coalsim.sweep(path, runs=40), out, SWEEP_FILES)


def test_explore_equals_cli(cli, tmp_path):
    out = tmp_path / "e"
    cli.ok(
        "explore",
        "--uncertain",
        "trust.strangers=0.2..0.6",
        "--uncertain",
        "population.count=4..12",
        "--policy",
        "governance.decision_rule=consensus,majority",
        "--samples",
        "8",
        "--runs",
        "6",
        "--seed",
        "9",
        "--no-plots",
        "--out",
        str(out),
    )
    ex = coalsim.explore(
        uncertain={"trust.strangers": (0.2, 0.6), "population.count": (4, 12)},
        policy={"governance.decision_rule": ["consensus", "majority"]},
        samples=8,
        runs=6,
        seed=9,
    )
    same_files(ex, out, EXPLORE_FILES)
    same_values(ex.samples, ex.csv("samples.csv"))
    assert set(ex.samples["policy"]) == {"consensus", "majority"}


def test_run_equals_cli(cli, tmp_path):
    out = tmp_path / "r"
    cli.ok("run", "--seed", "5", "--run", "3", "--quiet", "--out", str(out))
    r = coalsim.run(seed=5, run=3)
    same_files(r, out, ["rounds.csv", "events.csv", "summary.json"])
    same_values(r.rounds, r.csv("rounds.csv"))
    same_values(r.events, r.csv("events.csv"))
    # The run is row 3 of a batch with that seed.
    b = coalsim.batch(runs=4, seed=5)
    assert b.runs.loc[3, "rounds"] == r.summary["rounds"]
    assert b.runs.loc[3, "outcome"] == r.summary["outcome"]


def test_power_equals_cli(cli):
    text = cli.ok("power", "--weights", "4,4,4,2,2,1", "--quota", "12", "--veto", "1", "--format", "csv")
    df = coalsim.power([4, 4, 4, 2, 2, 1], 12, veto=[1])
    rows = list(csv.reader(io.StringIO(text)))
    assert list(df.columns[:5]) == rows[0]
    for i, row in enumerate(rows[1:]):
        assert [df.at[i, c] for c in ("player", "weight", "banzhaf_swings")] == [
            int(row[0]),
            int(row[1]),
            int(row[4]),
        ]
        assert df.at[i, "shapley_shubik"].hex() == float(row[2]).hex()
        assert df.at[i, "banzhaf"].hex() == float(row[3]).hex()
    # The exact fractions add up to one.
    from fractions import Fraction

    assert sum(Fraction(x) for x in df["shapley_shubik_exact"]) == 1
    assert sum(Fraction(x) for x in df["banzhaf_exact"]) == 1


def test_saved_files_are_the_clis(cli, tmp_path):
    out = tmp_path / "b"
    cli.ok("batch", "--runs", "30", "--out", str(out))
    saved = tmp_path / "py"
    coalsim.batch(runs=30).save(saved)
    for name in BATCH_FILES:
        assert (saved / name).read_bytes() == (out / name).read_bytes()


def test_arrow_holds_the_dataframes_values():
    pa = pytest.importorskip("pyarrow")
    b = coalsim.batch(runs=20)
    t = b.to_arrow("runs")
    assert isinstance(t, pa.Table)
    assert t.column_names == list(b.runs.columns)
    got = t.column("hours_per_member_month").to_pylist()
    assert [x.hex() for x in got] == [x.hex() for x in b.runs["hours_per_member_month"]]
    assert not any(math.isnan(x) for x in got)


def test_polars_reads_the_bytes_without_pyarrow():
    pl = pytest.importorskip("polars")
    b = coalsim.batch(runs=20)
    df = pl.read_csv(b.csv("runs.csv"))
    assert df.columns == list(b.runs.columns)
    assert [x.hex() for x in df["final_trust"].to_list()] == [x.hex() for x in b.runs["final_trust"]]
