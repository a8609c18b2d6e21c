"""coalsim from Python: coalition simulations as pandas DataFrames.

The simulation runs in Rust (the same library as the ``coalsim`` command
line), with the interpreter released, on all cores. Every table is the
command line's CSV file, made by the same writers and read back exactly, so
a DataFrame holds the CLI's numbers bit for bit::

    import coalsim
    s = coalsim.Scenario.default().with_(**{"governance.decision_rule": "consensus"})
    b = coalsim.batch(s, runs=1000, seed=7)
    b.summary["success"]["estimate"]     # the share of runs that reached the goal
    b.runs.groupby("outcome").size()     # runs.csv as a DataFrame

Functions: :func:`batch`, :func:`sweep`, :func:`explore`, :func:`run`,
:func:`power`. Scenarios: :class:`Scenario`. The EMA Workbench model:
:mod:`coalsim.ema`.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from . import _coalsim

__all__ = [
    "Scenario",
    "Result",
    "BatchResult",
    "SweepResult",
    "ExploreResult",
    "RunResult",
    "batch",
    "sweep",
    "explore",
    "run",
    "power",
    "default_threads",
    "__version__",
]

__version__: str = _coalsim.VERSION

#: How ``Scenario.with_`` names itself in messages (the CLI says ``--vary``).
_WITH_ORIGIN = "Scenario.with_"


class Scenario:
    """A validated coalition scenario: a TOML file's base scenario, its
    ``[[variant]]`` tables and ``[explore]`` table, with any settings
    applied by :meth:`with_`.

    Build one with :meth:`load`, :meth:`from_toml` or :meth:`default`.
    A scenario is immutable (``with_`` returns a new one) and picklable,
    so it can be sent to multiprocessing workers.

    Errors are those of the command line: a bad file raises ``ValueError``
    with the same ``file:line:column: field: ...`` message as
    ``coalsim check``; a file that cannot be read raises
    ``FileNotFoundError`` or ``OSError``.
    """

    __slots__ = ("_file", "_name", "_text", "_settings")

    def __init__(self, _file: Any, _settings: tuple[tuple[str, Any], ...] = ()) -> None:
        # Not for users: use load, from_toml or default.
        self._file = _file
        self._name: str = _file.source_name
        self._text: str = _file.source_text
        self._settings = _settings

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Scenario:
        """Loads and validates a scenario file (TOML)."""
        return cls(_coalsim.ScenarioFile.load(os.fspath(path)))

    @classmethod
    def from_toml(cls, text: str, name: str = "<string>") -> Scenario:
        """Parses and validates scenario text; ``name`` is how messages name
        it (``<string>:3:17: governance.decision_rule: ...``). A scenario
        needs to state only what differs from the defaults."""
        return cls(_coalsim.ScenarioFile.from_toml(text, name))

    @classmethod
    def default(cls) -> Scenario:
        """The embedded default scenario (a city housing coalition), the one
        every command uses when given no file."""
        return cls(_coalsim.ScenarioFile.default())

    def with_(self, settings: Mapping[str, Any] | None = None, /, **kwargs: Any) -> Scenario:
        """A copy with settings changed, by dotted key, as ``--vary`` and
        ``[explore]`` name them::

            s.with_(**{"governance.decision_rule": "consensus",
                       "population.count": 12})
            s.with_({"agent.0.resources": 3.0})

        Values are Python values (str, int, float, bool, lists, dicts).
        Every setting is checked as the command line checks ``--vary``; a
        bad one raises ``ValueError`` naming it and what is allowed, with
        the CLI's words (``Scenario.with_: governance.decision_rule:
        unknown value `bogus`, expected one of ...``).
        """
        items: list[tuple[str, Any]] = list((settings or {}).items()) + list(kwargs.items())
        for k, _ in items:
            if not isinstance(k, str):
                raise TypeError(f"setting keys are dotted strings, not {type(k).__name__}")
        new = self._file.with_settings(_WITH_ORIGIN, items)
        return Scenario(new, self._settings + tuple(items))

    @property
    def name(self) -> str:
        """The scenario's ``name``."""
        return self._file.name

    @property
    def source(self) -> str:
        """Where it was read from: the path, ``<string>`` or
        ``<embedded default scenario>``."""
        return self._name

    @property
    def text(self) -> str:
        """The TOML text it was read from (before any ``with_``)."""
        return self._text

    @property
    def settings(self) -> dict[str, Any]:
        """The settings applied by ``with_``, by dotted key."""
        return dict(self._settings)

    @property
    def seed(self) -> int:
        """The scenario's ``seed``: the default seed of every function."""
        return self._file.seed

    @property
    def max_rounds(self) -> int:
        """The round limit (weeks)."""
        return self._file.max_rounds

    @property
    def variants(self) -> list[str]:
        """The names of the file's ``[[variant]]`` tables."""
        return self._file.variants

    def to_toml(self) -> str:
        """The fully resolved base scenario as TOML (what ``coalsim check``
        prints), every default filled in."""
        return self._file.resolved_toml()

    def __repr__(self) -> str:
        extra = f", settings={self.settings!r}" if self._settings else ""
        return f"Scenario({self.name!r} from {self._name!r}{extra})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scenario):
            return NotImplemented
        return (self._name, self._text, self._settings) == (other._name, other._text, other._settings)

    def __hash__(self) -> int:
        return hash((self._name, self._text, repr(self._settings)))

    def __getstate__(self) -> tuple[str, str, tuple[tuple[str, Any], ...]]:
        return (self._name, self._text, self._settings)

    def __setstate__(self, state: tuple[str, str, tuple[tuple[str, Any], ...]]) -> None:
        name, text, settings = state
        f = _coalsim.ScenarioFile.from_toml(text, name)
        if settings:
            f = f.with_settings(_WITH_ORIGIN, list(settings))
        self._file = f
        self._name = name
        self._text = text
        self._settings = settings


