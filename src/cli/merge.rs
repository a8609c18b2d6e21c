//! `coalsim merge OUT SHARD...`: the shard folders of one batch (written
//! by `coalsim batch --shard K/N`) into the files of the whole batch,
//! byte-identical to the batch run on one machine.
//!
//! The shards must belong together (same scenario text, seed, runs and
//! coalsim version: their fingerprints) and cover every run exactly once;
//! anything else is refused, naming what differs. runs.csv is the shards'
//! rows in order; the aggregates are the shards' segments folded in run
//! order (the fold a single machine does); everything else is written by
//! the batch's own writers ([`super::batch::finish_batch`]).

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use crate::batch::{Aggregates, BatchConfig, BatchResult};
use crate::output::files::{AtomicFile, ensure_dir};
use crate::output::shard::{check_shards, read_segment, read_shard_info};
use crate::scenario::{ScenarioFile, Source};

/// Arguments of `coalsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output directory for the merged batch.
    pub out: PathBuf,
    /// The shard folders (any order; every shard of the batch exactly once).
    #[arg(required = true, num_args = 1..)]
    pub shards: Vec<PathBuf>,
}

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
    let fp = shards[0].1.fingerprint.clone();
    let text_path = shards[0].0.join("scenario.toml");
    let text = std::fs::read_to_string(&text_path)
        .with_context(|| format!("{}: cannot read", text_path.display()))?;
    if crate::output::shard::hash_text(&text) != fp.scenario_hash {
        bail!(
            "{}: the scenario text was changed after the shard was written",
            text_path.display()
        );
    }
    let file = ScenarioFile::load(Source {
        name: fp.scenario_file.clone(),
        text,
    })?;
    let s = &file.base;

    ensure_dir(&args.out)?;
    // runs.csv: the header once, then every shard's rows in shard order;
    // the segments are folded as they are read (memory stays flat).
    let runs_path = args.out.join("runs.csv");
    let mut runs = AtomicFile::create(&runs_path)
        .with_context(|| format!("{}: cannot create", runs_path.display()))?;
    let mut total = Aggregates::new(s.max_rounds);
    let mut header: Option<String> = None;
    let mut rows = 0u64;
    let mut expect_run = 0u64;
    for (dir, info) in &shards {
        let p = dir.join("runs.csv");
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
                        shards[0].0.display()
                    ),
                    Some(_) => continue,
                    None => {
                        header = Some(line.clone());
                        runs.write_all(line.as_bytes())?;
                        continue;
                    }
                }
            }
            n += 1;
            runs.write_all(line.as_bytes())
                .with_context(|| format!("{}: cannot write", runs_path.display()))?;
        }
        if n != info.runs {
            bail!(
                "{}: {n} rows, but shard {}/{} holds {} runs; the shard folder is damaged: run that shard again",
                p.display(),
                info.shard,
                info.of,
                info.runs
            );
        }
        rows += n;
        let p = dir.join("segments.cbor");
        let mut r = BufReader::new(
            std::fs::File::open(&p).with_context(|| format!("{}: cannot read", p.display()))?,
        );
        let mut segs = 0u64;
        while let Some(seg) =
            read_segment(&mut r).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
        {
            if seg.first_run != expect_run {
                bail!(
                    "{}: a segment starts at run {}, expected run {expect_run}; the shard folder is damaged: run that shard again",
                    p.display(),
                    seg.first_run
                );
            }
            expect_run += seg.agg.runs;
            total.merge(&seg.agg);
            segs += 1;
        }
        if segs != info.segments || expect_run != info.first_run + info.runs {
            bail!(
                "{}: {segs} segments up to run {expect_run}; shard {}/{} should end at run {}; the shard folder is damaged: run that shard again",
                p.display(),
                info.shard,
                info.of,
                info.first_run + info.runs
            );
        }
    }
    if rows != fp.runs {
        bail!("the shards hold {rows} runs; the batch has {}", fp.runs);
    }
    runs.commit()
        .with_context(|| format!("{}: cannot write", runs_path.display()))?;
    let result = BatchResult {
        config: BatchConfig::new(fp.runs, fp.seed),
        aggregates: total,
    };
    let written = super::batch::finish_batch(s, &args.out, &result)?;

    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Merged {} shards ({} runs, seed {}) into {}:\n",
        shards.len(),
        fp.runs,
        fp.seed,
        args.out.display()
    )?;
    write!(out, "{}", super::batch::plain_summary(&written.summary))?;
    writeln!(out)?;
    writeln!(out, "Files written in {}:", args.out.display())?;
    for name in super::batch::FILES {
        writeln!(out, "  {name}")?;
    }
    for p in written.plots {
        writeln!(out, "  {}", p.display())?;
    }
    Ok(())
}
