//! `coalsim explore`: which policy is robust when the coalition's numbers
//! are uncertain. Flags, files and words; the machinery is in
//! [`coalsim_core::study::explore`].

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;

use coalsim_report::files::write_atomic;
use coalsim_report::shard::{
    Fingerprint, Shard, ShardShare, check_ranges, finish_shard, parse_shard, shard_units,
};

use coalsim_core::scenario::ScenarioFile;
use coalsim_core::study::compare::SplitShares;
use coalsim_core::study::explore::report::{Exploration, Standing, analyse, ranking};
use coalsim_core::study::explore::run::{DesignKind, SUCCESS, Sums, means, simulate_sums};
use coalsim_core::study::explore::{parse_policy, parse_uncertain};
use coalsim_report::files::ensure_dir;

/// Arguments of `coalsim explore`.
#[derive(Debug, Args)]
pub struct ExploreArgs {
    /// Scenario file (TOML); the embedded default when omitted. Its
    /// `[explore]` table supplies uncertainties and policies the command
    /// line does not give.
    pub scenario: Option<PathBuf>,
    /// KEY=LO..HI (uniform; whole numbers when both ends are) or
    /// KEY=V1,V2,... (each value equally likely): an input you are unsure
    /// of, any dotted key --vary accepts. Repeat for more.
    #[arg(long = "uncertain", value_name = "KEY=RANGE")]
    pub uncertain: Vec<String>,
    /// KEY=V1,V2,...: the candidates to compare (as --vary). Repeat to
    /// combine keys.
    #[arg(long = "policy", value_name = "KEY=VALUES")]
    pub policy: Vec<String>,
    /// Design: points for lhs and sobol, base rows for saltelli (points =
    /// samples × (uncertainties + 2)), trajectories for morris (points =
    /// samples × (uncertainties + 1)). Default: 200 (lhs), 256 (sobol),
    /// 128 (saltelli), 20 (morris).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(2..=1_000_000))]
    pub samples: Option<u64>,
    /// Runs of every point under every policy. Without it, explore starts
    /// at 50 and doubles the runs until the ranking on mean success is
    /// stable to --precision, or --max-runs is reached, or more runs could
    /// not settle it.
    #[arg(long, value_name = "R", allow_negative_numbers = true, value_parser = super::runs_arg::<1_000_000>)]
    pub runs: Option<u64>,
    /// Differences in mean success smaller than this count as equivalent
    /// (the precision the ranking is asked to reach).
    #[arg(long, default_value_t = 0.02, value_name = "D")]
    pub precision: f64,
    /// Most runs per point and policy when explore adds runs by itself.
    #[arg(long, default_value_t = 400, value_name = "R", value_parser = super::runs_arg::<1_000_000>)]
    pub max_runs: u64,
    /// Where in the uncertainty space to run.
    #[arg(long, value_enum, default_value_t = DesignKind::Lhs)]
    pub design: DesignKind,
    /// Seed (default: the scenario's `seed`); replication i of every point
    /// and policy uses the random stream (seed, i).
    #[arg(long, value_name = "S", allow_negative_numbers = true, value_parser = super::seed_arg)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). The files do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Success probability that counts as good enough.
    #[arg(long, default_value_t = 0.6, value_name = "P")]
    pub satisfice: f64,
    /// Output directory.
    #[arg(long, default_value = "coalsim-out/explore", value_name = "DIR")]
    pub out: PathBuf,
    /// Skip the plots.
    #[arg(long)]
    pub no_plots: bool,
    /// Run only shard K of N (K = 0 to N-1) of the design point × policy
    /// cells and write a shard folder; `coalsim merge OUT SHARD...` turns
    /// the N shard folders into the files of the whole exploration.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
}

/// What an exploration runs, from its flags and scenario (the same for a
/// shard, one machine and `merge`; the Python package builds it with the
/// same code).
type Setup = coalsim_core::study::explore::setup::Setup;

