//! Running comparisons from the command line: `sweep` (a grid of `--vary`
//! overrides, or a file's `[[variant]]`s) and `lesson`. Parses the grid,
//! runs [`compare`] on a rayon pool with a progress bar, and writes the
//! result directory (CSV tables, summary.json, plots).

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};

use crate::compare::{Arm, CompareConfig, Comparison, compare_range};
use crate::output::comparison::{RunsWriter, write_tables};
use crate::output::files::{AtomicFile, ensure_dir};
use crate::scenario::{ScenarioFile, parse_value, value_text};

/// One `--vary KEY=V1,V2,...`: the key and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub key: String,
    pub values: Vec<toml::Value>,
}

/// Parses `KEY=V1,V2,...` or `KEY=START..END:STEP` (inclusive of END when
/// the steps land on it).
pub fn parse_vary(text: &str) -> anyhow::Result<Vary> {
    let Some((key, list)) = text.split_once('=') else {
        bail!("--vary `{text}`: expected KEY=V1,V2,... or KEY=START..END:STEP");
    };
    let key = key.trim();
    if key.is_empty() {
        bail!(
            "--vary `{text}`: the key is empty; e.g. governance.decision_rule=consensus,majority"
        );
    }
    if key == "seed" {
        bail!(
            "--vary seed: every variant runs with the same seeds (common random numbers), so the arms would be identical; use --seed to choose them, or run one sweep per seed"
        );
    }
    let list = list.trim();
    let values = if let Some((range, step)) = list.split_once(':').filter(|_| list.contains("..")) {
        let (a, b) = range.split_once("..").unwrap_or((range, range));
        let num = |s: &str, what: &str| -> anyhow::Result<f64> {
            s.trim().parse::<f64>().with_context(|| {
                format!("--vary {key}: {what} `{s}` is not a number (in START..END:STEP)")
            })
        };
        let integers = [a, b, step].iter().all(|s| !s.contains('.'));
        let (start, end, step) = (num(a, "START")?, num(b, "END")?, num(step, "STEP")?);
        for (what, x) in [("START", start), ("END", end), ("STEP", step)] {
            if !x.is_finite() {
                bail!(
                    "--vary {key}: {what} is `{x}`; allowed: finite numbers in START..END:STEP (e.g. 0..10:2)"
                );
            }
        }
        if step <= 0.0 || end < start {
            bail!(
                "--vary {key}: `{list}` runs from {start} to {end} by {step}; allowed: STEP > 0 and END >= START (e.g. 0..10:2)"
            );
        }
        // Counted in floating point first: a tiny STEP gives more values
        // than any integer holds.
        let count = ((end - start) / step + 1e-9).floor() + 1.0;
        if count > 1000.0 {
            bail!("--vary {key}: `{list}` gives {count:.0} values; allowed: at most 1000 values");
        }
        let count = count as usize;
        (0..count)
            .map(|i| {
                let x = start + step * i as f64;
                if integers {
                    toml::Value::Integer(x.round() as i64)
                } else {
                    toml::Value::Float((x * 1e9).round() / 1e9)
                }
            })
            .collect()
    } else {
        list.split(',')
            .map(|v| parse_value(v.trim()))
            .collect::<Vec<_>>()
    };
    if values.is_empty()
        || values
            .iter()
            .any(|v| matches!(v, toml::Value::String(s) if s.is_empty()))
    {
        bail!(
            "--vary {key}: `{list}` has an empty value; allowed: KEY=V1,V2,... with no empty item, or KEY=START..END:STEP"
        );
    }
    Ok(Vary {
        key: key.to_string(),
        values,
    })
}

