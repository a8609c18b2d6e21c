//! A grid of variants compared with common random numbers (`coalsim sweep`).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::open;
use coalsim_core::scenario::ScenarioFile;
use coalsim_core::study::batch::segment_count_in;
use coalsim_core::study::compare::{Arm, CompareConfig};
use coalsim_report::shard::{Fingerprint, Shard, ShardShare, finish_shard, parse_shard};
use coalsim_report::sweep::merge_comparison;

/// Arguments of `coalsim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    pub scenario: Option<PathBuf>,
    /// KEY=V1,V2,... or KEY=START..END:STEP, KEY a dotted path into the
    /// scenario (governance.decision_rule, governance.checkin_every,
    /// population.count, ...). Repeat for a grid; the first combination is
    /// the baseline.
    #[arg(long = "vary", value_name = "KEY=VALUES")]
    pub vary: Vec<String>,
    /// KEY=VALUE: compare every variant with the one that differs from it
    /// only by KEY = VALUE, within each row of the grid (e.g.
    /// governance.decision_rule=majority: every rule against majority at
    /// each value of the other keys). Default: every variant against the
    /// first.
    #[arg(long, value_name = "KEY=VALUE")]
    pub baseline: Option<String>,
    /// Runs per variant.
    #[arg(long, default_value_t = 1000, allow_negative_numbers = true, value_parser = super::runs_arg::<10_000_000>)]
    pub runs: u64,
    /// Seed (default: the scenario's `seed`); run i of every variant uses
    /// the same random stream.
    #[arg(long, allow_negative_numbers = true, value_parser = super::seed_arg)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Output directory.
    #[arg(long, default_value = "coalsim-out/sweep")]
    pub out: PathBuf,
    /// Skip the plots.
    #[arg(long)]
    pub no_plots: bool,
    /// Run only shard K of N (K = 0 to N-1) of the runs, every variant,
    /// and write a shard folder; `coalsim merge OUT SHARD...` turns the N
    /// shard folders into the files of the whole sweep.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
}

/// What a sweep runs, from its flags and scenario (the same for a shard,
/// one machine and `merge`).
struct Plan {
    file: ScenarioFile,
    arms: Vec<Arm>,
    cfg: CompareConfig,
    grid: Option<Vec<String>>,
}

fn plan(args: &SweepArgs, file: ScenarioFile) -> anyhow::Result<Plan> {
    let varies = args
        .vary
        .iter()
        .map(|v| coalsim_core::study::sweep::parse_vary(v))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut arms = coalsim_core::study::sweep::arms(&file, &varies)?;
    if let Some(b) = &args.baseline {
        coalsim_core::study::sweep::set_baseline(&mut arms, &varies, b)?;
    }
    let cfg = CompareConfig {
        runs: args.runs,
        seed: args.seed.unwrap_or(file.base.seed),
        chunk: 256,
    };
    // A two-key grid gets a heatmap; two keys and the decision rule get a
    // rule map (the best rule in each cell).
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
    Ok(Plan {
        file,
        arms,
        cfg,
        grid,
    })
}

/// The flags that shape a sweep's files, as a shard records them.
fn flags(args: &SweepArgs) -> Vec<String> {
    let mut f: Vec<String> = args.vary.iter().map(|v| format!("--vary={v}")).collect();
    if let Some(b) = &args.baseline {
        f.push(format!("--baseline={b}"));
    }
    if args.no_plots {
        f.push("--no-plots".into());
    }
    f
}

/// Runs `coalsim sweep`.
pub fn run(args: &SweepArgs) -> anyhow::Result<()> {
    let file = open(args.scenario.as_deref())?;
    let source = file.source.clone();
    let p = plan(args, file)?;
    if !args.vary.is_empty() && !p.file.base.variant.is_empty() {
        eprintln!(
            "note: {} has {} [[variant]] table(s); with --vary they are not used (the grid varies the base scenario)",
            p.file.source.name,
            p.file.base.variant.len()
        );
    }
    let threads = args.threads.map(|t| t as usize);
    if let Some(sh) = args.shard {
        let range = coalsim_core::study::batch::shard_range(args.runs, sh.k, sh.n);
        let fp = Fingerprint::command(
            "sweep",
            &source.name,
            &source.text,
            p.cfg.seed,
            args.runs,
            flags(args),
            Some(sh.pair()),
        );
        let segs = args.out.join("segments.cbor");
        coalsim_report::sweep::run_runs(
            &p.arms,
            &p.cfg,
            threads,
            &args.out,
            range.clone(),
            Some(&segs),
        )?;
        let share = ShardShare {
            shard: sh,
            unit: "runs",
            segments: segment_count_in(&range, args.runs),
            range: range.clone(),
        };
        finish_shard(&args.out, &fp, &share, Some(&source.text))?;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{}: shard {}/{} of a sweep of {} variants × {} runs, seed {}: runs {}..{} written in {}.",
            p.file.base.name,
            sh.k,
            sh.n,
            p.arms.len(),
            args.runs,
            p.cfg.seed,
            range.start,
            range.end,
            args.out.display()
        )?;
        writeln!(out, "{}", sh.merge_hint())?;
        return Ok(());
    }
    let c = coalsim_report::sweep::run_comparison(
        &p.arms,
        &p.cfg,
        threads,
        &args.out,
        &p.file.base.name,
        p.grid.clone(),
        &grid_labels(&p),
        !args.no_plots,
    )?;
    coalsim_report::manifest::finish(&args.out, "sweep", false)?;
    report(
        &p,
        &c,
        args.no_plots,
        &args.out,
        &mut std::io::stdout().lock(),
    )
}

