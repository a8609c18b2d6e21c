//! `coalsim._coalsim`: the compiled part of the Python package `coalsim`.
//!
//! Every function here returns the files the command line would write, as
//! bytes, made by the very writers the command line uses (`runs.csv` with
//! the same serde rows, the other tables through the same `write_rows` and
//! comparison writers, `summary.json` through the same serde types). The
//! Python layer (`python/coalsim/__init__.py`) turns them into pandas
//! DataFrames and dicts, so a DataFrame holds the CLI's numbers bit for bit
//! (every float is printed in its shortest round-trip form and read back
//! with a correctly rounded parser).
//!
//! The simulation runs with the interpreter released (`Python::detach`):
//! other Python threads keep running while a batch computes.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use coalsim_core::engine::{RunSummary, Simulation};
use coalsim_core::power::WeightedGame;
use coalsim_core::scenario::{ScenarioError, ScenarioFile, Source};
use coalsim_core::study::batch::{
    BatchConfig, BatchError, BatchSink, BatchSummary, RunId, incidence_rows, round_rows, run_batch,
    survival_rows,
};
use coalsim_core::study::compare::{CompareConfig, compare_range};
use coalsim_core::study::explore::report::{Exploration, analyse};
use coalsim_core::study::explore::run::{DesignKind, simulate};
use coalsim_core::study::explore::{parse_policy, parse_uncertain};
use coalsim_report::comparison::{
    RunsWriter, write_comparison, write_incidence, write_rounds, write_survival, write_variants,
};
use coalsim_report::tables::{EventRow, write_rows};

