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
    BatchConfig, BatchError, BatchResult, BatchSink, BatchSummary, FoldState, RunId,
    incidence_rows, round_rows, run_batch_from, survival_rows,
};
use crate::engine::RunSummary;
use crate::output::files::{AtomicFile, ensure_dir, write_atomic};
use crate::output::shard::{
    CHECKPOINT_FORMAT, Checkpoint, Fingerprint, RESUME_DIR, Shard, ShardShare, encode_checkpoint,
    finish_shard, parse_shard, read_checkpoint, write_segment,
};
use crate::output::tables::write_rows;
use crate::scenario::{Scenario, ScenarioFile};
use crate::stats::NO_INTERVAL;

/// Arguments of `coalsim batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    pub scenario: Option<PathBuf>,
    /// Number of runs (1 to 1000000000).
    #[arg(long, default_value_t = 1000, value_name = "N", allow_negative_numbers = true, value_parser = super::runs_arg::<1_000_000_000>)]
    pub runs: u64,
    /// Batch seed; run i uses the random stream (seed, i). Default: the
    /// scenario's `seed`.
    #[arg(long, value_name = "S", allow_negative_numbers = true, value_parser = super::seed_arg)]
    pub seed: Option<u64>,
    /// Worker threads (1 to 1024). Default: all cores. The files do not
    /// depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Output directory.
    #[arg(long, default_value = "coalsim-out", value_name = "DIR")]
    pub out: PathBuf,
    /// Run only shard K of N (K = 0 to N-1, as Slurm array and Kubernetes
    /// indexes count) and write a shard folder; `coalsim merge OUT SHARD...`
    /// turns the N shard folders into the files of the whole batch.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Continue the interrupted batch in --out from its last checkpoint;
    /// refused when the scenario, seed, runs or shard differ.
    #[arg(long)]
    pub resume: bool,
    /// Seconds between checkpoints (0 = after every chunk of runs).
    #[arg(long, default_value_t = 5, value_name = "SECONDS")]
    pub checkpoint_every: u64,
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
    let file = ScenarioFile::open(args.scenario.as_deref())?;
    let s = &file.base;
    let seed = args.seed.unwrap_or(s.seed);
    let mut cfg = match args.shard {
        Some(sh) => BatchConfig::shard(args.runs, seed, sh.k, sh.n),
        None => BatchConfig::new(args.runs, seed),
    };
    cfg.threads = args.threads.map(|t| t as usize);
    let job = Job {
        fingerprint: Fingerprint::batch(
            &file.source.name,
            &file.source.text,
            seed,
            args.runs,
            args.shard.map(Shard::pair),
        ),
        scenario_text: file.source.text.clone(),
        shard: args.shard,
        resume: args.resume,
        checkpoint_every: std::time::Duration::from_secs(args.checkpoint_every),
    };
    let bar = progress_bar(cfg.runs);
    let written = execute(s, &cfg, &job, &args.out, |n| bar.inc(n));
    bar.finish_and_clear();
    let written = written?;

    let mut out = std::io::stdout().lock();
    if let Some(sh) = args.shard {
        writeln!(
            out,
            "{}: shard {}/{} of a {}-run batch, seed {}: runs {}..{} written in {}.",
            s.name,
            sh.k,
            sh.n,
            args.runs,
            seed,
            cfg.first_run,
            cfg.end(),
            args.out.display()
        )?;
        writeln!(out, "{}", sh.merge_hint())?;
        return Ok(());
    }
    let Some(Written { summary, plots }) = written else {
        return Ok(());
    };
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

/// How a batch is run beyond [`BatchConfig`]: its fingerprint, and whether
/// it is a shard or continues a checkpoint.
#[derive(Debug, Clone)]
pub struct Job {
    pub fingerprint: Fingerprint,
    /// The scenario text (kept in a shard folder for the merge).
    pub scenario_text: String,
    pub shard: Option<Shard>,
    pub resume: bool,
    /// Minimum time between two checkpoints.
    pub checkpoint_every: std::time::Duration,
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
    let text = format!("{s:?}");
    let job = Job {
        fingerprint: Fingerprint::batch("<library call>", &text, cfg.seed, cfg.total_runs, None),
        scenario_text: text,
        shard: None,
        resume: false,
        checkpoint_every: std::time::Duration::from_secs(5),
    };
    execute(s, cfg, &job, dir, progress)?
        .ok_or_else(|| anyhow::anyhow!("internal: a whole batch wrote no summary"))
}