def _scenario(s: Scenario | str | os.PathLike[str] | None) -> Scenario:
    if s is None:
        return Scenario.default()
    if isinstance(s, Scenario):
        return s
    if isinstance(s, (str, os.PathLike)):
        return Scenario.load(s)
    raise TypeError(f"scenario: a coalsim.Scenario, a path or None, not {type(s).__name__}")


def default_threads() -> int | None:
    """The thread count used when ``threads=None``: ``None`` (all cores) in
    the main process, 1 inside a multiprocessing worker (a process pool
    already uses the cores; one thread per worker avoids oversubscription)."""
    if multiprocessing.parent_process() is not None:
        return 1
    return None


def _threads(threads: int | None) -> int | None:
    return default_threads() if threads is None else int(threads)


_MAX_SEED = 2**64 - 1


def _seed(seed: int | None) -> int | None:
    if seed is None:
        return None
    if not 0 <= int(seed) <= _MAX_SEED:
        raise ValueError(f"seed={seed}; allowed: a whole number from 0 to {_MAX_SEED}")
    return int(seed)


# Rust prints every float in its shortest round-trip form; read back with
# a correctly rounded parser, each value is the very f64 the simulation
# computed. pandas 3 parses floats exactly by default (and deprecates the
# option); before 3, "round_trip" uses Python's float().
_FLOAT_PRECISION: dict[str, Any] = (
    {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
)


def _read_csv(data: bytes) -> pd.DataFrame:
    # An empty cell (an interval from one run, a round a run never reached)
    # is NaN; no other text is taken for missing (a variant may be named
    # "NA").
    return pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values=[""], **_FLOAT_PRECISION)