/// The files of one command: file name -> bytes, in the order written.
type Files = Vec<(&'static str, Vec<u8>)>;

/// A loaded, validated scenario file (its base scenario, `[[variant]]`s
/// and `[explore]` table), with any settings applied.
#[pyclass(frozen, module = "coalsim._coalsim", name = "ScenarioFile")]
struct PyScenarioFile {
    file: ScenarioFile,
}

fn scenario_error(e: ScenarioError) -> PyErr {
    let text = format!("{:#}", anyhow::Error::from(e));
    PyValueError::new_err(text)
}

fn load_error(e: ScenarioError) -> PyErr {
    match &e {
        ScenarioError::Io { source, .. } => {
            let not_found = source.kind() == std::io::ErrorKind::NotFound;
            let text = format!("{:#}", anyhow::Error::from(e));
            if not_found {
                PyFileNotFoundError::new_err(text)
            } else {
                PyOSError::new_err(text)
            }
        }
        _ => scenario_error(e),
    }
}

/// The message the command line prints after `error: `.
fn value_error(e: anyhow::Error) -> PyErr {
    PyValueError::new_err(format!("{e:#}"))
}

/// A Python value as a TOML value (what a scenario file would say).
fn to_toml(key: &str, v: &Bound<'_, PyAny>) -> PyResult<toml::Value> {
    if v.is_instance_of::<PyBool>() {
        return Ok(toml::Value::Boolean(v.extract()?));
    }
    if v.is_instance_of::<PyInt>() {
        let x: i64 = v.extract().map_err(|_| {
            PyValueError::new_err(format!(
                "{key}: {v} does not fit a TOML integer (-2^63 to 2^63 - 1)"
            ))
        })?;
        return Ok(toml::Value::Integer(x));
    }
    if v.is_instance_of::<PyFloat>() {
        return Ok(toml::Value::Float(v.extract()?));
    }
    if v.is_instance_of::<PyString>() {
        return Ok(toml::Value::String(v.extract()?));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for item in v.try_iter()? {
            out.push(to_toml(key, &item?)?);
        }
        return Ok(toml::Value::Array(out));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut t = toml::Table::new();
        for (k, x) in d.iter() {
            let k: String = k.extract()?;
            let x = to_toml(&format!("{key}.{k}"), &x)?;
            t.insert(k, x);
        }
        return Ok(toml::Value::Table(t));
    }
    // Numbers from numpy and friends: whatever says it is an int or a float.
    if let Ok(x) = v.call_method0("__index__").and_then(|i| i.extract::<i64>()) {
        return Ok(toml::Value::Integer(x));
    }
    if let Ok(x) = v.call_method0("__float__").and_then(|f| f.extract::<f64>()) {
        return Ok(toml::Value::Float(x));
    }
    Err(PyValueError::new_err(format!(
        "{key}: a value of type {} cannot go in a scenario; allowed: str, int, float, bool, a list of these, or a dict",
        v.get_type().name()?
    )))
}

#[pymethods]
impl PyScenarioFile {
    /// Loads a scenario file (TOML) from `path`.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<PyScenarioFile> {
        let file = py
            .detach(|| ScenarioFile::open(Some(&path)))
            .map_err(load_error)?;
        Ok(PyScenarioFile { file })
    }

    /// Parses scenario text; `name` is how messages name it.
    #[staticmethod]
    fn from_toml(text: String, name: String) -> PyResult<PyScenarioFile> {
        let file = ScenarioFile::load(Source { name, text }).map_err(scenario_error)?;
        Ok(PyScenarioFile { file })
    }

    /// The embedded default scenario.
    #[staticmethod]
    fn default() -> PyResult<PyScenarioFile> {
        let file = ScenarioFile::open(None).map_err(scenario_error)?;
        Ok(PyScenarioFile { file })
    }

    /// A copy with `settings` (dotted key, value) applied to the base
    /// scenario; `origin` names them in messages.
    fn with_settings(
        &self,
        origin: &str,
        settings: Vec<(String, Bound<'_, PyAny>)>,
    ) -> PyResult<PyScenarioFile> {
        let overrides = settings
            .iter()
            .map(|(k, v)| Ok((k.clone(), to_toml(k, v)?)))
            .collect::<PyResult<Vec<_>>>()?;
        let file = self
            .file
            .with_settings(origin, &overrides)
            .map_err(scenario_error)?;
        Ok(PyScenarioFile { file })
    }

    /// The file's name as messages give it (a path, or
    /// `<embedded default scenario>`).
    #[getter]
    fn source_name(&self) -> &str {
        &self.file.source.name
    }

    /// The text the scenario was read from.
    #[getter]
    fn source_text(&self) -> &str {
        &self.file.source.text
    }

    /// The scenario's `name`.
    #[getter]
    fn name(&self) -> &str {
        &self.file.base.name
    }

    /// The scenario's `seed` (the default seed of every command).
    #[getter]
    fn seed(&self) -> u64 {
        self.file.base.seed
    }

    /// The scenario's `max_rounds`.
    #[getter]
    fn max_rounds(&self) -> u32 {
        self.file.base.max_rounds
    }

    /// The names of the file's `[[variant]]`s.
    #[getter]
    fn variants(&self) -> Vec<String> {
        self.file
            .base
            .variant
            .iter()
            .map(|v| v.name.clone())
            .collect()
    }

    /// The fully resolved base scenario as TOML (what `coalsim check` prints).
    fn resolved_toml(&self) -> String {
        self.file.base.to_toml()
    }
}

/// Runs `work` without the GIL on a helper thread while this thread waits,
/// checking for Ctrl-C every 50 ms (only the main thread sees signals).
/// On a signal `work`'s `cancel` flag is raised, `work` stops at its next
/// check (between chunks of runs), and the signal's exception
/// (`KeyboardInterrupt`) is raised.
fn without_gil<T: Send>(py: Python<'_>, work: impl FnOnce(&AtomicBool) -> T + Send) -> PyResult<T> {
    let cancel = AtomicBool::new(false);
    py.detach(|| {
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::channel();
            let flag = &cancel;
            scope.spawn(move || {
                let _ = tx.send(work(flag));
            });
            let mut signal: Option<PyErr> = None;
            loop {
                match rx.recv_timeout(Duration::from_millis(50)) {
                    Ok(out) => return signal.map_or(Ok(out), Err),
                    Err(RecvTimeoutError::Timeout) => {
                        if signal.is_none()
                            && let Err(e) = Python::attach(|py| py.check_signals())
                        {
                            cancel.store(true, Ordering::Relaxed);
                            signal = Some(e);
                        }
                    }
                    Err(RecvTimeoutError::Disconnected) => {
                        return Err(PyRuntimeError::new_err(
                            "internal: the simulation thread stopped without a result",
                        ));
                    }
                }
            }
        })
    })
}