fn setup(args: &ExploreArgs, file: ScenarioFile) -> anyhow::Result<Setup> {
    if !(0.0..=1.0).contains(&args.satisfice) {
        bail!(
            "--satisfice {}: a success probability; allowed: 0 to 1",
            args.satisfice
        );
    }
    if !(args.precision > 0.0 && args.precision < 1.0) {
        bail!(
            "--precision {}: a difference in success probability; allowed: above 0 and below 1 (e.g. 0.02)",
            args.precision
        );
    }
    let ask = coalsim_core::study::explore::setup::Ask {
        uncertain: args
            .uncertain
            .iter()
            .map(|t| parse_uncertain(t))
            .collect::<anyhow::Result<Vec<_>>>()?,
        uncertain_origin: "--uncertain".into(),
        policy: args
            .policy
            .iter()
            .map(|t| parse_policy(t))
            .collect::<anyhow::Result<Vec<_>>>()?,
        policy_origin: "--policy".into(),
        no_uncertain: "nothing is uncertain: give --uncertain KEY=LO..HI (e.g. trust.strangers=0.2..0.6) or an [explore.uncertain] table in the scenario".into(),
        no_policy: "no policies to compare: give --policy KEY=V1,V2,... (e.g. governance.decision_rule=consensus,majority) or an [explore.policy] table in the scenario".into(),
        design: args.design,
        samples: args.samples.map(|s| s as usize),
        seed: args.seed,
        max_runs: args.runs.unwrap_or(args.max_runs),
    };
    let st = coalsim_core::study::explore::setup::setup(file, ask)?;
    let name = &st.file.source.name;
    for (table, n) in &st.replaced {
        match *table {
            "explore.uncertain" => eprintln!(
                "note: --uncertain replaces the whole [explore.uncertain] table of {name} ({n} key(s) there are not used)"
            ),
            _ => eprintln!("note: --policy replaces the whole [explore.policy] table of {name}"),
        }
    }
    Ok(st)
}

/// The flags that shape an exploration's files, as a shard records them
/// (the design's size resolved).
fn flags(args: &ExploreArgs, samples: usize) -> Vec<String> {
    let mut f: Vec<String> = args
        .uncertain
        .iter()
        .map(|u| format!("--uncertain={u}"))
        .collect();
    f.extend(args.policy.iter().map(|p| format!("--policy={p}")));
    f.push(format!("--samples={samples}"));
    f.push(format!("--design={}", args.design.name()));
    f.push(format!("--satisfice={}", args.satisfice));
    f.push(format!("--precision={}", args.precision));
    if args.no_plots {
        f.push("--no-plots".into());
    }
    f
}

/// One shard's cells in `cells.cbor`: the sums of cells `first ..` and which of their runs reached the goal.
#[derive(serde::Serialize, serde::Deserialize)]
struct ShardCells {
    first: u64,
    cells: Vec<Sums>,
}

