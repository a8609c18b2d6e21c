"""coalsim as an EMA Workbench model, then a Sobol analysis with SALib.

Question: consensus or majority for the city coalition (the embedded
default scenario), when we are unsure how far strangers trust each other,
how often shocks hit, and how big the goal is? EMA Workbench samples the
uncertainties (Saltelli's scheme), runs every sample under both rules in
parallel processes (each experiment is a batch of coalsim runs), and SALib
says which uncertainty drives the success of each rule.

    pip install ./crates/py ema_workbench SALib
    python examples/ema_experiment.py                 # 64 base samples, 100 runs each
    python examples/ema_experiment.py --scenarios 8 --runs 10   # a quick look

Inside each worker process a batch runs on one thread (coalsim does this by
itself in a multiprocessing worker), so the processes share the cores.
"""

from __future__ import annotations

import argparse

import numpy as np
from ema_workbench import (
    CategoricalParameter,
    MultiprocessingEvaluator,
    Policy,
    RealParameter,
    Samplers,
)
from ema_workbench.em_framework.salib_samplers import get_SALib_problem
from SALib.analyze import sobol

import coalsim.ema

RULES = ["consensus", "majority"]


def build_model(runs: int, seed: int | None = None):
    """The EMA model: three uncertainties and the decision rule as lever,
    each named after its dotted scenario key through `variable_name`."""
    fn = coalsim.ema.Model(runs=runs, seed=seed)
    return fn.ema_model(
        "coalition",
        uncertainties=[
            RealParameter("strangers_trust", 0.2, 0.6, variable_name="trust.strangers"),
            RealParameter("shock_rate", 0.0, 0.08, variable_name="shocks.rate"),
            RealParameter("goal_size", 50.0, 120.0, variable_name="goal.size"),
        ],
        levers=[CategoricalParameter("rule", RULES, variable_name="governance.decision_rule")],
    )


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenarios", type=int, default=64, help="Saltelli base samples (a power of two)")
    p.add_argument("--runs", type=int, default=100, help="coalsim runs per experiment")
    p.add_argument("--processes", type=int, default=2, help="worker processes")
    p.add_argument("--seed", type=int, default=None, help="batch seed (default: the scenario's)")
    args = p.parse_args(argv)

    model = build_model(args.runs, args.seed)
    policies = [Policy(rule, rule=rule) for rule in RULES]
    with MultiprocessingEvaluator(model, n_processes=args.processes) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=args.scenarios,
            policies=policies,
            uncertainty_sampling=Samplers.SOBOL,
        )

    print(f"{len(experiments)} experiments x {args.runs} runs each")
    print("mean outcome per rule:")
    for rule in RULES:
        m = (experiments["policy"] == rule).to_numpy()
        print(
            f"  {rule:10s} success {outcomes['success'][m].mean():.3f}"
            f"  lifetime {outcomes['lifetime'][m].mean():5.1f} weeks"
            f"  hours/member/month {outcomes['hours_per_member'][m].mean():.2f}"
        )

    # SALib: first-order and total Sobol indices of success, per rule.
    problem = get_SALib_problem(model.uncertainties)
    indices = {}
    print("Sobol indices of success (S1 first order, ST total):")
    for rule in RULES:
        m = (experiments["policy"] == rule).to_numpy()
        si = sobol.analyze(problem, outcomes["success"][m], calc_second_order=True, seed=1)
        indices[rule] = si
        for name, s1, st in zip(problem["names"], si["S1"], si["ST"]):
            print(f"  {rule:10s} {name:16s} S1 {s1:+.2f}  ST {st:+.2f}")
    # When does the goal come? The incidence curves are array outcomes.
    curves = outcomes["incidence_goal"]
    for rule in RULES:
        m = (experiments["policy"] == rule).to_numpy()
        half = np.argmax(curves[m].mean(axis=0) >= 0.5) if (curves[m].mean(axis=0) >= 0.5).any() else None
        print(f"  {rule}: half of the coalitions reached the goal by week {half}" if half is not None
              else f"  {rule}: fewer than half reached the goal (averaged over the experiments)")
    return {"experiments": experiments, "outcomes": outcomes, "sobol": indices, "problem": problem}


if __name__ == "__main__":
    main()
