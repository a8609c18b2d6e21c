//! Running a comparison (`sweep`, `lesson`) into its result directory:
//! runs [`compare`](coalsim_core::study::compare) on a rayon pool with a
//! progress bar, streams runs.csv, and writes the tables, summary.json and
//! plots.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};

use crate::comparison::{RunsWriter, write_tables};
use crate::files::{AtomicFile, ensure_dir};
use crate::shard::check_ranges;
use coalsim_core::study::compare::Partial;
use coalsim_core::study::compare::{Arm, CompareConfig, Comparison, compare_range};

/// Runs the arms and writes `dir`: runs.csv (streamed, with a `variant`
/// column), rounds.csv, incidence.csv, survival.csv, variants.csv, comparison.csv,
/// summary.json and, unless `plots` is false, plots/.
#[allow(clippy::too_many_arguments)]
pub fn run_comparison(
    arms: &[Arm],
    cfg: &CompareConfig,
    threads: Option<usize>,
    dir: &Path,
    title: &str,
    grid: Option<Vec<String>>,
    labels: &[(String, String)],
    plots: bool,
) -> anyhow::Result<Comparison> {
    let result = run_runs(arms, cfg, threads, dir, 0..cfg.runs, None)?;
    write_results(dir, &result, title, grid, labels, plots)?;
    Ok(result)
}

