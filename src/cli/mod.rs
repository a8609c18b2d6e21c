//! Command-line interface: clap types and dispatch, one file per command
//! (`src/cli/run.rs` is `coalsim run`, and so on). No model logic here.

use std::path::Path;

use clap::{Parser, Subcommand};

use coalsim_core::scenario::ScenarioFile;
use coalsim_report::merge::Shards;

pub mod batch;
pub mod charter;
pub mod check;
pub mod explore;
pub mod lesson;
pub mod merge;
pub mod new;
pub mod plot;
pub mod power;
pub mod replay;
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
    /// Replay a class game from the log the teacher downloaded: the same
    /// seed and every student's choices give the same outcome.
    Replay(replay::ReplayArgs),
    /// A one-page draft governance charter for the coalition a scenario
    /// describes, each clause with the evidence of the simulations:
    /// charter.md, a printable charter.html and evidence.csv.
    Charter(charter::CharterArgs),
    /// Describe your coalition in your own words (questions in the
    /// terminal, or --answers FILE) and get a commented scenario file with
    /// an [explore] table of what you are not sure of.
    New(new::NewArgs),
    /// Merge the shard folders of a batch, sweep, lesson or explore
    /// (`--shard K/N`) into the files of the whole command, byte-identical
    /// to one machine's.
    Merge(merge::MergeArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    // The folder a command writes is locked while it writes (see
    // `output::files::claim`), and marked incomplete until it is whole.
    let folder = match &cli.command {
        Command::Run(a) => Some((&a.out, "run")),
        Command::Sweep(a) => Some((&a.out, "sweep")),
        Command::Lesson(a) => Some((&a.out, "lesson")),
        Command::Plot(a) => Some((&a.dir, "plot")),
        Command::Batch(a) => Some((&a.out, "batch")),
        Command::Explore(a) => Some((&a.out, "explore")),
        Command::Merge(a) => Some((&a.out, "merge")),
        Command::Charter(a) => Some((&a.out, "charter")),
        // `new` writes one file (atomically), not a folder.
        Command::Check(_)
        | Command::Power(_)
        | Command::Serve(_)
        | Command::Replay(_)
        | Command::New(_) => None,
    };
    if let Some((dir, command)) = folder {
        coalsim_report::files::claim(dir, command);
    }
    let result = dispatch(cli);
    coalsim_report::files::release(result.is_ok());
    result
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
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
        // Each command merges its own shards; `merge` only reads them.
        Command::Merge(args) => {
            let shards = merge::read(&args)?;
            match shards[0].1.fingerprint.command.as_str() {
                "batch" => batch::merge(&args.out, &shards),
                "sweep" => sweep::merge(&args.out, &shards),
                "lesson" => lesson::merge(&args.out, &shards),
                "explore" => explore::merge(&args.out, &shards),
                other => anyhow::bail!(
                    "{}: shards of `coalsim {other}`; this coalsim merges shards of batch, sweep, lesson and explore",
                    shards[0].0.display()
                ),
            }
        }
        Command::Replay(args) => replay::run(&args),
        Command::Charter(args) => charter::run(&args),
        Command::New(args) => new::run(&args),
    }
}

/// `--seed` of every command: a whole number from 0 to 2⁶⁴ − 1, with the
/// same answer everywhere (a negative seed is read as a value, not as a
/// flag, so `--seed -1` says what is allowed).
pub fn seed_arg(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<u64>()
        .map_err(|_| format!("allowed: a whole number from 0 to {}", u64::MAX))
}

/// `--runs` of every command that takes it: a whole number from 1 to
/// `MAX`, with the same answer everywhere (`--runs 0`, `--runs -1`).
pub fn runs_arg<const MAX: u64>(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if (1..=MAX).contains(&n) => Ok(n),
        _ => Err(format!("allowed: a whole number from 1 to {MAX}")),
    }
}

/// Standard output that goes quiet when the reader closes the pipe
/// (`coalsim run | head -1`): later writes are dropped instead of failing,
/// so a command still finishes its files and exits 0.
pub struct PipeOut {
    inner: std::io::StdoutLock<'static>,
    closed: bool,
}

impl PipeOut {
    pub fn stdout() -> PipeOut {
        PipeOut {
            inner: std::io::stdout().lock(),
            closed: false,
        }
    }
}

impl std::io::Write for PipeOut {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// The flags a shard recorded (its fingerprint's `flags`), parsed again
/// into the command's arguments, so `merge` runs the very same code.
pub(crate) fn reparse<A: clap::Args + clap::FromArgMatches>(
    command: &str,
    flags: &[String],
) -> anyhow::Result<A> {
    let cmd = A::augment_args(clap::Command::new("coalsim").no_binary_name(true));
    let m = cmd.try_get_matches_from(flags).map_err(|e| {
        anyhow::anyhow!(
            "the shards' flags ({}) are not valid for `coalsim {command}` of this version: {e}",
            flags.join(" ")
        )
    })?;
    Ok(A::from_arg_matches(&m)?)
}

/// The arguments the shards' command ran with, parsed again from their
/// fingerprint: the recorded flags, `--runs`, and `--seed` when `with_seed`
/// (a lesson records its `--seed` among its flags only when one was given).
pub(crate) fn shard_args<A: clap::Args + clap::FromArgMatches>(
    shards: &Shards,
    with_seed: bool,
) -> anyhow::Result<A> {
    let fp = &shards[0].1.fingerprint;
    let mut flags = fp.flags.clone();
    flags.push(format!("--runs={}", fp.runs));
    if with_seed {
        flags.push(format!("--seed={}", fp.seed));
    }
    reparse(&fp.command, &flags)
}

/// Opens a scenario file, or the embedded default when `path` is `None`.
fn open(path: Option<&Path>) -> anyhow::Result<ScenarioFile> {
    Ok(ScenarioFile::open(path)?)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
