//! `coalsim charter SCENARIO`: a one-page draft governance charter for the
//! coalition a scenario describes, each clause with the evidence of the
//! simulations behind it. Flags and files; the page is
//! [`coalsim_report::charter`] (the charter button of `coalsim serve`
//! draws the same page).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use coalsim_report::files::{ensure_dir, write_atomic};

/// Arguments of `coalsim charter`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  coalsim charter scenarios/eastside.toml --out charter")]
pub struct CharterArgs {
    /// Scenario file (TOML) describing the coalition and its draft rules;
    /// the embedded default when omitted.
    pub scenario: Option<PathBuf>,
    /// Runs of each side of every comparison.
    #[arg(long, default_value_t = 400, value_name = "N", allow_negative_numbers = true, value_parser = super::runs_arg::<1_000_000>)]
    pub runs: u64,
    /// Seed (default: the scenario's `seed`).
    #[arg(long, value_name = "S", allow_negative_numbers = true, value_parser = super::seed_arg)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). The files do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Output directory: charter.md, charter.html, evidence.csv.
    #[arg(long, default_value = "coalsim-out/charter", value_name = "DIR")]
    pub out: PathBuf,
}

/// Runs `coalsim charter`.
pub fn run(args: &CharterArgs) -> anyhow::Result<()> {
    let file = super::open(args.scenario.as_deref())?;
    let seed = args.seed.unwrap_or(file.base.seed);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, |t| t as usize))
        .build()
        .context("cannot start the thread pool")?;
    let never = std::sync::atomic::AtomicBool::new(false);
    let charter = pool
        .install(|| coalsim_report::charter::draft(&file, args.runs, seed, &never))?
        .context("the charter's runs were stopped")?;
    ensure_dir(&args.out)?;
    write_atomic(&args.out.join("charter.md"), charter.markdown.as_bytes())?;
    write_atomic(&args.out.join("charter.html"), charter.html.as_bytes())?;
    write_atomic(
        &args.out.join("evidence.csv"),
        charter.evidence_csv.as_bytes(),
    )?;
    let mut out = std::io::stdout().lock();
    write!(out, "{}", charter.markdown)?;
    writeln!(
        out,
        "\nFiles written in {}:\n  charter.md\n  charter.html\n  evidence.csv",
        args.out.display()
    )?;
    Ok(())
}