/// Runs `coalsim explore`.
pub fn run(args: &ExploreArgs) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&args.satisfice) {
        bail!(
            "--satisfice {}: a success probability; allowed: 0 to 1",
            args.satisfice
        );
    }
    let file = ScenarioFile::open(args.scenario.as_deref())?;
    let source = file.source.clone();
    let st = setup(args, file)?;
    // A shard runs its share of the cells (design point × policy, point-major).
    let range = match args.shard {
        Some(sh) => shard_units("cells", st.all.len() as u64, sh.k, sh.n),
        None => 0..st.all.len() as u64,
    };
    let todo = &st.all[range.start as usize..range.end as usize];
    let adaptive = args.runs.is_none() && args.shard.is_none();
    let first = args.runs.unwrap_or(START_RUNS.min(args.max_runs));
    let bar = if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(todo.len() as u64 * first);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{wide_bar}] {pos}/{len} runs  {per_sec}  ETA {eta}",
        ) {
            b.set_style(style.progress_chars("=> "));
        }
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let threads = args.threads.map(|t| t as usize);
    let mut runs = first;
    let mut sums = simulate_sums(
        todo,
        vec![Sums::default(); todo.len()],
        0..runs,
        st.seed,
        threads,
        |n| bar.inc(n),
    )?;
    let mut steps = vec![runs];
    let mut stop = None;
    if adaptive {
        loop {
            let ex = exploration(args, &st, runs, &sums);
            let rk = ranking(&ex, &ex.plan.exploration_points());
            if rk.stable() {
                stop = Some(format!("the ranking is stable to ±{}", args.precision));
                break;
            }
            if !rk
                .pairs
                .iter()
                .any(|p| p.standing == Standing::Unresolved && p.runs_would_help())
            {
                stop = Some(
                    "more runs could not settle what is left: it differs from coalition to coalition"
                        .to_string(),
                );
                break;
            }
            if runs * 2 > args.max_runs {
                stop = Some(format!("--max-runs {} reached", args.max_runs));
                break;
            }
            bar.inc_length(todo.len() as u64 * runs);
            sums = simulate_sums(todo, sums, runs..runs * 2, st.seed, threads, |n| bar.inc(n))?;
            runs *= 2;
            steps.push(runs);
        }
    }
    bar.finish_and_clear();
    let cells = sums;
    let note = stop.map(|why| {
        format!(
            "Runs per coalition and policy: {} (added until {why}).",
            steps
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(" → ")
        )
    });
    if let Some(sh) = args.shard {
        ensure_dir(&args.out)?;
        let fp = Fingerprint::command(
            "explore",
            &source.name,
            &source.text,
            st.seed,
            runs,
            flags(args, st.samples),
            Some(sh.pair()),
        );
        let mut bytes = Vec::new();
        ciborium::into_writer(
            &ShardCells {
                first: range.start,
                cells,
            },
            &mut bytes,
        )
        .map_err(|e| anyhow::anyhow!("cannot encode the cells: {e}"))?;
        write_atomic(&args.out.join("cells.cbor"), &bytes)?;
        let share = ShardShare {
            shard: sh,
            unit: "cells",
            range: range.clone(),
            segments: 0,
        };
        finish_shard(&args.out, &fp, &share, Some(&source.text))?;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{}: shard {}/{} of an exploration of {} points × {} policies × {} runs, seed {}: cells {}..{} of {} written in {}.",
            st.file.base.name,
            sh.k,
            sh.n,
            st.plan.points.len(),
            st.pols.len(),
            runs,
            st.seed,
            range.start,
            range.end,
            st.all.len(),
            args.out.display()
        )?;
        writeln!(out, "{}", sh.merge_hint())?;
        return Ok(());
    }
    finish(args, st, runs, cells, &args.out, note)
}

/// Runs per point and policy explore starts from when it adds runs by
/// itself.
pub const START_RUNS: u64 = 50;

fn exploration(args: &ExploreArgs, st: &Setup, runs: u64, sums: &[Sums]) -> Exploration {
    Exploration {
        scenario: st.file.base.name.clone(),
        runs,
        seed: st.seed,
        satisfice: args.satisfice,
        uncertainties: st.unc.clone(),
        policies: st.pols.clone(),
        plan: st.plan.clone(),
        cells: means(sums, runs),
        hits: sums.iter().map(|c| c.hits.clone()).collect(),
        precision: args.precision,
    }
}

/// Analyses the cells and writes the files, plots and report.
fn finish(
    args: &ExploreArgs,
    st: Setup,
    runs: u64,
    cells: Vec<Sums>,
    dir: &Path,
    note: Option<String>,
) -> anyhow::Result<()> {
    let ex = exploration(args, &st, runs, &cells);
    let report = analyse(&ex);
    let capture = capture_lines(&ex, &st.all);
    let splits = split_line(&ex, &cells);
    ensure_dir(dir)?;
    coalsim_report::explore::write_all(dir, &ex, &report)?;
    let plots = if args.no_plots {
        Vec::new()
    } else {
        coalsim_report::plots::explore::draw_all(dir, &ex, &report)?
    };

    let mut out = std::io::stdout().lock();
    if let Some(m) = note {
        writeln!(out, "{m}")?;
    }
    write!(
        out,
        "{}",
        coalsim_report::explore::plain_report(&ex, &report)
    )?;
    for line in &capture {
        writeln!(out, "{line}")?;
    }
    if let Some(line) = splits {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "\nFiles written in {}:", dir.display())?;
    for f in coalsim_report::explore::FILES {
        writeln!(out, "  {f}")?;
    }
    for p in plots {
        writeln!(out, "  {}", p.display())?;
    }
    Ok(())
}

