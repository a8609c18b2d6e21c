//! `coalsim batch`: Monte Carlo replications of one scenario in parallel,
//! written as runs.csv, rounds.csv, incidence.csv, survival.csv and
//! summary.json, with a
//! plain-language summary on stdout. The simulation and the aggregation live
//! in [`crate::batch`]; this file is flags, files and words.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;

use crate::batch::{
    BatchConfig, BatchResult, BatchSink, BatchSummary, RunId, incidence_rows, round_rows,
    run_batch, survival_rows,
};
use crate::engine::RunSummary;
use crate::output::files::{AtomicFile, ensure_dir, write_atomic};
use crate::output::tables::write_rows;
use crate::scenario::{Scenario, ScenarioFile};

/// Arguments of `coalsim batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    pub scenario: Option<PathBuf>,
    /// Number of runs (at least 1).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub runs: u64,
    /// Batch seed; run i uses the random stream (seed, i). Default: the
    /// scenario's `seed`.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads (at least 1). Default: all cores. The files do not
    /// depend on it.
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Output directory.
    #[arg(long, default_value = "coalsim-out", value_name = "DIR")]
    pub out: PathBuf,
}

/// The files a batch writes, in the order they are listed.
pub const FILES: [&str; 5] = [
    "runs.csv",
    "rounds.csv",
    "incidence.csv",
    "survival.csv",
    "summary.json",
];

/// Runs `coalsim batch`.
pub fn run(args: &BatchArgs) -> anyhow::Result<()> {
    // Flags first: nothing is created when one is wrong.
    if args.runs == 0 {
        bail!("--runs must be at least 1 (got 0)");
    }
    if args.threads == Some(0) {
        bail!("--threads must be at least 1 (got 0); leave it out to use all cores");
    }
    let file = ScenarioFile::open(args.scenario.as_deref())?;
    let s = &file.base;
    let cfg = BatchConfig {
        runs: args.runs,
        seed: args.seed.unwrap_or(s.seed),
        threads: args.threads,
        first_run: 0,
    };
    let bar = progress_bar(cfg.runs);
    let written = write_batch(s, &cfg, &args.out, |n| bar.inc(n));
    bar.finish_and_clear();
    let Written { summary, plots } = written?;

    let mut out = std::io::stdout().lock();
    write!(out, "{}", plain_summary(&summary))?;
    writeln!(out)?;
    writeln!(out, "Files written in {}:", args.out.display())?;
    for name in FILES {
        writeln!(out, "  {name}")?;
    }
    for p in plots {
        writeln!(out, "  {}", p.display())?;
    }
    Ok(())
}

/// What [`write_batch`] produced.
#[derive(Debug, Clone)]
pub struct Written {
    pub summary: BatchSummary,
    /// Plot files written, relative to the output directory.
    pub plots: Vec<PathBuf>,
}

/// Runs the batch and writes every output file into `dir` (created if
/// missing): runs.csv streamed in run order as runs complete, then
/// rounds.csv, incidence.csv, survival.csv, summary.json and the plots. Each file is
/// written under a temporary name and renamed when complete.
pub fn write_batch(
    s: &Scenario,
    cfg: &BatchConfig,
    dir: &Path,
    progress: impl Fn(u64) + Sync,
) -> anyhow::Result<Written> {
    ensure_dir(dir)?;
    let runs_path = dir.join("runs.csv");
    let mut sink = RunsCsv {
        seed: cfg.seed,
        csv: csv::Writer::from_writer(
            AtomicFile::create(&runs_path)
                .with_context(|| format!("{}: cannot create", runs_path.display()))?,
        ),
    };
    let result = run_batch(s, cfg, &mut sink, progress)
        .with_context(|| format!("{}: cannot write", runs_path.display()))?;
    sink.csv
        .into_inner()
        .map_err(|e| anyhow::anyhow!("{}: cannot write: {}", runs_path.display(), e.error()))?
        .commit()
        .with_context(|| format!("{}: cannot write", runs_path.display()))?;
    let summary = write_outputs(dir, s, &result)?;
    // Drawn from the CSV files just written, exactly as `coalsim plot DIR`
    // would redraw them.
    let plots = crate::output::charts::draw_all(dir)?
        .into_iter()
        .map(|p| p.strip_prefix(dir).map(Path::to_path_buf).unwrap_or(p))
        .collect();
    Ok(Written { summary, plots })
}

