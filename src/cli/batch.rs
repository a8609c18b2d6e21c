//! `coalsim batch`: Monte Carlo replications of one scenario in parallel,
//! written as runs.csv, rounds.csv, incidence.csv, survival.csv, organisations.csv and
//! summary.json, with a
//! plain-language summary on stdout. The simulation and the aggregation live
//! in [`coalsim_core::study::batch`]; this file is flags, files and words.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Args;

use coalsim_core::scenario::ScenarioFile;
use coalsim_core::stats::NO_INTERVAL;
use coalsim_core::study::batch::{Aggregates, BatchConfig, BatchResult, BatchSummary};
use coalsim_core::study::compare::SplitShares;
use coalsim_report::batch::{Job, Written, execute, finish_batch};
use coalsim_report::files::ensure_dir;
use coalsim_report::merge::{Shards, concat_rows, fold_segments, shard_scenario};
use coalsim_report::shard::{Fingerprint, Shard, check_ranges, parse_shard};

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
    #[arg(long, default_value_t = 5, value_name = "SECONDS", value_parser = seconds_arg)]
    pub checkpoint_every: u64,
}

/// `--checkpoint-every`: whole seconds from 0 to a day.
fn seconds_arg(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if n <= 86_400 => Ok(n),
        _ => Err("allowed: a whole number of seconds from 0 to 86400".into()),
    }
}

/// The files a batch writes, in the order they are listed.
pub const FILES: [&str; 6] = [
    "runs.csv",
    "rounds.csv",
    "incidence.csv",
    "survival.csv",
    "organisations.csv",
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

    let variants = file.base.variant.len();
    if variants > 0 {
        // Said on stderr, so that the summary on stdout stays the summary.
        let path = args
            .scenario
            .as_deref()
            .map_or("FILE".into(), |p| p.display().to_string());
        eprintln!(
            "note: {} has {variants} [[variant]]{}; `batch` ran its base scenario only. Run every variant with `coalsim sweep {path}`, one with `coalsim run {path} --variant NAME`.",
            file.source.name,
            if variants == 1 { "" } else { "s" }
        );
    }
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

/// When at least [`SplitShares::REPORTED`] of the runs reached the goal with fewer
/// than half of the most members the coalition had (`summary.json`'s
/// `split_successes`): that share of the runs and of the successes, and
/// the share of the runs that reached the goal not counting them, worded
/// as `sweep`'s line ([`split_lines`](coalsim_report::comparison::split_lines));
/// none otherwise.
fn split_line(b: &BatchSummary) -> Option<String> {
    let sh = SplitShares::of(b.runs, b.success.count, b.split_successes);
    if !sh.reported() {
        return None;
    }
    Some(format!(
        "Reached by fewer than half: {} of the runs reached the goal with fewer than half of the most members the coalition had ({} of the successes; more than half had left by the end). Not counting them, {} of the runs reached the goal; the success figures here count them (docs/validation.md, \"The rump\").",
        pct(sh.of_runs),
        pct(sh.of_successes),
        pct(sh.kept),
    ))
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
    if let Some(line) = split_line(b) {
        let _ = writeln!(t, "{line}");
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
            "Equity of influence: the decisive votes were {:.2} away from one member, one voice on average (0 = every member decisive equally often; near 1 = one member cast them all).",
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

/// `coalsim merge` of a batch's shards.
pub fn merge(out_dir: &Path, shards: &Shards) -> anyhow::Result<()> {
    let fp = shards[0].1.fingerprint.clone();
    check_ranges(shards, "runs", fp.runs).map_err(anyhow::Error::msg)?;
    let file = shard_scenario(shards)?;
    let s = &file.base;
    ensure_dir(out_dir)?;
    // runs.csv: the header once, then every shard's rows in shard order;
    // the segments are folded as they are read (memory stays flat).
    concat_rows(
        shards,
        Path::new("runs.csv"),
        &out_dir.join("runs.csv"),
        |i| i.count,
    )?;
    let mut total = Aggregates::new(s.max_rounds);
    fold_segments(
        shards,
        Path::new("segments.cbor"),
        &mut total,
        |t, a: &Aggregates| t.merge(a),
        |a| a.runs,
        |_| true,
    )?;
    if total.runs != fp.runs {
        bail!(
            "the shards hold {} runs; the batch has {}",
            total.runs,
            fp.runs
        );
    }
    let result = BatchResult {
        config: BatchConfig::new(fp.runs, fp.seed),
        aggregates: total,
    };
    let written = finish_batch(s, out_dir, &result)?;

    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Merged {} shards ({} runs, seed {}) into {}:\n",
        shards.len(),
        fp.runs,
        fp.seed,
        out_dir.display()
    )?;
    write!(out, "{}", plain_summary(&written.summary))?;
    writeln!(out)?;
    writeln!(out, "Files written in {}:", out_dir.display())?;
    for name in FILES {
        writeln!(out, "  {name}")?;
    }
    for p in written.plots {
        writeln!(out, "  {}", p.display())?;
    }
    Ok(())
}
