"""coalsim as an EMA Workbench model (exploratory modelling, TU Delft).

:class:`Model` is a picklable callable: EMA Workbench calls it with an
experiment's uncertainties and levers as keyword arguments named by their
dotted scenario keys (give each parameter ``variable_name="trust.strangers"``,
or name it ``trust__strangers``: a double underscore stands for a dot), plus
``runs`` and ``seed`` when the experiment sets them. It runs a
:func:`coalsim.batch` and returns the scalar outcomes and the incidence
curves::

    from ema_workbench import CategoricalParameter, RealParameter
    import coalsim.ema

    fn = coalsim.ema.Model(runs=200)
    model = fn.ema_model(
        "coalition",
        uncertainties=[RealParameter("strangers", 0.2, 0.6, variable_name="trust.strangers")],
        levers=[CategoricalParameter("rule", ["consensus", "majority"],
                                     variable_name="governance.decision_rule")],
    )

Inside a multiprocessing evaluator's worker each batch uses one thread
(see :func:`coalsim.default_threads`).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from . import Scenario, _scenario, batch

__all__ = ["Model", "SCALAR_OUTCOMES", "ARRAY_OUTCOMES", "outcomes_of"]

#: The scalar outcomes every batch gives ("welfare" is added when the
#: model's summary reports it).
SCALAR_OUTCOMES: tuple[str, ...] = (
    "success",
    "lifetime",
    "hours_per_member",
    "share_goal",
    "share_sunset",
    "share_dissolved",
    "share_still_going",
)
#: The array outcomes: cumulative incidence of each ending at rounds
#: 0..max_rounds.
ARRAY_OUTCOMES: tuple[str, ...] = ("incidence_goal", "incidence_sunset", "incidence_dissolved")


def _welfare(summary: dict[str, Any]) -> float | None:
    w = summary.get("welfare")
    if w is None:
        return None
    if isinstance(w, dict):
        w = w.get("mean", w.get("estimate"))
    return None if w is None else float(w)


def outcomes_of(result: Any, max_rounds: int) -> dict[str, Any]:
    """The outcomes of a :class:`coalsim.BatchResult`, as :class:`Model`
    returns them:

    - ``success``: share of runs that reached the goal;
    - ``lifetime``: mean rounds a run lasted (a run still going at the
      round limit counts as the limit);
    - ``hours_per_member``: mean maintenance hours per member per month;
    - ``share_goal``, ``share_sunset``, ``share_dissolved``,
      ``share_still_going``: how the runs stood at the round limit
      (cumulative incidence; they add up to 1);
    - ``welfare``: the summary's welfare, when the model reports one;
    - ``incidence_goal``, ``incidence_sunset``, ``incidence_dissolved``:
      arrays of the cumulative incidence at rounds 0..max_rounds.
    """
    s = result.summary
    out: dict[str, Any] = {
        "success": float(s["success"]["estimate"]),
        "lifetime": float(s["mean_rounds"]["mean"]),
        "hours_per_member": float(s["hours_per_member_month"]["mean"]),
    }
    for e in s["endings"]:
        out[f"share_{e['ending']}"] = float(e["incidence"])
    w = _welfare(s)
    if w is not None:
        out["welfare"] = w
    inc = result.incidence
    for ending in ("goal", "sunset", "dissolved"):
        rows = inc[inc["ending"] == ending]
        curve = np.zeros(max_rounds + 1)
        # A step function: the incidence holds from its round until the next.
        for r, x in zip(rows["round"].to_numpy(), rows["incidence"].to_numpy()):
            if 0 <= r <= max_rounds:
                curve[int(r) :] = x
        out[f"incidence_{ending}"] = curve
    return out


def _key(name: str) -> str:
    return name.replace("__", ".")


class Model:
    """A picklable callable for EMA Workbench: keyword arguments by dotted
    scenario key (``"governance.decision_rule"``, or
    ``governance__decision_rule``) set the scenario; ``runs`` and ``seed``
    set the batch. Returns a dict of the outcomes :func:`outcomes_of`
    describes.

    ``scenario`` is a :class:`coalsim.Scenario`, a path or ``None`` (the
    embedded default); ``runs`` and ``seed`` are the defaults of each call
    (``seed=None``: the scenario's seed, so every experiment sees the same
    random streams: common random numbers across experiments).
    """

    def __init__(
        self,
        scenario: Scenario | str | os.PathLike[str] | None = None,
        runs: int = 100,
        seed: int | None = None,
        threads: int | None = None,
    ) -> None:
        self.scenario = _scenario(scenario)
        self.runs = int(runs)
        self.seed = seed
        self.threads = threads

    def __call__(self, runs: int | None = None, seed: int | None = None, **params: Any) -> dict[str, Any]:
        settings = {_key(k): _plain(v) for k, v in params.items()}
        s = self.scenario.with_(settings) if settings else self.scenario
        b = batch(
            s,
            runs=self.runs if runs is None else int(runs),
            seed=self.seed if seed is None else int(seed),
            threads=self.threads,
        )
        return outcomes_of(b, s.max_rounds)

    def outcome_names(self) -> list[str]:
        """The names of the outcomes a call returns (scalars, then arrays)."""
        probe = batch(self.scenario, runs=2, seed=0, threads=1)
        scalars = [k for k in outcomes_of(probe, self.scenario.max_rounds) if not k.startswith("incidence_")]
        return scalars + list(ARRAY_OUTCOMES)

    def outcomes(self) -> list[Any]:
        """EMA Workbench outcomes: a ``ScalarOutcome`` per scalar and an
        ``ArrayOutcome`` per incidence curve."""
        from ema_workbench import ArrayOutcome, ScalarOutcome

        names = self.outcome_names()
        return [ArrayOutcome(n) if n.startswith("incidence_") else ScalarOutcome(n) for n in names]

    def ema_model(
        self,
        name: str = "coalsim",
        uncertainties: list[Any] | None = None,
        levers: list[Any] | None = None,
        constants: list[Any] | None = None,
    ) -> Any:
        """An ``ema_workbench.Model`` calling this function, with its
        outcomes set."""
        from ema_workbench import Model as EmaModel

        m = EmaModel(name, function=self)
        m.uncertainties = uncertainties or []
        m.levers = levers or []
        if constants:
            m.constants = constants
        m.outcomes = self.outcomes()
        return m

    def __repr__(self) -> str:
        return f"coalsim.ema.Model({self.scenario!r}, runs={self.runs}, seed={self.seed})"


def _plain(v: Any) -> Any:
    # numpy scalars (what EMA samples) as Python values.
    if hasattr(v, "item") and not isinstance(v, (list, tuple, dict, str)):
        return v.item()
    return v