/// Streams runs.csv: `run,seed,` then every [`RunSummary`] field.
struct RunsCsv {
    seed: u64,
    csv: csv::Writer<AtomicFile>,
}

impl BatchSink for RunsCsv {
    type Error = csv::Error;
    fn accept(&mut self, run: u64, summary: &RunSummary) -> Result<(), csv::Error> {
        self.csv.serialize((
            RunId {
                run,
                seed: self.seed,
            },
            summary,
        ))
    }
}

/// A progress bar on stderr with runs/s and ETA; hidden unless stderr is a
/// terminal.
fn progress_bar(runs: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(runs);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{elapsed_precise} [{wide_bar}] {pos}/{len} runs  {per_sec}  ETA {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Writes rounds.csv, incidence.csv, survival.csv and summary.json into
/// `dir` (runs.csv is
/// streamed during the batch). Each file appears whole or not at all.
pub fn write_outputs(
    dir: &Path,
    s: &Scenario,
    result: &BatchResult,
) -> anyhow::Result<BatchSummary> {
    let a = &result.aggregates;
    write_csv(&dir.join("rounds.csv"), &round_rows(a))?;
    write_csv(&dir.join("incidence.csv"), &incidence_rows(a))?;
    write_csv(&dir.join("survival.csv"), &survival_rows(a))?;
    let summary = BatchSummary::of(s, result);
    let json = serde_json::to_string_pretty(&summary)?;
    write_atomic(&dir.join("summary.json"), format!("{json}\n").as_bytes())?;
    Ok(summary)
}

fn write_csv<T: serde::Serialize>(path: &Path, rows: &[T]) -> anyhow::Result<()> {
    let mut file =
        AtomicFile::create(path).with_context(|| format!("{}: cannot create", path.display()))?;
    write_rows(&mut file, rows).with_context(|| format!("{}: cannot write", path.display()))?;
    file.commit()
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn reason_text(reason: &str) -> &'static str {
    match reason {
        "low_trust" => "trust in the others fell too low",
        "low_alignment" => "the agenda stopped serving their interests",
        "low_efficacy" => "they lost faith that the coalition would deliver",
        "overload" => "the hours cost more than they could give",
        "hidden_objection" => "objections they never voiced turned into resentment",
        "burnout" => "leaders burned out carrying the coordination",
        "founder_departure" => "the founder moved on",
        "removed" => "they were removed for not contributing",
        "misfit" => "a new direction did not fit them",
        _ => "other reasons",
    }
}

/// The words for an ending in "By week N: x% ...".
fn ending_text(ending: &str) -> &'static str {
    match ending {
        "goal" => "reached the goal",
        "sunset" => "closed on purpose after a first win (sunset)",
        "dissolved" => "fell apart with too few members left",
        _ => "were still going",
    }
}

/// A percentage with its interval, e.g. "71.9% (95% CI 69.0%–74.6%)";
/// two decimals when the interval holds shares under 1%, so that a small
/// lower bound does not print as 0.0%.
fn pct_ci(x: f64, lo: f64, hi: f64) -> String {
    if lo.is_finite() && hi.is_finite() {
        let p = |v: f64| {
            if lo > 0.0 && lo < 0.01 {
                format!("{:.2}%", 100.0 * v)
            } else {
                pct(v)
            }
        };
        format!("{} (95% CI {}–{})", p(x), p(lo), p(hi))
    } else {
        pct(x)
    }
}

/// A round number as a week: "week 80" or "week 98.5".
fn week(r: f64) -> String {
    if r.fract() == 0.0 {
        format!("week {r:.0}")
    } else {
        format!("week {r:.1}")
    }
}

/// A few sentences for a coalition lead, not a statistician. Every figure
/// counts all runs: an ending's share is its cumulative incidence (the
/// other endings compete with it; nothing is "censored away").
pub fn plain_summary(b: &BatchSummary) -> String {
    let mut t = String::new();
    let weeks = b.max_rounds;
    let _ = writeln!(
        t,
        "{}: {} runs, seed {}, up to {weeks} weeks each.",
        b.scenario, b.runs, b.seed
    );
    let shown: Vec<String> = b
        .endings
        .iter()
        .filter(|e| e.count > 0)
        .map(|e| {
            format!(
                "{} {}",
                pct_ci(e.incidence, e.lower, e.upper),
                ending_text(e.ending)
            )
        })
        .collect();
    let _ = writeln!(t, "By week {weeks}: {}.", shown.join(", "));
    let none: Vec<&str> = b
        .endings
        .iter()
        .filter(|e| e.count == 0 && e.ending != "still_going")
        .map(|e| match e.ending {
            "goal" => "reached the goal",
            "sunset" => "closed with a sunset",
            _ => "fell apart",
        })
        .collect();
    if !none.is_empty() {
        let _ = writeln!(t, "No run {}.", none.join(" or "));
    }
    let median = |ending: &str, had: &str, did: &str, not: &str| -> Option<String> {
        let e = b.endings.iter().find(|e| e.ending == ending)?;
        if e.count == 0 {
            return None;
        }
        Some(match e.median_round {
            Some(m) => format!(
                "half of all runs had {had} by {} (median time to {not}, counting every run)",
                week(m)
            ),
            None => format!(
                "fewer than half of all runs {did} within {weeks} weeks, so there is no median time to {not}"
            ),
        })
    };
    for line in [
        median("goal", "reached the goal", "reached the goal", "the goal"),
        median("dissolved", "fallen apart", "fell apart", "falling apart"),
    ]
    .into_iter()
    .flatten()
    {
        // Capitalise the first letter.
        let mut c = line.chars();
        let first = c.next().map(|f| f.to_uppercase().to_string());
        let _ = writeln!(t, "{}{}.", first.unwrap_or_default(), c.as_str());
    }
    match b.median_lifetime {
        Some(m) => {
            let _ = writeln!(
                t,
                "Half of the coalitions had ended (goal, sunset or falling apart) by {} (median lifetime).",
                week(m)
            );
        }
        None => {
            let _ = writeln!(
                t,
                "Half or more of the coalitions were still going at week {weeks}, so there is no median lifetime."
            );
        }
    }
    let _ = writeln!(
        t,
        "A run lasted {:.1} weeks on average (a run still going at week {weeks} counts as {weeks}).",
        b.mean_rounds.mean
    );
    let h = &b.hours_per_member_month;
    if h.lo.is_finite() {
        let _ = writeln!(
            t,
            "Members spent on average {:.1} hours per member per month keeping the coalition going (95% CI {:.1}–{:.1}).",
            h.mean, h.lo, h.hi
        );
    } else {
        let _ = writeln!(
            t,
            "Members spent on average {:.1} hours per member per month keeping the coalition going.",
            h.mean
        );
    }
    let reasons: Vec<String> = b
        .exit_reasons
        .iter()
        .filter(|r| r.exits > 0)
        .take(3)
        .map(|r| format!("{} ({:.2} per run)", reason_text(r.reason), r.per_run))
        .collect();
    if reasons.is_empty() {
        let _ = writeln!(t, "No member ever left.");
    } else {
        let _ = writeln!(
            t,
            "Members who left most often did so because {}.",
            reasons.join("; ")
        );
    }
    let v = &b.value_over_alone;
    let verdict = if !v.lo.is_finite() {
        "too few runs to tell"
    } else if v.lo > 0.0 {
        "the coalition was worth more than going it alone"
    } else if v.hi < 0.0 {
        "going it alone would have been worth more"
    } else {
        "no clear difference"
    };
    let ci = if v.lo.is_finite() {
        format!(" (95% CI {:+.3} to {:+.3})", v.lo, v.hi)
    } else {
        String::new()
    };
    let _ = writeln!(
        t,
        "Compared with each member acting alone: {verdict}; on average {:+.3} goal units per member{ci}.",
        v.mean
    );
    let g = &b.influence_gap;
    if g.n > 0 {
        let _ = writeln!(
            t,
            "Equity of influence: decisions turned on members out of proportion to their power by {:.2} on average (0 = influence exactly in proportion to power, 1 = entirely out of proportion).",
            g.mean
        );
    }
    let f = &b.first_win_round;
    if f.n > 0 {
        let _ = writeln!(
            t,
            "A first visible win came in {} of runs, on average in week {:.1} among those runs.",
            pct(f.n as f64 / b.runs as f64),
            f.mean
        );
    } else {
        let _ = writeln!(t, "No run reached a first visible win.");
    }
    t
}