/// Runs `runs` (all of them, or a shard's share) of every arm and streams
/// their rows into `dir/runs.csv`; a shard (`segments` given) also writes
/// each segment's [`Partial`](coalsim_core::study::compare::Partial) into that file (a
/// CBOR sequence, see [`crate::shard`]). Returns what was folded.
pub fn run_runs(
    arms: &[Arm],
    cfg: &CompareConfig,
    threads: Option<usize>,
    dir: &Path,
    runs_range: std::ops::Range<u64>,
    segments: Option<&Path>,
) -> anyhow::Result<Comparison> {
    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(t) = threads {
            b = b.num_threads(t);
        }
        b.build().context("cannot start the thread pool")?
    };
    ensure_dir(dir)?;
    let runs_path = dir.join("runs.csv");
    let mut runs = RunsWriter::create(&runs_path)
        .with_context(|| format!("{}: cannot create", runs_path.display()))?;
    let mut segs = match segments {
        Some(p) => Some((
            p,
            AtomicFile::create(p).with_context(|| format!("{}: cannot create", p.display()))?,
        )),
        None => None,
    };
    let total = (runs_range.end - runs_range.start) * arms.len() as u64;
    let bar = if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} runs · {per_sec} · ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let mut write_error: Option<anyhow::Error> = None;
    let mut seg_error: Option<anyhow::Error> = None;
    let names: Vec<String> = arms.iter().map(|a| a.name.clone()).collect();
    let result = pool.install(|| {
        compare_range(
            arms,
            cfg,
            runs_range.clone(),
            |run, arm, s| {
                if write_error.is_none()
                    && let Err(e) = runs.push(&names[arm], run, cfg.seed, s)
                {
                    write_error = Some(anyhow::anyhow!("{}: {e}", runs_path.display()));
                }
            },
            |first, part| {
                if let Some((p, f)) = &mut segs
                    && seg_error.is_none()
                    && let Err(e) = crate::shard::write_segment(f, first, part)
                {
                    seg_error = Some(anyhow::anyhow!("{}: {e}", p.display()));
                }
            },
            |done| {
                if let Some(b) = &bar {
                    b.set_position(done * arms.len() as u64);
                }
                true
            },
        )
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(e) = write_error.or(seg_error) {
        return Err(e);
    }
    let Some(result) = result else {
        bail!("internal: a comparison that is never cancelled stopped");
    };
    runs.commit()
        .with_context(|| format!("{}: cannot write", runs_path.display()))?;
    if let Some((p, f)) = segs {
        f.commit()
            .with_context(|| format!("{}: cannot write", p.display()))?;
    }
    Ok(result)
}

/// Writes everything of a comparison after runs.csv: rounds.csv,
/// incidence.csv, survival.csv, variants.csv, comparison.csv, summary.json
/// and, unless `plots` is false, plots/ (drawn from the files just
/// written). Shared by `sweep`, `lesson` and `merge`. `labels`: the grid's
/// keys in plain words (key, label), for the plots' axes.
pub fn write_results(
    dir: &Path,
    result: &Comparison,
    title: &str,
    grid: Option<Vec<String>>,
    labels: &[(String, String)],
    plots: bool,
) -> anyhow::Result<()> {
    let mut summary = summary_json(result, title, grid);
    add_labels(&mut summary, labels);
    write_tables(dir, result, &summary)?;
    if plots {
        crate::charts::draw_all(dir)?;
    }
    Ok(())
}

/// An arm's mean lifetime, a whole number of weeks over its runs.
fn mean_rounds(a: &coalsim_core::study::compare::ArmStats) -> f64 {
    let w = &a.measures[coalsim_core::study::compare::measure("rounds").unwrap_or(0)];
    crate::comparison::exact_mean("rounds", w.mean(), w.count())
}

/// Adds a grid's keys in plain words to a comparison's `summary.json`
/// (`labels`: a list of `key`, `label`; nothing when there are none).
pub fn add_labels(summary: &mut serde_json::Value, labels: &[(String, String)]) {
    if !labels.is_empty() {
        summary["labels"] = labels
            .iter()
            .map(|(k, l)| serde_json::json!({"key": k, "label": l}))
            .collect::<Vec<_>>()
            .into();
    }
}

/// A comparison's `summary.json`: each variant's settings, success with its
/// interval, mean lifetime and hours (the baseline first). Also what the
/// Python package returns as a sweep's `summary`.
pub fn summary_json(
    result: &Comparison,
    title: &str,
    grid: Option<Vec<String>>,
) -> serde_json::Value {
    serde_json::json!({
        "scenario": title,
        "runs": result.runs,
        "seed": result.seed,
        "grid": grid,
        "variants": result.arms.iter().map(|a| {
            let s = a.success(0.95);
            serde_json::json!({
                "name": a.name,
                "baseline": result.arms[a.baseline].name,
                "settings": a.settings.iter().map(|(k, v)| serde_json::json!({"key": k, "value": v})).collect::<Vec<_>>(),
                "success": s.estimate, "success_lo": s.lo, "success_hi": s.hi,
                "mean_rounds": mean_rounds(a),
                "mean_hours_per_member_month": a.measures[coalsim_core::study::compare::measure("hours_per_member_month").unwrap_or(0)].mean(),
            })
        }).collect::<Vec<_>>(),
    })
}

/// Folds the shards of one comparison (`part`: their sub-folder, "" for a
/// sweep) into `dir`: runs.csv, then the tables and plots.
#[allow(clippy::too_many_arguments)]
pub fn merge_comparison(
    shards: &crate::merge::Shards,
    part: &Path,
    arms: &[Arm],
    cfg: &CompareConfig,
    dir: &Path,
    title: &str,
    grid: Option<Vec<String>>,
    labels: &[(String, String)],
    plots: bool,
) -> anyhow::Result<Comparison> {
    check_ranges(shards, "runs", cfg.runs).map_err(anyhow::Error::msg)?;
    ensure_dir(dir)?;
    let n_arms = arms.len() as u64;
    crate::merge::concat_rows(shards, &part.join("runs.csv"), &dir.join("runs.csv"), |i| {
        i.count * n_arms
    })?;
    let mut total = Partial::new(arms);
    crate::merge::fold_segments(
        shards,
        &part.join("segments.cbor"),
        &mut total,
        |t, s: &Partial| t.merge(s),
        Partial::runs,
        |s| s.fits(arms),
    )?;
    if total.runs() != cfg.runs {
        bail!(
            "the shards hold {} runs per variant; the command has {}",
            total.runs(),
            cfg.runs
        );
    }
    let c = total.into_comparison(arms, cfg.runs, cfg.seed);
    write_results(dir, &c, title, grid, labels, plots)?;
    Ok(c)
}