/// The arms of a sweep: the grid of `varies` over the base scenario (first
/// combination = baseline), or the file's variants when there is no
/// `--vary`. Every arm is validated before anything runs.
pub fn arms(file: &ScenarioFile, varies: &[Vary]) -> anyhow::Result<Vec<Arm>> {
    if varies.is_empty() {
        let variants = file.variants()?;
        if variants.len() < 2 {
            bail!(
                "{}: nothing to compare: give --vary KEY=V1,V2,... or a scenario with two or more [[variant]] tables",
                file.source.name
            );
        }
        return Ok(variants
            .into_iter()
            .map(|v| Arm {
                name: v.name,
                scenario: v.scenario,
                settings: v.settings,
            })
            .collect());
    }
    for (i, v) in varies.iter().enumerate() {
        if varies[..i].iter().any(|w| w.key == v.key) {
            bail!(
                "--vary {}: the key is varied twice; allowed: one --vary per key, with all its values (KEY=V1,V2,...)",
                v.key
            );
        }
    }
    let mut combos: Vec<Vec<(String, toml::Value)>> = vec![Vec::new()];
    for v in varies {
        let mut next = Vec::with_capacity(combos.len() * v.values.len());
        for c in &combos {
            for val in &v.values {
                let mut c2 = c.clone();
                c2.push((v.key.clone(), val.clone()));
                next.push(c2);
            }
        }
        combos = next;
    }
    if combos.len() > 400 {
        bail!(
            "--vary: {} combinations; allowed: at most 400",
            combos.len()
        );
    }
    let mut out = Vec::with_capacity(combos.len());
    for c in combos {
        let scenario = file.with_overrides("--vary", &c)?;
        let settings: Vec<(String, String)> =
            c.iter().map(|(k, v)| (k.clone(), value_text(v))).collect();
        let name = settings
            .iter()
            .map(|(k, v)| format!("{}={v}", k.rsplit('.').next().unwrap_or(k)))
            .collect::<Vec<_>>()
            .join(" ");
        out.push(Arm {
            name,
            scenario,
            settings,
        });
    }
    // Checked after every value is validated, so an invalid value is
    // reported as such first.
    for v in varies {
        for (i, x) in v.values.iter().enumerate() {
            if v.values[..i].contains(x) {
                bail!(
                    "--vary {}: the value {} is given twice; allowed: each value once",
                    v.key,
                    value_text(x)
                );
            }
        }
    }
    Ok(out)
}

/// Runs the arms and writes `dir`: runs.csv (streamed, with a `variant`
/// column), rounds.csv, incidence.csv, survival.csv, variants.csv, comparison.csv,
/// summary.json and, unless `plots` is false, plots/.
pub fn run_comparison(
    arms: &[Arm],
    cfg: &CompareConfig,
    threads: Option<usize>,
    dir: &Path,
    title: &str,
    grid: Option<Vec<String>>,
    plots: bool,
) -> anyhow::Result<Comparison> {
    let result = run_runs(arms, cfg, threads, dir, 0..cfg.runs, None)?;
    write_results(dir, &result, title, grid, plots)?;
    Ok(result)
}

/// Runs `runs` (all of them, or a shard's share) of every arm and streams
/// their rows into `dir/runs.csv`; a shard (`segments` given) also writes
/// each segment's [`Partial`](crate::compare::Partial) into that file (a
/// CBOR sequence, see [`crate::output::shard`]). Returns what was folded.
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
                    && let Err(e) = crate::output::shard::write_segment(f, first, part)
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
/// written). Shared by `sweep`, `lesson` and `merge`.
pub fn write_results(
    dir: &Path,
    result: &Comparison,
    title: &str,
    grid: Option<Vec<String>>,
    plots: bool,
) -> anyhow::Result<()> {
    let summary = serde_json::json!({
        "scenario": title,
        "runs": result.runs,
        "seed": result.seed,
        "grid": grid,
        "variants": result.arms.iter().map(|a| {
            let s = a.success(0.95);
            serde_json::json!({
                "name": a.name,
                "settings": a.settings.iter().map(|(k, v)| serde_json::json!({"key": k, "value": v})).collect::<Vec<_>>(),
                "success": s.estimate, "success_lo": s.lo, "success_hi": s.hi,
                "mean_rounds": a.measures[crate::compare::measure("rounds").unwrap_or(0)].mean(),
                "mean_hours_per_member_month": a.measures[crate::compare::measure("hours_per_member_month").unwrap_or(0)].mean(),
            })
        }).collect::<Vec<_>>(),
    });
    write_tables(dir, result, &summary)?;
    if plots {
        crate::output::charts::draw_all(dir)?;
    }
    Ok(())
}