fn report(
    p: &Plan,
    c: &coalsim_core::study::compare::Comparison,
    no_plots: bool,
    dir: &Path,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "{} — {} variants × {} runs, seed {} (run i of every variant shares its random numbers)\n",
        p.file.base.name,
        p.arms.len(),
        p.cfg.runs,
        p.cfg.seed
    )?;
    write!(out, "{}", coalsim_report::comparison::markdown_table(c))?;
    writeln!(out)?;
    let candidates: Vec<(String, &coalsim_core::scenario::Scenario)> = p
        .arms
        .iter()
        .map(|a| (a.name.clone(), &a.scenario))
        .collect();
    for line in coalsim_core::power::capture_lines(&candidates) {
        writeln!(out, "{line}")?;
    }
    for line in coalsim_report::comparison::split_lines(c) {
        writeln!(out, "{line}")?;
    }
    // Several rules and other keys: which rule does best where, in words.
    if p.grid.is_some() || p.arms.iter().any(|a| a.baseline != 0) {
        let words = coalsim_report::comparison::rule_map_words(c, |k| p.file.key_label(k));
        if words.len() > 2 {
            for line in words {
                writeln!(out, "{line}")?;
            }
            writeln!(out)?;
        }
    }
    // A grid of many variants: read out the highest and lowest success
    // against the baseline, not every one (all are in comparison.csv) —
    // the variants the charts show.
    let rates: Vec<f64> = c
        .arms
        .iter()
        .map(|a| a.successes as f64 / a.runs.max(1) as f64)
        .collect();
    let shown: Vec<usize> = coalsim_report::charts::shown_variants(&rates)[1..]
        .iter()
        .copied()
        .filter(|&v| p.arms[v].baseline != v)
        .collect();
    let comparisons = c
        .arms
        .iter()
        .enumerate()
        .filter(|(v, a)| a.baseline != *v)
        .count();
    if shown.len() < comparisons {
        let half = coalsim_report::charts::ENDS;
        writeln!(
            out,
            "The {half} variants with the highest and the {half} with the lowest success, against their baseline (all {comparisons} comparisons are in comparison.csv):"
        )?;
    }
    for v in shown {
        writeln!(
            out,
            "{}",
            coalsim_report::comparison::reading(c, v, 0, 0.95)
        )?;
        writeln!(
            out,
            "{}",
            coalsim_report::comparison::endings_reading(c, v, p.arms[v].scenario.max_rounds)
        )?;
    }
    writeln!(
        out,
        "\nWrote {dir}/runs.csv, rounds.csv, incidence.csv, survival.csv, variants.csv, comparison.csv, summary.json{}.",
        if no_plots { "" } else { " and plots/" },
        dir = dir.display()
    )?;
    Ok(())
}

/// `coalsim merge` of sweep shards.
pub fn merge(out_dir: &Path, shards: &coalsim_report::merge::Shards) -> anyhow::Result<()> {
    let args: SweepArgs = super::shard_args(shards, true)?;
    let file = coalsim_report::merge::shard_scenario(shards)?;
    let p = plan(&args, file)?;
    let c = merge_comparison(
        shards,
        Path::new(""),
        &p.arms,
        &p.cfg,
        out_dir,
        &p.file.base.name,
        p.grid.clone(),
        &grid_labels(&p),
        !args.no_plots,
    )?;
    coalsim_report::manifest::finish(out_dir, "sweep", false)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}",
        coalsim_report::merge::merged_line(shards, out_dir)
    )?;
    report(&p, &c, args.no_plots, out_dir, &mut out)
}

/// The grid's keys in plain words, with the organisations' names
/// ([`ScenarioFile::key_label`](coalsim_core::scenario::ScenarioFile::key_label)),
/// for the plots' axes.
fn grid_labels(p: &Plan) -> Vec<(String, String)> {
    p.file.key_labels(p.grid.iter().flatten())
}