/// `coalsim merge` of explore shards: the cells of every shard in order,
/// then the analysis, files and plots of one machine.
pub fn merge(out_dir: &Path, shards: &coalsim_report::merge::Shards) -> anyhow::Result<()> {
    let args: ExploreArgs = super::shard_args(shards, true)?;
    let file = coalsim_report::merge::shard_scenario(shards)?;
    let st = setup(&args, file)?;
    let total = st.all.len() as u64;
    check_ranges(shards, "cells", total).map_err(anyhow::Error::msg)?;
    let mut cells: Vec<Sums> = Vec::with_capacity(st.all.len());
    for (dir, info) in shards {
        let p = dir.join("cells.cbor");
        let bytes = std::fs::read(&p).with_context(|| format!("{}: cannot read", p.display()))?;
        let sc: ShardCells = ciborium::from_reader(&bytes[..]).map_err(|e| {
            anyhow::anyhow!(
                "{}: not a coalsim shard's cells ({e}); the shard folder is damaged: run that shard again",
                p.display()
            )
        })?;
        if sc.first != info.first || sc.cells.len() as u64 != info.count {
            bail!(
                "{}: cells {}..{}, but shard {}/{} holds cells {}..{}; the shard folder is damaged: run that shard again",
                p.display(),
                sc.first,
                sc.first + sc.cells.len() as u64,
                info.shard,
                info.of,
                info.first,
                info.first + info.count
            );
        }
        cells.extend(sc.cells);
    }
    let merged = coalsim_report::merge::merged_line(shards, out_dir);
    let runs = args.runs.unwrap_or(START_RUNS);
    finish(&args, st, runs, cells, out_dir, Some(merged))
}

/// When under some policy at least
/// [`SplitShares::REPORTED`] of all the runs
/// of the sampled coalitions reached the goal with fewer than half of the
/// most members the coalition had: one line giving that share for every
/// policy, highest first, with the policy's mean success not counting them.
fn split_line(ex: &Exploration, cells: &[Sums]) -> Option<String> {
    let np = ex.policies.len();
    let points = ex.plan.exploration_points();
    let runs = points.len() as u64 * ex.runs;
    let mut shares: Vec<(SplitShares, &str)> = ex
        .policies
        .iter()
        .enumerate()
        .map(|(p, pol)| {
            let split: u64 = points.iter().map(|&s| cells[s * np + p].splits).sum();
            // The success sums add one 0/1 per run: a count.
            let successes: f64 = points
                .iter()
                .map(|&s| cells[s * np + p].sums[SUCCESS])
                .sum();
            let sh = SplitShares::of(runs, successes.round() as u64, split);
            (sh, pol.name.as_str())
        })
        .collect();
    if !shares.iter().any(|(sh, _)| sh.reported()) {
        return None;
    }
    shares.sort_by(|a, b| b.0.of_runs.total_cmp(&a.0.of_runs));
    let list: Vec<String> = shares
        .iter()
        .enumerate()
        .map(|(i, (sh, name))| {
            let label = if i == 0 { "success without them " } else { "" };
            format!("{name} {:.1}% ({label}{:.2})", 100.0 * sh.of_runs, sh.kept)
        })
        .collect();
    Some(format!(
        "Reached by fewer than half: the share of all runs that reached the goal with fewer than half of the most members the coalition had (more than half had left by the end), and each rule's mean success not counting them; the success figures above count them (docs/validation.md, \"The rump\"): {}.",
        list.join(", ")
    ))
}

/// For each policy under which one organisation decides alone or some (not
/// all) hold a veto in some sampled coalitions: a warning with how often,
/// and the words of the first such coalition.
fn capture_lines(ex: &Exploration, all: &[coalsim_core::scenario::Scenario]) -> Vec<String> {
    let np = ex.policies.len();
    let points = ex.plan.exploration_points();
    let mut lines = Vec::new();
    for (p, pol) in ex.policies.iter().enumerate() {
        let found: Vec<coalsim_core::power::Capture> = points
            .iter()
            .filter_map(|&s| coalsim_core::power::capture(&all[s * np + p]))
            .collect();
        let Some(first) = found.first() else {
            continue;
        };
        let same = found.iter().all(|c| c.words() == first.words());
        lines.push(format!(
            "Capture warning: under `{}`, {} in {} of the {} sampled coalitions{} (among all {} organisations; `coalsim power` shows every index).",
            pol.name,
            first.words(),
            found.len(),
            points.len(),
            if same { "" } else { " (the first of them; the others differ in who or how much)" },
            first.players
        ));
    }
    lines
}