/// Why a batch stopped early.
enum Stop {
    Csv(csv::Error),
    Cancelled,
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Csv(e) => write!(f, "cannot write runs.csv: {e}"),
            Stop::Cancelled => write!(f, "interrupted"),
        }
    }
}

/// `runs.csv` of a batch, in memory, exactly as `coalsim batch` streams it.
struct MemorySink<'a> {
    seed: u64,
    csv: csv::Writer<Vec<u8>>,
    cancel: &'a AtomicBool,
}

impl BatchSink for MemorySink<'_> {
    type Error = Stop;
    fn accept(&mut self, run: u64, summary: &RunSummary) -> Result<(), Stop> {
        self.csv
            .serialize((RunId::new(run, self.seed), summary))
            .map_err(Stop::Csv)
    }

    fn folded(&mut self, _state: &coalsim_core::study::batch::FoldState) -> Result<(), Stop> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(Stop::Cancelled)
        } else {
            Ok(())
        }
    }
}

fn table<T: serde::Serialize>(rows: &[T]) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    write_rows(&mut buf, rows)?;
    Ok(buf)
}

fn json<T: serde::Serialize>(value: &T) -> anyhow::Result<Vec<u8>> {
    Ok(format!("{}\n", serde_json::to_string_pretty(value)?).into_bytes())
}

fn to_py(py: Python<'_>, files: Files) -> PyResult<Py<PyDict>> {
    let d = PyDict::new(py);
    for (name, bytes) in files {
        d.set_item(name, PyBytes::new(py, &bytes))?;
    }
    Ok(d.unbind())
}

fn check_threads(threads: Option<usize>) -> PyResult<()> {
    match threads {
        Some(t) if !(1..=1024).contains(&t) => Err(PyValueError::new_err(format!(
            "threads={t}; allowed: 1 to 1024, or None for all cores"
        ))),
        _ => Ok(()),
    }
}

fn check_runs(runs: u64, max: u64) -> PyResult<()> {
    if (1..=max).contains(&runs) {
        Ok(())
    } else {
        Err(PyValueError::new_err(format!(
            "runs={runs}; allowed: a whole number from 1 to {max}"
        )))
    }
}

/// `coalsim batch`: runs.csv, rounds.csv, incidence.csv, survival.csv and
/// summary.json as bytes.
#[pyfunction]
#[pyo3(signature = (scenario, runs, seed=None, threads=None))]
fn batch(
    py: Python<'_>,
    scenario: &PyScenarioFile,
    runs: u64,
    seed: Option<u64>,
    threads: Option<usize>,
) -> PyResult<Py<PyDict>> {
    check_runs(runs, 1_000_000_000)?;
    check_threads(threads)?;
    let s = &scenario.file.base;
    let files = without_gil(py, |cancel| -> anyhow::Result<Files> {
        let mut cfg = BatchConfig::new(runs, seed.unwrap_or(s.seed));
        cfg.threads = threads;
        let mut sink = MemorySink {
            seed: cfg.seed,
            csv: csv::WriterBuilder::new()
                .has_headers(true)
                .from_writer(Vec::new()),
            cancel,
        };
        let result = run_batch(s, &cfg, &mut sink, |_| {}).map_err(|e| match e {
            BatchError::Sink(Stop::Csv(e)) => anyhow::anyhow!("cannot write runs.csv: {e}"),
            other => anyhow::anyhow!("{other}"),
        })?;
        let runs_csv = sink
            .csv
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write runs.csv: {}", e.error()))?;
        let a = &result.aggregates;
        Ok(vec![
            ("runs.csv", runs_csv),
            ("rounds.csv", table(&round_rows(a))?),
            ("incidence.csv", table(&incidence_rows(a))?),
            ("survival.csv", table(&survival_rows(a))?),
            ("summary.json", json(&BatchSummary::of(s, &result))?),
        ])
    })?
    .map_err(value_error)?;
    to_py(py, files)
}

