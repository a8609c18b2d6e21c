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
//! writers ([`super::batch::finish_batch`], [`crate::sweep::write_results`],
//! explore's writers).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;

use crate::batch::{Aggregates, BatchConfig, BatchResult};
use crate::output::files::{AtomicFile, ensure_dir};
use crate::output::shard::{ShardInfo, check_ranges, check_shards, read_segment, read_shard_info};
use crate::scenario::{ScenarioFile, Source};

/// Arguments of `coalsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output directory for the merged result.
    pub out: PathBuf,
    /// The shard folders (any order; every shard exactly once).
    #[arg(required = true, num_args = 1..)]
    pub shards: Vec<PathBuf>,
}

/// The shards of one command, checked, in shard order.
pub type Shards = [(PathBuf, ShardInfo)];

/// Runs `coalsim merge`.
pub fn run(args: &MergeArgs) -> anyhow::Result<()> {
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
    match shards[0].1.fingerprint.command.as_str() {
        "batch" => merge_batch(&args.out, &shards),
        "sweep" => super::sweep::merge(&args.out, &shards),
        "lesson" => super::lesson::merge(&args.out, &shards),
        "explore" => super::explore::merge(&args.out, &shards),
        other => bail!(
            "{}: shards of `coalsim {other}`; this coalsim merges shards of batch, sweep, lesson and explore",
            shards[0].0.display()
        ),
    }
}

/// The arguments the shards' command ran with, parsed again from their
/// fingerprint: the recorded flags, `--runs`, and `--seed` when `with_seed`
/// (a lesson records its `--seed` among its flags only when one was given).
pub fn shard_args<A: clap::Args + clap::FromArgMatches>(
    shards: &Shards,
    with_seed: bool,
) -> anyhow::Result<A> {
    let fp = &shards[0].1.fingerprint;
    let mut flags = fp.flags.clone();
    flags.push(format!("--runs={}", fp.runs));
    if with_seed {
        flags.push(format!("--seed={}", fp.seed));
    }
    super::reparse(&fp.command, &flags)
}

/// The scenario a shard ran (its `scenario.toml`, checked against the
/// fingerprint), loaded under the name it was given.
pub fn shard_scenario(shards: &Shards) -> anyhow::Result<ScenarioFile> {
    let fp = &shards[0].1.fingerprint;
    let text_path = shards[0].0.join("scenario.toml");
    let text = std::fs::read_to_string(&text_path)
        .with_context(|| format!("{}: cannot read", text_path.display()))?;
    if crate::output::shard::hash_text(&text) != fp.scenario_hash {
        bail!(
            "{}: the scenario text was changed after the shard was written",
            text_path.display()
        );
    }
    Ok(ScenarioFile::load(Source {
        name: fp.scenario_file.clone(),
        text,
    })?)
}

/// Writes `out` as the concatenation of every shard's `rel` CSV file (the
/// header once), checking that shard `i` holds `rows(info)` rows.
pub fn concat_rows(
    shards: &Shards,
    rel: &Path,
    out: &Path,
    rows: impl Fn(&ShardInfo) -> u64,
) -> anyhow::Result<()> {
    let mut file =
        AtomicFile::create(out).with_context(|| format!("{}: cannot create", out.display()))?;
    let mut header: Option<String> = None;
    for (dir, info) in shards {
        let p = dir.join(rel);
        let mut r = BufReader::new(
            std::fs::File::open(&p).with_context(|| format!("{}: cannot read", p.display()))?,
        );
        let mut line = String::new();
        let mut first = true;
        let mut n = 0u64;
        loop {
            line.clear();
            if r.read_line(&mut line)
                .with_context(|| format!("{}: cannot read", p.display()))?
                == 0
            {
                break;
            }
            if first {
                first = false;
                match &header {
                    Some(h) if h != &line => bail!(
                        "{}: its columns differ from {}'s",
                        p.display(),
                        shards[0].0.join(rel).display()
                    ),
                    Some(_) => continue,
                    None => {
                        header = Some(line.clone());
                        file.write_all(line.as_bytes())?;
                        continue;
                    }
                }
            }
            n += 1;
            file.write_all(line.as_bytes())
                .with_context(|| format!("{}: cannot write", out.display()))?;
        }
        let want = rows(info);
        if n != want {
            bail!(
                "{}: {n} rows, but shard {}/{} holds {want} rows; the shard folder is damaged: run that shard again",
                p.display(),
                info.shard,
                info.of,
            );
        }
    }
    file.commit()
        .with_context(|| format!("{}: cannot write", out.display()))?;
    Ok(())
}