class Result:
    """The files of one command, as the command line writes them.

    Each CSV file is a ``pandas.DataFrame`` attribute (read once, on first
    use); ``summary`` is ``summary.json`` as a dict. :meth:`csv` gives the
    file's exact bytes (``polars.read_csv(r.csv("runs.csv"))`` needs no
    pyarrow), :meth:`to_arrow` a ``pyarrow.Table``, :meth:`save` writes
    the files into a folder.
    """

    _names: tuple[str, ...] = ()

    def __init__(self, files: dict[str, bytes]) -> None:
        self._files = files
        self._frames: dict[str, pd.DataFrame] = {}

    @property
    def files(self) -> list[str]:
        """The file names, in the order the command line lists them."""
        return list(self._files)

    def csv(self, name: str) -> bytes:
        """The exact bytes of ``name`` (e.g. ``"runs.csv"``) as the
        command line writes it."""
        try:
            return self._files[name]
        except KeyError:
            raise KeyError(f"{name!r}; allowed: {', '.join(map(repr, self._files))}") from None

    def table(self, name: str) -> pd.DataFrame:
        """The CSV file ``name`` (``"runs"`` or ``"runs.csv"``) as a
        DataFrame."""
        if not name.endswith(".csv"):
            name += ".csv"
        if name not in self._frames:
            self._frames[name] = _read_csv(self.csv(name))
        return self._frames[name]

    @property
    def summary(self) -> dict[str, Any]:
        """``summary.json`` as a dict (``None`` where the file has null:
        an interval from one run, a median never reached)."""
        return json.loads(self._files["summary.json"])

    def to_arrow(self, name: str) -> Any:
        """The CSV file ``name`` as a ``pyarrow.Table`` (the DataFrame's
        values). Needs ``pyarrow`` (``pip install pyarrow``)."""
        try:
            import pyarrow as pa
        except ImportError as e:  # pragma: no cover - depends on the machine
            raise ImportError(
                "to_arrow needs pyarrow (pip install pyarrow); without it, "
                "polars.read_csv(result.csv(name)) reads the same table"
            ) from e
        return pa.Table.from_pandas(self.table(name), preserve_index=False)

    def save(self, directory: str | os.PathLike[str]) -> list[str]:
        """Writes the files into ``directory`` (created if missing), byte
        for byte what the command line writes (without its plots and
        manifest); returns the paths."""
        os.makedirs(directory, exist_ok=True)
        out = []
        for name, data in self._files.items():
            path = os.path.join(directory, name)
            tmp = path + ".partial"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
            out.append(path)
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(self._files)})"


class BatchResult(Result):
    """What :func:`batch` returns: the files of ``coalsim batch``."""

    @property
    def runs(self) -> pd.DataFrame:
        """``runs.csv``: one row per run (``run``, ``seed``, ``stream``,
        then every run outcome), in run order."""
        return self.table("runs.csv")

    @property
    def rounds(self) -> pd.DataFrame:
        """``rounds.csv``: per round and measure, mean, sd and 95% interval
        over the runs still going."""
        return self.table("rounds.csv")

    @property
    def incidence(self) -> pd.DataFrame:
        """``incidence.csv``: cumulative incidence of each ending by round."""
        return self.table("incidence.csv")

    @property
    def survival(self) -> pd.DataFrame:
        """``survival.csv``: the Kaplan–Meier lifetime table."""
        return self.table("survival.csv")


class SweepResult(Result):
    """What :func:`sweep` returns: the files of ``coalsim sweep``."""

    @property
    def runs(self) -> pd.DataFrame:
        """``runs.csv``: one row per variant and run."""
        return self.table("runs.csv")

    @property
    def rounds(self) -> pd.DataFrame:
        """``rounds.csv``: a batch's rounds table per variant."""
        return self.table("rounds.csv")

    @property
    def incidence(self) -> pd.DataFrame:
        """``incidence.csv``: cumulative incidence per variant."""
        return self.table("incidence.csv")

    @property
    def survival(self) -> pd.DataFrame:
        """``survival.csv``: Kaplan–Meier lifetime table per variant."""
        return self.table("survival.csv")

    @property
    def variants(self) -> pd.DataFrame:
        """``variants.csv``: each variant's measures with intervals."""
        return self.table("variants.csv")

    @property
    def comparison(self) -> pd.DataFrame:
        """``comparison.csv``: each variant against the baseline (the
        first), paired differences with common random numbers."""
        return self.table("comparison.csv")


class ExploreResult(Result):
    """What :func:`explore` returns: the files of ``coalsim explore``."""

    @property
    def samples(self) -> pd.DataFrame:
        """``samples.csv``: every design point under every policy."""
        return self.table("samples.csv")

    @property
    def robustness(self) -> pd.DataFrame:
        """``robustness.csv``: mean, worst decile, regret and satisficing
        per policy and measure."""
        return self.table("robustness.csv")

    @property
    def prim(self) -> pd.DataFrame:
        """``prim.csv``: boxes of the inputs (PRIM's where each policy is best and where it falls short; the box search's where it leads the others)."""
        return self.table("prim.csv")

    @property
    def sensitivity(self) -> pd.DataFrame:
        """``sensitivity.csv``: sensitivity indices of each uncertainty."""
        return self.table("sensitivity.csv")


class RunResult(Result):
    """What :func:`run` returns: the files of ``coalsim run``."""

    @property
    def rounds(self) -> pd.DataFrame:
        """``rounds.csv``: the coalition round by round."""
        return self.table("rounds.csv")

    @property
    def events(self) -> pd.DataFrame:
        """``events.csv``: every event (joins, decisions, exits, shocks...)."""
        return self.table("events.csv")


