//! Command-line interface: clap types and dispatch, one file per command
//! (`src/cli/run.rs` is `coalsim run`, and so on). No model logic here.

use std::path::Path;

use clap::{Parser, Subcommand};

use crate::scenario::ScenarioFile;

pub mod batch;
pub mod check;
pub mod explore;
pub mod lesson;
pub mod plot;
pub mod power;
pub mod run;
pub mod serve;
pub mod sweep;

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
    Run(run::RunArgs),
    /// Validate a scenario and print it fully resolved.
    Check(check::CheckArgs),
    /// Compare variants with common random numbers: a grid of --vary
    /// overrides, or the scenario's own [[variant]]s.
    Sweep(sweep::SweepArgs),
    /// The lesson library: list lessons, or run one and read its result.
    Lesson(lesson::LessonArgs),
    /// Redraw the plots of a result directory from its CSV files.
    Plot(plot::PlotArgs),
    /// Power indices (Shapley–Shubik, Banzhaf) of a weighted voting rule.
    Power(power::PowerArgs),
    /// Monte Carlo replications in parallel: runs.csv, rounds.csv, survival.csv, summary.json
    Batch(batch::BatchArgs),
    /// The classroom in a browser: a live run, controls and many-run
    /// comparisons on a local web page.
    Serve(serve::ServeArgs),
    /// Which rule is robust when the coalition's numbers are uncertain:
    /// Latin hypercube / Sobol designs, regret, PRIM, Sobol and Morris
    /// sensitivity.
    Explore(explore::ExploreArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Sweep(args) => sweep::run(&args),
        Command::Lesson(args) => lesson::run(&args),
        Command::Plot(args) => plot::run(&args),
        Command::Power(args) => power::run(&args),
        Command::Batch(args) => batch::run(&args),
        Command::Explore(args) => explore::run(&args),
        Command::Serve(args) => serve::run(&args),
    }
}

/// Opens a scenario file, or the embedded default when `path` is `None`.
fn open(path: Option<&Path>) -> anyhow::Result<ScenarioFile> {
    Ok(ScenarioFile::open(path)?)
}