/// `coalsim sweep`: `vary` holds `--vary` arguments (`KEY=V1,V2,...` or
/// `KEY=START..END:STEP`); empty means the file's `[[variant]]`s.
#[pyfunction]
#[pyo3(signature = (scenario, vary, runs, seed=None, threads=None))]
fn sweep(
    py: Python<'_>,
    scenario: &PyScenarioFile,
    vary: Vec<String>,
    runs: u64,
    seed: Option<u64>,
    threads: Option<usize>,
) -> PyResult<Py<PyDict>> {
    check_runs(runs, 10_000_000)?;
    check_threads(threads)?;
    let file = &scenario.file;
    let files = without_gil(py, |cancel| -> anyhow::Result<Files> {
        let varies = vary
            .iter()
            .map(|v| coalsim_core::study::sweep::parse_vary(v))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let arms = coalsim_core::study::sweep::arms(file, &varies)?;
        let cfg = CompareConfig {
            runs,
            seed: seed.unwrap_or(file.base.seed),
            chunk: 256,
        };
        // As `coalsim sweep` names its grid in summary.json.
        let rule = coalsim_report::charts::RULE_KEY;
        let grid = match varies.len() {
            2 => Some(varies.iter().map(|v| v.key.clone()).collect()),
            3 if varies.iter().any(|v| v.key == rule) => {
                let mut keys: Vec<String> = varies
                    .iter()
                    .filter(|v| v.key != rule)
                    .map(|v| v.key.clone())
                    .collect();
                keys.push(rule.to_string());
                Some(keys)
            }
            _ => None,
        };
        let pool = {
            let mut b = rayon::ThreadPoolBuilder::new();
            if let Some(t) = threads {
                b = b.num_threads(t);
            }
            b.build()
                .map_err(|e| anyhow::anyhow!("cannot start the thread pool: {e}"))?
        };
        let names: Vec<String> = arms.iter().map(|a| a.name.clone()).collect();
        let mut writer = RunsWriter::new(Vec::new());
        let mut write_error: Option<csv::Error> = None;
        let result = pool.install(|| {
            compare_range(
                &arms,
                &cfg,
                0..cfg.runs,
                |run, arm, s| {
                    if write_error.is_none()
                        && let Err(e) = writer.push(&names[arm], run, cfg.seed, s)
                    {
                        write_error = Some(e);
                    }
                },
                |_, _| {},
                |_| !cancel.load(Ordering::Relaxed),
            )
        });
        if let Some(e) = write_error {
            return Err(anyhow::anyhow!("runs.csv: {e}"));
        }
        let c = result.ok_or_else(|| anyhow::anyhow!("internal: a comparison stopped early"))?;
        let mut files: Files = vec![("runs.csv", writer.into_inner())];
        type Writer =
            fn(&mut Vec<u8>, &coalsim_core::study::compare::Comparison) -> csv::Result<()>;
        let tables: [(&'static str, Writer); 5] = [
            ("rounds.csv", |o, c| write_rounds(o, c)),
            ("incidence.csv", |o, c| write_incidence(o, c)),
            ("survival.csv", |o, c| write_survival(o, c)),
            ("variants.csv", |o, c| write_variants(o, c)),
            ("comparison.csv", |o, c| write_comparison(o, c)),
        ];
        for (name, write) in tables {
            let mut buf = Vec::new();
            write(&mut buf, &c).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            files.push((name, buf));
        }
        // The grid's keys in plain words, as the command line writes them.
        let labels = file.key_labels(grid.iter().flatten());
        let mut summary = coalsim_report::sweep::summary_json(&c, &file.base.name, grid);
        coalsim_report::sweep::add_labels(&mut summary, &labels);
        files.push(("summary.json", json(&summary)?));
        Ok(files)
    })?
    .map_err(value_error)?;
    to_py(py, files)
}

/// `coalsim explore`: samples.csv, robustness.csv, prim.csv,
/// sensitivity.csv and summary.json as bytes. `uncertain` and `policy` are
/// `--uncertain` and `--policy` arguments; empty means the file's
/// `[explore]` table.
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (scenario, uncertain, policy, runs, design, samples=None, seed=None, threads=None, satisfice=0.6))]
fn explore(
    py: Python<'_>,
    scenario: &PyScenarioFile,
    uncertain: Vec<String>,
    policy: Vec<String>,
    runs: u64,
    design: &str,
    samples: Option<usize>,
    seed: Option<u64>,
    threads: Option<usize>,
    satisfice: f64,
) -> PyResult<Py<PyDict>> {
    check_runs(runs, 1_000_000)?;
    check_threads(threads)?;
    let design = match design {
        "lhs" => DesignKind::Lhs,
        "sobol" => DesignKind::Sobol,
        "saltelli" => DesignKind::Saltelli,
        "morris" => DesignKind::Morris,
        other => {
            return Err(PyValueError::new_err(format!(
                "design='{other}'; allowed: 'lhs', 'sobol', 'saltelli', 'morris'"
            )));
        }
    };
    if let Some(n) = samples
        && !(2..=1_000_000).contains(&n)
    {
        return Err(PyValueError::new_err(format!(
            "samples={n}; allowed: 2 to 1000000"
        )));
    }
    let file = &scenario.file;
    let files = py
        .detach(|| -> anyhow::Result<Files> {
            // The steps of `coalsim explore` (src/cli/explore.rs, `setup`),
            // with the same messages.
            if !(0.0..=1.0).contains(&satisfice) {
                anyhow::bail!("satisfice={satisfice}: a success probability; allowed: 0 to 1");
            }
            let ask = coalsim_core::study::explore::setup::Ask {
                uncertain: uncertain
                    .iter()
                    .map(|t| parse_uncertain(t))
                    .collect::<anyhow::Result<Vec<_>>>()?,
                uncertain_origin: "--uncertain".into(),
                policy: policy
                    .iter()
                    .map(|t| parse_policy(t))
                    .collect::<anyhow::Result<Vec<_>>>()?,
                policy_origin: "--policy".into(),
                no_uncertain: "nothing is uncertain: give uncertain={KEY: (LO, HI)} (e.g. {'trust.strangers': (0.2, 0.6)}) or an [explore.uncertain] table in the scenario".into(),
                no_policy: "no policies to compare: give policy={KEY: [V1, V2, ...]} (e.g. {'governance.decision_rule': ['consensus', 'majority']}) or an [explore.policy] table in the scenario".into(),
                design,
                samples,
                seed,
                max_runs: runs,
            };
            let st = coalsim_core::study::explore::setup::setup(file.clone(), ask)?;
            let (seed, all) = (st.seed, &st.all);
            let sums = simulate(all, runs, seed, threads, |_| {})?;
            let ex = Exploration {
                scenario: file.base.name.clone(),
                runs,
                seed,
                satisfice,
                // The command line's default `--precision`: with the runs
                // given, `coalsim explore --runs R` reads the same files.
                precision: 0.02,
                uncertainties: st.unc,
                policies: st.pols,
                plan: st.plan,
                cells: coalsim_core::study::explore::run::means(&sums, runs),
                hits: sums.into_iter().map(|c| c.hits).collect(),
            };
            let report = analyse(&ex);
            // The writer of the command line's files, into a folder that is
            // removed when done.
            let dir = tempfile::tempdir()?;
            coalsim_report::explore::write_all(dir.path(), &ex, &report)?;
            let mut files: Files = Vec::new();
            for name in coalsim_report::explore::FILES {
                files.push((name, std::fs::read(dir.path().join(name))?));
            }
            Ok(files)
        })
        .map_err(value_error)?;
    to_py(py, files)
}