def batch(
    scenario: Scenario | str | os.PathLike[str] | None = None,
    runs: int = 1000,
    seed: int | None = None,
    threads: int | None = None,
) -> BatchResult:
    """Monte Carlo replications of one scenario: ``coalsim batch``.

    Run ``i`` uses the random stream ``(seed, i)``; ``seed`` defaults to
    the scenario's. The tables are the command line's files for the same
    scenario, seed and runs, bit for bit, whatever ``threads`` is
    (default: all cores; 1 inside a multiprocessing worker).
    """
    s = _scenario(scenario)
    return BatchResult(_coalsim.batch(s._file, int(runs), _seed(seed), _threads(threads)))


def _value_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _values_text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, (Sequence, range)) or hasattr(v, "tolist"):
        items = v.tolist() if hasattr(v, "tolist") else list(v)
        return ",".join(_value_text(x) for x in items)
    return _value_text(v)


def sweep(
    scenario: Scenario | str | os.PathLike[str] | None = None,
    vary: Mapping[str, Any] | None = None,
    runs: int = 1000,
    seed: int | None = None,
    threads: int | None = None,
) -> SweepResult:
    """Variants compared with common random numbers: ``coalsim sweep``.

    ``vary`` maps dotted keys to values, as ``--vary KEY=VALUES``::

        coalsim.sweep(s, vary={"governance.decision_rule": ["consensus", "majority"],
                               "governance.checkin_every": "0..8:4"})

    A list gives the values; a string is read as the command line reads it
    (``"consensus,majority"``, ``"0..8:4"``). Several keys make a grid
    (the first combination is the baseline). Without ``vary``, the file's
    ``[[variant]]`` tables are compared. Errors carry the CLI's message.
    """
    s = _scenario(scenario)
    args = [f"{k}={_values_text(v)}" for k, v in (vary or {}).items()]
    return SweepResult(_coalsim.sweep(s._file, args, int(runs), _seed(seed), _threads(threads)))


def _range_text(v: Any) -> str:
    if isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
        return f"{_value_text(v[0])}..{_value_text(v[1])}"
    return _values_text(v)


def explore(
    scenario: Scenario | str | os.PathLike[str] | None = None,
    uncertain: Mapping[str, Any] | None = None,
    policy: Mapping[str, Any] | None = None,
    runs: int = 50,
    design: str = "lhs",
    samples: int | None = None,
    seed: int | None = None,
    threads: int | None = None,
    satisfice: float = 0.6,
) -> ExploreResult:
    """Which policy is robust when the coalition's numbers are uncertain:
    ``coalsim explore``.

    ``uncertain`` maps dotted keys to a ``(low, high)`` tuple (uniform;
    whole numbers when both ends are ints) or a list of values (each
    equally likely); ``policy`` maps dotted keys to the candidate values.
    Either defaults to the scenario's ``[explore]`` table. ``design`` is
    ``"lhs"``, ``"sobol"``, ``"saltelli"`` or ``"morris"``.
    """
    s = _scenario(scenario)
    unc = [f"{k}={_range_text(v)}" for k, v in (uncertain or {}).items()]
    pol = [f"{k}={_values_text(v)}" for k, v in (policy or {}).items()]
    return ExploreResult(
        _coalsim.explore(
            s._file,
            unc,
            pol,
            int(runs),
            design,
            samples,
            _seed(seed),
            _threads(threads),
            float(satisfice),
        )
    )


def run(
    scenario: Scenario | str | os.PathLike[str] | None = None,
    seed: int | None = None,
    run: int = 0,
    variant: str | None = None,
) -> RunResult:
    """One run with its events: ``coalsim run``. ``(seed, run)`` replays
    row ``run`` of a batch with that seed (its ``seed`` and ``stream``
    columns)."""
    s = _scenario(scenario)
    return RunResult(_coalsim.run(s._file, _seed(seed), int(run), variant))


def power(weights: Sequence[int], quota: int, veto: Sequence[int] | None = None) -> pd.DataFrame:
    """Shapley–Shubik and Banzhaf power indices of a weighted voting game:
    ``coalsim power --format csv``. Players are numbered from 1 (as on the
    command line); ``veto`` lists veto players by number. The exact indices
    are given as fractions in the ``*_exact`` columns."""
    cols = _coalsim.power([int(w) for w in weights], int(quota), None if veto is None else [int(p) for p in veto])
    return pd.DataFrame(cols)
