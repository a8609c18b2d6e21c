//! Replay a class game from its log (`coalsim replay LOG`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::bail;
use clap::Args;

use coalsim_report::narrative;
use coalsim_serve::game::{self, GameLog};

/// Arguments of `coalsim replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The game log (CSV) the teacher downloaded from the class game.
    pub log: PathBuf,
}

/// Runs `coalsim replay`: the log's scenario and seed with every student
/// choice, to the end; prints the verdict and checks it against the
/// outcome the log recorded (exit 1 when they differ).
pub fn run(args: &ReplayArgs) -> anyhow::Result<()> {
    let name = args.log.display().to_string();
    let text = coalsim_serve::game::log::read(&args.log).map_err(anyhow::Error::msg)?;
    let log = GameLog::parse(&name, &text).map_err(anyhow::Error::msg)?;
    let summary = game::replay(&log).map_err(anyhow::Error::msg)?;
    let players: std::collections::BTreeSet<&str> =
        log.plays.iter().map(|p| p.player.as_str()).collect();
    let mut out = super::PipeOut::stdout();
    writeln!(
        out,
        "Replaying `{}` (seed {}): {} choices by {} player(s).",
        log.title,
        log.seed,
        log.plays.len(),
        players.len()
    )?;
    write!(out, "{}", narrative::verdict(&summary))?;
    match &log.outcome {
        Some((outcome, rounds)) if outcome == summary.outcome && *rounds == summary.rounds => {
            writeln!(
                out,
                "Same outcome as the game: {outcome} in round {rounds}."
            )?;
        }
        Some((outcome, rounds)) => bail!(
            "{name}: the game ended `{outcome}` in round {rounds}, the replay `{}` in round {}; was the log edited, or made by another version of coalsim?",
            summary.outcome,
            summary.rounds
        ),
        None => writeln!(
            out,
            "The log has no recorded outcome (downloaded before the game ended); the replay played the rest by the model."
        )?,
    }
    Ok(())
}