/// `coalsim run`: one run (stream (seed, run)) with rounds.csv, events.csv
/// and summary.json as bytes.
#[pyfunction]
#[pyo3(signature = (scenario, seed=None, run=0, variant=None))]
fn run(
    py: Python<'_>,
    scenario: &PyScenarioFile,
    seed: Option<u64>,
    run: u64,
    variant: Option<String>,
) -> PyResult<Py<PyDict>> {
    let file = &scenario.file;
    let chosen;
    let s = match &variant {
        None => &file.base,
        Some(name) => {
            let variants = file.variants().map_err(scenario_error)?;
            let names: Vec<String> = variants.iter().map(|v| v.name.clone()).collect();
            chosen = variants
                .into_iter()
                .find(|v| &v.name == name)
                .ok_or_else(|| {
                    PyValueError::new_err(format!(
                        "{}: variant: no variant named `{name}`; allowed: {}",
                        file.source.name,
                        if names.is_empty() {
                            "none (the file has no [[variant]])".to_string()
                        } else {
                            names.join(", ")
                        }
                    ))
                })?
                .scenario;
            &chosen
        }
    };
    let files = py
        .detach(|| -> anyhow::Result<Files> {
            let mut sim = Simulation::new(s, seed.unwrap_or(s.seed), run);
            let mut rounds = Vec::new();
            let mut events = Vec::new();
            while sim.outcome.is_none() {
                sim.step();
                rounds.push(sim.record());
                for e in &sim.events {
                    events.push(EventRow::of(e, &sim.world));
                }
            }
            Ok(vec![
                ("rounds.csv", table(&rounds)?),
                ("events.csv", table(&events)?),
                ("summary.json", json(&sim.summary())?),
            ])
        })
        .map_err(value_error)?;
    to_py(py, files)
}