/// Folds every shard's `rel` segments (a CBOR sequence) into `total`, in
/// run order, checking that they follow each other and cover each shard's
/// runs. `runs_of` counts a segment's runs; `fits` checks its shape.
pub fn fold_segments<T: serde::de::DeserializeOwned>(
    shards: &Shards,
    rel: &Path,
    total: &mut T,
    merge: impl Fn(&mut T, &T),
    runs_of: impl Fn(&T) -> u64,
    fits: impl Fn(&T) -> bool,
) -> anyhow::Result<()> {
    let mut expect_run = 0u64;
    for (dir, info) in shards {
        let p = dir.join(rel);
        let mut r = BufReader::new(
            std::fs::File::open(&p).with_context(|| format!("{}: cannot read", p.display()))?,
        );
        let mut segs = 0u64;
        while let Some(seg) =
            read_segment::<T>(&mut r).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
        {
            if seg.first_run != expect_run || !fits(&seg.agg) {
                bail!(
                    "{}: a segment starts at run {} (expected run {expect_run}) or does not fit the command; the shard folder is damaged: run that shard again",
                    p.display(),
                    seg.first_run
                );
            }
            expect_run += runs_of(&seg.agg);
            merge(total, &seg.agg);
            segs += 1;
        }
        if segs != info.segments || expect_run != info.first + info.count {
            bail!(
                "{}: {segs} segments up to run {expect_run}; shard {}/{} should end at run {}; the shard folder is damaged: run that shard again",
                p.display(),
                info.shard,
                info.of,
                info.first + info.count
            );
        }
    }
    Ok(())
}

/// The first line of what `merge` prints.
pub fn merged_line(shards: &Shards, out: &Path) -> String {
    let fp = &shards[0].1.fingerprint;
    format!(
        "Merged {} shards of `coalsim {}` into {}.\n",
        shards.len(),
        fp.command,
        out.display()
    )
}

fn merge_batch(out_dir: &Path, shards: &Shards) -> anyhow::Result<()> {
    let fp = shards[0].1.fingerprint.clone();
    check_ranges(shards, "runs", fp.runs).map_err(anyhow::Error::msg)?;
    let file = shard_scenario(shards)?;
    let s = &file.base;
    ensure_dir(out_dir)?;
    // runs.csv: the header once, then every shard's rows in shard order;
    // the segments are folded as they are read (memory stays flat).
    concat_rows(
        shards,
        Path::new("runs.csv"),
        &out_dir.join("runs.csv"),
        |i| i.count,
    )?;
    let mut total = Aggregates::new(s.max_rounds);
    fold_segments(
        shards,
        Path::new("segments.cbor"),
        &mut total,
        |t, a: &Aggregates| t.merge(a),
        |a| a.runs,
        |_| true,
    )?;
    if total.runs != fp.runs {
        bail!(
            "the shards hold {} runs; the batch has {}",
            total.runs,
            fp.runs
        );
    }
    let result = BatchResult {
        config: BatchConfig::new(fp.runs, fp.seed),
        aggregates: total,
    };
    let written = super::batch::finish_batch(s, out_dir, &result)?;

    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Merged {} shards ({} runs, seed {}) into {}:\n",
        shards.len(),
        fp.runs,
        fp.seed,
        out_dir.display()
    )?;
    write!(out, "{}", super::batch::plain_summary(&written.summary))?;
    writeln!(out)?;
    writeln!(out, "Files written in {}:", out_dir.display())?;
    for name in super::batch::FILES {
        writeln!(out, "  {name}")?;
    }
    for p in written.plots {
        writeln!(out, "  {}", p.display())?;
    }
    Ok(())
}
