//! Command-line interface: clap types and dispatch. No model logic here.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::engine::Simulation;
use crate::narrative;
use crate::output::files::{AtomicFile, ensure_dir, write_atomic};
use crate::output::tables::{EventRow, write_rows};
use crate::scenario::ScenarioFile;

/// coalsim: simulate coalitions under governance rules.
///
/// Every command works without a scenario file: the embedded default
/// scenario (a city housing coalition) is used.
#[derive(Debug, Parser)]
#[command(name = "coalsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// One run, narrated round by round; writes rounds.csv and events.csv.
    Run(RunArgs),
    /// Validate a scenario and print it fully resolved.
    Check(CheckArgs),
    /// Power indices (Shapley–Shubik, Banzhaf) of a weighted voting rule.
    Power(crate::power::cli::PowerArgs),
    /// Monte Carlo replications in parallel: runs.csv, rounds.csv, survival.csv, summary.json
    Batch(crate::batch_cli::BatchArgs),
}

/// Arguments of `coalsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    pub scenario: Option<PathBuf>,
    /// Seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output directory.
    #[arg(long, default_value = "coalsim-out/run")]
    pub out: PathBuf,
    /// Print a status line every N rounds (0 = never).
    #[arg(long, default_value_t = 8)]
    pub every: u32,
    /// Print only the verdict.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `coalsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    pub scenario: Option<PathBuf>,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run_one(&args),
        Command::Check(args) => check(&args),
        Command::Power(args) => crate::power::cli::run(&args),
        Command::Batch(args) => crate::batch_cli::run(&args),
    }
}

fn open(path: Option<&Path>) -> anyhow::Result<ScenarioFile> {
    Ok(ScenarioFile::open(path)?)
}

fn check(args: &CheckArgs) -> anyhow::Result<()> {
    let file = open(args.scenario.as_deref())?;
    let variants = file.variants()?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "# {}: valid. {} agents, {} issues, rule `{}`, {} variant(s).",
        file.source.name,
        file.base.agent_count(),
        file.base.issues,
        file.base.governance.decision_rule.name(),
        variants.len()
    )?;
    writeln!(
        out,
        "# The fully resolved scenario (every default filled in):"
    )?;
    write!(out, "{}", file.base.to_toml())?;
    Ok(())
}

fn run_one(args: &RunArgs) -> anyhow::Result<()> {
    let file = open(args.scenario.as_deref())?;
    let s = &file.base;
    let seed = args.seed.unwrap_or(s.seed);
    ensure_dir(&args.out)?;
    let mut sim = Simulation::new(s, seed, 0);
    let mut out = std::io::stdout().lock();
    if !args.quiet {
        writeln!(out, "{} — one run, seed {seed}", s.name)?;
        if !s.description.is_empty() {
            writeln!(out, "{}", s.description)?;
        }
        writeln!(
            out,
            "Rule: {}; governance set up {}; check-ins {}; exit {}.",
            s.governance.decision_rule.name(),
            match s.governance.setup {
                crate::scenario::Setup::Early => "early",
                crate::scenario::Setup::OnConflict => "only when a conflict forces it",
            },
            if s.governance.checkin_every == 0 {
                "never".to_string()
            } else {
                format!("every {} round(s)", s.governance.checkin_every)
            },
            match s.governance.exit_protocol {
                crate::scenario::ExitProtocol::Graceful => "graceful",
                crate::scenario::ExitProtocol::None => "without a protocol",
            }
        )?;
        let members: Vec<&str> = (0..sim.world.n)
            .filter(|&i| sim.world.is_member(i))
            .map(|i| sim.world.names[i].as_str())
            .collect();
        writeln!(
            out,
            "round 0: the coalition starts with {}",
            members.join(", ")
        )?;
    }
    let mut rounds = Vec::with_capacity(s.max_rounds as usize);
    let mut events = Vec::new();
    for e in &sim.events {
        events.push(EventRow::of(e, &sim.world));
    }
    let (mut passed, mut blocked) = (0, 0);
    while sim.outcome.is_none() {
        sim.step();
        let rec = sim.record();
        passed += rec.decisions_passed;
        blocked += rec.decisions_blocked;
        for e in &sim.events {
            events.push(EventRow::of(e, &sim.world));
        }
        if !args.quiet {
            for line in narrative::narrate_events(&sim.events, &sim.world) {
                writeln!(out, "{line}")?;
            }
            if args.every > 0 && rec.round % args.every == 0 && sim.outcome.is_none() {
                writeln!(out, "  {}", narrative::status_line(&rec, passed, blocked))?;
                (passed, blocked) = (0, 0);
            }
        }
        rounds.push(rec);
    }
    let summary = sim.summary();
    writeln!(out)?;
    writeln!(out, "{}", narrative::verdict(&summary))?;

    let write_csv =
        |name: &str, f: &dyn Fn(&mut AtomicFile) -> csv::Result<()>| -> anyhow::Result<()> {
            let path = args.out.join(name);
            let mut file = AtomicFile::create(&path)
                .with_context(|| format!("{}: cannot create", path.display()))?;
            f(&mut file).with_context(|| format!("{}: cannot write", path.display()))?;
            file.commit()
                .with_context(|| format!("{}: cannot write", path.display()))?;
            Ok(())
        };
    write_csv("rounds.csv", &|f| write_rows(f, &rounds))?;
    write_csv("events.csv", &|f| write_rows(f, &events))?;
    let json = serde_json::to_string_pretty(&summary)?;
    write_atomic(
        &args.out.join("summary.json"),
        format!("{json}\n").as_bytes(),
    )?;
    writeln!(
        out,
        "\nWrote {}/rounds.csv, events.csv and summary.json.",
        args.out.display()
    )?;
    Ok(())
}