/// Power indices of a weighted voting game: one row per player (numbered
/// from 1), as `coalsim power --format csv` prints them, plus the exact
/// fractions.
#[pyfunction]
#[pyo3(signature = (weights, quota, veto=None))]
fn power(
    py: Python<'_>,
    weights: Vec<u64>,
    quota: u64,
    veto: Option<Vec<usize>>,
) -> PyResult<Py<PyDict>> {
    let veto = veto.unwrap_or_default();
    let n = weights.len();
    let mut zero_based = Vec::with_capacity(veto.len());
    for &p in &veto {
        if p == 0 || p > n {
            return Err(PyValueError::new_err(format!(
                "veto: player {p}; allowed: player numbers from 1 to {n} (players are numbered from 1)"
            )));
        }
        zero_based.push(p - 1);
    }
    let game = WeightedGame::new(weights, quota, &zero_based)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let ix = py.detach(|| game.indices());
    let mut cols: Vec<(&str, Py<PyAny>)> = Vec::new();
    let players: Vec<usize> = (1..=n).collect();
    cols.push(("player", players.into_pyobject(py)?.into_any().unbind()));
    cols.push((
        "weight",
        game.weights()
            .to_vec()
            .into_pyobject(py)?
            .into_any()
            .unbind(),
    ));
    cols.push((
        "shapley_shubik",
        ix.shapley_shubik
            .clone()
            .into_pyobject(py)?
            .into_any()
            .unbind(),
    ));
    cols.push((
        "banzhaf",
        ix.banzhaf.clone().into_pyobject(py)?.into_any().unbind(),
    ));
    cols.push((
        "banzhaf_swings",
        ix.swings.clone().into_pyobject(py)?.into_any().unbind(),
    ));
    let exact = |v: &[coalsim_core::power::Exact]| -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    };
    cols.push((
        "shapley_shubik_exact",
        exact(&ix.shapley_shubik_exact)
            .into_pyobject(py)?
            .into_any()
            .unbind(),
    ));
    cols.push((
        "banzhaf_exact",
        exact(&ix.banzhaf_exact)
            .into_pyobject(py)?
            .into_any()
            .unbind(),
    ));
    let d = PyDict::new(py);
    for (k, v) in cols {
        d.set_item(k, v)?;
    }
    Ok(d.unbind())
}

#[pymodule]
fn _coalsim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyScenarioFile>()?;
    m.add_function(wrap_pyfunction!(batch, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(explore, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(power, m)?)?;
    m.add("VERSION", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