/// Runs a batch, a shard of one, or the rest of an interrupted one, with
/// checkpoints, and writes its files (a shard folder for a shard). Returns
/// the summary and plots of a whole batch, `None` for a shard.
pub fn execute(
    s: &Scenario,
    cfg: &BatchConfig,
    job: &Job,
    dir: &Path,
    progress: impl Fn(u64) + Sync,
) -> anyhow::Result<Option<Written>> {
    ensure_dir(dir)?;
    let resume_dir = dir.join(RESUME_DIR);
    let ckpt_path = resume_dir.join("checkpoint.cbor");
    let runs_partial = resume_dir.join("runs.csv.partial");
    let segs_partial = resume_dir.join("segments.cbor.partial");
    let open_rw = |p: &Path| {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(p)
            .with_context(|| format!("{}: cannot open", p.display()))
    };
    let (state, runs_file, segs_file, segments) = if job.resume {
        if !ckpt_path.is_file() {
            bail!(
                "{}: nothing to resume: no checkpoint (the batch finished, or never started); run it without --resume",
                dir.display()
            );
        }
        let c = read_checkpoint(&ckpt_path).map_err(anyhow::Error::msg)?;
        let d = c.fingerprint.differences(&job.fingerprint, false);
        if !d.is_empty() {
            bail!(
                "{}: cannot resume: the interrupted batch differs from this command ({} then vs now); run it without --resume to start again",
                dir.display(),
                d.join("; ")
            );
        }
        let runs_file = open_rw(&runs_partial)?;
        cut(&runs_file, c.runs_csv_bytes, &runs_partial)?;
        let segs_file = if job.shard.is_some() {
            let f = open_rw(&segs_partial)?;
            cut(&f, c.segments_bytes, &segs_partial)?;
            Some(f)
        } else {
            None
        };
        (c.state, runs_file, segs_file, c.segments)
    } else {
        if resume_dir.exists() {
            // Our own leftovers of an earlier, interrupted batch.
            std::fs::remove_dir_all(&resume_dir)
                .with_context(|| format!("{}: cannot remove", resume_dir.display()))?;
        }
        ensure_dir(&resume_dir)?;
        let runs_file = open_rw(&runs_partial)?;
        runs_file.set_len(0)?;
        let segs_file = if job.shard.is_some() {
            let f = open_rw(&segs_partial)?;
            f.set_len(0)?;
            Some(f)
        } else {
            None
        };
        (
            FoldState::start(cfg.first_run, s.max_rounds),
            runs_file,
            segs_file,
            0,
        )
    };
    let header = state.next_run == cfg.first_run;
    let mut sink = Sink {
        seed: cfg.seed,
        csv: csv::WriterBuilder::new()
            .has_headers(header)
            .from_writer(std::io::BufWriter::new(runs_file)),
        segments: segs_file.map(std::io::BufWriter::new),
        segment_count: segments,
        fingerprint: job.fingerprint.clone(),
        checkpoint: ckpt_path.clone(),
        every: job.checkpoint_every,
        last: std::time::Instant::now(),
    };
    let result = run_batch_from(s, cfg, state, &mut sink, progress).map_err(|e| match e {
        BatchError::Sink(e) => e,
        other => anyhow::anyhow!("{other}"),
    })?;
    let (runs_file, segs_file, segment_count) = sink.finish()?;
    drop(runs_file);
    drop(segs_file);
    let runs_path = dir.join("runs.csv");
    publish(&runs_partial, &runs_path)?;
    if let Some(sh) = job.shard {
        publish(&segs_partial, &dir.join("segments.cbor"))?;
        let share = ShardShare {
            shard: sh,
            unit: "runs",
            range: cfg.first_run..cfg.end(),
            segments: segment_count,
        };
        finish_shard(dir, &job.fingerprint, &share, Some(&job.scenario_text))?;
        let _ = std::fs::remove_dir_all(&resume_dir);
        return Ok(None);
    }
    let _ = std::fs::remove_dir_all(&resume_dir);
    finish_batch(s, dir, &result).map(Some)
}

/// Writes everything of a whole batch after runs.csv: rounds.csv,
/// survival.csv, summary.json, the plots and the manifest. Shared by
/// `batch` and `merge`, so a merged batch is written by the very same code.
pub fn finish_batch(s: &Scenario, dir: &Path, result: &BatchResult) -> anyhow::Result<Written> {
    let summary = write_outputs(dir, s, result)?;
    // Drawn from the CSV files just written, exactly as `coalsim plot DIR`
    // would redraw them.
    let plots = crate::output::charts::draw_all(dir)?
        .into_iter()
        .map(|p| p.strip_prefix(dir).map(Path::to_path_buf).unwrap_or(p))
        .collect();
    crate::output::manifest::finish(dir, "batch", false)?;
    Ok(Written { summary, plots })
}

