//! `coalsim explore`: which policy is robust when the coalition's numbers
//! are uncertain. Flags, files and words; the machinery is in
//! [`crate::explore`].

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::bail;
use clap::Args;

use crate::explore::report::{Exploration, analyse};
use crate::explore::run::{DesignKind, Plan, scenarios, simulate};
use crate::explore::{parse_policy, parse_uncertain, policies};
use crate::output::files::ensure_dir;
use crate::scenario::ScenarioFile;

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
    /// Runs of every point under every policy.
    #[arg(long, default_value_t = 50, value_name = "R", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub runs: u64,
    /// Where in the uncertainty space to run.
    #[arg(long, value_enum, default_value_t = DesignKind::Lhs)]
    pub design: DesignKind,
    /// Seed (default: the scenario's `seed`); replication i of every point
    /// and policy uses the random stream (seed, i).
    #[arg(long, value_name = "S")]
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
    let (file_unc, file_pol) = crate::explore::from_file(&file)?;
    let unc_text = if args.uncertain.is_empty() {
        &file_unc
    } else {
        &args.uncertain
    };
    let pol_text = if args.policy.is_empty() {
        &file_pol
    } else {
        &args.policy
    };
    if unc_text.is_empty() {
        bail!(
            "nothing is uncertain: give --uncertain KEY=LO..HI (e.g. trust.strangers=0.2..0.6) or an [explore.uncertain] table in the scenario"
        );
    }
    if pol_text.is_empty() {
        bail!(
            "no policies to compare: give --policy KEY=V1,V2,... (e.g. governance.decision_rule=consensus,majority) or an [explore.policy] table in the scenario"
        );
    }
    let unc = unc_text
        .iter()
        .map(|t| parse_uncertain(t))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let varies = pol_text
        .iter()
        .map(|t| parse_policy(t))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let pols = policies(&varies);
    if pols.len() > 100 {
        bail!(
            "--policy: {} combinations; allowed: at most 100",
            pols.len()
        );
    }
    let seed = args.seed.unwrap_or(file.base.seed);
    let samples = args.samples.map_or(
        match args.design {
            DesignKind::Lhs => 200,
            DesignKind::Sobol => 256,
            DesignKind::Saltelli => 128,
            DesignKind::Morris => 20,
        },
        |s| s as usize,
    );
    let keys: Vec<String> = unc.iter().map(|u| u.key.clone()).collect();
    let plan = Plan::new(args.design, samples, &keys, seed)
        .map_err(|e| anyhow::anyhow!("--design {}: {e}", args.design.name()))?;
    let total_runs = plan.points.len() as u64 * pols.len() as u64 * args.runs;
    if total_runs > 1_000_000_000 {
        bail!(
            "{} points × {} policies × {} runs = {total_runs} runs; allowed: at most 10^9",
            plan.points.len(),
            pols.len(),
            args.runs
        );
    }
    // Every scenario is validated before anything runs or is written.
    let all = scenarios(&file, &unc, &pols, &plan)?;

    let bar = if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(total_runs);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{wide_bar}] {pos}/{len} runs  {per_sec}  ETA {eta}",
        ) {
            b.set_style(style.progress_chars("=> "));
        }
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let cells = simulate(
        &all,
        args.runs,
        seed,
        args.threads.map(|t| t as usize),
        |n| bar.inc(n),
    );
    bar.finish_and_clear();
    let cells = cells?;
    let ex = Exploration {
        scenario: file.base.name.clone(),
        runs: args.runs,
        seed,
        satisfice: args.satisfice,
        uncertainties: unc,
        policies: pols,
        plan,
        cells,
    };
    let report = analyse(&ex);
    ensure_dir(&args.out)?;
    crate::output::explore::write_all(&args.out, &ex, &report)?;
    let plots = if args.no_plots {
        Vec::new()
    } else {
        crate::output::explore_charts::draw_all(&args.out, &ex, &report)?
    };

    let mut out = std::io::stdout().lock();
    write!(
        out,
        "{}",
        crate::output::explore::plain_report(&ex, &report)
    )?;
    writeln!(out, "\nFiles written in {}:", args.out.display())?;
    for f in crate::output::explore::FILES {
        writeln!(out, "  {f}")?;
    }
    for p in plots {
        writeln!(out, "  {}", p.display())?;
    }
    Ok(())
}
