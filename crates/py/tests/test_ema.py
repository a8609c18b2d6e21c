"""The EMA Workbench model and a small version of examples/ema_experiment.py."""

from __future__ import annotations

import importlib.util
import pickle

import numpy as np
import pytest

import coalsim
import coalsim.ema

pytest.importorskip("ema_workbench")
pytest.importorskip("SALib")


def test_the_model_is_a_picklable_callable_of_dotted_keys():
    fn = coalsim.ema.Model(runs=30, seed=4)
    fn2 = pickle.loads(pickle.dumps(fn))
    out = fn2(**{"governance.decision_rule": "consensus", "trust__strangers": 0.3})
    # The same as a batch of that scenario.
    s = coalsim.Scenario.default().with_(**{"governance.decision_rule": "consensus", "trust.strangers": 0.3})
    b = coalsim.batch(s, runs=30, seed=4)
    assert out["success"] == b.summary["success"]["estimate"]
    assert out["lifetime"] == b.summary["mean_rounds"]["mean"]
    assert out["hours_per_member"] == b.summary["hours_per_member_month"]["mean"]
    shares = [out[f"share_{e}"] for e in ("goal", "sunset", "dissolved", "still_going")]
    assert shares == [e["incidence"] for e in b.summary["endings"]]
    assert abs(sum(shares) - 1) < 1e-9
    curve = out["incidence_goal"]
    assert curve.shape == (s.max_rounds + 1,) and curve[0] == 0
    assert np.all(np.diff(curve) >= 0) and curve[-1] == pytest.approx(out["share_goal"])
    # runs and seed as experiment parameters.
    assert fn(runs=5, seed=1)["success"] == coalsim.batch(runs=5, seed=1).summary["success"]["estimate"]


def test_a_bad_key_is_named():
    with pytest.raises(ValueError, match="governance.nosuch: unknown field"):
        coalsim.ema.Model(runs=2)(**{"governance.nosuch": 1})


def test_the_ema_example_runs_small(repo):
    path = repo / "examples" / "ema_experiment.py"
    spec = importlib.util.spec_from_file_location("ema_experiment", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.main(["--scenarios", "8", "--runs", "8", "--processes", "2"])
    experiments, outcomes = res["experiments"], res["outcomes"]
    # Saltelli with second order: 8 x (2 x 3 + 2) samples, under 2 policies.
    assert len(experiments) == 8 * 8 * 2
    assert set(experiments["policy"]) == {"consensus", "majority"}
    for name in coalsim.ema.SCALAR_OUTCOMES:
        assert outcomes[name].shape == (len(experiments),)
    assert outcomes["incidence_goal"].shape == (len(experiments), 105)
    # Each experiment is the batch of its scenario: check one, recomputed here.
    row = experiments.iloc[5]
    s = coalsim.Scenario.default().with_(
        **{
            "trust.strangers": float(row["strangers_trust"]),
            "shocks.rate": float(row["shock_rate"]),
            "goal.size": float(row["goal_size"]),
            "governance.decision_rule": row["rule"],
        }
    )
    assert outcomes["success"][5] == coalsim.batch(s, runs=8).summary["success"]["estimate"]
    for rule in ("consensus", "majority"):
        si = res["sobol"][rule]
        assert len(si["S1"]) == len(si["ST"]) == 3