/// Cuts `file` back to `len` bytes (what the checkpoint vouches for) and
/// positions it at its end.
fn cut(file: &std::fs::File, len: u64, path: &Path) -> anyhow::Result<()> {
    let have = file.metadata()?.len();
    if have < len {
        bail!(
            "{}: {have} bytes, but the checkpoint recorded {len}; the folder was changed since: run without --resume",
            path.display()
        );
    }
    file.set_len(len)?;
    let mut f = file;
    std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(len))?;
    Ok(())
}

/// Moves a finished partial file into place.
fn publish(partial: &Path, target: &Path) -> anyhow::Result<()> {
    std::fs::rename(partial, target)
        .with_context(|| format!("{}: cannot write", target.display()))?;
    crate::output::files::committed(target);
    Ok(())
}

/// Streams runs.csv (`run,seed,stream,` then every [`RunSummary`] field) and a
/// shard's segments, and writes checkpoints.
struct Sink {
    seed: u64,
    csv: csv::Writer<std::io::BufWriter<std::fs::File>>,
    segments: Option<std::io::BufWriter<std::fs::File>>,
    segment_count: u64,
    fingerprint: Fingerprint,
    checkpoint: PathBuf,
    every: std::time::Duration,
    last: std::time::Instant,
}

impl Sink {
    /// Flushes and syncs the files; returns them with their lengths.
    fn sync(&mut self) -> anyhow::Result<(u64, u64)> {
        self.csv.flush()?;
        let runs = self.csv.get_ref().get_ref();
        runs.sync_data()?;
        let runs_len = runs.metadata()?.len();
        let segs_len = match &mut self.segments {
            Some(w) => {
                w.flush()?;
                w.get_ref().sync_data()?;
                w.get_ref().metadata()?.len()
            }
            None => 0,
        };
        Ok((runs_len, segs_len))
    }

    fn finish(mut self) -> anyhow::Result<(std::fs::File, Option<std::fs::File>, u64)> {
        self.sync()?;
        let runs = self
            .csv
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write runs.csv: {}", e.error()))?
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write runs.csv: {}", e.error()))?;
        let segs = match self.segments {
            Some(w) => Some(
                w.into_inner()
                    .map_err(|e| anyhow::anyhow!("cannot write segments: {}", e.error()))?,
            ),
            None => None,
        };
        Ok((runs, segs, self.segment_count))
    }
}

impl BatchSink for Sink {
    type Error = anyhow::Error;
    fn accept(&mut self, run: u64, summary: &RunSummary) -> anyhow::Result<()> {
        self.csv
            .serialize((RunId::new(run, self.seed), summary))
            .context("cannot write runs.csv")
    }

    fn segment(&mut self, first_run: u64, agg: &crate::batch::Aggregates) -> anyhow::Result<()> {
        if let Some(w) = &mut self.segments {
            write_segment(w, first_run, agg).context("cannot write the shard's segments")?;
            self.segment_count += 1;
        }
        Ok(())
    }

    fn folded(&mut self, state: &FoldState) -> anyhow::Result<()> {
        if self.last.elapsed() < self.every {
            return Ok(());
        }
        let (runs_csv_bytes, segments_bytes) = self.sync()?;
        let c = Checkpoint {
            format: CHECKPOINT_FORMAT.into(),
            fingerprint: self.fingerprint.clone(),
            runs_csv_bytes,
            segments_bytes,
            segments: self.segment_count,
            state: state.clone(),
        };
        write_atomic(&self.checkpoint, &encode_checkpoint(&c)?)?;
        // A checkpoint is not a result file.
        if let Some(dir) = self.checkpoint.parent() {
            let _ = crate::output::files::take_committed(dir);
        }
        self.last = std::time::Instant::now();
        Ok(())
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
        "outvoted" => "they resented being bound by decisions they had voted against",
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
                if b.runs < 2 {
                    format!("{} ({NO_INTERVAL})", pct(e.incidence))
                } else {
                    pct_ci(e.incidence, e.lower, e.upper)
                },
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
            "Members spent on average {:.1} hours per member per month keeping the coalition going{}.",
            h.mean,
            if b.runs < 2 {
                format!(" ({NO_INTERVAL})")
            } else {
                String::new()
            }
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
    } else if b.runs < 2 {
        format!(" ({NO_INTERVAL})")
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
