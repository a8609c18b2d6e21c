//! `coalsim merge OUT SHARD...`: the shard folders of one command (written
//! by `coalsim batch|sweep|lesson|explore --shard K/N`) into the files of
//! the whole command, byte-identical to it run on one machine.
//!
//! The shards must belong together (same command, scenario text, seed,
//! runs, flags and coalsim version: their fingerprints) and cover every
//! run (explore: every design point × policy) exactly once; anything else
//! is refused, naming what differs. runs.csv is the shards' rows in order;
//! the aggregates are the shards' segments folded in run order (the fold a
//! single machine does); everything else is written by the command's own
//! writers (`coalsim_report::batch::finish_batch`,
//! `coalsim_report::sweep::write_results`, explore's writers).
//!
//! This file reads and checks the shards; `cli/mod.rs` dispatches them to
//! the `merge` of the command that wrote them (`batch::merge`,
//! `sweep::merge`, ...), built from `coalsim_report::merge`.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;

use coalsim_report::shard::{ShardInfo, check_shards, read_shard_info, verify_files};

/// Arguments of `coalsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output directory for the merged result.
    pub out: PathBuf,
    /// The shard folders (any order; every shard exactly once).
    #[arg(required = true, num_args = 1..)]
    pub shards: Vec<PathBuf>,
}

/// Reads and checks the shard folders of `coalsim merge` (nothing is
/// written yet), in shard order.
pub fn read(args: &MergeArgs) -> anyhow::Result<Vec<(PathBuf, ShardInfo)>> {
    // Everything is checked before anything is written.
    let mut infos = Vec::with_capacity(args.shards.len());
    for dir in &args.shards {
        if args.out.canonicalize().ok().is_some()
            && dir.canonicalize().ok() == args.out.canonicalize().ok()
        {
            bail!(
                "{}: the output folder is also given as a shard; allowed: a new or another folder",
                dir.display()
            );
        }
        infos.push((
            dir.clone(),
            read_shard_info(dir).map_err(anyhow::Error::msg)?,
        ));
    }
    let shards = check_shards(infos).map_err(anyhow::Error::msg)?;
    // Every data file against its checksum, before anything is written: a
    // damaged shard leaves the output folder as it was.
    for (dir, info) in &shards {
        verify_files(dir, info).map_err(anyhow::Error::msg)?;
    }
    Ok(shards)
}
