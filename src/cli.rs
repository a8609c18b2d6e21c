//! Command-line interface: clap types and dispatch. No model logic here.
use clap::{Parser, Subcommand};

/// coalsim: simulate coalitions under governance rules.
#[derive(Debug, Parser)]
#[command(name = "coalsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Power indices (Shapley–Shubik, Banzhaf) of a weighted voting rule.
    Power(crate::power::cli::PowerArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Power(args) => crate::power::cli::run(&args),
    }
}
