"""The Python API: scenarios, settings, errors with the command line's
words, pickling, threads, help()."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import pickle
import pydoc

import pytest

import coalsim


def test_scenarios_load_parse_and_default(repo):
    d = coalsim.Scenario.default()
    assert d.source == "<embedded default scenario>"
    assert d.name == coalsim.Scenario.load(repo / "scenarios" / "default.toml").name
    s = coalsim.Scenario.from_toml('name = "Mine"\nmax_rounds = 30\n')
    assert (s.name, s.max_rounds, s.source) == ("Mine", 30, "<string>")
    assert "max_rounds = 30" in s.to_toml()


def test_with_returns_a_new_scenario_with_the_setting():
    d = coalsim.Scenario.default()
    c = d.with_(**{"governance.decision_rule": "consensus", "population.count": 3})
    assert 'decision_rule = "consensus"' in c.to_toml()
    assert 'decision_rule = "consensus"' not in d.to_toml()
    assert c.settings == {"governance.decision_rule": "consensus", "population.count": 3}
    assert c != d and c == d.with_({"governance.decision_rule": "consensus"}, **{"population.count": 3})


def test_a_bad_file_gives_the_clis_message(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[governance]\ndecision_rule = "bogus"\n')
    want = cli.fails("check", str(bad))
    with pytest.raises(ValueError) as e:
        coalsim.Scenario.load(bad)
    assert f"error: {e.value}\n" == want
    assert str(e.value).startswith(f"{bad}:3:17: governance.decision_rule: unknown value `bogus`")


def test_an_out_of_range_value_gives_the_clis_message(cli, tmp_path):
    bad = tmp_path / "range.toml"
    bad.write_text("[population]\ncount = -3\n")
    want = cli.fails("check", str(bad))
    with pytest.raises(ValueError) as e:
        coalsim.Scenario.from_toml(bad.read_text(), name=str(bad))
    assert f"error: {e.value}\n" == want


def test_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="cannot read the scenario file"):
        coalsim.Scenario.load(tmp_path / "nowhere.toml")


@pytest.mark.parametrize(
    "key,value,vary",
    [
        ("governance.decision_rule", "bogus", "governance.decision_rule=bogus"),
        ("governance.nosuch", 1, "governance.nosuch=1"),
        ("population.count", -3, "population.count=-3"),
        ("agent.7.resources", 1.0, "agent.7.resources=1.0"),
    ],
)
def test_with_checks_as_vary_does(cli, key, value, vary):
    want = cli.fails("sweep", "--vary", vary + ",2", "--runs", "2", "--no-plots", "--out", "/nonexistent/x")
    assert want.startswith("error: --vary: ")
    with pytest.raises(ValueError) as e:
        coalsim.Scenario.default().with_(**{key: value})
    assert str(e.value).startswith("Scenario.with_: ")
    assert str(e.value).removeprefix("Scenario.with_: ") == want.removeprefix("error: --vary: ").rstrip("\n")


def test_sweep_errors_are_the_clis(cli):
    want = cli.fails("sweep", "--vary", "seed=1,2", "--runs", "2", "--no-plots", "--out", "/nonexistent/x")
    with pytest.raises(ValueError) as e:
        coalsim.sweep(vary={"seed": [1, 2]}, runs=2)
    assert f"error: {e.value}\n" == want
    with pytest.raises(ValueError, match="nothing to compare"):
        coalsim.sweep(runs=2)


def test_bad_arguments_name_what_is_allowed():
    with pytest.raises(ValueError, match="runs=0; allowed: a whole number from 1"):
        coalsim.batch(runs=0)
    with pytest.raises(ValueError, match="threads=0; allowed: 1 to 1024"):
        coalsim.batch(runs=2, threads=0)
    with pytest.raises(ValueError, match="seed=-1; allowed: a whole number from 0 to 18446744073709551615"):
        coalsim.batch(runs=2, seed=-1)
    with pytest.raises(ValueError, match="design='grid'; allowed"):
        coalsim.explore(uncertain={"trust.strangers": (0.2, 0.6)}, policy={"governance.decision_rule": ["consensus", "majority"]}, design="grid")
    with pytest.raises(ValueError, match="nothing is uncertain"):
        coalsim.explore(policy={"governance.decision_rule": ["consensus", "majority"]})
    with pytest.raises(ValueError, match="cannot go in a scenario"):
        coalsim.Scenario.default().with_(**{"population.count": object()})
    with pytest.raises(ValueError, match="no variant named `nope`"):
        coalsim.run(variant="nope")
    with pytest.raises(ValueError):
        coalsim.power([1, 2], 0)


def test_scenarios_pickle_with_their_settings(tmp_path):
    s = coalsim.Scenario.default().with_(**{"governance.decision_rule": "majority"})
    t = pickle.loads(pickle.dumps(s))
    assert t == s and t.to_toml() == s.to_toml()
    assert coalsim.batch(t, runs=10).csv("runs.csv") == coalsim.batch(s, runs=10).csv("runs.csv")


def _worker_threads(_: int) -> object:
    return coalsim.default_threads()


def test_threads_default_to_one_inside_a_multiprocessing_worker():
    assert coalsim.default_threads() is None
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        assert list(pool.map(_worker_threads, [0])) == [1]


def test_help_shows_the_docstrings():
    text = pydoc.render_doc(coalsim.batch, renderer=pydoc.plaintext)
    assert "Monte Carlo replications" in text and "bit for bit" in text
    assert "dotted key" in pydoc.render_doc(coalsim.Scenario.with_, renderer=pydoc.plaintext)
    assert coalsim.ema.Model.__doc__ and coalsim.sweep.__doc__ and coalsim.power.__doc__


def test_the_package_is_typed():
    import importlib.resources

    files = importlib.resources.files("coalsim")
    assert files.joinpath("py.typed").is_file()
    assert files.joinpath("_coalsim.pyi").is_file()


def test_run_replays_one_run_with_its_events():
    r = coalsim.run(seed=1, run=0)
    assert r.summary["rounds"] == len(r.rounds)
    assert r.events["round"].is_monotonic_increasing
    assert {"joined", "decision"} & set(r.events["kind"])


def test_ctrl_c_stops_a_long_batch_and_sweep():
    import subprocess
    import sys

    code = """
import os, signal, threading
import coalsim
for call in (lambda: coalsim.batch(runs=10**9), lambda: coalsim.sweep(vary={"governance.decision_rule": ["consensus", "majority"]}, runs=10**7)):
    threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    try:
        call()
        print("finished")
    except KeyboardInterrupt:
        print("interrupted")
"""
    # Without the interruption these would run for hours; the timeout only
    # keeps a broken build from hanging the suite.
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert p.stdout.split() == ["interrupted", "interrupted"], p.stderr
