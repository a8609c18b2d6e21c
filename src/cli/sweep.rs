//! A grid of variants compared with common random numbers (`coalsim sweep`).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::open;
use crate::compare::CompareConfig;

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
    /// Runs per variant.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub runs: u64,
    /// Seed (default: the scenario's `seed`); run i of every variant uses
    /// the same random stream.
    #[arg(long)]
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
}

/// Runs `coalsim sweep`.
pub fn run(args: &SweepArgs) -> anyhow::Result<()> {
    let file = open(args.scenario.as_deref())?;
    let varies = args
        .vary
        .iter()
        .map(|v| crate::sweep::parse_vary(v))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let arms = crate::sweep::arms(&file, &varies)?;
    if !varies.is_empty() && !file.base.variant.is_empty() {
        eprintln!(
            "note: {} has {} [[variant]] table(s); with --vary they are not used (the grid varies the base scenario)",
            file.source.name,
            file.base.variant.len()
        );
    }
    let cfg = CompareConfig {
        runs: args.runs,
        seed: args.seed.unwrap_or(file.base.seed),
        chunk: 256,
    };
    // A two-key grid gets a heatmap; two keys and the decision rule get a
    // rule map (the best rule in each cell).
    let rule = crate::output::charts::RULE_KEY;
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
    let c = crate::sweep::run_comparison(
        &arms,
        &cfg,
        args.threads.map(|t| t as usize),
        &args.out,
        &file.base.name,
        grid,
        !args.no_plots,
    )?;
    crate::output::manifest::finish(&args.out, "sweep", false)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} — {} variants × {} runs, seed {} (run i of every variant shares its random numbers)\n",
        file.base.name,
        arms.len(),
        args.runs,
        cfg.seed
    )?;
    write!(out, "{}", crate::output::comparison::markdown_table(&c))?;
    writeln!(out)?;
    for v in 1..c.arms.len() {
        writeln!(
            out,
            "{}",
            crate::output::comparison::reading(&c, v, 0, 0.95)
        )?;
        writeln!(
            out,
            "{}",
            crate::output::comparison::endings_reading(&c, v, arms[v].scenario.max_rounds)
        )?;
    }
    writeln!(
        out,
        "\nWrote {dir}/runs.csv, rounds.csv, incidence.csv, survival.csv, variants.csv, comparison.csv, summary.json{}.",
        if args.no_plots { "" } else { " and plots/" },
        dir = args.out.display()
    )?;
    Ok(())
}
